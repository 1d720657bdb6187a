// The reference exchange through its real interfaces: REST, WebSocket and FIX clients against a
// running venue on a local hardhat chain, with the embedded file journal and PGlite ledger.

import { createApproval } from '@strongroom/custody'
import {
  buildNewOrderSingle,
  createFixInitiator,
  createMemoryStore,
  type FixInboundMessage,
} from '@strongroom/fix'
import { createTempDir } from '@strongroom/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sendFromDevAccount } from '../src/chain/hardhatNode.js'
import { jsonRpc } from '../src/chain/jsonRpc.js'
import { ApiError, createRestClient, type RestClient } from '../src/client/restClient.js'
import { fixLogonPassword, startFixGateway, VENUE_COMP_ID } from '../src/gateway/fixGateway.js'
import type { RunningExchange } from '../src/server.js'
import { flood, openWs, quietLogger, startTestExchange, until } from './support.js'

const dir = createTempDir('strongroom-exchange-e2e-')
const E18 = 10n ** 18n
let exchange: RunningExchange
let fix: Awaited<ReturnType<typeof startFixGateway>>
let admin: RestClient
const keys: Record<string, { keyId: string; secret: string; client: RestClient }> = {}

async function account(accountId: string, permissions = ['read', 'trade', 'withdraw']) {
  const key = await admin.post<{ keyId: string; secret: string }>('/v1/admin/accounts', {
    accountId,
    permissions,
    kycLevel: 2,
  })
  keys[accountId] = { ...key, client: createRestClient({ baseUrl: exchange.urls.http, ...key }) }
  return keys[accountId]!
}
const balance = async (client: RestClient, asset: string) => {
  const { balances } = await client.get<{
    balances: { asset: string; available: string; locked: string }[]
  }>('/v1/balances')
  return balances.find((b) => b.asset === asset) ?? { asset, available: '0', locked: '0' }
}
const chainBalance = async (address: string) =>
  BigInt(await jsonRpc<string>(exchange.urls.rpc, 'eth_getBalance', [address, 'latest']))

beforeAll(async () => {
  exchange = await startTestExchange({ dataDir: dir.path })
  fix = await startFixGateway({ exchange, port: 0, host: '127.0.0.1', logger: quietLogger })
  exchange.onClose(() => fix.close())
  admin = createRestClient({
    baseUrl: exchange.urls.http,
    keyId: exchange.adminKey.keyId,
    secret: exchange.adminKey.secret,
  })
  await account('alice')
  await account('bob')
  // Alice deposits 20 ETH on chain; Bob gets USDC from the development faucet.
  const { address } = await keys.alice!.client.get<{ address: string }>(
    '/v1/deposit-address?asset=ETH',
  )
  await sendFromDevAccount(exchange.urls.rpc, 3, address, 20n * E18)
  await admin.post('/v1/admin/faucet', { accountId: 'bob', asset: 'USDC', amount: '100000' })
  await until(
    async () => ((await balance(keys.alice!.client, 'ETH')).available === '20' ? true : undefined),
    30_000,
    'the deposit to be credited',
  )
}, 120_000)

afterAll(async () => {
  await exchange?.close()
  dir.remove()
})

describe('reference exchange end to end', () => {
  it('credits an on-chain deposit only after its confirmations', async () => {
    expect(await balance(keys.alice!.client, 'ETH')).toEqual({
      asset: 'ETH',
      available: '20',
      locked: '0',
    })
  })

  it('a FIX client and a REST/WebSocket client trade against each other', async () => {
    const ws = await openWs(exchange.urls.ws)
    ws.send({ op: 'subscribe', channel: 'book', symbol: 'ETH-USDC' })
    ws.auth(keys.alice!.keyId, keys.alice!.secret)
    await until(
      () => (ws.messages.some((m) => m.authenticated === 'alice') ? true : undefined),
      5_000,
      'ws auth',
    )

    const reports: FixInboundMessage['view'][] = []
    const initiator = createFixInitiator({
      host: '127.0.0.1',
      port: fix.port,
      session: {
        senderCompId: keys.bob!.keyId,
        targetCompId: VENUE_COMP_ID,
        store: createMemoryStore(),
        heartBtInt: 30,
        logonFields: [
          [553, keys.bob!.keyId],
          [554, fixLogonPassword(keys.bob!.keyId, keys.bob!.secret)],
        ],
      },
      application: { onMessage: (m) => void reports.push(m.view.clone()) },
      reconnectIntervalMs: 200,
    })
    initiator.start()
    try {
      await initiator.waitForLogon(10_000)
      // Bob (FIX) bids 2 ETH at 3000; Alice (REST) sells 1.5 ETH at 2990 and takes it.
      initiator.session.send(
        buildNewOrderSingle({
          clOrdId: 'bob-1',
          symbol: 'ETH-USDC',
          side: '1',
          transactTime: Date.now(),
          orderQty: '2',
          ordType: '2',
          price: '3000',
          timeInForce: '1',
        }),
      )
      await until(
        () => (reports.some((r) => r.get(150) === '0') ? true : undefined),
        10_000,
        'the FIX order acknowledgement',
      )
      const sold = await keys.alice!.client.post<{ orderId: string; status: string }>(
        '/v1/orders',
        {
          symbol: 'ETH-USDC',
          side: 'sell',
          type: 'limit',
          price: '2990',
          quantity: '1.5',
        },
      )
      expect(sold.status).toBe('filled')
      const fill = await until(
        () => reports.find((r) => r.get(150) === 'F'),
        10_000,
        'the FIX fill',
      )
      expect(fill.get(32)).toBe('1.5000') // LastQty
      expect(fill.get(31)).toBe('3000.00') // LastPx: the resting order's price
      expect(fill.get(39)).toBe('1') // partially filled
      // Alice sees her fill on the private stream; the book stream's snapshot + deltas equal REST's book.
      await until(
        () => ws.messages.find((m) => m.channel === 'orders' && m.type === 'fill'),
        5_000,
        'the private fill',
      )
      const snapshot = ws.messages.find((m) => m.channel === 'book' && m.type === 'snapshot') as {
        seq: number
        bids: [string, string][]
        asks: [string, string][]
      }
      const bids = new Map(snapshot.bids)
      const asks = new Map(snapshot.asks)
      let seq = snapshot.seq
      for (const m of ws.messages.filter((m) => m.channel === 'book' && m.type === 'delta') as {
        seq: number
        side: string
        price: string
        quantity: string
      }[]) {
        expect(m.seq).toBe(seq + 1) // gap-free
        seq = m.seq
        const side = m.side === 'buy' ? bids : asks
        if (m.quantity === '0.0000') side.delete(m.price)
        else side.set(m.price, m.quantity)
      }
      const book = await keys.alice!.client.get<{ seq: number; bids: [string, string][] }>(
        '/v1/markets/ETH-USDC/book',
      )
      expect(book.seq).toBe(seq)
      expect([...bids]).toEqual(book.bids)
      // Alice took liquidity: 4,500 USDC less the 5 bps taker fee.
      expect(await balance(keys.alice!.client, 'USDC')).toMatchObject({ available: '4497.75' })
    } finally {
      await initiator.stop()
      ws.close()
    }
  })

  const destination = () =>
    `0x${Buffer.from(crypto.getRandomValues(new Uint8Array(20))).toString('hex')}`
  const waitFor = (id: string, status: string) =>
    until(
      async () => {
        const w = await keys.alice!.client.get<{ status: string }>(`/v1/withdrawals/${id}`)
        if (w.status === 'failed' || w.status === 'rejected')
          throw new Error(`withdrawal ${id} ${w.status}: ${JSON.stringify(w)}`)
        return w.status === status ? w : undefined
      },
      40_000,
      `withdrawal ${id} to be ${status}`,
    )

  it('a small withdrawal is screened, held, signed, broadcast and confirmed on chain', async () => {
    const to = destination()
    const before = await balance(keys.alice!.client, 'ETH')
    const w = await keys.alice!.client.post<{ withdrawalId: string; status: string }>(
      '/v1/withdrawals',
      { asset: 'ETH', amount: '1.5', address: to },
    )
    expect(['broadcast', 'confirmed']).toContain(w.status)
    expect((await balance(keys.alice!.client, 'ETH')).locked).toBe('1.5') // held until final
    await waitFor(w.withdrawalId, 'confirmed')
    expect(await chainBalance(to)).toBe(15n * 10n ** 17n)
    expect(await balance(keys.alice!.client, 'ETH')).toEqual({
      asset: 'ETH',
      available: String(Number(before.available) - 1.5),
      locked: '0',
    })
  })

  it('a withdrawal above the threshold waits for 2 of 3 approvals, then goes through', async () => {
    const to = destination()
    const w = await keys.alice!.client.post<{
      withdrawalId: string
      status: string
      requestDigest: string
    }>('/v1/withdrawals', { asset: 'ETH', amount: '12', address: to })
    expect(w.status).toBe('awaiting_approvals')
    const approvers = exchange.custody.devApprovers
    const pending = await admin.get<{ withdrawals: { withdrawalId: string }[] }>('/v1/approvals')
    expect(pending.withdrawals.map((p) => p.withdrawalId)).toContain(w.withdrawalId)
    const sign = (i: number) => {
      const approval = createApproval({
        key: approvers[i]!.pair,
        subjectDigest: w.requestDigest,
        approverId: approvers[i]!.id,
        approvedAt: Date.now(),
      })
      return {
        approverId: approval.approverId,
        signature: approval.signature,
        approvedAt: approval.approvedAt,
      }
    }
    // A forged signature is refused and changes nothing.
    await expect(
      admin.post(`/v1/withdrawals/${w.withdrawalId}/approvals`, {
        ...sign(0),
        signature: 'ab'.repeat(64),
      }),
    ).rejects.toMatchObject({ status: 409 })
    expect(
      (await admin.post<{ status: string }>(`/v1/withdrawals/${w.withdrawalId}/approvals`, sign(0)))
        .status,
    ).toBe('awaiting_approvals')
    expect(['broadcast', 'confirmed']).toContain(
      (await admin.post<{ status: string }>(`/v1/withdrawals/${w.withdrawalId}/approvals`, sign(1)))
        .status,
    )
    await waitFor(w.withdrawalId, 'confirmed')
    expect(await chainBalance(to)).toBe(12n * 10n ** 18n)
  })

  it('a sanctioned destination is blocked before any funds move', async () => {
    const before = await balance(keys.alice!.client, 'ETH')
    const error = await keys
      .alice!.client.post('/v1/withdrawals', {
        asset: 'ETH',
        amount: '1',
        address: '0x000000000000000000000000000000000000bad1',
      })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).status).toBe(403)
    expect((error as ApiError).body as { status: string; reason: string }).toMatchObject({
      status: 'rejected',
      reason: expect.stringContaining('sanctioned'),
    })
    expect(await balance(keys.alice!.client, 'ETH')).toEqual(before)
  })

  it('bad requests get clear errors, change nothing, and the server keeps serving', async () => {
    const base = exchange.urls.http
    const before = await balance(keys.alice!.client, 'USDC')
    const raw = async (body: string, headers: Record<string, string> = {}) => {
      const response = await fetch(`${base}/v1/orders`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', ...headers },
      })
      return {
        status: response.status,
        body: (await response.json()) as {
          error: { code: string; issues?: { path: unknown[] }[] }
        },
      }
    }
    expect((await raw('{}')).status).toBe(401) // unsigned
    const client = keys.alice!.client
    const attempt = (body: unknown) =>
      client.post('/v1/orders', body).catch((e: unknown) => e as ApiError)
    const unknownField = await attempt({
      symbol: 'ETH-USDC',
      side: 'buy',
      type: 'limit',
      price: '1',
      quantity: '1',
      leverage: 10,
    })
    expect(unknownField).toMatchObject({ status: 422, code: 'validation_failed' })
    const wrongType = await attempt({
      symbol: 'ETH-USDC',
      side: 'buy',
      type: 'limit',
      price: 3000,
      quantity: '1',
    })
    expect((wrongType as ApiError).body).toMatchObject({
      error: { issues: [{ path: ['body', 'price'] }] },
    })
    const offGrid = await attempt({
      symbol: 'ETH-USDC',
      side: 'buy',
      type: 'limit',
      price: '3000.001',
      quantity: '1',
    })
    expect((offGrid as ApiError).body).toMatchObject({
      error: { issues: [{ code: 'off_grid', path: ['body', 'price'] }] },
    })
    expect(
      await attempt({
        symbol: 'ETH-USDC',
        side: 'buy',
        type: 'limit',
        price: '3000',
        quantity: '9000',
      }),
    ).toMatchObject({ status: 409, code: 'insufficient_funds' })
    const stale = createRestClient({
      baseUrl: base,
      keyId: keys.alice!.keyId,
      secret: keys.alice!.secret,
      now: () => Date.now() - 60_000,
    })
    expect(await stale.get('/v1/balances').catch((e: unknown) => e)).toMatchObject({
      status: 401,
      code: 'stale_timestamp',
    })
    const forged = createRestClient({
      baseUrl: base,
      keyId: keys.alice!.keyId,
      secret: 'not-the-secret',
    })
    expect(await forged.get('/v1/balances').catch((e: unknown) => e)).toMatchObject({
      status: 401,
      code: 'bad_signature',
    })
    const huge = await fetch(`${base}/v1/orders`, {
      method: 'POST',
      body: 'x'.repeat(200_000),
      headers: { 'content-type': 'application/json' },
    })
    expect(huge.status).toBe(413)
    const malformed = await fetch(`${base}/v1/admin/accounts`, {
      method: 'POST',
      body: '{"accountId":',
      headers: {
        'content-type': 'application/json',
        'x-sr-key': 'k',
        'x-sr-timestamp': '1',
        'x-sr-signature': 'a',
      },
    })
    expect(malformed.status).toBe(401) // authentication comes before parsing
    expect(await balance(keys.alice!.client, 'USDC')).toEqual(before)
    // A flood beyond the rate limit is refused for that key only.
    // (test/badInput.test.ts floods a tighter limit; here: never more than the bucket allows,
    // however fast or slow the machine serves the flood.)
    const flooder = await account('flooder', ['read'])
    const started = Date.now()
    const results = await flood(2_000, 50, () => flooder.client.get('/v1/balances'))
    const elapsedMs = Date.now() - started
    expect(results.every((s) => s === 200 || s === 429)).toBe(true)
    expect(results.filter((s) => s === 200).length).toBeLessThanOrEqual(
      600 + Math.ceil((300 * elapsedMs) / 1_000),
    )
    expect((await keys.bob!.client.get('/v1/balances')).balances).toBeDefined() // others are still served
  })

  it('the kill switch stops withdrawals', async () => {
    await admin.post('/v1/admin/kill-switch', { reason: 'incident drill' })
    const before = await balance(keys.alice!.client, 'ETH')
    const refused = await keys
      .alice!.client.post('/v1/withdrawals', {
        asset: 'ETH',
        amount: '0.5',
        address: destination(),
      })
      .catch((e: unknown) => e as ApiError)
    expect(refused).toMatchObject({
      status: 403,
      body: { status: 'rejected', reason: expect.stringContaining('KILL_SWITCH') },
    })
    expect(await balance(keys.alice!.client, 'ETH')).toEqual(before)
  })

  it('the ledger matches the core, every asset sums to zero, and the audit log verifies', async () => {
    expect(await exchange.checkLedger()).toMatchObject({ ok: true, problems: [] })
    expect(await exchange.audit.verify({ head: exchange.audit.head() })).toMatchObject({ ok: true })
  })
})
