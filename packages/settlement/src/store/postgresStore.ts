import pg from 'pg'
import type { SettlementStore, SqlExecutor, SqlRow } from './sqlStore.js'

/** Options of {@link createPostgresStore}. */
export type CreatePostgresStoreParameters = {
  /** `postgres://user@host:port/database`. */
  readonly connectionString: string
  /** Size of the connection pool (default 10). */
  readonly maxConnections?: number | undefined
  /** Name reported to the server (`application_name`). */
  readonly applicationName?: string | undefined
}

/** What {@link createPostgresStore} returns. */
export type CreatePostgresStoreReturnType = SettlementStore & { readonly kind: 'postgres' }

type Queryable = {
  query(config: { text: string; values?: unknown[] }): Promise<{ rows: unknown[] }>
  query(text: string): Promise<unknown>
}

function executor(client: Queryable): SqlExecutor {
  return {
    async query<row extends SqlRow>(sql: string, params?: readonly unknown[]) {
      const result = await client.query({ text: sql, values: params ? [...params] : [] })
      return result.rows as row[]
    },
    async exec(sql) {
      await client.query(sql)
    },
  }
}

/**
 * Connects to a PostgreSQL server through a `pg` pool: the durable production store. Numeric
 * and 64-bit values come back as strings and are converted by the ledger, so 256-bit amounts
 * keep every digit.
 *
 * @example
 * ```ts
 * const store = await createPostgresStore({ connectionString: 'postgres://postgres@127.0.0.1/ledger' })
 * ```
 */
export async function createPostgresStore(
  parameters: CreatePostgresStoreParameters,
): Promise<CreatePostgresStoreReturnType> {
  const pool = new pg.Pool({
    connectionString: parameters.connectionString,
    max: parameters.maxConnections ?? 10,
    application_name: parameters.applicationName ?? 'strongroom-settlement',
  })
  // A server-side disconnect of an idle client must not crash the process.
  pool.on('error', () => {})
  const check = await pool.connect()
  check.release()
  const base = executor(pool)
  return {
    kind: 'postgres',
    durable: true,
    ...base,
    async transaction(fn) {
      const client = await pool.connect()
      let broken: Error | undefined
      try {
        await client.query('BEGIN')
        const value = await fn(executor(client))
        await client.query('COMMIT')
        return value
      } catch (error) {
        try {
          await client.query('ROLLBACK')
        } catch (rollbackError) {
          broken = rollbackError as Error
        }
        throw error
      } finally {
        client.release(broken)
      }
    },
    async close() {
      await pool.end()
    },
  }
}
