// The settler's overlapping applies, and the netted write against the per-leg reference.
import { createManualClock } from '@strongroom/core'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PredecessorFailedError } from '../src/errors.js'
import { availableAccount, lockedAccount } from '../src/exchange/accounts.js'
import type { SettlementEvent } from '../src/exchange/events.js'
import { createSettler } from '../src/exchange/settler.js'
import { type Ledger, openLedger } from '../src/ledger/openLedger.js'
import { FEES, setupExchange } from './exchange.js'
import { ledgerState } from './helpers.js'
import { openTestStore, storeKinds, type TestStore } from './stores.js'

const OWNERS = ['u0', 'u1', 'u2', 'u3']
const ASSETS = ['BTC', 'ETH', 'USDT']

const eventArb = fc.oneof(
  fc.record({
    type: fc.constant('lock' as const),
    owner: fc.constantFrom(...OWNERS),
    asset: fc.constantFrom(...ASSETS),
    amount: fc.bigInt({ min: 1n, max: 10_000n }),
  }),
  fc.record({
    type: fc.constant('trade' as const),
    pair: fc.constantFrom(['BTC', 'USDT'], ['ETH', 'USDT'], ['ETH', 'BTC']),
    buyer: fc.constantFrom(...OWNERS),
    seller: fc.constantFrom(...OWNERS),
    baseAmount: fc.bigInt({ min: 1n, max: 2_000n }),
    quoteAmount: fc.bigInt({ min: 1n, max: 2_000n }),
    maker: fc.constantFrom('buyer' as const, 'seller' as const),
  }),
  fc.record({
    type: fc.constant('release' as const),
    owner: fc.constantFrom(...OWNERS),
    asset: fc.constantFrom(...ASSETS),
    amount: fc.bigInt({ min: 1n, max: 100n }),
  }),
)

type RawEvent = typeof eventArb extends fc.Arbitrary<infer T> ? T : never

function toEvents(raw: RawEvent[], firstSeq: number): SettlementEvent[] {
  return raw.map((e, i): SettlementEvent => {
    const seq = firstSeq + i
    if (e.type === 'trade') {
      return {
        type: 'trade',
        seq,
        key: `t${seq}`,
        base: e.pair[0]!,
        quote: e.pair[1]!,
        buyer: e.buyer,
        seller: e.seller,
        baseAmount: e.baseAmount,
        quoteAmount: e.quoteAmount,
        maker: e.maker,
      }
    }
    return { ...e, seq, key: `o${seq}` }
  })
}

describe.each(storeKinds)('settler pipeline and strategies on %s', (kind) => {
  let test: TestStore
  let ledger: Ledger

  beforeAll(async () => {
    test = await openTestStore(kind)
    ledger = await openLedger({ store: test.store, clock: createManualClock(0) })
    await setupExchange(ledger, { owners: OWNERS, assets: ASSETS, funds: 10n ** 12n })
  })
  afterAll(async () => {
    await test?.dispose()
  })

  it('overlapping applies are written in call order; a failure stops the ones behind it', async () => {
    const settler = createSettler({ ledger, fees: FEES })
    const lock = (seq: number, amount: bigint): SettlementEvent => ({
      type: 'lock',
      seq,
      key: `p${seq}`,
      owner: 'u0',
      asset: 'BTC',
      amount,
    })
    const results = await Promise.all([
      settler.apply({ stream: 'pipe', events: [lock(1, 1n), lock(2, 1n)] }),
      settler.apply({ stream: 'pipe', events: [lock(3, 1n)] }),
      settler.apply({ stream: 'pipe', events: [lock(4, 1n), lock(5, 1n)] }),
    ])
    expect(results).toEqual([
      { ok: true, applied: 2, skipped: 0, lastSeq: 2 },
      { ok: true, applied: 1, skipped: 0, lastSeq: 3 },
      { ok: true, applied: 2, skipped: 0, lastSeq: 5 },
    ])
    const failing = settler.apply({ stream: 'pipe', events: [lock(6, 10n ** 13n)] })
    const behind = settler.apply({ stream: 'pipe', events: [lock(7, 1n)] })
    expect(await failing).toMatchObject({
      ok: false,
      rejection: { code: 'SETTLEMENT_INSUFFICIENT_FUNDS' },
    })
    await expect(behind).rejects.toBeInstanceOf(PredecessorFailedError)
    expect(await settler.lastApplied('pipe')).toBe(5)
    // After the failure, the stream goes on from the failed batch.
    expect(await settler.apply({ stream: 'pipe', events: [lock(6, 1n), lock(7, 1n)] })).toEqual({
      ok: true,
      applied: 2,
      skipped: 0,
      lastSeq: 7,
    })
    const [locked] = await ledger.lookupAccounts([lockedAccount('u0', 'BTC')])
    expect(locked!.creditsPosted).toBe(7n)
  })

  it('netted and per-leg settlement of any event mix give the same balances (property)', async () => {
    let run = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 12 }),
        async (raw, batchSize) => {
          run++
          const events = toEvents(
            // a lock in front of everything keeps holds large enough for the trades
            raw,
            1,
          )
          const results: string[][] = []
          for (const strategy of ['netted', 'perLeg'] as const) {
            // each strategy on fresh owners with identical funding
            const settler = createSettler({ ledger, fees: FEES, strategy })
            const funding = OWNERS.flatMap((owner, i) =>
              ASSETS.map(
                (asset, j): SettlementEvent => ({
                  type: 'lock',
                  seq: 1 + i * ASSETS.length + j,
                  key: `f-${owner}-${asset}`,
                  owner,
                  asset,
                  amount: 1_000_000n,
                }),
              ),
            )
            const before = await ledgerState(ledger)
            const stream = `prop-${run}-${strategy}`
            const outcomes: string[] = []
            const all = [...funding, ...events.map((e) => ({ ...e, seq: e.seq + funding.length }))]
            for (let i = 0; i < all.length; i += batchSize) {
              const result = await settler.apply({ stream, events: all.slice(i, i + batchSize) })
              outcomes.push(result.ok ? `ok:${result.applied}` : result.rejection.code)
              if (!result.ok) break
            }
            const after = await ledgerState(ledger)
            // the posted debits and credits each strategy added, account by account
            const parse = (lines: string[]) =>
              new Map(
                lines.map((line) => {
                  const f = line.split('|')
                  return [f.slice(0, 3).join('|'), [BigInt(f[6]!), BigInt(f[8]!)] as const]
                }),
              )
            const was = parse(before.accounts)
            const deltas = [...parse(after.accounts)]
              .map(([account, [d, c]]) => {
                const [d0, c0] = was.get(account) ?? [0n, 0n]
                return `${account}:${d - d0}:${c - c0}`
              })
              .filter((line) => !line.endsWith(':0:0'))
            results.push([...outcomes, ...deltas])
            // undo: release everything back so the next strategy starts from the same balances
            const undo: SettlementEvent[] = []
            for (const owner of OWNERS) {
              for (const asset of ASSETS) {
                const [locked, available] = await ledger.lookupAccounts([
                  lockedAccount(owner, asset),
                  availableAccount(owner, asset),
                ])
                undo.push({
                  type: 'release',
                  seq: 0,
                  key: `u-${owner}-${asset}`,
                  owner,
                  asset,
                  amount: locked!.creditsPosted - locked!.debitsPosted,
                })
                expect(available!.creditsPosted - available!.debitsPosted).toBeGreaterThanOrEqual(
                  0n,
                )
              }
            }
            const nonzero = undo.filter((e) => e.type === 'release' && e.amount > 0n)
            if (nonzero.length > 0) {
              const last = await settler.lastApplied(stream)
              const result = await settler.apply({
                stream,
                events: nonzero.map((e, i) => ({ ...e, seq: last + 1 + i })),
              })
              expect(result.ok).toBe(true)
            }
          }
          expect(results[0]!.length).toBeGreaterThan(1)
          expect(results[1]).toEqual(results[0])
        },
      ),
      { numRuns: 15 },
    )
  }, 120_000)
})
