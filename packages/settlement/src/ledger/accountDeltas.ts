import type { LedgerAccountRef } from '@strongroom/core'
import { type SettlementRejection, transferIdOf } from '../errors.js'
import type { SqlExecutor } from '../store/sqlStore.js'
import type { AccountCache } from './accountCache.js'
import { ACCOUNT_FLAG_BITS } from './types.js'

/** Net change of one account's four balances within one write. */
export type AccountDelta = {
  debitsPending: bigint
  debitsPosted: bigint
  creditsPending: bigint
  creditsPosted: bigint
}

/** Net changes per account id, built up transfer by transfer (netting). */
export class DeltaSet {
  readonly byId = new Map<bigint, AccountDelta>()

  #get(id: bigint): AccountDelta {
    let delta = this.byId.get(id)
    if (!delta) {
      delta = { debitsPending: 0n, debitsPosted: 0n, creditsPending: 0n, creditsPosted: 0n }
      this.byId.set(id, delta)
    }
    return delta
  }

  post(debit: bigint, credit: bigint, amount: bigint): void {
    this.#get(debit).debitsPosted += amount
    this.#get(credit).creditsPosted += amount
  }

  reserve(debit: bigint, credit: bigint, amount: bigint): void {
    this.#get(debit).debitsPending += amount
    this.#get(credit).creditsPending += amount
  }

  /** Ids sorted ascending (rows are locked in this order, so writers never deadlock). */
  sortedIds(): bigint[] {
    return [...this.byId.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  }

  /** Parameters of the netted account update: ids and the four delta columns. */
  arrays(): [string, string, string, string, string] {
    const ids = this.sortedIds()
    const column = (pick: (d: AccountDelta) => bigint) =>
      `{${ids.map((id) => pick(this.byId.get(id)!)).join(',')}}`
    return [
      `{${ids.join(',')}}`,
      column((d) => d.debitsPending),
      column((d) => d.debitsPosted),
      column((d) => d.creditsPending),
      column((d) => d.creditsPosted),
    ]
  }
}

/**
 * The netted account update and its history rows, as CTEs to embed in a write statement.
 * Parameters `$<first>`…`$<first+4>` are {@link DeltaSet.arrays} (or, `postedOnly`, three:
 * ids, posted debits, posted credits); `writeSeq` and `at` are SQL expressions.
 */
export function accountUpdateCtes(
  first: number,
  writeSeq: string,
  at: string,
  postedOnly = false,
): string {
  const p = (i: number) => `$${first + i}`
  const update = postedOnly
    ? `update ledger_accounts la set
      debits_posted = la.debits_posted + u.dpo,
      credits_posted = la.credits_posted + u.cpo
    from unnest(${p(0)}::int8[], ${p(1)}::numeric[], ${p(2)}::numeric[]) as u(id, dpo, cpo)`
    : `update ledger_accounts la set
      debits_pending = la.debits_pending + u.dpe,
      debits_posted = la.debits_posted + u.dpo,
      credits_pending = la.credits_pending + u.cpe,
      credits_posted = la.credits_posted + u.cpo
    from unnest(${p(0)}::int8[], ${p(1)}::numeric[], ${p(2)}::numeric[], ${p(3)}::numeric[], ${p(4)}::numeric[])
      as u(id, dpe, dpo, cpe, cpo)`
  return `a as (
    ${update}
    where la.id = u.id
    returning la.id, la.flags, la.debits_pending, la.debits_posted, la.credits_pending, la.credits_posted
  ),
  h as (
    insert into ledger_balance_history
      (account_id, write_seq, at, debits_pending, debits_posted, credits_pending, credits_posted)
    select id, ${writeSeq}, ${at}, debits_pending, debits_posted, credits_pending, credits_posted
      from a where flags & ${ACCOUNT_FLAG_BITS.history} <> 0
    returning 1
  )`
}

/**
 * Locks the accounts a write touches (in id order) and checks that the netted deltas keep every
 * flagged account within its rule. Returns the first breach as a rejection.
 */
export async function lockAndCheckBalances(
  db: SqlExecutor,
  deltas: DeltaSet,
  cache: AccountCache,
  blame: (accountId: bigint, side: 'debit' | 'credit') => string | undefined,
): Promise<SettlementRejection | undefined> {
  const ids = deltas.sortedIds()
  const rows = await db.query<{
    id: string
    flags: number
    debits_pending: string
    debits_posted: string
    credits_pending: string
    credits_posted: string
  }>(
    `select id::text as id, flags, debits_pending::text as debits_pending,
            debits_posted::text as debits_posted, credits_pending::text as credits_pending,
            credits_posted::text as credits_posted
       from ledger_accounts where id = any($1::int8[]) order by id for update`,
    [`{${ids.join(',')}}`],
  )
  for (const row of rows) {
    const id = BigInt(row.id)
    const d = deltas.byId.get(id)!
    const flags = Number(row.flags)
    const debits =
      BigInt(row.debits_pending) + d.debitsPending + BigInt(row.debits_posted) + d.debitsPosted
    const credits =
      BigInt(row.credits_pending) + d.creditsPending + BigInt(row.credits_posted) + d.creditsPosted
    const debitsPosted = BigInt(row.debits_posted) + d.debitsPosted
    const creditsPosted = BigInt(row.credits_posted) + d.creditsPosted
    const ref = cache.byId(id)?.ref
    if (flags & ACCOUNT_FLAG_BITS.debitsMustNotExceedCredits && debits > creditsPosted) {
      return insufficient(ref, blame(id, 'debit'), debits - creditsPosted)
    }
    if (flags & ACCOUNT_FLAG_BITS.creditsMustNotExceedDebits && credits > debitsPosted) {
      return {
        code: 'SETTLEMENT_CREDITS_EXCEED_DEBITS',
        message: `Credits of ${describe(ref)} would exceed its debits by ${credits - debitsPosted}.`,
        transferId: transferIdOf(blame(id, 'credit')),
        account: ref,
      }
    }
  }
  return undefined
}

function describe(ref: LedgerAccountRef | undefined): string {
  return ref ? `${ref.owner}/${ref.asset}/${ref.role}` : 'an account'
}

/** The rejection for an account that would go below zero. */
export function insufficient(
  ref: LedgerAccountRef | undefined,
  transferId: string | undefined,
  shortBy: bigint | undefined,
): SettlementRejection {
  return {
    code: 'SETTLEMENT_INSUFFICIENT_FUNDS',
    message: `Debits of ${describe(ref)} would exceed its credits${shortBy === undefined ? '' : ` by ${shortBy}`}.`,
    transferId: transferIdOf(transferId),
    account: ref,
  }
}
