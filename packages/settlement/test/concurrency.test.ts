// Property: with 8 concurrent writers against PostgreSQL, random mixes of transfers, linked
// batches and two-phase transfers never take a no-overdraft account below zero (at any write:
// every balance-history row is checked), every asset sums to zero, and every account's balances
// equal what its stored transfers add up to.
import { createSystemClock } from '@strongroom/core'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SettlementEvent } from '../src/exchange/events.js'
import { createSettler } from '../src/exchange/settler.js'
import { type Ledger, openLedger } from '../src/ledger/openLedger.js'
import type { TransferInput } from '../src/ledger/types.js'
import { openTestStore, postgres, type TestStore } from './stores.js'

const WRITERS = 8
const ASSETS = ['BTC', 'ETH'] as const
const OWNERS = 5

type Op =
  | { type: 'transfer'; from: number; to: number; asset: number; amount: bigint }
  | { type: 'linked'; legs: { from: number; to: number; amount: bigint }[]; asset: number }
  | { type: 'pending'; from: number; to: number; asset: number; amount: bigint }
  | { type: 'resolve'; which: number; post: boolean; partial: boolean }
  | { type: 'replay' }

const account = fc.integer({ min: 0, max: OWNERS }) // OWNERS = the unrestricted source
const amount = fc.bigInt({ min: 1n, max: 400n })
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant('transfer' as const),
      from: account,
      to: account,
      asset: fc.integer({ min: 0, max: 1 }),
      amount,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('linked' as const),
      legs: fc.array(fc.record({ from: account, to: account, amount }), {
        minLength: 2,
        maxLength: 4,
      }),
      asset: fc.integer({ min: 0, max: 1 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('pending' as const),
      from: account,
      to: account,
      asset: fc.integer({ min: 0, max: 1 }),
      amount,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('resolve' as const),
      which: fc.nat(),
      post: fc.boolean(),
      partial: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ type: 'replay' as const }) },
)

const holdOp = fc.record({
  release: fc.boolean(),
  owner: fc.integer({ min: 0, max: OWNERS - 1 }),
  asset: fc.integer({ min: 0, max: 1 }),
  amount: fc.bigInt({ min: 1n, max: 300n }),
})

describe.skipIf(!postgres.available)('8 concurrent writers on PostgreSQL (property)', () => {
  let test: TestStore
  let ledger: Ledger
  let run = 0
  const seen = new Map<string, number>()
  /** Runs whose settler netted (their accounts have no transfer rows for the holds). */
  const nettedRuns: string[] = []

  beforeAll(async () => {
    test = await openTestStore('postgres', { maxConnections: WRITERS })
    ledger = await openLedger({ store: test.store, clock: createSystemClock() })
  })
  afterAll(async () => {
    await test?.dispose()
  })

  it('never overdraws a flagged account and keeps every asset at zero', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(op, { minLength: 4, maxLength: 14 }), {
          minLength: WRITERS,
          maxLength: WRITERS,
        }),
        fc.array(fc.array(holdOp, { minLength: 1, maxLength: 4 }), { maxLength: 8 }),
        async (scripts, holdBatches) => {
          run++
          const ref = (index: number, asset: number) =>
            index === OWNERS
              ? { owner: `r${run}-source`, asset: ASSETS[asset]!, role: 'control' }
              : { owner: `r${run}-o${index}`, asset: ASSETS[asset]!, role: 'available' }
          const created = await ledger.createAccounts(
            ASSETS.flatMap((_, asset) => [
              ...Array.from({ length: OWNERS }, (_, i) => ({
                account: ref(i, asset),
                code: 1,
                flags: { debitsMustNotExceedCredits: true, history: true },
              })),
              { account: ref(OWNERS, asset), code: 9 },
              // the settler's order holds move funds into these, concurrently with the writers
              ...Array.from({ length: OWNERS }, (_, i) => ({
                account: { owner: `r${run}-o${i}`, asset: ASSETS[asset]!, role: 'locked' },
                code: 2,
                flags: { debitsMustNotExceedCredits: true, history: true },
              })),
            ]),
          )
          expect(created.ok).toBe(true)
          const seed: TransferInput[] = ASSETS.flatMap((_, asset) =>
            Array.from({ length: OWNERS }, (_, i) => ({
              id: `r${run}-seed-${asset}-${i}`,
              debit: ref(OWNERS, asset),
              credit: ref(i, asset),
              amount: 500n,
              code: 1,
            })),
          )
          expect((await ledger.createTransfers(seed)).ok).toBe(true)

          const outcomes = new Map<string, number>()
          const count = (code: string) => outcomes.set(code, (outcomes.get(code) ?? 0) + 1)
          const pendings: string[] = []
          // A settler applying journaled holds and releases on the same accounts, alongside the
          // writers (per leg, so every movement is a transfer row the check below can add up).
          const settler = createSettler({
            ledger,
            fees: {
              maker: { numerator: 0n, denominator: 1n },
              taker: { numerator: 0n, denominator: 1n },
            },
            // Odd runs write per leg (every movement a transfer row, added up below), even runs
            // netted (one statement per batch, racing the writers' row locks).
            strategy: run % 2 === 1 ? 'perLeg' : 'netted',
          })
          if (run % 2 === 0) nettedRuns.push(`r${run}`)
          let seq = 0
          const holds = (async () => {
            for (const holdBatch of holdBatches) {
              const events = holdBatch.map(
                (h): SettlementEvent => ({
                  type: h.release ? 'release' : 'lock',
                  seq: ++seq,
                  key: `r${run}-h${seq}`,
                  owner: `r${run}-o${h.owner}`,
                  asset: ASSETS[h.asset]!,
                  amount: h.amount,
                }),
              )
              const result = await settler.apply({ stream: `r${run}-holds`, events })
              count(result.ok ? 'ok' : result.rejection.code)
            }
          })()
          await Promise.all([
            holds,
            ...scripts.map(async (script, writer) => {
              let last: TransferInput[] | undefined
              for (const [n, step] of script.entries()) {
                const id = `r${run}-w${writer}-${n}`
                let batch: TransferInput[] | undefined
                if (step.type === 'transfer' && step.from !== step.to) {
                  batch = [
                    {
                      id,
                      debit: ref(step.from, step.asset),
                      credit: ref(step.to, step.asset),
                      amount: step.amount,
                      code: 1,
                    },
                  ]
                } else if (step.type === 'linked') {
                  batch = step.legs
                    .filter((leg) => leg.from !== leg.to)
                    .map((leg, i) => ({
                      id: `${id}-${i}`,
                      debit: ref(leg.from, step.asset),
                      credit: ref(leg.to, step.asset),
                      amount: leg.amount,
                      code: 2,
                    }))
                } else if (step.type === 'pending' && step.from !== step.to) {
                  batch = [
                    {
                      kind: 'pending',
                      id,
                      debit: ref(step.from, step.asset),
                      credit: ref(step.to, step.asset),
                      amount: step.amount,
                      code: 3,
                      timeoutMs: 60_000,
                    },
                  ]
                } else if (step.type === 'resolve' && pendings.length > 0) {
                  // Any writer may race to resolve any pending transfer: exactly one wins.
                  const pendingId = pendings[step.which % pendings.length]!
                  batch = [
                    step.post
                      ? { kind: 'post', id, pendingId, amount: step.partial ? 1n : undefined }
                      : { kind: 'void', id, pendingId },
                  ]
                } else if (step.type === 'replay' && last) {
                  batch = last
                }
                if (!batch || batch.length === 0) continue
                const result = await ledger.createTransfers(batch)
                count(result.ok ? (result.replayed ? 'replayed' : 'ok') : result.rejection.code)
                if (result.ok && batch[0]!.kind === 'pending') pendings.push(batch[0]!.id)
                if (step.type !== 'replay') last = batch
              }
            }),
          ])
          for (const [code, n] of outcomes) seen.set(code, (seen.get(code) ?? 0) + n)
          // Only business outcomes; replays are never refused.
          for (const code of outcomes.keys()) {
            expect([
              'ok',
              'replayed',
              'SETTLEMENT_INSUFFICIENT_FUNDS',
              'SETTLEMENT_PENDING_ALREADY_POSTED',
              'SETTLEMENT_PENDING_ALREADY_VOIDED',
            ]).toContain(code)
          }

          const negative = await ledger.store.query<{ n: number }>(
            `select count(*)::int as n from ledger_balance_history h join ledger_accounts a on a.id = h.account_id
              where a.flags & 2 <> 0 and h.debits_pending + h.debits_posted > h.credits_posted`,
          )
          expect(negative[0]!.n).toBe(0)
          const overdrawn = await ledger.store.query<{ n: number }>(
            `select count(*)::int as n from ledger_accounts
              where flags & 2 <> 0 and debits_pending + debits_posted > credits_posted`,
          )
          expect(overdrawn[0]!.n).toBe(0)
          for (const totals of await ledger.assetTotals()) {
            expect(totals.debitsPosted).toBe(totals.creditsPosted)
            expect(totals.debitsPending).toBe(totals.creditsPending)
          }
          const mismatched = await ledger.store.query<{ id: string }>(
            `with moved as (
               select debit_account_id as id,
                      sum(case when kind in (0, 2) then amount else 0 end) as dpo,
                      sum(case when kind = 1 and state = 1 then amount else 0 end) as dpe,
                      0::numeric as cpo, 0::numeric as cpe
                 from ledger_transfers group by debit_account_id
               union all
               select credit_account_id, 0, 0,
                      sum(case when kind in (0, 2) then amount else 0 end),
                      sum(case when kind = 1 and state = 1 then amount else 0 end)
                 from ledger_transfers group by credit_account_id
             ), summed as (
               select id, sum(dpo) as dpo, sum(dpe) as dpe, sum(cpo) as cpo, sum(cpe) as cpe from moved group by id
             )
             select a.id::text as id from ledger_accounts a left join summed s on s.id = a.id
              where (a.debits_posted <> coalesce(s.dpo, 0) or a.debits_pending <> coalesce(s.dpe, 0)
                 or a.credits_posted <> coalesce(s.cpo, 0) or a.credits_pending <> coalesce(s.cpe, 0))
                and split_part(a.owner, '-', 1) <> all($1::text[])`,
            [`{${nettedRuns.join(',')}}`],
          )
          expect(mismatched).toEqual([])
          // Each pending transfer was resolved at most once.
          const doubly = await ledger.store.query<{ n: number }>(
            `select count(*)::int as n from (select pending_id from ledger_transfers
               where pending_id is not null group by pending_id having count(*) > 1) d`,
          )
          expect(doubly[0]!.n).toBe(0)
        },
      ),
      { numRuns: 40 },
    )
    // The mixes did exercise the interesting paths.
    console.log('outcomes', Object.fromEntries(seen))
    expect(seen.get('ok')).toBeGreaterThan(100)
    expect(seen.get('SETTLEMENT_INSUFFICIENT_FUNDS')).toBeGreaterThan(0)
    expect(seen.get('replayed')).toBeGreaterThan(0)
  }, 240_000)
})
