import type { LedgerAccountRef } from '@strongroom/core'
import type { Ledger } from '../src/ledger/openLedger.js'

export const ref = (owner: string, asset: string, role = 'available'): LedgerAccountRef => ({
  owner,
  asset,
  role,
})

/** Everything the ledger holds, for "nothing was written" and "same ledger" comparisons. */
export async function ledgerState(ledger: Ledger): Promise<{
  accounts: string[]
  transfers: string[]
  history: string[]
  batches: string[]
  cursors: string[]
}> {
  const db = ledger.store
  const accounts = await db.query<{ line: string }>(
    `select concat_ws('|', owner, asset, role, code, flags, debits_pending, debits_posted,
            credits_pending, credits_posted) as line from ledger_accounts order by owner, asset, role`,
  )
  const transfers = await db.query<{ line: string }>(
    `select concat_ws('|', t.id, t.kind, d.owner, d.asset, d.role, c.owner, c.role, t.amount,
            t.pending_id, t.code, t.reference, t.state) as line
       from ledger_transfers t join ledger_accounts d on d.id = t.debit_account_id
       join ledger_accounts c on c.id = t.credit_account_id order by t.id`,
  )
  const history = await db.query<{ line: string }>(
    `select concat_ws('|', a.owner, a.asset, a.role, h.debits_pending, h.debits_posted,
            h.credits_pending, h.credits_posted) as line
       from ledger_balance_history h join ledger_accounts a on a.id = h.account_id
      order by a.owner, a.asset, a.role, h.write_seq`,
  )
  const batches = await db.query<{ line: string }>(
    `select concat_ws('|', stream, first_seq, last_seq, event_count, first_key, last_key, digest) as line
       from settlement_batches order by stream, first_seq`,
  )
  const cursors = await db.query<{ line: string }>(
    `select concat_ws('|', stream, last_seq) as line from settlement_cursors order by stream`,
  )
  const lines = (rows: { line: string }[]) => rows.map((r) => r.line)
  return {
    accounts: lines(accounts),
    transfers: lines(transfers),
    history: lines(history),
    batches: lines(batches),
    cursors: lines(cursors),
  }
}

/** Balance of a credit-normal account: posted credits minus posted debits. */
export async function available(ledger: Ledger, account: LedgerAccountRef): Promise<bigint> {
  const [found] = await ledger.lookupAccounts([account])
  if (!found) throw new Error(`no account ${account.owner}/${account.asset}/${account.role}`)
  return found.creditsPosted - found.debitsPosted - found.debitsPending
}
