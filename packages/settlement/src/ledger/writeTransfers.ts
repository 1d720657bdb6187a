import type { LedgerAccountRef } from '@strongroom/core'
import { type SettlementRejection, transferIdOf } from '../errors.js'
import type { SqlExecutor } from '../store/sqlStore.js'
import type { AccountCache, CachedAccount } from './accountCache.js'
import { accountUpdateCtes, DeltaSet, lockAndCheckBalances } from './accountDeltas.js'
import { big, intArray, nullableIntArray, optionalNumber, textArray } from './sql.js'
import type {
  PendingState,
  PendingTransferInput,
  SingleTransferInput,
  TransferInput,
  WriteResult,
} from './types.js'

/** A transfer of a batch after validation; `expire` is written by the ledger itself. */
export type PlannedInput =
  | TransferInput
  | { readonly kind: 'expire'; readonly id: string; readonly pendingId: string }

/** Whether a planned input creates a transfer between two accounts (single or pending). */
export function isNewTransfer(t: PlannedInput): t is SingleTransferInput | PendingTransferInput {
  return t.kind === undefined || t.kind === 'single' || t.kind === 'pending'
}

const KIND = { single: 0, pending: 1, post: 2, void: 3, expire: 4 } as const
const KIND_NAMES = ['single', 'pending', 'post', 'void', 'expire'] as const
const STATE = { pending: 1, posted: 2, voided: 3, expired: 4 } as const
const STATE_NAMES: Record<number, PendingState> = {
  1: 'pending',
  2: 'posted',
  3: 'voided',
  4: 'expired',
}

/** A stored transfer row as selected by {@link TRANSFER_COLUMNS}. */
export type TransferRow = {
  id: string
  kind: number
  debit_account_id: string
  credit_account_id: string
  amount: string
  pending_id: string | null
  code: number
  reference: string | null
  timeout_ms: string | null
  expires_at: string | null
  state: number | null
  write_seq: string
  created_at: string
}

/** Columns of a transfer, with 64-bit and numeric values as text. */
export const TRANSFER_COLUMNS = `id, kind, debit_account_id::text as debit_account_id,
  credit_account_id::text as credit_account_id, amount::text as amount, pending_id, code, reference,
  timeout_ms::text as timeout_ms, expires_at::text as expires_at, state,
  write_seq::text as write_seq, created_at::text as created_at`

export function kindName(kind: number): (typeof KIND_NAMES)[number] {
  return KIND_NAMES[kind] ?? 'single'
}

export function stateName(state: number | null): PendingState | undefined {
  return state === null ? undefined : STATE_NAMES[state]
}

type Row = {
  id: string
  debit: bigint
  credit: bigint
  amount: bigint
  kind: number
  pendingId: string | undefined
  code: number
  reference: string | undefined
  timeoutMs: number | undefined
  expiresAt: number | undefined
  state: number | undefined
}

type PendingView = {
  id: string
  debit: bigint
  credit: bigint
  amount: bigint
  code: number
  reference: string | undefined
  state: number
  expiresAt: number | undefined
  /** Defined earlier in this batch (not yet stored). */
  inBatch: Row | undefined
}

function rejection(
  code: SettlementRejection['code'],
  message: string,
  transferId?: string,
  account?: LedgerAccountRef,
): { ok: false; rejection: SettlementRejection } {
  return { ok: false, rejection: { code, message, transferId: transferIdOf(transferId), account } }
}

/** The context a write needs from the ledger. */
export type WriteContext = {
  readonly cache: AccountCache
  readonly now: number
}

/**
 * Applies a validated linked batch inside the transaction `tx`: every transfer or none.
 * Idempotent: a batch whose every id is stored with the same contents is a replay and writes
 * nothing. Checks are against the balances at the end of the batch (the batch is atomic).
 */
export async function writeTransferBatch(
  tx: SqlExecutor,
  context: WriteContext,
  batch: readonly PlannedInput[],
): Promise<WriteResult> {
  const { cache, now } = context
  // Resolve accounts of new transfers.
  const refs: LedgerAccountRef[] = []
  for (const t of batch) {
    if (isNewTransfer(t)) {
      refs.push(t.debit, t.credit)
    }
  }
  const { unknown } = await cache.resolve(tx, refs)
  if (unknown) {
    const culprit = batch.find(
      (t) => isNewTransfer(t) && (t.debit === unknown || t.credit === unknown),
    )
    return rejection(
      'SETTLEMENT_UNKNOWN_ACCOUNT',
      `No account ${unknown.owner}/${unknown.asset}/${unknown.role}.`,
      culprit?.id,
      unknown,
    )
  }

  // Pending transfers named by posts, voids and expiries (locked: one resolution wins).
  const pendingIds = batch.flatMap((t) => (isNewTransfer(t) ? [] : [t.pendingId]))
  const stored = new Map<string, TransferRow>()
  const pendingRows =
    pendingIds.length === 0
      ? []
      : await tx.query<TransferRow>(
          `select ${TRANSFER_COLUMNS} from ledger_transfers where id = any($1::text[]) order by id for update`,
          [textArray(pendingIds)],
        )
  for (const row of pendingRows) stored.set(row.id, row)

  // Idempotency: ids already stored.
  const existing = await tx.query<TransferRow>(
    `select ${TRANSFER_COLUMNS} from ledger_transfers where id = any($1::text[])`,
    [textArray(batch.map((t) => t.id))],
  )
  if (existing.length > 0) {
    const byId = new Map(existing.map((row) => [row.id, row]))
    for (const t of batch) {
      const row = byId.get(t.id)
      if (!row) {
        return rejection(
          'SETTLEMENT_ID_CONFLICT',
          `Transfer ${existing[0]!.id} was already stored in a different batch.`,
          existing[0]!.id,
        )
      }
      if (!sameContents(t, row, stored, cache)) {
        return rejection(
          'SETTLEMENT_ID_CONFLICT',
          `Transfer id ${t.id} was already used for a different transfer.`,
          t.id,
        )
      }
    }
    return { ok: true, writeSeq: big(existing[0]!.write_seq), replayed: true }
  }

  // Plan rows and netted deltas.
  const deltas = new DeltaSet()
  const rows: Row[] = []
  const inBatchPending = new Map<string, Row>()
  const resolutions: { id: string; state: number }[] = []
  for (const t of batch) {
    if (isNewTransfer(t)) {
      const debit = cache.get(t.debit) as CachedAccount
      const credit = cache.get(t.credit) as CachedAccount
      const pending = t.kind === 'pending'
      const timeoutMs = pending ? t.timeoutMs : undefined
      const row: Row = {
        id: t.id,
        debit: debit.id,
        credit: credit.id,
        amount: t.amount,
        kind: pending ? KIND.pending : KIND.single,
        pendingId: undefined,
        code: t.code,
        reference: t.reference,
        timeoutMs,
        expiresAt: timeoutMs === undefined ? undefined : now + timeoutMs,
        state: pending ? STATE.pending : undefined,
      }
      rows.push(row)
      if (pending) {
        deltas.reserve(debit.id, credit.id, t.amount)
        inBatchPending.set(t.id, row)
      } else {
        deltas.post(debit.id, credit.id, t.amount)
      }
      continue
    }
    const inBatch = inBatchPending.get(t.pendingId)
    const storedRow = stored.get(t.pendingId)
    const pending = inBatch ? viewOfRow(inBatch) : storedRow ? viewOfStored(storedRow) : undefined
    if (!pending) {
      return rejection('SETTLEMENT_PENDING_NOT_FOUND', `No pending transfer ${t.pendingId}.`, t.id)
    }
    if (storedRow && storedRow.kind !== KIND.pending) {
      return rejection(
        'SETTLEMENT_NOT_PENDING',
        `Transfer ${t.pendingId} is not a pending transfer.`,
        t.id,
      )
    }
    if (pending.state === STATE.posted) {
      return rejection(
        'SETTLEMENT_PENDING_ALREADY_POSTED',
        `Pending transfer ${t.pendingId} was already posted.`,
        t.id,
      )
    }
    if (pending.state === STATE.voided) {
      return rejection(
        'SETTLEMENT_PENDING_ALREADY_VOIDED',
        `Pending transfer ${t.pendingId} was already voided.`,
        t.id,
      )
    }
    const expired =
      pending.state === STATE.expired ||
      (pending.expiresAt !== undefined && pending.expiresAt <= now)
    if (t.kind === 'post' && expired) {
      return rejection(
        'SETTLEMENT_PENDING_EXPIRED',
        `Pending transfer ${t.pendingId} expired.`,
        t.id,
      )
    }
    if (pending.state === STATE.expired) {
      return rejection(
        'SETTLEMENT_PENDING_EXPIRED',
        `Pending transfer ${t.pendingId} expired and was released.`,
        t.id,
      )
    }
    const amount = t.kind === 'post' ? (t.amount ?? pending.amount) : pending.amount
    if (amount > pending.amount) {
      return rejection(
        'SETTLEMENT_EXCEEDS_PENDING_AMOUNT',
        `Posting ${amount} exceeds the pending ${pending.amount} of ${t.pendingId}.`,
        t.id,
      )
    }
    // Release the reservation; post what is posted.
    deltas.reserve(pending.debit, pending.credit, -pending.amount)
    if (t.kind === 'post') deltas.post(pending.debit, pending.credit, amount)
    const newState =
      t.kind === 'post' ? STATE.posted : t.kind === 'void' ? STATE.voided : STATE.expired
    if (pending.inBatch) pending.inBatch.state = newState
    else resolutions.push({ id: pending.id, state: newState })
    rows.push({
      id: t.id,
      debit: pending.debit,
      credit: pending.credit,
      amount,
      kind: KIND[t.kind],
      pendingId: t.pendingId,
      code: t.kind === 'expire' ? pending.code : (t.code ?? pending.code),
      reference: t.kind === 'expire' ? pending.reference : (t.reference ?? pending.reference),
      timeoutMs: undefined,
      expiresAt: undefined,
      state: undefined,
    })
  }

  const blame = (accountId: bigint, side: 'debit' | 'credit') =>
    rows.find((r) => (side === 'debit' ? r.debit : r.credit) === accountId)?.id
  const refused = await lockAndCheckBalances(tx, deltas, cache, blame)
  if (refused) return { ok: false, rejection: refused }

  const [seqRow] = await tx.query<{ s: string }>(`select nextval('ledger_write_seq')::text as s`)
  const writeSeq = BigInt(seqRow!.s)
  const [counts] = await tx.query<{ transfers: number; resolved: number }>(
    `with t as (
      insert into ledger_transfers (id, debit_account_id, credit_account_id, amount, kind,
        pending_id, code, reference, timeout_ms, expires_at, state, write_seq, created_at)
      select u.id, u.debit, u.credit, u.amount, u.kind, u.pending_id, u.code, u.reference,
             u.timeout_ms, u.expires_at, u.state, $12::int8, $13::int8
        from unnest($1::text[], $2::int8[], $3::int8[], $4::numeric[], $5::int2[], $6::text[],
                    $7::int4[], $8::text[], $9::int8[], $10::int8[], $11::int2[])
          with ordinality as u(id, debit, credit, amount, kind, pending_id, code, reference,
                               timeout_ms, expires_at, state, n)
       order by u.n
      returning 1
    ),
    p as (
      update ledger_transfers lt set state = u.state
        from unnest($14::text[], $15::int2[]) as u(id, state)
       where lt.id = u.id and lt.state = 1
      returning 1
    ),
    ${accountUpdateCtes(16, '$12::int8', '$13::int8')}
    select (select count(*) from t)::int as transfers, (select count(*) from p)::int as resolved,
           (select count(*) from a)::int as accounts, (select count(*) from h)::int as history`,
    [
      textArray(rows.map((r) => r.id)),
      intArray(rows.map((r) => r.debit)),
      intArray(rows.map((r) => r.credit)),
      intArray(rows.map((r) => r.amount)),
      intArray(rows.map((r) => r.kind)),
      textArray(rows.map((r) => r.pendingId)),
      intArray(rows.map((r) => r.code)),
      textArray(rows.map((r) => r.reference)),
      nullableIntArray(rows.map((r) => r.timeoutMs)),
      nullableIntArray(rows.map((r) => r.expiresAt)),
      nullableIntArray(rows.map((r) => r.state)),
      writeSeq.toString(),
      String(now),
      textArray(resolutions.map((r) => r.id)),
      intArray(resolutions.map((r) => r.state)),
      ...deltas.arrays(),
    ],
  )
  if (
    Number(counts!.transfers) !== rows.length ||
    Number(counts!.resolved) !== resolutions.length
  ) {
    throw new Error('ledger write lost a row: transfers or pending resolutions did not all apply')
  }
  return { ok: true, writeSeq, replayed: false }
}

function viewOfRow(row: Row): PendingView {
  return {
    id: row.id,
    debit: row.debit,
    credit: row.credit,
    amount: row.amount,
    code: row.code,
    reference: row.reference,
    state: row.state ?? STATE.pending,
    expiresAt: row.expiresAt,
    inBatch: row,
  }
}

function viewOfStored(row: TransferRow): PendingView {
  return {
    id: row.id,
    debit: BigInt(row.debit_account_id),
    credit: BigInt(row.credit_account_id),
    amount: BigInt(row.amount),
    code: Number(row.code),
    reference: row.reference ?? undefined,
    state: Number(row.state ?? 0),
    expiresAt: optionalNumber(row.expires_at),
    inBatch: undefined,
  }
}

/** Whether a submitted transfer has the contents of the stored one with its id. */
function sameContents(
  t: PlannedInput,
  row: TransferRow,
  stored: Map<string, TransferRow>,
  cache: AccountCache,
): boolean {
  const reference = row.reference ?? undefined
  if (isNewTransfer(t)) {
    const debit = cache.get(t.debit)
    const credit = cache.get(t.credit)
    return (
      row.kind === (t.kind === 'pending' ? KIND.pending : KIND.single) &&
      debit !== undefined &&
      credit !== undefined &&
      BigInt(row.debit_account_id) === debit.id &&
      BigInt(row.credit_account_id) === credit.id &&
      BigInt(row.amount) === t.amount &&
      Number(row.code) === t.code &&
      reference === t.reference &&
      optionalNumber(row.timeout_ms) === (t.kind === 'pending' ? t.timeoutMs : undefined)
    )
  }
  if (row.kind !== KIND[t.kind] || row.pending_id !== t.pendingId) return false
  if (t.kind === 'expire') return true
  const pending = stored.get(t.pendingId)
  const pendingAmount = pending ? BigInt(pending.amount) : undefined
  const amount = t.kind === 'post' ? (t.amount ?? pendingAmount) : pendingAmount
  return (
    BigInt(row.amount) === amount &&
    Number(row.code) === (t.code ?? (pending ? Number(pending.code) : undefined)) &&
    reference === (t.reference ?? pending?.reference ?? undefined)
  )
}
