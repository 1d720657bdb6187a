/** A row as the database returns it (column name to value). */
export type SqlRow = Record<string, unknown>

/** Runs SQL on one connection (or inside one transaction). */
export type SqlExecutor = {
  /** Runs one statement with `$1…` parameters and returns its rows. */
  query<row extends SqlRow = SqlRow>(sql: string, params?: readonly unknown[]): Promise<row[]>
  /** Runs a script of several statements without parameters. */
  exec(sql: string): Promise<void>
}

/**
 * Where the ledger lives: embedded PGlite or a PostgreSQL server. Both run the same schema,
 * migrations and SQL; only how connections and transactions are obtained differs.
 */
export type SettlementStore = SqlExecutor & {
  /** `pglite` (embedded, one connection) or `postgres` (a server, a pool of connections). */
  readonly kind: 'pglite' | 'postgres'
  /** Whether a committed transaction survives an operating-system crash. PGlite: no. */
  readonly durable: boolean
  /**
   * Runs `fn` inside one database transaction: committed when it resolves, rolled back when it
   * throws (the error is rethrown).
   */
  transaction<value>(fn: (tx: SqlExecutor) => Promise<value>): Promise<value>
  /** Releases the connections (and, for a store that opened its database, closes it). */
  close(): Promise<void>
}

/** SQLSTATE of an error thrown by either driver, if it carries one. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined
}

/** Name of the constraint an error violated, if the driver reports it. */
export function violatedConstraint(error: unknown): string | undefined {
  const value = (error as { constraint?: unknown } | null)?.constraint
  if (typeof value === 'string') return value
  const message = error instanceof Error ? error.message : ''
  return /constraint "([^"]+)"/.exec(message)?.[1]
}
