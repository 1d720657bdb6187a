// The scaled-out topology on this machine: two instrument shards, a hot standby, a gateway and
// the settlement consumer as separate processes on NATS JetStream and PostgreSQL. The primary of
// one shard is killed with SIGKILL under load; the standby takes over. Then the new primary is
// frozen (SIGSTOP) until a second standby replaces it, and thawed: the deposed engine must not
// publish. Every acknowledged order must be in the event history exactly once, results numbered
// without gap or repeat, and the ledger balanced and equal to the engines' balances.
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createSystemClock } from '@strongroom/core'
import { createPostgresStore, openLedger } from '@strongroom/settlement'
import {
  createTempDir,
  createTestDatabase,
  requireServices,
  serviceEndpoints,
} from '@strongroom/testkit'
import { afterAll, describe, expect, it } from 'vitest'
import { openApiKeyStore } from '../src/gateway/apiKeyStore.js'
import { destroyNatsTopology, type NatsTopology } from '../src/scaleout/natsTopology.js'
import type { ShardEngine } from '../src/scaleout/shardEngine.js'
import type { Acknowledged } from '../src/scaleout/shardGateway.js'
import type { ShardEntry } from '../src/scaleout/wire.js'
import {
  getJson,
  type Launched,
  launch,
  openNatsTopology,
  postJson,
  readEventStream,
  twoShardTopology,
  writeTopology,
} from './scaleoutSupport.js'
import { until } from './support.js'

const services = await requireServices('exchange-server: scaled-out topology', ['nats', 'postgres'])
type Status = ReturnType<ShardEngine['state']>

const children: ChildProcess[] = []
const cleanups: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL')
  for (const cleanup of cleanups.reverse()) await cleanup()
})

describe.skipIf(!services.available)('scaled-out topology', () => {
  it('fails over under load with no acknowledged order lost or duplicated, fenced, ledger balanced', async () => {
    const dir = createTempDir('strongroom-scaleout-')
    cleanups.push(() => dir.remove())
    const database = await createTestDatabase('strongroom_scaleout_')
    cleanups.push(() => database.drop())
    const prefix = `t${randomBytes(4).toString('hex')}`
    const topology = twoShardTopology({
      natsUrl: serviceEndpoints.natsUrl,
      pgUrl: database.url,
      prefix,
    })
    const file = writeTopology(dir.path, topology)
    // API keys, as the single-process exchange keeps them: the gateway reads this directory's
    // key file. One admin key (accounts, funding); trading keys act for their own account only,
    // one per load worker (a signature may be used once).
    const keys = openApiKeyStore(dir.path)
    const ops = keys.issue('ops', ['admin'], 0)
    const alice = [1, 2, 3, 4].map(() => keys.issue('alice', ['trade'], 2))
    const bob = [1, 2].map(() => keys.issue('bob', ['trade'], 2))
    const nats: NatsTopology = await openNatsTopology(topology, 'test')
    cleanups.push(async () => {
      await destroyNatsTopology(nats)
      await nats.close()
    })

    const status = (p: Launched) => getJson<Status>(`${p.ready.status}/state`)
    const settlement = await launch('settlementProcess', [], file, children)
    const ethA = await launch('shardProcess', ['--shard', 'eth', '--node', 'eth-a'], file, children)
    await until(async () => ((await status(ethA)).role === 'primary' ? true : undefined), 20_000)
    const [ethB, btcA, gateway] = await Promise.all([
      launch('shardProcess', ['--shard', 'eth', '--node', 'eth-b'], file, children),
      launch('shardProcess', ['--shard', 'btc', '--node', 'btc-a'], file, children),
      launch('gatewayProcess', ['--data-dir', dir.path], file, children),
    ])
    await until(async () => ((await status(btcA)).role === 'primary' ? true : undefined), 20_000)
    expect((await status(ethB)).role).toBe('standby')
    const http = gateway.ready.http!
    const post = <T>(path: string, body: unknown, key: { keyId: string; secret: string } = ops) =>
      postJson<T>(`${http}${path}`, body, key)
    // Unsigned, wrongly signed, or beyond its key's permissions or account: refused, nothing done.
    type Refused = { error: { code: string } }
    const refused = async (response: Promise<{ status: number; body: Refused }>) => {
      const r = await response
      return [r.status, r.body.error.code]
    }
    expect(await refused(postJson(`${http}/v1/accounts`, { account: 'mallory' }))).toEqual([
      401,
      'missing_credentials',
    ])
    const forged = { keyId: ops.keyId, secret: 'not-the-secret' }
    expect(await refused(post('/v1/accounts', { account: 'mallory' }, forged))).toEqual([
      401,
      'bad_signature',
    ])
    expect(await refused(post('/v1/accounts', { account: 'mallory' }, alice[0]))).toEqual([
      403,
      'forbidden',
    ])

    // Bad input is refused naming the field, and changes nothing.
    const bad = await post<{ error: { code: string; issues: { path: string }[] } }>('/v1/orders', {
      account: 'alice',
      symbol: 'ETH-USDC',
      side: 'buy',
      type: 'limit',
      price: -1,
      quantity: 1,
    })
    expect(bad.status).toBe(422)
    expect(bad.body.error.issues.map((i) => i.path)).toEqual(['body.price'])

    for (const account of ['alice', 'bob'])
      expect((await post('/v1/accounts', { account })).status).toBe(200)
    const funding = [
      ['alice', 'eth', 'USDC', '1000000000000'],
      ['alice', 'btc', 'USDC', '1000000000000'],
      ['bob', 'eth', 'ETH', `${1_000n * 10n ** 18n}`],
      ['bob', 'btc', 'BTC', `${100n * 10n ** 8n}`],
    ] as const
    for (const [account, shard, asset, amount] of funding) {
      const funded = await post('/v1/fund', {
        account,
        shard,
        asset,
        amount,
        reference: `fund-${account}-${shard}-${asset}`,
      })
      expect(funded.status).toBe(200)
    }
    // A funding request retried (same reference) neither deposits nor credits twice.
    const again = await post<{ duplicate?: boolean }>('/v1/fund', {
      account: 'alice',
      shard: 'eth',
      asset: 'USDC',
      amount: '1000000000000',
      reference: 'fund-alice-eth-USDC',
    })
    expect([again.status, again.body.duplicate]).toEqual([200, true])

    // Funds move between an account's shard partitions once, even when the request is retried.
    const transfer = {
      account: 'alice',
      asset: 'USDC',
      amount: '250000000',
      from: 'eth',
      to: 'btc',
      reference: 'rebalance-1',
    }
    // (Alice's own trading key: a key acts for its account, not for another one.)
    expect(await refused(post('/v1/transfer', { ...transfer, account: 'bob' }, alice[0]))).toEqual([
      403,
      'forbidden',
    ])
    const moved = await post<{ moved: boolean }>('/v1/transfer', transfer, alice[0])
    expect([moved.status, moved.body.moved]).toEqual([200, true])
    const retried = await post<{ moved: boolean }>('/v1/transfer', transfer, alice[1])
    expect([retried.status, retried.body.moved]).toEqual([200, false])
    const same = await post<{ error: { issues: { path: string }[] } }>('/v1/transfer', {
      ...transfer,
      to: 'eth',
    })
    expect([same.status, same.body.error.issues[0]?.path]).toEqual([422, 'body.to'])
    const usdc = async (p: Launched) => {
      const row = (await status(p)).balances
        .find(([a]) => a === 'alice')?.[1]
        .find(([asset]) => asset === 'USDC')
      return row ? BigInt(row[1]) + BigInt(row[2]) : 0n
    }
    expect([await usdc(ethA), await usdc(btcA)]).toEqual([999_750_000_000n, 1_000_250_000_000n])

    // Load: alice buys and bob sells on both instruments, crossing, as fast as acknowledged.
    const acked: Acknowledged[] = []
    let failures = 0
    /** Answers refusing a signed request (401, 403): there must be none. */
    let refusals = 0
    let stop = false
    const load = async (
      symbol: string,
      key: { keyId: string; secret: string; accountId: string },
      side: 'buy' | 'sell',
      base: number,
    ) => {
      const account = key.accountId
      for (let i = 0; !stop; i++) {
        const response = await post<Acknowledged>(
          '/v1/orders',
          {
            account,
            symbol,
            side,
            type: 'limit',
            price: base + (side === 'buy' ? i % 7 : i % 9) - 3,
            quantity: 10 + (i % 5),
            timeInForce: i % 5 === 0 ? 'IOC' : 'GTC',
          },
          key,
        ).catch(() => undefined)
        if (response?.status === 200) acked.push(response.body)
        else failures++
        if (response?.status === 401 || response?.status === 403) refusals++
      }
    }
    const loads = [
      load('ETH-USDC', alice[1]!, 'buy', 300_000),
      load('ETH-USDC', bob[0]!, 'sell', 300_000),
      load('ETH-USDC', alice[2]!, 'buy', 300_000),
      load('BTC-USDC', alice[3]!, 'buy', 6_000_000),
      load('BTC-USDC', bob[1]!, 'sell', 6_000_000),
    ]
    const count = (shard: string) => acked.filter((a) => a.shard === shard).length
    await until(() => (count('eth') > 300 ? true : undefined), 60_000, 'load')

    // 1. SIGKILL the primary of eth under load: the standby takes over.
    ethA.child.kill('SIGKILL')
    const killedAt = Date.now()
    const beforeKill = count('eth')
    await until(async () => ((await status(ethB)).role === 'primary' ? true : undefined), 10_000)
    const failoverMs = Date.now() - killedAt
    await until(() => (count('eth') > beforeKill + 200 ? true : undefined), 60_000, 'eth after')

    // 2. Freeze the new primary until a second standby replaces it, then thaw it.
    const ethC = await launch('shardProcess', ['--shard', 'eth', '--node', 'eth-c'], file, children)
    // (launch returns once eth-c has caught up with both subjects)
    ethB.child.kill('SIGSTOP')
    await until(async () => ((await status(ethC)).role === 'primary' ? true : undefined), 10_000)
    const beforeThaw = count('eth')
    ethB.child.kill('SIGCONT')
    await until(() => (count('eth') > beforeThaw + 100 ? true : undefined), 60_000, 'eth thawed')
    stop = true
    await Promise.all(loads)
    expect((await status(ethB)).role).toBe('standby')

    // Quiesce: every engine published everything and the settlement consumer applied it.
    const engines = { eth: ethC, btc: btcA }
    const final = {
      eth: await until(async () => {
        const s = await status(ethC)
        return s.pending === 0 ? s : undefined
      }),
      btc: await until(async () => {
        const s = await status(btcA)
        return s.pending === 0 ? s : undefined
      }),
    }
    type Settled = {
      violations: string[]
      shards: Record<
        string,
        { n: number; settlementSeq: number; ledgerSeq: number; takeovers: number }
      >
    }
    const settled = await until(async () => {
      const s = await getJson<Settled>(`${settlement.ready.status}/status`)
      return Object.entries(engines).every(
        ([id]) =>
          s.shards[id]!.n === final[id as 'eth'].n &&
          s.shards[id]!.ledgerSeq === final[id as 'eth'].settlementSeq,
      )
        ? s
        : undefined
    }, 30_000)
    expect(settled.violations).toEqual([])
    // The deposed engine, now a standby, reaches the same state as the primary (same hash).
    const thawed = await until(async () => {
      const s = await status(ethB)
      return s.n === final.eth.n ? s : undefined
    }, 30_000)
    expect(thawed.role).toBe('standby')
    expect(thawed.stateHash).toBe(final.eth.stateHash)
    expect(settled.shards.eth!.takeovers).toBeGreaterThanOrEqual(3)

    // 3. The event history: per shard, results 1..N exactly once; tokens never go back; every
    // acknowledged command is there exactly once with the result the gateway answered.
    const history = await readEventStream(nats, prefix)
    const entries = new Map<string, ShardEntry[]>([
      ['eth', []],
      ['btc', []],
    ])
    const tokens = new Map<string, number[]>([
      ['eth', []],
      ['btc', []],
    ])
    for (const { message } of history) {
      tokens.get(message.shard)!.push(message.token)
      if (message.type === 'batch') entries.get(message.shard)!.push(...message.entries)
    }
    for (const [shard, list] of entries) {
      expect(list.map((e) => e.n)).toEqual(list.map((_, i) => i + 1))
      const t = tokens.get(shard)!
      expect(t).toEqual([...t].sort((a, b) => a - b))
      const byCmd = new Map(list.map((e) => [e.cmd, e]))
      expect(byCmd.size).toBe(list.length)
      const mine = acked.filter((a) => a.shard === shard)
      for (const a of mine) {
        const entry = byCmd.get(a.cmd)
        expect(entry?.n).toBe(a.n)
        expect(entry?.result).toEqual(a.result)
      }
      const orderIds = mine.map((a) => (a.result.ok ? a.result.orderId : undefined))
      expect(new Set(orderIds).size).toBe(orderIds.length)
      expect(final[shard as 'eth'].n).toBe(list.length)
    }
    expect(new Set(tokens.get('eth')).size).toBeGreaterThanOrEqual(3) // three primaries of eth
    // Every engine agreed with every published result, byte for byte.
    for (const s of [thawed, final.eth, final.btc]) {
      expect(s.divergences).toBe(0)
      expect(s.violations).toEqual([])
    }

    // 4. The ledger sums to zero per asset and equals the sum of the shards' balances.
    const ledger = await openLedger({
      store: await createPostgresStore({ connectionString: database.url }),
      clock: createSystemClock(),
    })
    cleanups.push(() => ledger.close())
    for (const t of await ledger.assetTotals()) expect(t.debitsPosted).toBe(t.creditsPosted)
    for (const account of ['alice', 'bob']) {
      const rows = await ledger.balances({ owner: account })
      for (const asset of ['ETH', 'BTC', 'USDC']) {
        const inLedger = rows
          .filter(
            (r) => r.account.asset === asset && ['available', 'locked'].includes(r.account.role),
          )
          .reduce((sum, r) => sum + r.creditsPosted - r.debitsPosted, 0n)
        let inEngines = 0n
        for (const s of [final.eth, final.btc]) {
          const row = s.balances.find(([a]) => a === account)?.[1].find(([code]) => code === asset)
          if (row) inEngines += BigInt(row[1]) + BigInt(row[2])
        }
        expect({ account, asset, balance: inLedger }).toEqual({
          account,
          asset,
          balance: inEngines,
        })
      }
    }
    expect(acked.length).toBeGreaterThan(600)
    expect(refusals).toBe(0)
    console.info(
      `scale-out test: ${acked.length} acknowledged, ${failures} unanswered, failover ${failoverMs} ms`,
    )
  }, 240_000)
})
