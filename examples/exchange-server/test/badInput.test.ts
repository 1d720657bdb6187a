// Bad input through the real interfaces (REST, WebSocket, FIX) and floods beyond the rate limit:
// each gets a clear typed error naming the field, changes no state (the core's state hash, its
// applied sequence, balances and open orders are compared before and after), and everyone else
// keeps being served.
import { request } from 'node:http'
import { createTempDir } from '@strongroom/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRestClient, type RestClient } from '../src/client/restClient.js'
import { AUTH_HEADERS, signRequest } from '../src/gateway/auth.js'
import { fixLogonPassword, startFixGateway, VENUE_COMP_ID } from '../src/gateway/fixGateway.js'
import type { RunningExchange } from '../src/server.js'
import {
  flood,
  openRawFixClient,
  openWs,
  quietLogger,
  startTestExchange,
  until,
} from './support.js'

const dir = createTempDir('strongroom-exchange-bad-input-')
let exchange: RunningExchange
let fixPort: number
let admin: RestClient
const keys: Record<string, { keyId: string; secret: string; client: RestClient }> = {}

beforeAll(async () => {
  exchange = await startTestExchange({
    dataDir: dir.path,
    blockTimeMs: 500,
    rateLimit: { perSecond: 50, burst: 100 },
  })
  const fix = await startFixGateway({ exchange, port: 0, host: '127.0.0.1', logger: quietLogger })
  exchange.onClose(() => fix.close())
  fixPort = fix.port
  admin = createRestClient({ baseUrl: exchange.urls.http, ...exchange.adminKey })
  for (const accountId of ['alice', 'bob', 'flooder']) {
    const key = await admin.post<{ keyId: string; secret: string }>('/v1/admin/accounts', {
      accountId,
      permissions: ['read', 'trade'],
      kycLevel: 2,
    })
    keys[accountId] = { ...key, client: createRestClient({ baseUrl: exchange.urls.http, ...key }) }
    await admin.post('/v1/admin/faucet', { accountId, asset: 'USDC', amount: '100000' })
  }
  // A resting order, so the book and the open orders have something to lose.
  await keys.alice!.client.post('/v1/orders', order({ price: '2900' }))
}, 120_000)

/** Client connections to drop before the exchange closes, whatever a test left open. */
const cleanups: (() => void)[] = []

afterAll(async () => {
  for (const cleanup of cleanups) cleanup()
  await exchange?.close()
  dir.remove()
})

function order(overrides: Record<string, unknown> = {}) {
  return {
    symbol: 'ETH-USDC',
    side: 'buy',
    type: 'limit',
    price: '2950',
    quantity: '0.5',
    ...overrides,
  }
}

/** Everything a rejected request must leave as it was. */
async function observable() {
  const state = await admin.get<{ appliedSeq: number; stateHash: string }>('/v1/admin/state')
  const perAccount: Record<string, unknown> = {}
  for (const [account, { client }] of Object.entries(keys)) {
    perAccount[account] = {
      balances: (await client.get<{ balances: unknown[] }>('/v1/balances')).balances,
      orders: (await client.get<{ orders: unknown[] }>('/v1/orders')).orders,
    }
  }
  return { appliedSeq: state.appliedSeq, stateHash: state.stateHash, perAccount }
}

type ErrorBody = { error: { code: string; message: string; issues?: { path: unknown[] }[] } }

/** A request signed correctly (valid key, fresh timestamp, HMAC over these exact bytes). */
async function signed(
  account: string,
  method: string,
  path: string,
  body: string,
  contentType = 'application/json',
) {
  const { keyId, secret } = keys[account]!
  const timestamp = String(Date.now())
  const response = await fetch(`${exchange.urls.http}${path}`, {
    method,
    ...(body === '' ? {} : { body }),
    headers: {
      'content-type': contentType,
      [AUTH_HEADERS.key]: keyId,
      [AUTH_HEADERS.timestamp]: timestamp,
      [AUTH_HEADERS.signature]: signRequest(secret, { timestamp, method, path, body }),
    },
  })
  return { status: response.status, body: (await response.json()) as ErrorBody }
}
const paths = (body: ErrorBody) => body.error.issues?.map((i) => i.path)

describe('bad input changes nothing and the server keeps serving', () => {
  it('REST: malformed JSON, unknown fields, wrong types, oversized bodies, bad signatures', async () => {
    const before = await observable()
    expect(await signed('alice', 'POST', '/v1/orders', '{"symbol":"ETH-USDC",')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_json' } },
    })
    const notObject = await signed('alice', 'POST', '/v1/orders', '[1,2]')
    expect(notObject).toMatchObject({ status: 422, body: { error: { code: 'validation_failed' } } })
    expect(paths(notObject.body)).toEqual([['body']])
    const unknown = await signed(
      'alice',
      'POST',
      '/v1/orders',
      JSON.stringify(order({ leverage: 5 })),
    )
    expect(unknown.status).toBe(422)
    expect(paths(unknown.body)).toEqual([['body', 'leverage']])
    expect(unknown.body.error.issues?.[0]).toMatchObject({ message: 'unknown field "leverage"' })
    for (const [field, value] of [
      ['price', 2950],
      ['quantity', '-1'],
      ['side', 'up'],
      ['symbol', 42],
      ['timeInForce', 'forever'],
    ] as const) {
      const wrong = await signed(
        'alice',
        'POST',
        '/v1/orders',
        JSON.stringify(order({ [field]: value })),
      )
      expect(wrong.status, field).toBe(422)
      expect(paths(wrong.body), field).toContainEqual(['body', field])
    }
    const { symbol: _symbol, ...noSymbol } = order()
    const missing = await signed('alice', 'POST', '/v1/orders', JSON.stringify(noSymbol))
    expect(paths(missing.body)).toContainEqual(['body', 'symbol'])
    const offGrid = await signed(
      'alice',
      'POST',
      '/v1/orders',
      JSON.stringify(order({ price: '2950.001' })),
    )
    expect(offGrid.body.error.issues).toEqual([
      expect.objectContaining({ code: 'off_grid', path: ['body', 'price'] }),
    ])
    expect(
      await signed('alice', 'POST', '/v1/orders', JSON.stringify(order({ symbol: 'DOGE-USDC' }))),
    ).toMatchObject({ status: 404, body: { error: { code: 'unknown_instrument' } } })
    expect(
      await signed('alice', 'POST', '/v1/orders', JSON.stringify(order()), 'text/plain'),
    ).toMatchObject({ status: 415, body: { error: { code: 'unsupported_media_type' } } })
    const badQuery = await signed('alice', 'GET', '/v1/markets/ETH-USDC/book?depth=lots', '')
    expect(badQuery.status).toBe(422)
    expect(paths(badQuery.body)).toEqual([['query', 'depth']])
    // Oversized, validly signed: refused by its declared length, and when streamed without one.
    const huge = JSON.stringify(order({ clientOrderId: 'x'.repeat(100_000) }))
    expect(await signed('alice', 'POST', '/v1/orders', huge)).toMatchObject({
      status: 413,
      body: { error: { code: 'body_too_large' } },
    })
    expect(await chunkedPost('/v1/orders', huge)).toMatchObject({
      status: 413,
      body: { error: { code: 'body_too_large' } },
    })
    // Bad signatures, stale timestamps, replays.
    const forged = createRestClient({
      baseUrl: exchange.urls.http,
      keyId: keys.alice!.keyId,
      secret: 'wrong',
    })
    expect(await forged.post('/v1/orders', order()).catch((e: unknown) => e)).toMatchObject({
      status: 401,
      code: 'bad_signature',
    })
    const stale = createRestClient({
      ...keys.alice!,
      baseUrl: exchange.urls.http,
      now: () => Date.now() - 60_000,
    })
    expect(await stale.post('/v1/orders', order()).catch((e: unknown) => e)).toMatchObject({
      status: 401,
      code: 'stale_timestamp',
    })
    const future = createRestClient({
      ...keys.alice!,
      baseUrl: exchange.urls.http,
      now: () => Date.now() + 60_000,
    })
    expect(await future.post('/v1/orders', order()).catch((e: unknown) => e)).toMatchObject({
      status: 401,
      code: 'stale_timestamp',
    })
    expect(await replayTwice('/v1/balances')).toEqual([200, 401])
    expect(await observable()).toEqual(before)
    // Still serving: a good order goes through.
    expect(await keys.bob!.client.post('/v1/orders', order({ price: '2800' }))).toMatchObject({
      status: 'open',
    })
  })

  it('WebSocket: malformed, oversized and binary frames, bad orders, private channels', async () => {
    const watcher = await openWs(exchange.urls.ws)
    cleanups.push(() => watcher.close())
    watcher.send({ op: 'subscribe', channel: 'book', symbol: 'ETH-USDC' })
    const ws = await openWs(exchange.urls.ws)
    cleanups.push(() => ws.close())
    const reply = async (message: unknown, n = ws.messages.length + 1) => {
      if (message instanceof Uint8Array) ws.sendBinary(message)
      else ws.send(message)
      return (await until(() => (ws.messages.length >= n ? ws.messages[n - 1] : undefined))) as {
        id?: unknown
        error?: { code: string; issues?: { path: unknown[] }[] }
      }
    }
    const before = await observable()
    expect((await reply('{"op":')).error?.code).toBe('invalid_json')
    expect((await reply({ op: 'dance' })).error).toMatchObject({
      code: 'validation_failed',
      issues: [expect.objectContaining({ path: ['op'] })],
    })
    expect((await reply(new Uint8Array([1, 2, 3]))).error?.code).toBe('binary_not_supported')
    expect((await reply('x'.repeat(20_000))).error?.code).toBe('message_too_large')
    for (const channel of ['orders', 'balances'])
      expect((await reply({ op: 'subscribe', channel })).error).toMatchObject({
        code: 'not_authenticated',
        issues: [expect.objectContaining({ path: ['channel'] })],
      })
    const good = {
      op: 'order',
      action: 'place',
      symbol: 'ETH-USDC',
      side: 'buy',
      price: 295_000,
      quantity: 5_000,
    }
    expect(await reply({ ...good, id: 1 })).toMatchObject({
      id: 1,
      error: { code: 'not_authenticated' },
    })
    ws.auth(keys.alice!.keyId, keys.alice!.secret)
    await until(() => (ws.messages.some((m) => m.authenticated === 'alice') ? true : undefined))
    for (const [id, message, field] of [
      [2, { ...good, price: '295000' }, 'price'],
      [3, { ...good, side: undefined }, 'side'],
      [4, { ...good, quantity: 0 }, 'quantity'],
      [5, { ...good, leverage: 3 }, 'leverage'],
      [6, { ...good, action: 'cancel' }, 'orderId'],
      [7, { ...good, clientOrderId: 'has spaces' }, 'clientOrderId'],
    ] as const) {
      const answer = await reply({ ...message, id })
      expect(answer.id, field).toBe(id)
      expect(answer.error?.code, field).toBe('validation_failed')
      expect(
        answer.error?.issues?.map((i) => i.path),
        field,
      ).toContainEqual([field])
    }
    expect(await reply({ ...good, id: 8, symbol: 'DOGE-USDC' })).toMatchObject({
      id: 8,
      error: { code: 'unknown_instrument', issues: [{ path: ['symbol'] }] },
    })
    expect(await reply({ ...good, id: 9, quantity: 1e12 })).toMatchObject({
      id: 9,
      error: { code: 'validation_failed', issues: [{ code: 'too_big', path: ['quantity'] }] },
    })
    expect(await observable()).toEqual(before)
    // The connection is still usable, and another client saw nothing odd.
    expect(ws.isOpen()).toBe(true)
    expect(await reply({ op: 'subscribe', channel: 'orders' })).toEqual({ subscribed: 'orders' })
    ws.send({ ...good, id: 10 })
    expect(await until(() => ws.messages.find((m) => m.id === 10))).toMatchObject({ ok: true })
    await until(() => watcher.messages.find((m) => m.type === 'delta'), 5_000, 'a book delta')
    expect(watcher.messages.some((m) => m.error !== undefined)).toBe(false)
    // A frame beyond the hard cap is not even buffered: that connection alone is closed (1009).
    const abuser = await openWs(exchange.urls.ws)
    cleanups.push(() => abuser.close())
    abuser.send('x'.repeat(2 * 1024 * 1024))
    expect(await abuser.closed).toBe(1009)
    expect(ws.isOpen() && watcher.isOpen()).toBe(true)
  })

  it('FIX: NewOrderSingle with missing tags or invalid values is rejected, the session stays up', async () => {
    const fix = await openRawFixClient({
      port: fixPort,
      sender: keys.bob!.keyId,
      target: VENUE_COMP_ID,
    })
    try {
      fix.send('A', [
        [98, '0'],
        [108, '30'],
        [141, 'Y'],
        [553, keys.bob!.keyId],
        [554, fixLogonPassword(keys.bob!.keyId, keys.bob!.secret)],
      ])
      await until(() => fix.received.find((m) => m.get(35) === 'A'), 10_000, 'the logon')
      const before = await observable()
      const nos = (
        clOrdId: string | undefined,
        skip: number[] = [],
        values: Record<number, string> = {},
      ) => {
        const fields: [number, string][] = [
          [11, clOrdId ?? ''],
          [55, 'ETH-USDC'],
          [54, '1'],
          [60, '20260101-00:00:00.000'],
          [38, '0.5'],
          [40, '2'],
          [44, '2950'],
        ]
        fix.send(
          'D',
          fields
            .filter(([tag]) => !skip.includes(tag) && !(tag === 11 && clOrdId === undefined))
            .map(([tag, value]) => [tag, values[tag] ?? value] as const),
        )
      }
      nos('no-qty', [38])
      nos('bad-qty', [], { 38: '-1' })
      nos('off-grid', [], { 44: '2950.001' })
      nos('no-price', [44])
      nos('bad-symbol', [], { 55: 'DOGE-USDC' })
      nos('bad-side', [], { 54: 'Z' })
      nos('bad-qty-format', [], { 38: 'lots' })
      nos(undefined) // no ClOrdID (11)
      const answer = (what: string, match: (m: Map<number, string>) => boolean) =>
        until(() => fix.received.find(match), 5_000, what)
      const rejected = async (clOrdId: string) =>
        (
          await answer(
            clOrdId,
            (m) => m.get(35) === '8' && m.get(11) === clOrdId && m.get(150) === '8',
          )
        ).get(58)
      expect(await rejected('no-qty')).toMatch(/OrderQty|38/)
      expect(await rejected('bad-qty')).toMatch(/OrderQty|38/)
      expect(await rejected('off-grid')).toMatch(/Price|44/)
      expect(await rejected('no-price')).toMatch(/Price|44/)
      const unknownSymbol = await answer(
        'the unknown symbol rejection',
        (m) => (m.get(35) === 'j' || m.get(35) === '8') && /DOGE/.test(m.get(58) ?? ''),
      )
      expect(
        unknownSymbol.get(35) === 'j' ? unknownSymbol.get(380) : unknownSymbol.get(150),
      ).toMatch(/^[28]$/)
      const sessionReject = (tag: number) =>
        answer(
          `a session Reject of tag ${tag}`,
          (m) => m.get(35) === '3' && m.get(371) === String(tag),
        )
      expect((await sessionReject(54)).get(373)).toBe('5') // value is incorrect for the tag
      expect((await sessionReject(38)).get(373)).toBe('6') // incorrect data format
      expect((await sessionReject(11)).get(373)).toBe('1') // required tag missing
      expect(await observable()).toEqual(before)
      // The session is still up and trades.
      nos('good')
      await answer('the acknowledgement', (m) => m.get(11) === 'good' && m.get(150) === '0')
      expect(fix.received.some((m) => m.get(35) === '5')).toBe(false) // no Logout
      expect(fix.isOpen()).toBe(true)
    } finally {
      fix.close()
    }
  })

  it('a flood beyond one key’s rate limit is refused while another key keeps trading', async () => {
    const before = await observable()
    const flooder = keys.flooder!.client
    const started = Date.now()
    const flooding = flood(1_000, 20, () => flooder.get('/v1/balances'))
    const trades: string[] = []
    for (let i = 0; i < 10; i++)
      trades.push(
        (
          await keys.bob!.client.post<{ status: string }>(
            '/v1/orders',
            order({ price: `${2700 + i}` }),
          )
        ).status,
      )
    const statuses = await flooding
    const elapsedMs = Date.now() - started
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true)
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0)
    // Never more than the bucket holds (100) plus its refill (50 per second) while flooding.
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(
      100 + Math.ceil((50 * elapsedMs) / 1_000),
    )
    expect(trades).toEqual(Array(10).fill('open'))
    await new Promise((resolve) => setTimeout(resolve, 2_500)) // the flooder's bucket refills
    const after = await observable()
    // Only Bob's ten orders changed anything.
    expect(after.appliedSeq).toBe(before.appliedSeq + 10)
    expect(after.perAccount.flooder).toEqual(before.perAccount.flooder)
    expect(after.perAccount.alice).toEqual(before.perAccount.alice)
  })

  it('order floods over WebSocket and FIX beyond the key’s limit are refused order by order, nothing else changes', async () => {
    // Two fresh keys (full buckets: 100, refilled at 50 per second), one per gateway.
    const fresh = async (accountId: string) => {
      const key = await admin.post<{ keyId: string; secret: string }>('/v1/admin/accounts', {
        accountId,
        permissions: ['read', 'trade'],
        kycLevel: 2,
      })
      await admin.post('/v1/admin/faucet', { accountId, asset: 'USDC', amount: '100000' })
      return { ...key, client: createRestClient({ baseUrl: exchange.urls.http, ...key }) }
    }
    const wsKey = await fresh('ws-flooder')
    const fixKey = await fresh('fix-flooder')
    const before = await observable()
    const openOrders = async (client: RestClient) =>
      (await client.get<{ orders: unknown[] }>('/v1/orders')).orders.length
    const flood = 400
    // Far from the book (buys at 2000-2399 against Alice's 2900 bid): nothing trades.
    const price = (i: number) => 200_000 + i * 100

    // WebSocket: 400 orders written at once.
    const ws = await openWs(exchange.urls.ws)
    cleanups.push(() => ws.close())
    ws.auth(wsKey.keyId, wsKey.secret)
    await until(() =>
      ws.messages.some((m) => m.authenticated === 'ws-flooder') ? true : undefined,
    )
    const wsStarted = Date.now()
    for (let i = 0; i < flood; i++)
      ws.send({
        op: 'order',
        action: 'place',
        id: i,
        symbol: 'ETH-USDC',
        side: 'buy',
        price: price(i),
        quantity: 100,
      })
    const wsAnswers = await until(
      () => {
        const answers = ws.messages.filter((m) => typeof m.id === 'number')
        return answers.length >= flood ? answers : undefined
      },
      20_000,
      'an answer to every WebSocket order',
    )
    const wsElapsed = Date.now() - wsStarted
    const wsAccepted = wsAnswers.filter((m) => m.ok === true).length
    const wsThrottled = wsAnswers.filter(
      (m) => (m.error as { code?: string } | undefined)?.code === 'rate_limited',
    )
    expect(wsAccepted + wsThrottled.length).toBe(flood) // every order answered, nothing else
    expect(wsThrottled.length).toBeGreaterThan(0)
    expect(wsAccepted).toBeLessThanOrEqual(100 + Math.ceil((50 * wsElapsed) / 1_000))
    expect((wsThrottled[0]!.error as { message: string }).message).toMatch(/Retry in \d+ ms/)

    // FIX: 400 NewOrderSingle written at once on a logged-on session.
    const fix = await openRawFixClient({
      port: fixPort,
      sender: fixKey.keyId,
      target: VENUE_COMP_ID,
    })
    cleanups.push(() => fix.close())
    fix.send('A', [
      [98, '0'],
      [108, '30'],
      [141, 'Y'],
      [553, fixKey.keyId],
      [554, fixLogonPassword(fixKey.keyId, fixKey.secret)],
    ])
    await until(() => fix.received.find((m) => m.get(35) === 'A'), 10_000, 'the logon')
    const fixStarted = Date.now()
    for (let i = 0; i < flood; i++)
      fix.send('D', [
        [11, `flood-${i}`],
        [55, 'ETH-USDC'],
        [54, '1'],
        [60, '20260101-00:00:00.000'],
        [38, '0.01'],
        [40, '2'],
        [44, String(2000 + i)],
      ])
    const reports = await until(
      () => {
        const r = fix.received.filter((m) => m.get(35) === '8' && m.get(11)?.startsWith('flood-'))
        return r.length >= flood ? r : undefined
      },
      20_000,
      'an execution report for every FIX order',
    )
    const fixElapsed = Date.now() - fixStarted
    const fixAccepted = reports.filter((m) => m.get(150) === '0').length
    const fixThrottled = reports.filter((m) => m.get(150) === '8')
    expect(fixAccepted + fixThrottled.length).toBe(flood)
    expect(fixThrottled.length).toBeGreaterThan(0)
    expect(fixAccepted).toBeLessThanOrEqual(100 + Math.ceil((50 * fixElapsed) / 1_000))
    for (const m of fixThrottled) {
      expect(m.get(103)).toBe('99') // OrdRejReason: other
      expect(m.get(58)).toMatch(/^Rate limit exceeded; retry in \d+ ms$/)
    }
    expect(fix.received.some((m) => m.get(35) === '5')).toBe(false) // the session stays up
    expect(fix.isOpen() && ws.isOpen()).toBe(true)

    // Exactly the accepted orders changed state; the others, and everyone else, saw nothing.
    const after = await observable()
    expect(after.appliedSeq).toBe(before.appliedSeq + wsAccepted + fixAccepted)
    expect(await openOrders(wsKey.client)).toBe(wsAccepted)
    expect(await openOrders(fixKey.client)).toBe(fixAccepted)
    for (const account of Object.keys(keys))
      expect(after.perAccount[account], account).toEqual(before.perAccount[account])
    // Another key still trades at once.
    expect(
      (await keys.bob!.client.post<{ status: string }>('/v1/orders', order({ price: '2600' })))
        .status,
    ).toBe('open')
  })
})

/** POST with a chunked body (no Content-Length), validly signed. */
function chunkedPost(path: string, body: string): Promise<{ status: number; body: ErrorBody }> {
  const { keyId, secret } = keys.alice!
  const timestamp = String(Date.now())
  return new Promise((resolve, reject) => {
    const req = request(
      `${exchange.urls.http}${path}`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'transfer-encoding': 'chunked',
          [AUTH_HEADERS.key]: keyId,
          [AUTH_HEADERS.timestamp]: timestamp,
          [AUTH_HEADERS.signature]: signRequest(secret, { timestamp, method: 'POST', path, body }),
        },
      },
      (res) => {
        let text = ''
        res.on('data', (d) => {
          text += d
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }))
      },
    )
    req.on('error', reject)
    for (let i = 0; i < body.length; i += 8_192) req.write(body.slice(i, i + 8_192))
    req.end()
  })
}

/** Sends one signed GET twice with the same timestamp and signature: the copy is refused. */
async function replayTwice(path: string): Promise<number[]> {
  const { keyId, secret } = keys.alice!
  const timestamp = String(Date.now())
  const headers = {
    [AUTH_HEADERS.key]: keyId,
    [AUTH_HEADERS.timestamp]: timestamp,
    [AUTH_HEADERS.signature]: signRequest(secret, { timestamp, method: 'GET', path, body: '' }),
  }
  const first = await fetch(`${exchange.urls.http}${path}`, { headers })
  const second = await fetch(`${exchange.urls.http}${path}`, { headers })
  return [first.status, second.status]
}
