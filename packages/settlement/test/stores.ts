// Test helper: a fresh store of each kind. PostgreSQL gets its own database per call (created
// here, dropped by `dispose`), because other engineers share the server.
import { createTestDatabase, requireServices } from '@strongroom/testkit'
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

export { createTestDatabase }

export async function openTestStore(
  kind: StoreKind,
  options: { maxConnections?: number; dataDir?: string } = {},
): Promise<TestStore> {
  if (kind === 'pglite') {
    const store = await createPgliteStore({ dataDir: options.dataDir })
    return { store, url: undefined, dispose: () => store.close() }
  }
  const database = await createTestDatabase('strongroom_settlement_')
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
