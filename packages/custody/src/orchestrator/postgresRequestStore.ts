import { CustodyError } from '../custodyErrors.js'
import {
  encodeStoredRequest,
  type OrchestratorRequestStore,
  parseStoredRequest,
  type StoredRequest,
} from './requestStore.js'

/**
 * What {@link openPostgresRequestStore} needs of a PostgreSQL client: a `pg` `Pool` or `Client`
 * fits as it is.
 */
export type SqlQueryable = {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>
}

/** Parameters of {@link openPostgresRequestStore}. */
export type OpenPostgresRequestStoreParameters = {
  readonly client: SqlQueryable
  /** Table holding one row per request, created when missing. Default `custody_orchestrator_requests`. */
  readonly table?: string | undefined
}

const TABLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/

/**
 * An {@link OrchestratorRequestStore} in a PostgreSQL table, for deployments whose orchestrator
 * state must outlive its machine (a replicated database). One row per request holds its state as
 * JSON (`encodeStoredRequest`); `save` is an upsert that resolves once the server committed it.
 * Every row is read when the store is opened. One orchestrator at a time may use a table.
 *
 * @throws {CustodyError} `CUSTODY_INVALID_CONFIG` for a bad table name,
 *   `CUSTODY_REQUEST_STORE_FAILED` when the table cannot be read or written or a row is corrupt.
 */
export async function openPostgresRequestStore(
  parameters: OpenPostgresRequestStoreParameters,
): Promise<OrchestratorRequestStore & { readonly size: number }> {
  const table = parameters.table ?? 'custody_orchestrator_requests'
  if (!TABLE_NAME.test(table)) {
    throw new CustodyError('The request table name is not a plain SQL identifier.', {
      code: 'CUSTODY_INVALID_CONFIG',
      details: table,
    })
  }
  const fail = (message: string, cause?: unknown) =>
    new CustodyError(message, {
      code: 'CUSTODY_REQUEST_STORE_FAILED',
      cause,
      metaMessages: [`table: ${table}`],
    })
  const { client } = parameters
  let rows: unknown[]
  try {
    await client.query(
      `create table if not exists ${table} (request_id text primary key, state text not null)`,
    )
    rows = (await client.query(`select request_id, state from ${table} order by request_id`)).rows
  } catch (cause) {
    throw fail('The request table could not be read.', cause)
  }
  const latest = new Map<string, StoredRequest>()
  for (const row of rows) {
    const { request_id: id, state } = row as { request_id: string; state: string }
    let parsed: StoredRequest | undefined
    try {
      parsed = parseStoredRequest(JSON.parse(state))
    } catch {
      parsed = undefined
    }
    if (parsed === undefined || parsed.request.requestId !== id) {
      throw fail(`The request table is corrupt at request ${JSON.stringify(id)}.`)
    }
    latest.set(id, parsed)
  }
  return {
    get size() {
      return latest.size
    },
    load: () => [...latest.values()],
    async save(request) {
      const id = request.request.requestId
      try {
        await client.query(
          `insert into ${table} (request_id, state) values ($1, $2)
           on conflict (request_id) do update set state = excluded.state`,
          [id, JSON.stringify(encodeStoredRequest(request))],
        )
      } catch (cause) {
        throw fail('The request table could not be written.', cause)
      }
      latest.set(id, request)
    },
  }
}
