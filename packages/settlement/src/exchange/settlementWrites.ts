import { ACCOUNT_FLAG_BITS } from '../ledger/types.js'
import type { SqlExecutor } from '../store/sqlStore.js'
import type { SettlementEvent } from './events.js'

/** What a batch write needs: the events, their netting and the ledger's slots. */
export type BatchWrite = {
  readonly stream: string
  readonly events: readonly SettlementEvent[]
  /** Account ids, summed debits, summed credits: array literals from the netting. */
  readonly arrays: readonly [string, string, string]
  /** Touched slots sorted by account id. */
  readonly slots: readonly number[]
  readonly accountIds: readonly number[]
  readonly flags: readonly number[]
  readonly digest: string
  readonly now: number
}

/** Writes the balance history of the touched accounts that keep one. */
async function writeHistory(db: SqlExecutor, batch: BatchWrite, writeSeq: string): Promise<void> {
  const ids: number[] = []
  for (const slot of batch.slots) {
    if (batch.flags[slot]! & ACCOUNT_FLAG_BITS.history) ids.push(batch.accountIds[slot]!)
  }
  if (ids.length === 0) return
  await db.query(
    `insert into ledger_balance_history
       (account_id, write_seq, at, debits_pending, debits_posted, credits_pending, credits_posted)
     select id, $2::int8, $3::int8, debits_pending, debits_posted, credits_pending, credits_posted
       from ledger_accounts where id = any($1::int8[])`,
    [`{${ids.join(',')}}`, writeSeq, String(batch.now)],
  )
}

/**
 * The netted write: the batch record, the stream cursor and one update of every touched account
 * (its summed debits and credits) in one statement. CHECK constraints refuse any overdraft.
 */
export async function writeNetted(
  db: SqlExecutor,
  batch: BatchWrite,
  dispatched: () => void = () => {},
): Promise<void> {
  const { events } = batch
  // Large joins stay in memory instead of spilling to temporary files.
  await db.query(`set local work_mem = '256MB'`)
  const written = db.query<{ write_seq: string }>(
    `with ws as (select nextval('ledger_write_seq') as s),
     b as (
       insert into settlement_batches
         (stream, first_seq, last_seq, event_count, first_key, last_key, digest, write_seq, at)
       select $1, $2, $3, $4, $5, $6, $7, s, $8 from ws
       returning 1
     ),
     c as (update settlement_cursors set last_seq = $3 where stream = $1 returning 1),
     a as (
       update ledger_accounts la set
         debits_posted = la.debits_posted + u.dpo,
         credits_posted = la.credits_posted + u.cpo
       from unnest($9::int8[], $10::numeric[], $11::numeric[]) as u(id, dpo, cpo)
       where la.id = u.id
     )
     select s::text as write_seq from ws`,
    [
      batch.stream,
      events[0]!.seq,
      events[events.length - 1]!.seq,
      events.length,
      events[0]!.key,
      events[events.length - 1]!.key,
      batch.digest,
      String(batch.now),
      ...batch.arrays,
    ],
  )
  // The statement is on its way: the next batch may be netted while the database works.
  dispatched()
  const [row] = await written
  await writeHistory(db, batch, row!.write_seq)
}

/**
 * The straightforward write, kept as the reference the netted one is measured against: for
 * every leg one transfer row and two balance updates, all in the batch's transaction.
 */
export async function writePerLeg(
  db: SqlExecutor,
  batch: BatchWrite,
  legsOf: (event: SettlementEvent) => readonly [number, number, bigint, number][],
): Promise<void> {
  const { events } = batch
  const [seqRow] = await db.query<{ s: string }>(`select nextval('ledger_write_seq')::text as s`)
  const writeSeq = seqRow!.s
  const at = String(batch.now)
  for (const event of events) {
    const legs = legsOf(event)
    for (let n = 0; n < legs.length; n++) {
      const [debit, credit, amount, code] = legs[n]!
      await db.query(
        `insert into ledger_transfers (id, debit_account_id, credit_account_id, amount, kind,
           code, reference, write_seq, created_at)
         values ($1, $2, $3, $4, 0, $5, $6, $7, $8)`,
        [
          `~${batch.stream}:${event.seq}:${n}`,
          debit,
          credit,
          amount.toString(),
          code,
          event.key,
          writeSeq,
          at,
        ],
      )
      await db.query(
        'update ledger_accounts set debits_posted = debits_posted + $1 where id = $2',
        [amount.toString(), debit],
      )
      await db.query(
        'update ledger_accounts set credits_posted = credits_posted + $1 where id = $2',
        [amount.toString(), credit],
      )
    }
  }
  await db.query(
    `insert into settlement_batches
       (stream, first_seq, last_seq, event_count, first_key, last_key, digest, write_seq, at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      batch.stream,
      events[0]!.seq,
      events[events.length - 1]!.seq,
      events.length,
      events[0]!.key,
      events[events.length - 1]!.key,
      batch.digest,
      writeSeq,
      at,
    ],
  )
  await db.query('update settlement_cursors set last_seq = $2 where stream = $1', [
    batch.stream,
    events[events.length - 1]!.seq,
  ])
  await writeHistory(db, batch, writeSeq)
}
