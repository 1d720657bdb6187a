import { PGlite } from '@electric-sql/pglite'
import type { SettlementStore, SqlExecutor, SqlRow } from './sqlStore.js'

/** Options of {@link createPgliteStore}. */
export type CreatePgliteStoreParameters = {
  /**
   * Directory of the database files; omitted: in memory (gone when the process ends). PGlite runs
   * Postgres without `fsync`: a file-backed store survives a crash of the process but not of the
   * operating system. Production ledgers use {@link createPostgresStore}.
   */
  readonly dataDir?: string | undefined
  /**
   * Extra `postgresql.conf` settings (`name=value`). An in-memory store turns off
   * `full_page_writes` (there is no crash to recover from); settings given here win.
   */
  readonly settings?: readonly string[] | undefined
}

/** What {@link createPgliteStore} returns. */
export type CreatePgliteStoreReturnType = SettlementStore & { readonly kind: 'pglite' }

function executor(db: {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>
  exec(sql: string): Promise<unknown>
}): SqlExecutor {
  return {
    async query<row extends SqlRow>(sql: string, params?: readonly unknown[]) {
      const result = await db.query(sql, params ? [...params] : undefined)
      return result.rows as row[]
    },
    async exec(sql) {
      await db.exec(sql)
    },
  }
}

/**
 * Opens an embedded PGlite database (Postgres compiled to WebAssembly, in this process): the
 * default store, needing no server. One connection: transactions run one at a time.
 *
 * Not durable across an operating-system crash (no `fsync`); use PostgreSQL in production.
 *
 * @example
 * ```ts
 * const store = await createPgliteStore({ dataDir: './ledger' })
 * const ledger = await openLedger({ store, clock: createSystemClock() })
 * ```
 */
export async function createPgliteStore(
  parameters: CreatePgliteStoreParameters = {},
): Promise<CreatePgliteStoreReturnType> {
  const defaults = parameters.dataDir === undefined ? ['full_page_writes=off'] : []
  const db = new PGlite(parameters.dataDir, {
    postgresqlconf: [...defaults, ...(parameters.settings ?? [])],
  })
  await db.waitReady
  const base = executor(db)
  return {
    kind: 'pglite',
    durable: false,
    ...base,
    transaction(fn) {
      return db.transaction((tx) => fn(executor(tx)))
    },
    async close() {
      await db.close()
    },
  }
}
