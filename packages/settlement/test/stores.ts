// Test helper: a fresh store of each kind. PostgreSQL gets its own database per call (created
// here, dropped by `dispose`), because other engineers share the server.
import { randomBytes } from 'node:crypto'
import { requireServices, serviceEndpoints } from '@strongroom/testkit'
import pg from 'pg'
import { createPgliteStore } from '../src/store/pgliteStore.js'
import { createPostgresStore } from '../src/store/postgresStore.js'
import type { SettlementStore } from '../src/store/sqlStore.js'

export type StoreKind = 'pglite' | 'postgres'

export type TestStore = {
  readonly store: SettlementStore
  /** Connection string of the PostgreSQL database (postgres only). */
  readonly url: string | undefined
  dispose(): Promise<void>
}

export const postgres = await requireServices('settlement: PostgreSQL store', ['postgres'])

/** Which store kinds to run a suite against (PGlite always; PostgreSQL when reachable). */
export const storeKinds: StoreKind[] = postgres.available ? ['pglite', 'postgres'] : ['pglite']

function adminUrl(): string {
  return serviceEndpoints.postgresUrl
}

export function databaseUrl(name: string): string {
  const url = new URL(adminUrl())
  url.pathname = `/${name}`
  return url.toString()
}

/** Creates an empty PostgreSQL database with a random name; returns its name and a dropper. */
export async function createTestDatabase(
  prefix = 'strongroom_settlement_',
): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `${prefix}${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl() })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  return {
    name,
    url: databaseUrl(name),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl() })
      await client.connect()
      await client.query(`drop database if exists ${name} with (force)`)
      await client.end()
    },
  }
}

export async function openTestStore(
  kind: StoreKind,
  options: { maxConnections?: number; dataDir?: string } = {},
): Promise<TestStore> {
  if (kind === 'pglite') {
    const store = await createPgliteStore({ dataDir: options.dataDir })
    return { store, url: undefined, dispose: () => store.close() }
  }
  const database = await createTestDatabase()
  const store = await createPostgresStore({
    connectionString: database.url,
    maxConnections: options.maxConnections ?? 4,
  })
  return {
    store,
    url: database.url,
    async dispose() {
      await store.close()
      await database.drop()
    },
  }
}
