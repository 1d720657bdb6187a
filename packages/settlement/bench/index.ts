// Settlement benchmark: a seeded stream of trades among many accounts, settled in batches into
// PGlite and into PostgreSQL. Prints trades/s and batch latency p50/p99 of the netted settler
// (one statement per batch, each touched account updated once) and, in the same run, of the
// straightforward approach (one transfer row and two balance updates per leg, batched in a
// transaction), with the ratio and the issue's targets.
//
// Run: `npm run bench -- @strongroom/settlement` (full size), or here:
//   node --conditions=@strongroom/source --import tsx bench/index.ts --trades 200000 --stores pglite
// Flags: --trades N (1000000) --accounts N (10000) --batch N[,N…] (8190,65536,131072)
//        --baseline-trades N (16380) --stores pglite,pglite-file,postgres
//        --depth N (batches in flight; default 2 on PostgreSQL, 1 on PGlite)
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createManualClock } from '@strongroom/core'
import { serviceEndpoints } from '@strongroom/testkit'
import pg from 'pg'
import {
  ACCOUNT_CODES,
  availableAccount,
  type CreateAccountInput,
  createPgliteStore,
  createPostgresStore,
  createSettler,
  type Ledger,
  lockedAccount,
  openLedger,
  openVenueAccounts,
  type SettlementEvent,
  type SettlementStore,
  type SettlementStrategy,
  walletAccount,
} from '../src/index.js'
import { fundingLocks, JOURNAL_ASSETS, ownerName, tradeStream } from '../test/fixtures/journal.js'

const { values } = parseArgs({
  options: {
    trades: { type: 'string', default: '1000000' },
    accounts: { type: 'string', default: '10000' },
    batch: { type: 'string', default: '8190,65536,131072' },
    'baseline-trades': { type: 'string', default: '16380' },
    stores: { type: 'string', default: 'pglite,pglite-file,postgres' },
    depth: { type: 'string' },
  },
})
const trades = Number(values.trades)
const accounts = Number(values.accounts)
const batchSizes = values.batch.split(',').map(Number)
const baselineTrades = Number(values['baseline-trades'])
const stores = values.stores.split(',') as StoreName[]
// PostgreSQL works in its own process: net the next batch while it writes one. PGlite runs in
// this thread, so there is nothing to overlap.
const depthOf = (kind: StoreName) =>
  values.depth !== undefined ? Number(values.depth) : kind === 'postgres' ? 2 : 1
type StoreName = 'pglite' | 'pglite-file' | 'postgres'
const TARGETS = { postgres: 250_000, pglite: 100_000, 'pglite-file': 100_000 } as const
const LABELS = {
  pglite: 'PGlite, in memory',
  'pglite-file': 'PGlite, file-backed',
  postgres: 'PostgreSQL (pg, loopback)',
} as const
const FEES = {
  maker: { numerator: 10n, denominator: 10_000n },
  taker: { numerator: 20n, denominator: 10_000n },
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
const ms = (n: number) => `${n.toFixed(1)} ms`
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}

async function openStore(kind: StoreName) {
  if (kind === 'pglite') {
    const store = await createPgliteStore()
    return { store, drop: async () => {} }
  }
  if (kind === 'pglite-file') {
    const dir = mkdtempSync(join(tmpdir(), 'strongroom-settlement-bench-'))
    const store = await createPgliteStore({ dataDir: join(dir, 'ledger') })
    return { store, drop: async () => rmSync(dir, { recursive: true, force: true }) }
  }
  const name = `strongroom_settlement_bench_${randomBytes(5).toString('hex')}`
  const admin = new pg.Client({ connectionString: serviceEndpoints.postgresUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(serviceEndpoints.postgresUrl)
  url.pathname = `/${name}`
  const store = await createPostgresStore({ connectionString: url.toString(), maxConnections: 2 })
  return {
    store,
    async drop() {
      const client = new pg.Client({ connectionString: serviceEndpoints.postgresUrl })
      await client.connect()
      await client.query(`drop database if exists ${name} with (force)`)
      await client.end()
    },
  }
}

async function setup(ledger: Ledger): Promise<number> {
  const t0 = performance.now()
  const assets = [...JOURNAL_ASSETS]
  const venue = await openVenueAccounts({
    ledger,
    assets,
    wallets: [{ walletId: 'hot-1', tier: 'hot' }],
  })
  if (!venue.ok) throw new Error(venue.rejection.message)
  const inputs: CreateAccountInput[] = []
  const flags = { debitsMustNotExceedCredits: true }
  for (let i = 0; i < accounts; i++) {
    for (const asset of assets) {
      inputs.push({
        account: availableAccount(ownerName(i), asset),
        code: ACCOUNT_CODES.customer,
        flags,
      })
      inputs.push({
        account: lockedAccount(ownerName(i), asset),
        code: ACCOUNT_CODES.customerLocked,
        flags,
      })
    }
  }
  for (let i = 0; i < inputs.length; i += 5_000) {
    const created = await ledger.createAccounts(inputs.slice(i, i + 5_000))
    if (!created.ok) throw new Error(created.rejection.message)
  }
  const funding = []
  for (let i = 0; i < accounts; i++) {
    for (const asset of assets) {
      funding.push({
        id: `fund-${i}-${asset}`,
        debit: walletAccount('hot-1', asset),
        credit: availableAccount(ownerName(i), asset),
        amount: 10n ** 18n,
        code: 10,
      })
    }
  }
  for (let i = 0; i < funding.length; i += 5_000) {
    const result = await ledger.createTransfers(funding.slice(i, i + 5_000))
    if (!result.ok) throw new Error(result.rejection.message)
  }
  const settler = createSettler({ ledger, fees: FEES })
  const locks = fundingLocks(accounts, 10n ** 17n)
  for (let i = 0; i < locks.length; i += 10_000) {
    const result = await settler.apply({ stream: 'funding', events: locks.slice(i, i + 10_000) })
    if (!result.ok) throw new Error(result.rejection.message)
  }
  return performance.now() - t0
}

type Measurement = {
  strategy: SettlementStrategy
  batch: number
  trades: number
  seconds: number
  p50: number
  p99: number
  depth: number
  /** CPU time of this (settling) process per trade: netting, encoding, the driver. */
  cpuUsPerTrade: number
}

/**
 * Settles `count` trades in batches of `batch`, keeping `depth` batches in flight: the settler
 * nets a batch while the one before it is being written (writes stay in order). Latency is from
 * handing a batch to the settler to its result.
 */
async function measure(
  ledger: Ledger,
  strategy: SettlementStrategy,
  batch: number,
  count: number,
  stream: string,
  seed: number,
  depth: number,
): Promise<Measurement> {
  const settler = createSettler({ ledger, fees: FEES, strategy })
  const source = tradeStream({ accounts, count, seed, afterSeq: 0 })
  const batches: SettlementEvent[][] = []
  for (let done = 0; done < count; ) {
    const events: SettlementEvent[] = []
    for (let i = 0; i < batch && done < count; i++, done++) events.push(source.next().value!)
    batches.push(events)
  }
  const latencies: number[] = []
  const inFlight: Promise<void>[] = []
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  for (const events of batches) {
    if (inFlight.length >= depth) await inFlight.shift()
    const started = performance.now()
    inFlight.push(
      settler.apply({ stream, events }).then((result) => {
        if (!result.ok) throw new Error(`${result.rejection.code}: ${result.rejection.message}`)
        latencies.push(performance.now() - started)
      }),
    )
  }
  await Promise.all(inFlight)
  const seconds = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  latencies.sort((a, b) => a - b)
  return {
    strategy,
    batch,
    trades: count,
    seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    depth,
    cpuUsPerTrade: (cpu.user + cpu.system) / count,
  }
}

function print(kind: string, rows: Measurement[]) {
  console.log(
    `${'approach'.padEnd(34)} ${'batch'.padStart(7)} ${'trades'.padStart(10)} ${'trades/s'.padStart(10)} ${'batch p50'.padStart(11)} ${'batch p99'.padStart(11)} ${'CPU/trade'.padStart(10)}`,
  )
  for (const row of rows) {
    const label =
      row.strategy === 'netted'
        ? `netted, ${row.depth} in flight`
        : 'per leg (1 row + 2 updates/leg)'
    console.log(
      `${label.padEnd(34)} ${fmt(row.batch).padStart(7)} ${fmt(row.trades).padStart(10)} ${fmt(row.trades / row.seconds).padStart(10)} ${ms(row.p50).padStart(11)} ${ms(row.p99).padStart(11)} ${`${row.cpuUsPerTrade.toFixed(2)} µs`.padStart(10)}`,
    )
  }
  const baseline = rows.find((r) => r.strategy === 'perLeg')
  const best = rows
    .filter((r) => r.strategy === 'netted')
    .sort((a, b) => b.trades / b.seconds - a.trades / a.seconds)[0]
  if (baseline && best) {
    const rate = best.trades / best.seconds
    const target = TARGETS[kind as keyof typeof TARGETS]
    for (const row of rows.filter((r) => r.strategy === 'netted')) {
      console.log(
        `ratio netted (batch ${fmt(row.batch)}) / per leg (batch ${fmt(baseline.batch)}): ${(row.trades / row.seconds / (baseline.trades / baseline.seconds)).toFixed(1)}x`,
      )
    }
    console.log(
      `target on ${kind}: >= ${fmt(target)} trades/s; best ${fmt(rate)} trades/s (batch ${fmt(best.batch)}): ${rate >= target ? 'met' : 'NOT met'}`,
    )
  }
}

console.log(
  `settlement bench: ${fmt(trades)} trades among ${fmt(accounts)} accounts (${JOURNAL_ASSETS.length} assets, 4 pairs, maker/taker fees), batches of ${batchSizes.map(fmt).join(' and ')}; per-leg baseline on ${fmt(baselineTrades)} trades`,
)
for (const kind of stores) {
  const { store, drop } = await openStore(kind)
  try {
    const ledger = await openLedger({
      store: store as SettlementStore,
      clock: createManualClock(0),
    })
    const setupMs = await setup(ledger)
    console.log(
      `\n## ${LABELS[kind]} (setup: ${fmt(accounts * 8)} accounts funded and locked in ${(setupMs / 1000).toFixed(1)} s)`,
    )
    const rows: Measurement[] = []
    for (const [i, batch] of batchSizes.entries()) {
      rows.push(await measure(ledger, 'netted', batch, trades, `netted-${i}`, 1 + i, depthOf(kind)))
    }
    rows.push(
      await measure(
        ledger,
        'perLeg',
        batchSizes[0]!,
        Math.min(baselineTrades, trades),
        'per-leg',
        99,
        1,
      ),
    )
    print(kind, rows)
    const totals = await ledger.assetTotals()
    const unbalanced = totals.filter((t) => t.debitsPosted !== t.creditsPosted)
    console.log(`every asset sums to zero: ${unbalanced.length === 0 ? 'yes' : 'NO'}`)
    await ledger.close()
  } finally {
    await drop()
  }
}
