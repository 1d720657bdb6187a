// @strongroom/compliance benchmarks: address screening, name screening, full rule evaluation and
// TRISA envelopes. Run: `npm run bench -- @strongroom/compliance` (or `pnpm run bench` here;
// `pnpm run bench --only=names` runs one section: addresses, names, rules or trisa, and
// `--tail-out=FILE` writes the name-screening queries in the slowest 1 % by warm CPU time to FILE).
// Uses the public fixtures in ../shared/testdata/compliance when present.
import { generateKeyPairSync } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ComplianceEvent } from '@strongroom/core'
import { sharedTestdataDir } from '@strongroom/testkit'
import {
  createAddressScreen,
  createComplianceEngine,
  createKycRegistry,
  createNameScreen,
  createStaticValuator,
  openEnvelope,
  parseOfacSdnCsv,
  type SanctionedAddress,
  type SanctionedParty,
  sealEnvelope,
} from '../src/index.js'
import { benchNameScreening } from './nameScreening.js'
import { createRand, fmt, pct } from './util.js'

const data = join(sharedTestdataDir(), 'compliance')
const haveData = existsSync(data)
const read = (p: string) => readFileSync(join(data, p), 'utf8')
const rand = createRand(0x2545f491)
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!
const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
const HEX = '0123456789abcdef'
const BECH = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'
const randomString = (alphabet: string, n: number) =>
  Array.from({ length: n }, () => pick([...alphabet])).join('')
const syntheticAddress = () => {
  const r = rand()
  if (r < 0.4) return `0x${randomString(HEX, 40)}`
  if (r < 0.75) return `1${randomString(B58, 33)}`
  if (r < 0.9) return `bc1q${randomString(BECH, 38)}`
  return `T${randomString(B58, 33)}`
}

const option = (name: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)
const only = option('only')
const runs = (section: 'addresses' | 'names' | 'rules' | 'trisa') =>
  only === undefined || only === section

console.log(
  `@strongroom/compliance benchmarks — node ${process.version}, ${new Date().toISOString()}`,
)
if (!haveData) console.log(`(shared test data not found at ${data}: synthetic data only)`)

// ---------------------------------------------------------------------------------------------
// 1. Address screening
if (runs('addresses')) {
  const addresses: SanctionedAddress[] = []
  if (haveData) {
    const dir = join(data, 'ofac_sanctioned_addresses')
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
      const currency = f.replace(/^sanctioned_addresses_|\.json$/g, '')
      for (const address of JSON.parse(readFileSync(join(dir, f), 'utf8')) as string[])
        addresses.push({ address, currency, entityId: 'ofac' })
    }
  }
  const real = addresses.length
  // The SDN list has ~18,000 entries; pad the real addresses to 20,000 with synthetic ones.
  while (addresses.length < 20_000)
    addresses.push({ address: syntheticAddress(), currency: 'X', entityId: 'synthetic' })
  const screen = createAddressScreen()
  screen.load({ source: 'bench', addresses })
  // Queries: 10 % listed (in random case for EVM), 90 % not, mixed address forms.
  const queries: string[] = []
  for (let i = 0; i < 100_000; i++) {
    if (rand() < 0.1) {
      const a = pick(addresses).address
      queries.push(
        a.startsWith('0x')
          ? `0x${[...a.slice(2)].map((c) => (rand() < 0.5 ? c.toUpperCase() : c)).join('')}`
          : a,
      )
    } else queries.push(syntheticAddress())
  }
  let hits = 0
  for (let i = 0; i < 3; i++) for (const q of queries) if (screen.isSanctioned(q)) hits++
  // Five timed passes of 30 rounds each (3,000,000 lookups), ours and the naive baseline
  // alternating, so that a pass the shared machine slowed down does not decide the figure alone:
  // best and median are both printed, the verdict on each.
  const rounds = 30
  const passes = 5
  // Same-run baseline: lower-casing every key and a plain Set (wrong for base58, shown for scale).
  const naive = new Set(addresses.map((a) => a.address.toLowerCase()))
  const rates: number[] = []
  const naiveRates: number[] = []
  let naiveHits = 0
  for (let pass = 0; pass < passes; pass++) {
    hits = 0
    const t0 = process.hrtime.bigint()
    for (let r = 0; r < rounds; r++) for (const q of queries) if (screen.isSanctioned(q)) hits++
    rates.push((rounds * queries.length) / (Number(process.hrtime.bigint() - t0) / 1e9))
    naiveHits = 0
    const t1 = process.hrtime.bigint()
    for (let r = 0; r < rounds; r++)
      for (const q of queries) if (naive.has(q.toLowerCase())) naiveHits++
    naiveRates.push((rounds * queries.length) / (Number(process.hrtime.bigint() - t1) / 1e9))
  }
  const best = (xs: number[]) => Math.max(...xs)
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!
  const rate = best(rates)
  const naiveRate = best(naiveRates)
  const verdictOf = (r: number) => `${r >= 5e6 ? 'met' : 'NOT met'}; ${fmt(r / 5e6, 2)}× target`
  console.log('\n## Address screening')
  console.log(
    `list: ${fmt(screen.size)} addresses (${fmt(real)} real OFAC addresses + synthetic padding); queries 10 % listed, EVM in random case`,
  )
  console.log(
    `chain-aware lookups/s, best of ${passes} passes: ${fmt(rate)}  (target ≥ 5,000,000/s: ${verdictOf(rate)}); hits ${fmt(hits / rounds)}/${fmt(queries.length)}`,
  )
  console.log(
    `chain-aware lookups/s, median pass: ${fmt(median(rates))}  (${verdictOf(median(rates))}); every pass: ${rates.map((r) => fmt(r)).join(' / ')}`,
  )
  console.log(
    `same run, naive Set of lower-cased keys (case-folds base58, i.e. wrong), best of ${passes}: ${fmt(naiveRate)}/s (ours ${fmt(rate / naiveRate, 2)}×), median ${fmt(median(naiveRates))}/s, hits ${fmt(naiveHits / rounds)}`,
  )
}

// ---------------------------------------------------------------------------------------------
// 2. Name screening (its own seeded queries, so `--only=names` measures the same ones)
if (haveData && runs('names')) benchNameScreening({ read, tailOut: option('tail-out') })

// ---------------------------------------------------------------------------------------------
// 3. Full rule evaluation per event, every built-in rule on
if (runs('rules')) {
  const DAY = 86_400_000
  const T0 = Date.parse('2026-11-01T00:00:00Z')
  const kyc = createKycRegistry()
  const ACCOUNTS = 10_000
  for (let i = 0; i < ACCOUNTS; i++)
    kyc.set({ accountId: `acc-${i}`, status: 'verified', level: 2, expiresAt: T0 + 365 * DAY })
  const addresses = createAddressScreen()
  const listed: SanctionedAddress[] = Array.from({ length: 20_000 }, () => ({
    address: syntheticAddress(),
    currency: 'X',
    entityId: 's',
  }))
  addresses.load({ source: 'bench', addresses: listed })
  const names = createNameScreen()
  const parties: readonly SanctionedParty[] = haveData
    ? parseOfacSdnCsv({ sdn: read('ofac_sdn_csv_2021/sdn.csv') }).parties
    : [{ entityId: '1', type: 'individual', name: 'EXAMPLE PERSON', aliases: [], programs: [] }]
  names.load({ source: 'bench', parties })
  const engine = createComplianceEngine({
    rules: {
      version: 'bench',
      referenceCurrency: 'USD',
      rules: [
        { id: 'kyc', type: 'kyc' },
        { id: 'addr', type: 'sanctionedAddress' },
        { id: 'names', type: 'sanctionedName' },
        { id: 'kyt', type: 'addressRisk' },
        { id: 'tr', type: 'travelRule', jurisdiction: 'US' },
        { id: 'struct', type: 'structuring', threshold: '10000', windowMs: DAY },
        { id: 'rapid', type: 'rapidMovement', windowMs: 1_800_000, minValue: '1000' },
        { id: 'layer', type: 'layering', windowMs: DAY },
        {
          id: 'vel',
          type: 'velocity',
          kinds: ['withdrawal', 'deposit'],
          windowMs: 3_600_000,
          maxCount: 20,
        },
        { id: 'dormant', type: 'dormantReactivation', dormantMs: 365 * DAY, minValue: '1000' },
      ],
    },
    valuator: createStaticValuator({
      currencies: { USD: 2 },
      assets: {
        USDC: { decimals: 6, prices: { USD: '1' } },
        BTC: { decimals: 8, prices: { USD: '50000' } },
      },
    }),
    kyc,
    kycLevels: [
      {
        level: 2,
        name: 'full',
        limits: { withdrawal: { perTransaction: '1000000', perDay: '5000000' } },
      },
    ],
    addresses,
    names,
  })
  const beneficiary = {
    originator: {
      originatorPersons: [
        {
          naturalPerson: {
            name: { nameIdentifier: [{ primaryIdentifier: 'Doe', nameIdentifierType: 'LEGL' }] },
            customerIdentification: 'c1',
          },
        },
      ],
      accountNumber: ['acc'],
    },
    beneficiary: {
      beneficiaryPersons: [
        {
          naturalPerson: {
            name: {
              nameIdentifier: [
                {
                  primaryIdentifier: 'Smith',
                  secondaryIdentifier: 'John',
                  nameIdentifierType: 'LEGL',
                },
              ],
            },
          },
        },
      ],
      accountNumber: ['0xb0b'],
    },
  }
  const vasp = {
    id: 'bob',
    name: 'Bob',
    country: 'GB',
    protocols: ['trisa' as const],
    verified: true,
  }
  const risk = { address: '', chain: 'ETH', riskScore: 1, exposures: [], provider: 'bench' }
  let t = T0
  let id = 0
  const events: { event: ComplianceEvent; context: Parameters<typeof engine.evaluateSync>[1] }[] =
    []
  for (let i = 0; i < 200_000; i++) {
    t += Math.floor(rand() * 400)
    const account = `acc-${Math.floor(rand() * ACCOUNTS)}`
    const r = rand()
    const usd = BigInt(Math.floor(rand() * 15_000 * 100)) * 10_000n
    if (r < 0.35)
      events.push({
        event: {
          kind: 'deposit',
          id: `e${++id}`,
          timestamp: t,
          accountId: account,
          asset: 'USDC',
          amount: usd,
          chain: 'ETH',
          sourceAddress: syntheticAddress(),
        },
        context: { addressRisk: risk },
      })
    else if (r < 0.6)
      events.push({
        event: {
          kind: 'trade',
          id: `e${++id}`,
          timestamp: t,
          accountId: account,
          counterpartyAccountId: 'mm',
          instrument: 'BTC-USDC',
          side: 'buy',
          baseAsset: 'BTC',
          baseAmount: 1n,
          quoteAsset: 'USDC',
          quoteAmount: usd,
        },
        context: {},
      })
    else if (r < 0.75)
      events.push({
        event: {
          kind: 'transfer',
          id: `e${++id}`,
          timestamp: t,
          accountId: account,
          toAccountId: `acc-${Math.floor(rand() * ACCOUNTS)}x`,
          asset: 'USDC',
          amount: usd,
        },
        context: {},
      })
    else
      events.push({
        event: {
          kind: 'withdrawal',
          id: `e${++id}`,
          timestamp: t,
          accountId: account,
          asset: 'USDC',
          amount: usd,
          chain: 'ETH',
          destinationAddress: syntheticAddress(),
          beneficiary,
        },
        context: { addressRisk: risk, counterparty: vasp },
      })
  }
  const warm = 20_000
  for (let i = 0; i < warm; i++) engine.evaluateSync(events[i]!.event, events[i]!.context)
  const times = new Float64Array(events.length - warm)
  const outcomes = { allow: 0, hold: 0, block: 0 }
  let alerts = 0
  for (let i = warm; i < events.length; i++) {
    const { event, context } = events[i]!
    const s = process.hrtime.bigint()
    const d = engine.evaluateSync(event, context)
    times[i - warm] = Number(process.hrtime.bigint() - s) / 1000
    outcomes[d.outcome]++
    alerts += d.alerts.length
  }
  times.sort()
  const p99 = pct(times, 99)
  console.log('\n## Full rule evaluation (evaluateSync, all 10 built-in rule types on)')
  console.log(
    `${fmt(times.length)} events over ${fmt(ACCOUNTS)} accounts (35 % deposits, 25 % trades, 15 % transfers, 25 % withdrawals with IVMS101 beneficiary data screened against ${fmt(names.size)} names); 20,000 address list`,
  )
  console.log(
    `per event: p50 ${fmt(pct(times, 50), 1)} µs, p99 ${fmt(p99, 1)} µs, p99.9 ${fmt(pct(times, 99.9), 1)} µs  (target p99 ≤ 100 µs: ${p99 <= 100 ? 'met' : 'NOT met'}); outcomes ${JSON.stringify(outcomes)}, ${fmt(alerts)} alerts`,
  )
}

// ---------------------------------------------------------------------------------------------
// 4. TRISA envelopes
if (runs('trisa')) {
  const clock = { now: () => Date.parse('2026-11-01T00:00:00Z'), monotonicNs: () => 0n }
  const payloadPath = join(data, 'trisa/envelope/pending_payload.json')
  const payload = haveData
    ? JSON.parse(readFileSync(payloadPath, 'utf8'))
    : { identity: null, transaction: null, sent_at: '2026-11-01T00:00:00Z', received_at: '' }
  console.log(
    '\n## TRISA secure envelopes (seal + open, RSA-OAEP-SHA-512 key wrap, AES-256-GCM, HMAC-SHA256)',
  )
  const keys: [string, string | import('node:crypto').KeyObject][] = []
  if (haveData)
    keys.push(['4096-bit (TRISA reference test key)', read('trisa/envelope/sealing_key.pem')])
  else
    keys.push([
      '4096-bit (generated)',
      generateKeyPairSync('rsa', { modulusLength: 4096 }).privateKey,
    ])
  keys.push([
    '2048-bit (generated)',
    generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
  ])
  for (const [label, key] of keys) {
    for (let i = 0; i < 20; i++)
      openEnvelope({
        envelope: sealEnvelope({ payload, recipientKey: key, id: 'w', clock }),
        privateKey: key,
      })
    const n = label.startsWith('4096') ? 300 : 1000
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < n; i++)
      openEnvelope({
        envelope: sealEnvelope({ payload, recipientKey: key, id: `e${i}`, clock }),
        privateKey: key,
      })
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9
    console.log(
      `${label}: ${fmt(n / seconds)} seal+open/s (${fmt((seconds / n) * 1000, 2)} ms each; 1,170-byte IVMS101 payload)`,
    )
  }
}
