import { createHash } from 'node:crypto'
import { MigrationMismatchError, SchemaTooNewError } from '../errors.js'
import type { SettlementStore } from './sqlStore.js'

/** One forward-only schema step. */
export type Migration = {
  /** 1, 2, 3…: applied in order, each exactly once. */
  readonly version: number
  readonly name: string
  readonly sql: string
}

/**
 * The ledger schema, as versioned forward-only migrations. Both stores run exactly these.
 *
 * Amounts are `numeric` (no scale), so 256-bit token amounts and sums of them fit. Balance rules
 * are CHECK constraints, so no statement — however it was written — can overdraw an account
 * whose flags forbid it. Account flags (bits): 2 debits must not exceed credits, 4 credits must
 * not exceed debits, 8 keep balance history.
 */
export const settlementMigrations: readonly Migration[] = Object.freeze([
  {
    version: 1,
    name: 'ledger accounts, transfers and balance history',
    sql: `
create sequence ledger_write_seq;

create table ledger_accounts (
  id int8 generated always as identity primary key,
  owner text not null,
  asset text not null,
  role text not null,
  code int4 not null,
  flags int4 not null,
  user_data text,
  debits_pending numeric not null default 0,
  debits_posted numeric not null default 0,
  credits_pending numeric not null default 0,
  credits_posted numeric not null default 0,
  created_at int8 not null,
  constraint ledger_accounts_ref unique (owner, asset, role),
  constraint ledger_accounts_debits_must_not_exceed_credits
    check ((flags & 2) = 0 or debits_pending + debits_posted <= credits_posted),
  constraint ledger_accounts_credits_must_not_exceed_debits
    check ((flags & 4) = 0 or credits_pending + credits_posted <= debits_posted),
  constraint ledger_accounts_nonnegative
    check (debits_pending >= 0 and debits_posted >= 0 and credits_pending >= 0 and credits_posted >= 0)
) with (fillfactor = 50);

-- kind: 0 single, 1 pending, 2 post pending, 3 void pending, 4 expire pending
-- state (pending transfers only): 1 pending, 2 posted, 3 voided, 4 expired
create table ledger_transfers (
  id text primary key,
  debit_account_id int8 not null references ledger_accounts (id),
  credit_account_id int8 not null references ledger_accounts (id),
  amount numeric not null check (amount >= 0),
  kind int2 not null,
  pending_id text references ledger_transfers (id),
  code int4 not null,
  reference text,
  timeout_ms int8,
  expires_at int8,
  state int2,
  write_seq int8 not null,
  created_at int8 not null
);
create index ledger_transfers_debit on ledger_transfers (debit_account_id, write_seq);
create index ledger_transfers_credit on ledger_transfers (credit_account_id, write_seq);
create index ledger_transfers_expiry on ledger_transfers (expires_at) where state = 1;

create table ledger_balance_history (
  account_id int8 not null references ledger_accounts (id),
  write_seq int8 not null,
  at int8 not null,
  debits_pending numeric not null,
  debits_posted numeric not null,
  credits_pending numeric not null,
  credits_posted numeric not null,
  primary key (account_id, write_seq)
);
`,
  },
  {
    version: 2,
    name: 'journaled settlement streams (exactly-once batches)',
    sql: `
create table settlement_cursors (
  stream text primary key,
  last_seq int8 not null
);

create table settlement_batches (
  stream text not null,
  first_seq int8 not null,
  last_seq int8 not null,
  event_count int4 not null,
  first_key text not null,
  last_key text not null,
  digest text not null,
  write_seq int8 not null,
  at int8 not null,
  primary key (stream, first_seq)
);
`,
  },
])

const LOCK_KEY = 7_343_118_201

function checksum(migration: Migration): string {
  return createHash('sha256').update(migration.sql).digest('hex')
}

/** What {@link migrateSettlementSchema} did. */
export type MigrateSettlementSchemaReturnType = {
  /** Versions applied by this call, in order. */
  readonly applied: readonly number[]
  /** The schema version now in force. */
  readonly version: number
}

/**
 * Brings the store's schema up to the newest version, forward only, all missing steps in one
 * transaction, under an advisory lock (several processes may call it at once). Already-applied steps are
 * checked against their checksums.
 *
 * @throws {SchemaTooNewError} when the database is at a version this package does not know.
 * @throws {MigrationMismatchError} when an applied step differs from the shipped one.
 */
export async function migrateSettlementSchema(
  store: SettlementStore,
  migrations: readonly Migration[] = settlementMigrations,
): Promise<MigrateSettlementSchemaReturnType> {
  return store.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [LOCK_KEY])
    await tx.exec(`create table if not exists settlement_schema_migrations (
      version int4 primary key,
      name text not null,
      checksum text not null,
      applied_at timestamptz not null default now()
    )`)
    const rows = await tx.query<{ version: number; checksum: string }>(
      'select version, checksum from settlement_schema_migrations order by version',
    )
    const known = new Map(migrations.map((m) => [m.version, m]))
    const newest = migrations.reduce((max, m) => Math.max(max, m.version), 0)
    for (const row of rows) {
      const version = Number(row.version)
      const migration = known.get(version)
      if (!migration) {
        throw new SchemaTooNewError(
          `The database is at schema version ${version}; this package knows up to ${newest}.`,
          { code: 'SETTLEMENT_SCHEMA_TOO_NEW' },
        )
      }
      if (checksum(migration) !== row.checksum) {
        throw new MigrationMismatchError(
          `Applied migration ${version} differs from the shipped "${migration.name}".`,
          { code: 'SETTLEMENT_MIGRATION_MISMATCH' },
        )
      }
    }
    const done = new Set(rows.map((row) => Number(row.version)))
    const applied: number[] = []
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue
      await tx.exec(migration.sql)
      await tx.query(
        'insert into settlement_schema_migrations (version, name, checksum) values ($1, $2, $3)',
        [migration.version, migration.name, checksum(migration)],
      )
      applied.push(migration.version)
    }
    return { applied, version: newest }
  })
}
