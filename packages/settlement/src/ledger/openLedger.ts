import {
  type Clock,
  type LedgerAccountRef,
  type LedgerBalance,
  type LedgerHold,
  type LedgerPort,
  type LedgerTransfer,
  type Logger,
  noopLogger,
} from '@strongroom/core'
import { SettlementInputError, StoreFailedError } from '../errors.js'
import { migrateSettlementSchema } from '../store/migrations.js'
import { type SettlementStore, type SqlExecutor, sqlState } from '../store/sqlStore.js'
import { AccountCache } from './accountCache.js'
import { big, optionalNumber, refKey, textArray } from './sql.js'
import {
  ACCOUNT_FLAG_BITS,
  type AccountFlags,
  type AssetTotals,
  type BalanceHistoryEntry,
  type CreateAccountInput,
  type LedgerAccount,
  type LedgerTransferRecord,
  type TransferInput,
  type WriteResult,
} from './types.js'
import {
  assertAccountInputs,
  assertAccountRef,
  assertAmount,
  assertTransferBatch,
  assertTransferId,
} from './validate.js'
import {
  kindName,
  type PlannedInput,
  stateName,
  TRANSFER_COLUMNS,
  type TransferRow,
  writeTransferBatch,
} from './writeTransfers.js'

/** Options of {@link openLedger}. */
export type OpenLedgerParameters = {
  readonly store: SettlementStore
  readonly clock: Clock
  readonly logger?: Logger | undefined
  /** Run the schema migrations on open (default `true`). */
  readonly migrate?: boolean | undefined
  /** Attempts of a write that lost a race (deadlock, serialization, duplicate id); default 8. */
  readonly maxAttempts?: number | undefined
}

/** The double-entry ledger. Implements core's {@link LedgerPort} and more. */
export type Ledger = LedgerPort & {
  readonly store: SettlementStore
  /** Creates accounts; creating an existing one with the same code, flags and data is a no-op. */
  createAccounts(accounts: readonly CreateAccountInput[]): Promise<WriteResult>
  /** Accounts with balances, in the order asked (`undefined` where none exists). */
  lookupAccounts(
    accounts: readonly LedgerAccountRef[],
  ): Promise<readonly (LedgerAccount | undefined)[]>
  /** Applies a linked batch: every transfer or none. Idempotent by transfer ids. */
  createTransfers(batch: readonly TransferInput[]): Promise<WriteResult>
  /** Stored transfers by id, in the order asked (`undefined` where none exists). */
  lookupTransfers(ids: readonly string[]): Promise<readonly (LedgerTransferRecord | undefined)[]>
  /** Transfers that touched an account, oldest first. */
  accountTransfers(parameters: {
    readonly account: LedgerAccountRef
    readonly limit?: number | undefined
    readonly afterWriteSeq?: bigint | undefined
  }): Promise<readonly LedgerTransferRecord[]>
  /** Balances after each write, for accounts with the `history` flag, oldest first. */
  balanceHistory(parameters: {
    readonly account: LedgerAccountRef
    readonly limit?: number | undefined
    readonly afterWriteSeq?: bigint | undefined
  }): Promise<readonly BalanceHistoryEntry[]>
  /** Voids pending transfers whose timeout has passed (by the injected clock). */
  expirePendingTransfers(parameters?: {
    readonly limit?: number | undefined
  }): Promise<{ readonly expired: number }>
  /** Sums of every balance per asset (each asset's debits equal its credits). */
  assetTotals(): Promise<readonly AssetTotals[]>
  /** Closes the store. */
  close(): Promise<void>
}

/** @internal What the exchange operations of this package use of a ledger. */
export type LedgerInternals = {
  readonly store: SettlementStore
  readonly clock: Clock
  readonly logger: Logger
  readonly cache: AccountCache
  /** Runs `fn` in a transaction, retrying the races a concurrent writer can lose. */
  withRetry<value>(fn: (tx: SqlExecutor) => Promise<value>): Promise<value>
  /** Applies a validated batch inside `tx`. */
  write(tx: SqlExecutor, batch: readonly PlannedInput[]): Promise<WriteResult>
  /** Per-ledger state other modules keep (e.g. the settlers' account slots), by key. */
  readonly shared: Map<string, unknown>
}

const internalsByLedger = new WeakMap<Ledger, LedgerInternals>()

/** @internal */
export function ledgerInternals(ledger: Ledger): LedgerInternals {
  const internals = internalsByLedger.get(ledger)
  if (!internals) throw new TypeError('not a ledger opened by openLedger')
  return internals
}

const RETRYABLE = new Set(['40001', '40P01', '23505'])

function flagBits(flags: AccountFlags | undefined): number {
  return (
    (flags?.debitsMustNotExceedCredits ? ACCOUNT_FLAG_BITS.debitsMustNotExceedCredits : 0) |
    (flags?.creditsMustNotExceedDebits ? ACCOUNT_FLAG_BITS.creditsMustNotExceedDebits : 0) |
    (flags?.history ? ACCOUNT_FLAG_BITS.history : 0)
  )
}

function flagsOf(bits: number): Required<AccountFlags> {
  return {
    debitsMustNotExceedCredits: (bits & ACCOUNT_FLAG_BITS.debitsMustNotExceedCredits) !== 0,
    creditsMustNotExceedDebits: (bits & ACCOUNT_FLAG_BITS.creditsMustNotExceedDebits) !== 0,
    history: (bits & ACCOUNT_FLAG_BITS.history) !== 0,
  }
}

type AccountRow = {
  id: string
  owner: string
  asset: string
  role: string
  code: number
  flags: number
  user_data: string | null
  debits_pending: string
  debits_posted: string
  credits_pending: string
  credits_posted: string
  created_at: string
}

const ACCOUNT_COLUMNS = `id::text as id, owner, asset, role, code, flags, user_data,
  debits_pending::text as debits_pending, debits_posted::text as debits_posted,
  credits_pending::text as credits_pending, credits_posted::text as credits_posted,
  created_at::text as created_at`

function accountOf(row: AccountRow): LedgerAccount {
  return {
    account: { owner: row.owner, asset: row.asset, role: row.role },
    code: Number(row.code),
    flags: flagsOf(Number(row.flags)),
    userData: row.user_data ?? undefined,
    debitsPending: BigInt(row.debits_pending),
    debitsPosted: BigInt(row.debits_posted),
    creditsPending: BigInt(row.credits_pending),
    creditsPosted: BigInt(row.credits_posted),
    createdAt: Number(row.created_at),
  }
}

/** Derived ids of the port's post and void: `~` never occurs in a client id. */
function derivedId(holdId: string, what: 'post' | 'void' | 'expire'): string {
  return `~${what}:${holdId}`
}

/**
 * Opens the ledger on a store (running its migrations unless told not to).
 *
 * @example
 * ```ts
 * const ledger = await openLedger({ store: await createPgliteStore(), clock: createSystemClock() })
 * await ledger.createAccounts([{ account: { owner: 'alice', asset: 'BTC', role: 'available' }, code: 1 }])
 * ```
 */
export async function openLedger(parameters: OpenLedgerParameters): Promise<Ledger> {
  const { store, clock } = parameters
  const logger = parameters.logger ?? noopLogger
  const maxAttempts = parameters.maxAttempts ?? 8
  if (parameters.migrate ?? true) await migrateSettlementSchema(store)
  const cache = new AccountCache()

  async function withRetry<value>(fn: (tx: SqlExecutor) => Promise<value>): Promise<value> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await store.transaction(fn)
      } catch (error) {
        const state = sqlState(error)
        if (state && RETRYABLE.has(state) && attempt < maxAttempts) {
          logger.debug('settlement: retrying a write that lost a race', {
            sqlState: state,
            attempt,
          })
          continue
        }
        if (state) {
          throw new StoreFailedError('The database refused a ledger statement.', {
            code: 'SETTLEMENT_STORE_FAILED',
            cause: error,
            metaMessages: [`SQLSTATE: ${state}`],
          })
        }
        throw error
      }
    }
  }

  const write = (tx: SqlExecutor, batch: readonly PlannedInput[]) =>
    writeTransferBatch(tx, { cache, now: clock.now() }, batch)

  const recordOf = async (db: SqlExecutor, rows: TransferRow[]) => {
    await cache.loadIds(
      db,
      rows.flatMap((r) => [BigInt(r.debit_account_id), BigInt(r.credit_account_id)]),
    )
    return rows.map(
      (row): LedgerTransferRecord => ({
        id: row.id,
        kind: kindName(Number(row.kind)),
        debit: cache.byId(BigInt(row.debit_account_id))!.ref,
        credit: cache.byId(BigInt(row.credit_account_id))!.ref,
        amount: BigInt(row.amount),
        code: Number(row.code),
        reference: row.reference ?? undefined,
        pendingId: row.pending_id ?? undefined,
        state: stateName(row.state === null ? null : Number(row.state)),
        timeoutMs: optionalNumber(row.timeout_ms),
        expiresAt: optionalNumber(row.expires_at),
        writeSeq: big(row.write_seq),
        createdAt: Number(row.created_at),
      }),
    )
  }

  const accountId = async (ref: LedgerAccountRef) => {
    assertAccountRef(ref, ['account'])
    await cache.resolve(store, [ref])
    return cache.get(ref)?.id
  }

  const ledger: Ledger = {
    store,

    async createAccounts(accounts) {
      assertAccountInputs(accounts)
      const seen = new Set<string>()
      for (const [index, input] of accounts.entries()) {
        if (seen.has(refKey(input.account))) {
          throw new SettlementInputError('appears twice in one call.', {
            path: ['accounts', index, 'account'],
            rule: 'duplicate_id',
          })
        }
        seen.add(refKey(input.account))
      }
      return withRetry(async (tx) => {
        const [seqRow] = await tx.query<{ s: string }>(
          `select nextval('ledger_write_seq')::text as s`,
        )
        const inserted = await tx.query<{ id: string }>(
          `insert into ledger_accounts (owner, asset, role, code, flags, user_data, created_at)
           select u.owner, u.asset, u.role, u.code, u.flags, u.user_data, $7::int8
             from unnest($1::text[], $2::text[], $3::text[], $4::int4[], $5::int4[], $6::text[])
               as u(owner, asset, role, code, flags, user_data)
           on conflict (owner, asset, role) do nothing
           returning id::text as id`,
          [
            textArray(accounts.map((a) => a.account.owner)),
            textArray(accounts.map((a) => a.account.asset)),
            textArray(accounts.map((a) => a.account.role)),
            `{${accounts.map((a) => a.code).join(',')}}`,
            `{${accounts.map((a) => flagBits(a.flags)).join(',')}}`,
            textArray(accounts.map((a) => a.userData)),
            String(clock.now()),
          ],
        )
        if (inserted.length < accounts.length) {
          // Some existed: they must match what was asked.
          const stored = await tx.query<AccountRow>(
            `select ${ACCOUNT_COLUMNS} from ledger_accounts a
               join unnest($1::text[], $2::text[], $3::text[]) as r(o, s, l)
                 on a.owner = r.o and a.asset = r.s and a.role = r.l`,
            [
              textArray(accounts.map((a) => a.account.owner)),
              textArray(accounts.map((a) => a.account.asset)),
              textArray(accounts.map((a) => a.account.role)),
            ],
          )
          const byKey = new Map(stored.map((row) => [refKey(row), row]))
          for (const input of accounts) {
            const row = byKey.get(refKey(input.account))
            if (
              !row ||
              Number(row.code) !== input.code ||
              Number(row.flags) !== flagBits(input.flags) ||
              (row.user_data ?? undefined) !== input.userData
            ) {
              // Roll back the ones this call inserted: the call is all or nothing.
              throw new AccountConflict(input.account)
            }
          }
        }
        return { ok: true as const, writeSeq: BigInt(seqRow!.s), replayed: inserted.length === 0 }
      }).catch((error: unknown) => {
        if (error instanceof AccountConflict) {
          return {
            ok: false as const,
            rejection: {
              code: 'SETTLEMENT_ACCOUNT_CONFLICT' as const,
              message: `Account ${error.ref.owner}/${error.ref.asset}/${error.ref.role} exists with a different code, flags or user data.`,
              account: error.ref,
            },
          }
        }
        throw error
      })
    },

    async lookupAccounts(refs) {
      for (const [i, ref] of refs.entries()) assertAccountRef(ref, ['accounts', i])
      if (refs.length === 0) return []
      const rows = await store.query<AccountRow>(
        `select ${ACCOUNT_COLUMNS} from ledger_accounts a
           join unnest($1::text[], $2::text[], $3::text[]) as r(o, s, l)
             on a.owner = r.o and a.asset = r.s and a.role = r.l`,
        [
          textArray(refs.map((r) => r.owner)),
          textArray(refs.map((r) => r.asset)),
          textArray(refs.map((r) => r.role)),
        ],
      )
      const byKey = new Map(rows.map((row) => [refKey(row), accountOf(row)]))
      return refs.map((ref) => byKey.get(refKey(ref)))
    },

    async createTransfers(batch) {
      assertTransferBatch(batch)
      return withRetry((tx) => write(tx, batch))
    },

    async lookupTransfers(ids) {
      if (ids.length === 0) return []
      const rows = await store.query<TransferRow>(
        `select ${TRANSFER_COLUMNS} from ledger_transfers where id = any($1::text[])`,
        [textArray([...ids])],
      )
      const records = await recordOf(store, rows)
      const byId = new Map(records.map((r) => [r.id, r]))
      return ids.map((id) => byId.get(id))
    },

    async accountTransfers({ account, limit, afterWriteSeq }) {
      const id = await accountId(account)
      if (id === undefined) return []
      const rows = await store.query<TransferRow>(
        `select ${TRANSFER_COLUMNS} from ledger_transfers
          where (debit_account_id = $1 or credit_account_id = $1) and write_seq > $2
          order by write_seq, id limit $3`,
        [id.toString(), (afterWriteSeq ?? 0n).toString(), limit ?? 1000],
      )
      return recordOf(store, rows)
    },

    async balanceHistory({ account, limit, afterWriteSeq }) {
      const id = await accountId(account)
      if (id === undefined) return []
      const rows = await store.query<{
        write_seq: string
        at: string
        debits_pending: string
        debits_posted: string
        credits_pending: string
        credits_posted: string
      }>(
        `select write_seq::text as write_seq, at::text as at,
                debits_pending::text as debits_pending, debits_posted::text as debits_posted,
                credits_pending::text as credits_pending, credits_posted::text as credits_posted
           from ledger_balance_history where account_id = $1 and write_seq > $2
          order by write_seq limit $3`,
        [id.toString(), (afterWriteSeq ?? 0n).toString(), limit ?? 1000],
      )
      return rows.map((row) => ({
        writeSeq: BigInt(row.write_seq),
        at: Number(row.at),
        debitsPending: BigInt(row.debits_pending),
        debitsPosted: BigInt(row.debits_posted),
        creditsPending: BigInt(row.credits_pending),
        creditsPosted: BigInt(row.credits_posted),
      }))
    },

    async expirePendingTransfers(options = {}) {
      const now = clock.now()
      const due = await store.query<{ id: string }>(
        `select id from ledger_transfers where state = 1 and expires_at <= $1 order by expires_at, id limit $2`,
        [String(now), options.limit ?? 1000],
      )
      let expired = 0
      for (const { id } of due) {
        const result = await withRetry((tx) =>
          write(tx, [{ kind: 'expire', id: derivedId(id, 'expire'), pendingId: id }]),
        )
        if (result.ok && !result.replayed) expired++
      }
      return { expired }
    },

    async assetTotals() {
      const rows = await store.query<{
        asset: string
        dpe: string
        dpo: string
        cpe: string
        cpo: string
      }>(
        `select asset, sum(debits_pending)::text as dpe, sum(debits_posted)::text as dpo,
                sum(credits_pending)::text as cpe, sum(credits_posted)::text as cpo
           from ledger_accounts group by asset order by asset`,
      )
      return rows.map((row) => ({
        asset: row.asset,
        debitsPending: BigInt(row.dpe),
        debitsPosted: BigInt(row.dpo),
        creditsPending: BigInt(row.cpe),
        creditsPosted: BigInt(row.cpo),
      }))
    },

    // --- LedgerPort ---------------------------------------------------------------------
    async transfer(batch: readonly LedgerTransfer[]) {
      return ledger.createTransfers(
        batch.map((t) => ({
          id: t.id,
          debit: t.debit,
          credit: t.credit,
          amount: t.amount,
          code: t.code,
          reference: t.reference,
        })),
      )
    },

    async hold(hold: LedgerHold) {
      return ledger.createTransfers([
        {
          kind: 'pending',
          id: hold.id,
          debit: hold.debit,
          credit: hold.credit,
          amount: hold.amount,
          code: hold.code,
          reference: hold.reference,
          timeoutMs: hold.timeoutMs,
        },
      ])
    },

    async postHold({ holdId, amount }) {
      assertTransferId(holdId, ['holdId'])
      if (amount !== undefined) assertAmount(amount, ['amount'])
      return withRetry((tx) =>
        write(tx, [{ kind: 'post', id: derivedId(holdId, 'post'), pendingId: holdId, amount }]),
      )
    },

    async voidHold({ holdId }) {
      assertTransferId(holdId, ['holdId'])
      return withRetry((tx) =>
        write(tx, [{ kind: 'void', id: derivedId(holdId, 'void'), pendingId: holdId }]),
      )
    },

    async balances({ owner, asset }): Promise<readonly LedgerBalance[]> {
      const rows = await store.query<AccountRow>(
        `select ${ACCOUNT_COLUMNS} from ledger_accounts
          where owner = $1 and ($2::text is null or asset = $2) order by asset, role`,
        [owner, asset ?? null],
      )
      return rows.map((row) => {
        const account = accountOf(row)
        return {
          account: account.account,
          debitsPosted: account.debitsPosted,
          creditsPosted: account.creditsPosted,
          debitsPending: account.debitsPending,
          creditsPending: account.creditsPending,
        }
      })
    },

    close: () => store.close(),
  }
  internalsByLedger.set(ledger, {
    store,
    clock,
    logger,
    cache,
    withRetry,
    write,
    shared: new Map(),
  })
  return ledger
}

class AccountConflict extends Error {
  readonly ref: LedgerAccountRef
  constructor(ref: LedgerAccountRef) {
    super('account conflict')
    this.ref = ref
  }
}
