// Acceptor and initiator over real TCP and TLS sockets on loopback.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { createTempDir } from '@strongroom/testkit'
import { afterAll, describe, expect, it } from 'vitest'
import { BusinessRejectReason } from '../src/codec/rejectReasons.js'
import {
  buildExecutionReport,
  buildNewOrderSingle,
  readExecutionReport,
  readNewOrderSingle,
} from '../src/messages/orders.js'
import { type CreateFixAcceptorParameters, createFixAcceptor } from '../src/session/acceptor.js'
import { type CreateFixInitiatorParameters, createFixInitiator } from '../src/session/initiator.js'
import { getFixSpinLoop } from '../src/session/spinLoop.js'
import type { FixApplication, FixSessionEvent } from '../src/session/types.js'
import { openFileStore } from '../src/store/fileStore.js'
import { createMemoryStore } from '../src/store/messageStore.js'

const temp = createTempDir('strongroom-fix-session-')
afterAll(() => temp.remove())

const until = async (check: () => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time')
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** An exchange: answers every NewOrderSingle with an ExecutionReport (new). */
const exchange: FixApplication = {
  onMessage(message, session) {
    if (message.msgType !== 'D')
      return { businessReject: { reason: BusinessRejectReason.unsupportedMessageType } }
    const order = readNewOrderSingle(message.view)
    session.send(
      buildExecutionReport({
        orderId: `O-${order.clOrdId}`,
        clOrdId: order.clOrdId,
        execId: `E-${order.clOrdId}`,
        execType: '0',
        ordStatus: '0',
        symbol: order.symbol,
        side: order.side,
        orderQty: order.orderQty,
        leavesQty: order.orderQty,
        cumQty: '0',
        avgPx: '0',
      }),
    )
    return undefined
  },
}

const order = (id: string) =>
  buildNewOrderSingle({
    clOrdId: id,
    symbol: 'BTC-USDC',
    side: '1',
    transactTime: Date.now(),
    orderQty: '1',
    ordType: '1',
  })

function client(
  port: number,
  overrides: Partial<CreateFixInitiatorParameters> & {
    received?: string[]
    events?: FixSessionEvent[]
  } = {},
) {
  const received = overrides.received ?? []
  const events = overrides.events ?? []
  return {
    received,
    events,
    initiator: createFixInitiator({
      host: '127.0.0.1',
      port,
      reconnectIntervalMs: 100,
      session: {
        senderCompId: 'CLIENT',
        targetCompId: 'VENUE',
        store: createMemoryStore(),
        heartBtInt: 30,
        ...overrides.session,
      },
      application: {
        onMessage(message) {
          if (message.msgType === '8')
            received.push(readExecutionReport(message.view).clOrdId ?? '')
          return undefined
        },
        onEvent: (event) => events.push(event),
      },
      ...(overrides.tls ? { tls: overrides.tls } : {}),
    }),
  }
}

async function venue(parameters: Partial<CreateFixAcceptorParameters> = {}) {
  const acceptor = createFixAcceptor({
    host: '127.0.0.1',
    port: 0,
    sessions: [{ senderCompId: 'VENUE', targetCompId: 'CLIENT', store: createMemoryStore() }],
    application: exchange,
    ...parameters,
  })
  const { port } = await acceptor.listen()
  return { acceptor, port }
}

describe('FIX session over TCP', () => {
  it('logs on, trades, logs out', async () => {
    const { acceptor, port } = await venue()
    const { initiator, received } = client(port)
    initiator.start()
    await initiator.waitForLogon()
    expect(acceptor.session('VENUE', 'CLIENT')?.isLoggedOn).toBe(true)
    for (let i = 1; i <= 50; i++) initiator.session.send(order(`C${i}`))
    await until(() => received.length === 50)
    expect(received).toEqual(Array.from({ length: 50 }, (_, i) => `C${i + 1}`))
    expect(initiator.session.nextSenderSeqNum).toBe(52)
    expect(initiator.session.nextTargetSeqNum).toBe(52)
    await initiator.stop()
    await until(() => !acceptor.session('VENUE', 'CLIENT')!.isConnected)
    await acceptor.close()
  })

  it("with idleStrategy 'spin', both sides share the process's spin loop until they log out", async () => {
    const loop = getFixSpinLoop()
    const { acceptor, port } = await venue({
      sessions: [
        {
          senderCompId: 'VENUE',
          targetCompId: 'CLIENT',
          store: createMemoryStore(),
          idleStrategy: 'spin',
        },
      ],
    })
    const { initiator, received } = client(port, {
      session: {
        senderCompId: 'CLIENT',
        targetCompId: 'VENUE',
        store: createMemoryStore(),
        idleStrategy: 'spin',
      },
    })
    const before = loop.state
    expect(before).toMatchObject({ holders: 0, spinning: false })
    initiator.start()
    await initiator.waitForLogon()
    await until(() => acceptor.session('VENUE', 'CLIENT')!.isLoggedOn)
    expect(loop.state).toMatchObject({ holders: 2, spinning: true })
    for (let i = 1; i <= 20; i++) {
      initiator.session.send(order(`S${i}`))
      await until(() => received.length === i)
    }
    expect(loop.state.turns).toBeGreaterThan(before.turns)
    await initiator.stop()
    await until(() => !acceptor.session('VENUE', 'CLIENT')!.isConnected)
    expect(loop.state).toMatchObject({ holders: 0, spinning: false })
    await acceptor.close()
  })

  it('serves many counterparties on one listener, each with its own state and store', async () => {
    const stores = new Map<string, ReturnType<typeof createMemoryStore>>()
    const { acceptor, port } = await venue({
      sessions: [],
      resolveSession: (id) => {
        if (!id.targetCompId.startsWith('FIRM')) return undefined
        const store = createMemoryStore()
        stores.set(id.targetCompId, store)
        return { senderCompId: id.senderCompId, targetCompId: id.targetCompId, store }
      },
    })
    const firms = ['FIRM1', 'FIRM2', 'FIRM3'].map((name) => ({
      name,
      ...client(port, {
        session: { senderCompId: name, targetCompId: 'VENUE', store: createMemoryStore() },
      }),
    }))
    for (const f of firms) f.initiator.start()
    await Promise.all(firms.map((f) => f.initiator.waitForLogon()))
    firms.forEach((f, i) => {
      for (let n = 0; n <= i; n++) f.initiator.session.send(order(`${f.name}-${n}`))
    })
    await until(() => firms.every((f, i) => f.received.length === i + 1))
    expect(firms.map((f) => f.received)).toEqual([
      ['FIRM1-0'],
      ['FIRM2-0', 'FIRM2-1'],
      ['FIRM3-0', 'FIRM3-1', 'FIRM3-2'],
    ])
    expect([...stores.entries()].map(([k, s]) => [k, s.nextTargetSeqNum]).sort()).toEqual([
      ['FIRM1', 3],
      ['FIRM2', 4],
      ['FIRM3', 5],
    ])
    // An unknown CompID is refused without a logon.
    const stranger = client(port, {
      session: { senderCompId: 'NOBODY', targetCompId: 'VENUE', store: createMemoryStore() },
    })
    stranger.initiator.start()
    await until(() => stranger.events.some((e) => e.type === 'disconnected'))
    expect(stranger.initiator.session.isLoggedOn).toBe(false)
    await stranger.initiator.stop()
    await Promise.all(firms.map((f) => f.initiator.stop()))
    await acceptor.close()
  })

  it('runs the logon authentication hook (sync refusal with text, async acceptance)', async () => {
    const { acceptor, port } = await venue({
      authenticate: async ({ logon, remoteAddress }) => {
        await new Promise((r) => setTimeout(r, 20))
        expect(remoteAddress).toBe('127.0.0.1')
        return logon.get(554) === 'secret' ? true : { reject: 'bad password' }
      },
    })
    const login = (password: string) =>
      client(port, {
        session: {
          senderCompId: 'CLIENT',
          targetCompId: 'VENUE',
          store: createMemoryStore(),
          logonFields: [
            [553, 'alice'],
            [554, password],
          ],
        },
      })
    const wrong = login('nope')
    wrong.initiator.start()
    await until(() => wrong.events.some((e) => e.type === 'disconnected'))
    await wrong.initiator.stop()
    expect(wrong.events).toContainEqual({ type: 'logout_received', text: 'bad password' })
    expect(wrong.events.some((e) => e.type === 'logon')).toBe(false)
    const right = login('secret')
    right.initiator.start()
    await right.initiator.waitForLogon()
    right.initiator.session.send(order('AUTH-1'))
    await until(() => right.received.length === 1)
    await right.initiator.stop()
    await acceptor.close()
  })

  it('works over TLS', async () => {
    const key = join(temp.path, 'key.pem')
    const cert = join(temp.path, 'cert.pem')
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost',
      ],
      { stdio: 'ignore' },
    )
    const { acceptor, port } = await venue({
      tls: { key: readFileSync(key), cert: readFileSync(cert) },
    })
    const { initiator, received } = client(port, {
      tls: { ca: readFileSync(cert), servername: 'localhost' },
    })
    initiator.start()
    await initiator.waitForLogon()
    initiator.session.send(order('TLS-1'))
    await until(() => received.length === 1)
    expect(received).toEqual(['TLS-1'])
    await initiator.stop()
    await acceptor.close()
  })

  it('recovers a long gap through a ResendRequest served in bounded chunks', async () => {
    const store = openFileStore({
      directory: join(temp.path, 'chunks'),
      name: 'venue',
      now: Date.now(),
    })
    const venueEvents: FixSessionEvent[] = []
    const { acceptor, port } = await venue({
      sessions: [{ senderCompId: 'VENUE', targetCompId: 'CLIENT', store, resendChunkSize: 100 }],
      application: { ...exchange, onEvent: (e) => venueEvents.push(e) },
    })
    const clientStore = createMemoryStore()
    const first = client(port, {
      session: { senderCompId: 'CLIENT', targetCompId: 'VENUE', store: clientStore },
    })
    first.initiator.start()
    await first.initiator.waitForLogon()
    await first.initiator.stop()
    // While the client is away the venue keeps sending: stored, not written.
    const session = acceptor.session('VENUE', 'CLIENT')!
    for (let i = 1; i <= 1000; i++) {
      session.send(
        buildExecutionReport({
          orderId: 'O',
          clOrdId: `R${i}`,
          execId: `E${i}`,
          execType: '0',
          ordStatus: '0',
          symbol: 'BTC-USDC',
          side: '1',
          leavesQty: '1',
          cumQty: '0',
          avgPx: '0',
        }),
      )
    }
    const second = client(port, {
      session: { senderCompId: 'CLIENT', targetCompId: 'VENUE', store: clientStore },
    })
    second.initiator.start()
    await until(() => second.received.length >= 1000, 20_000)
    expect(second.received).toEqual(Array.from({ length: 1000 }, (_, i) => `R${i + 1}`))
    const chunks = venueEvents.filter((e) => e.type === 'resend_chunk')
    expect(chunks.length).toBeGreaterThanOrEqual(10)
    expect(chunks.every((c) => c.type === 'resend_chunk' && c.messages <= 100)).toBe(true)
    expect(second.events.some((e) => e.type === 'resend_request_sent')).toBe(true)
    await second.initiator.stop()
    await acceptor.close()
  })

  it('refuses logons outside the scheduled session time', async () => {
    const hour = new Date().getUTCHours()
    const pad = (h: number) => `${String(h % 24).padStart(2, '0')}:00:00`
    const { acceptor, port } = await venue({
      sessions: [
        {
          senderCompId: 'VENUE',
          targetCompId: 'CLIENT',
          store: createMemoryStore(),
          schedule: { start: pad(hour + 2), end: pad(hour + 3) },
        },
      ],
    })
    const c = client(port)
    c.initiator.start()
    await until(() => c.events.some((e) => e.type === 'disconnected'))
    expect(c.initiator.session.isLoggedOn).toBe(false)
    await c.initiator.stop()
    await acceptor.close()
  })

  it('closes a connection that sends no Logon in time', async () => {
    const { acceptor, port } = await venue({ logonTimeoutMs: 200 })
    const socket = connect({ host: '127.0.0.1', port })
    const closed = await new Promise<number>((resolve) => {
      const t0 = Date.now()
      socket.on('close', () => resolve(Date.now() - t0))
      socket.on('error', () => {})
      socket.write('8=FIX.4.4\x01') // a start, never finished
    })
    expect(closed).toBeGreaterThanOrEqual(150)
    expect(closed).toBeLessThan(5_000)
    await acceptor.close()
  })

  it('requires an explicit bind address and unique sessions', () => {
    expect(() => createFixAcceptor({ host: '', port: 0 })).toThrowError(
      expect.objectContaining({ code: 'FIX_INVALID_CONFIG', path: ['host'], rule: 'required' }),
    )
    const config = { senderCompId: 'VENUE', targetCompId: 'CLIENT', store: createMemoryStore() }
    expect(() =>
      createFixAcceptor({ host: '127.0.0.1', port: 0, sessions: [config, config] }),
    ).toThrowError(expect.objectContaining({ code: 'FIX_INVALID_CONFIG', rule: 'unique' }))
  })
})
