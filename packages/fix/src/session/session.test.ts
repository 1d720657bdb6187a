// Session rules with a manual clock over an in-memory transport: heartbeats, TestRequest,
// timeouts, PossDup handling and resend — deterministic, no sockets.
import { createManualClock } from '@strongroom/core'
import { describe, expect, it } from 'vitest'
import { FixEncoder } from '../codec/encoder.js'
import { FixFramer } from '../codec/framer.js'
import { FixMessageView } from '../codec/messageView.js'
import { formatUtcTimestamp } from '../codec/timestamp.js'
import { tokenizeFixMessage } from '../codec/tokenize.js'
import { buildNewOrderSingle, readNewOrderSingle } from '../messages/orders.js'
import { createMemoryStore } from '../store/messageStore.js'
import { FixSession } from './session.js'
import type { FixSessionConfig, FixSessionDeps } from './sessionConfig.js'
import { createFixSpinLoop } from './spinLoop.js'
import type { FixApplicationResult, FixInboundMessage, FixSessionEvent } from './types.js'

const START = Date.UTC(2026, 0, 5, 12, 0, 0)

function setup(
  config: Partial<FixSessionConfig> = {},
  onMessage?: (m: FixInboundMessage) => FixApplicationResult,
  deps: Pick<FixSessionDeps, 'spinLoop'> = {},
) {
  const clock = createManualClock(START)
  const events: FixSessionEvent[] = []
  const delivered: string[] = []
  const session = new FixSession(
    { senderCompId: 'ISLD', targetCompId: 'TW44', store: createMemoryStore(), ...config },
    {
      ...deps,
      role: 'acceptor',
      clock,
      application: {
        onEvent: (e) => events.push(e),
        onMessage: (m) => {
          delivered.push(`${m.msgType}:${m.view.get(11)}:${m.possDup ? 'Y' : 'N'}`)
          return onMessage?.(m)
        },
      },
    },
  )
  const written: Uint8Array[] = []
  let open = true
  session.attach({
    write: (b) => written.push(Uint8Array.prototype.slice.call(b)),
    end: () => (open = false),
  })
  const encoder = new FixEncoder()
  const send = (msgType: string, seq: number, body = '', header = '') => {
    encoder.begin(msgType).int(34, seq)
    if (header) encoder.raw(Buffer.from(header.replaceAll('|', '\x01'), 'latin1'))
    encoder.str(49, 'TW44').str(52, formatUtcTimestamp(clock.now())).str(56, 'ISLD')
    encoder.raw(Buffer.from(body.replaceAll('|', '\x01'), 'latin1'))
    const bytes = encoder.finish()
    session.receive(bytes, 0, bytes.length)
    session.flush()
  }
  const out = (): string[] => {
    const framer = new FixFramer()
    const result: string[] = []
    for (const chunk of written.splice(0)) {
      framer.push(chunk)
      while (framer.next() === 'frame') {
        const v = new FixMessageView()
        tokenizeFixMessage(framer.frameBytes, framer.frameStart, framer.frameEnd, v)
        result.push(
          [...Array(v.count).keys()]
            .map((i) => `${v.tagAt(i)}=${v.valueAt(i)}`)
            .filter((f) => !/^(8|9|10|49|56|52|122)=/.test(f))
            .join('|'),
        )
      }
    }
    return result
  }
  const tick = (ms: number) => {
    clock.advance(ms)
    session.tick()
    session.flush()
  }
  return { session, clock, events, delivered, send, out, tick, isOpen: () => open }
}

describe('FixSession rules (manual clock)', () => {
  it('heartbeats, TestRequest after 1.2 intervals, disconnect after 2.4', () => {
    const s = setup()
    s.send('A', 1, '98=0|108=10|')
    expect(s.out()).toEqual(['35=A|34=1|98=0|108=10'])
    s.tick(9_000)
    expect(s.out()).toEqual([])
    s.tick(1_000)
    expect(s.out()).toEqual(['35=0|34=2']) // nothing sent for 10 s
    s.tick(2_000)
    expect(s.out()).toEqual(['35=1|34=3|112=TEST']) // nothing received for 12 s
    s.send('0', 2, '112=TEST|')
    s.tick(11_000)
    expect(s.out()).toEqual(['35=0|34=4'])
    s.tick(3_000) // 14 s without input
    expect(s.out()).toEqual(['35=1|34=5|112=TEST'])
    expect(s.isOpen()).toBe(true)
    s.tick(10_000) // 24 s without input
    expect(s.isOpen()).toBe(false)
    expect(s.events).toContainEqual({
      type: 'disconnected',
      reason: 'timed out waiting for heartbeat',
    })
  })

  it('ends the session when its Logout is not answered within the logout timeout', () => {
    const s = setup({ logoutTimeoutSeconds: 2 })
    s.send('A', 1, '98=0|108=30|')
    s.session.logout('bye')
    s.session.flush()
    expect(s.out()).toEqual(['35=A|34=1|98=0|108=30', '35=5|34=2|58=bye'])
    s.tick(1_000)
    expect(s.isOpen()).toBe(true)
    s.tick(1_000)
    expect(s.isOpen()).toBe(false)
  })

  it('queues too-high messages, asks once, and delivers in order when the gap fills', () => {
    const s = setup()
    s.send('A', 1, '98=0|108=30|')
    s.out()
    const order = (id: string) => `11=${id}|21=1|40=1|54=1|55=X|60=20260105-12:00:00|`
    s.send('D', 4, order('c'))
    s.send('D', 5, order('d'))
    expect(s.out()).toEqual(['35=2|34=2|7=2|16=0'])
    expect(s.delivered).toEqual([])
    s.send('D', 2, order('a'))
    s.send('D', 2, order('a'), '43=Y|')
    expect(s.out()).toEqual(['35=3|34=3|45=2|58=Required tag missing|371=122|372=D|373=1'])
    s.send('4', 3, '36=4|123=Y|', '43=Y|')
    expect(s.delivered).toEqual(['D:a:N', 'D:c:N', 'D:d:N'])
    expect(s.session.nextTargetSeqNum).toBe(6)
  })

  it('resends application messages with PossDupFlag and gap-fills admin ones', () => {
    const s = setup()
    s.send('A', 1, '98=0|108=30|')
    s.session.send(
      buildNewOrderSingle({
        clOrdId: 'X1',
        symbol: 'S',
        side: '1',
        transactTime: START,
        orderQty: '1',
        ordType: '1',
      }),
    )
    s.tick(30_000) // heartbeat 3
    s.session.send(
      buildNewOrderSingle({
        clOrdId: 'X2',
        symbol: 'S',
        side: '2',
        transactTime: START,
        orderQty: '1',
        ordType: '1',
      }),
    )
    s.session.flush()
    s.out()
    s.send('2', 2, '7=1|16=0|')
    expect(s.out()).toEqual([
      '35=4|34=1|43=Y|36=2|123=Y',
      '35=D|34=2|43=Y|11=X1|55=S|54=1|60=20260105-12:00:00.000|38=1|40=1',
      '35=4|34=3|43=Y|36=4|123=Y',
      '35=D|34=4|43=Y|11=X2|55=S|54=2|60=20260105-12:00:00.000|38=1|40=1',
    ])
  })

  it('rejects SendingTime too far from the clock, then logs out', () => {
    const s = setup()
    s.send('A', 1, '98=0|108=30|')
    s.out()
    s.clock.advance(0)
    const encoder = new FixEncoder()
    const bytes = encoder
      .begin('0')
      .int(34, 2)
      .str(49, 'TW44')
      .str(52, formatUtcTimestamp(START - 121_000))
      .str(56, 'ISLD')
      .finish()
    s.session.receive(bytes, 0, bytes.length)
    s.session.flush()
    expect(s.out()).toEqual([
      '35=3|34=2|45=2|58=SendingTime accuracy problem|372=0|373=10',
      '35=5|34=3',
    ])
  })

  it('a too-low MsgSeqNum without PossDupFlag ends the session', () => {
    const s = setup()
    s.send('A', 1, '98=0|108=30|')
    s.send('0', 2)
    s.send('0', 2)
    expect(s.out()).toEqual([
      '35=A|34=1|98=0|108=30',
      '35=5|34=2|58=MsgSeqNum too low, expecting 3 but received 2',
    ])
    expect(s.isOpen()).toBe(false)
  })

  it('a Logon with ResetSeqNumFlag resets both sides to 1', () => {
    const s = setup()
    s.send('A', 1, '98=0|108=30|')
    s.send('0', 2)
    s.send('A', 1, '98=0|108=30|141=Y|')
    expect(s.out()).toEqual(['35=A|34=1|98=0|108=30', '35=A|34=1|98=0|108=30|141=Y'])
    expect([s.session.nextSenderSeqNum, s.session.nextTargetSeqNum]).toEqual([2, 2])
  })

  it('an application that throws gets a BusinessMessageReject, and the sequence moves on', () => {
    const s = setup({}, (m) => {
      if (m.view.get(11) === 'boom') throw new Error('database down')
      readNewOrderSingle(m.view)
      return undefined
    })
    s.send('A', 1, '98=0|108=30|')
    s.out()
    s.send('D', 2, '11=A|21=1|40=1|54=1|60=20260105-12:00:00|') // no Symbol, no OrderQty
    s.send('D', 3, '11=boom|21=1|38=1|40=1|54=1|55=X|60=20260105-12:00:00|')
    expect(s.out()).toEqual([
      '35=j|34=2|45=2|58=symbol: is required (tag 55).|372=D|380=5',
      '35=j|34=3|45=3|58=Application not available|372=D|380=4',
    ])
    expect(s.session.nextTargetSeqNum).toBe(4)
  })
})

describe('FixSession output buffer', () => {
  it('never writes again to bytes handed to the transport, across flushes and buffers', () => {
    const clock = createManualClock(START)
    const store = createMemoryStore()
    const session = new FixSession(
      { senderCompId: 'ISLD', targetCompId: 'TW44', store },
      { role: 'acceptor', clock },
    )
    // Keep the very views the session hands over (a socket may hold them until written).
    const written: Uint8Array[] = []
    session.attach({ write: (b) => written.push(b), end: () => {} })
    const logon = new FixEncoder()
      .begin('A')
      .int(34, 1)
      .str(49, 'TW44')
      .str(52, formatUtcTimestamp(START))
      .str(56, 'ISLD')
      .int(98, 0)
      .int(108, 30)
      .finish()
    session.receive(logon, 0, logon.length)
    session.flush()
    const order = (n: number) =>
      buildNewOrderSingle({
        clOrdId: `C${n}`,
        symbol: 'BTC-USDC',
        side: '1',
        transactTime: START,
        orderQty: '1',
        ordType: '1',
      })
    // Batches of growing size: small flushes, flushes past 64 KiB inside a batch, and more than
    // 256 KiB in all (new output buffers with pending bytes carried over).
    let n = 0
    for (const size of [1, 3, 500, 1, 2500, 7, 1200]) {
      for (let i = 0; i < size; i++) session.send(order(++n))
      session.flush()
    }
    expect(written.reduce((a, b) => a + b.length, 0)).toBeGreaterThan(2 * 262_144)
    const framer = new FixFramer()
    const seen: string[] = []
    for (const chunk of written) {
      framer.push(chunk)
      while (framer.next() === 'frame') {
        const v = new FixMessageView()
        expect(tokenizeFixMessage(framer.frameBytes, framer.frameStart, framer.frameEnd, v)).toBe(
          undefined,
        )
        if (v.msgType === 'D') seen.push(`${v.getInt(34)}:${readNewOrderSingle(v).clOrdId}`)
      }
    }
    expect(seen).toEqual(Array.from({ length: n }, (_, i) => `${i + 2}:C${i + 1}`))
    // The store holds the same bytes.
    const stored = store.getRange(2, n + 1, n)
    expect(stored.length).toBe(n)
    const v = new FixMessageView()
    tokenizeFixMessage(stored[n - 1]!.bytes, 0, stored[n - 1]!.bytes.length, v)
    expect(readNewOrderSingle(v).clOrdId).toBe(`C${n}`)
  })
})

describe("FixSession idleStrategy 'spin'", () => {
  it('holds the spin loop from logon to logout, and reports messages as activity', async () => {
    let now = 0
    const loop = createFixSpinLoop({ now: () => now })
    const s = setup({ idleStrategy: 'spin', spinMaxMs: 50 }, undefined, { spinLoop: loop })
    expect(loop.state.holders).toBe(0)
    s.send('A', 1, '98=0|108=30|')
    expect(s.session.isLoggedOn).toBe(true)
    expect(loop.state).toMatchObject({ holders: 1, spinning: true })
    await new Promise((r) => setImmediate(r))
    now = 60 // idle past the cap: the loop sleeps, the session still holds it
    await new Promise((r) => setImmediate(r))
    await new Promise((r) => setImmediate(r))
    expect(loop.state).toMatchObject({ holders: 1, spinning: false })
    s.send('0', 2) // a received message wakes it
    expect(loop.state.spinning).toBe(true)
    s.send('5', 3, '58=bye|')
    expect(s.out()).toEqual(['35=A|34=1|98=0|108=30', '35=5|34=2'])
    expect(s.isOpen()).toBe(false)
    expect(loop.state).toMatchObject({ holders: 0, spinning: false })
  })

  it('releases the loop when the session starts the logout or loses the connection', () => {
    const loop = createFixSpinLoop()
    const a = setup({ idleStrategy: 'spin' }, undefined, { spinLoop: loop })
    const b = setup({ idleStrategy: 'spin' }, undefined, { spinLoop: loop })
    a.send('A', 1, '98=0|108=30|')
    b.send('A', 1, '98=0|108=30|')
    expect(loop.state.holders).toBe(2)
    a.session.logout('bye')
    expect(loop.state).toMatchObject({ holders: 1, spinning: true })
    b.session.detached('connection closed')
    expect(loop.state).toMatchObject({ holders: 0, spinning: false })
  })

  it('refuses an unknown strategy or a negative or non-numeric spinMaxMs', () => {
    const config = { senderCompId: 'ISLD', targetCompId: 'TW44', store: createMemoryStore() }
    const make = (extra: object) =>
      new FixSession({ ...config, ...extra } as FixSessionConfig, { role: 'acceptor' })
    expect(() => make({ idleStrategy: 'busy' })).toThrow(
      expect.objectContaining({ code: 'FIX_INVALID_CONFIG', path: ['idleStrategy'] }),
    )
    for (const spinMaxMs of [-1, Number.NaN, '100']) {
      expect(() => make({ idleStrategy: 'spin', spinMaxMs })).toThrow(
        expect.objectContaining({ code: 'FIX_INVALID_CONFIG', path: ['spinMaxMs'] }),
      )
    }
    expect(make({ idleStrategy: 'spin', spinMaxMs: Number.POSITIVE_INFINITY }).isLoggedOn).toBe(
      false,
    )
  })

  it("never holds it with the default 'sleep' strategy", () => {
    const loop = createFixSpinLoop()
    const s = setup({}, undefined, { spinLoop: loop })
    s.send('A', 1, '98=0|108=30|')
    s.send('0', 2)
    expect(s.session.isLoggedOn).toBe(true)
    expect(loop.state).toEqual({ holders: 0, spinning: false, turns: 0 })
  })
})
