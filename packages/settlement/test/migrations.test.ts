import { describe, expect, it } from 'vitest'
import { MigrationMismatchError, SchemaTooNewError } from '../src/errors.js'
import { migrateSettlementSchema, settlementMigrations } from '../src/store/migrations.js'
import { openTestStore, storeKinds } from './stores.js'

describe.each(storeKinds)('versioned forward-only migrations on %s', (kind) => {
  it('applies every step once, in order, and is a no-op afterwards', async () => {
    const test = await openTestStore(kind)
    try {
      const first = await migrateSettlementSchema(test.store)
      expect(first.applied).toEqual(settlementMigrations.map((m) => m.version))
      expect(first.version).toBe(2)
      // several processes may migrate at once: the advisory lock serializes them
      const again = await Promise.all([
        migrateSettlementSchema(test.store),
        migrateSettlementSchema(test.store),
      ])
      expect(again.map((r) => r.applied)).toEqual([[], []])
      const rows = await test.store.query<{ version: number; name: string }>(
        'select version, name from settlement_schema_migrations order by version',
      )
      expect(rows.map((r) => Number(r.version))).toEqual([1, 2])
      // a later release adds step 3; step 1 and 2 stay as they were
      const next = [
        ...settlementMigrations,
        {
          version: 3,
          name: 'test column',
          sql: 'alter table ledger_accounts add column note text',
        },
      ]
      expect((await migrateSettlementSchema(test.store, next)).applied).toEqual([3])
      // this (older) package meets the newer schema: refuse, never run backwards
      await expect(migrateSettlementSchema(test.store)).rejects.toBeInstanceOf(SchemaTooNewError)
      // an applied step whose text changed is refused
      const edited = next.map((m) => (m.version === 2 ? { ...m, sql: `${m.sql}\n-- edited` } : m))
      await expect(migrateSettlementSchema(test.store, edited)).rejects.toBeInstanceOf(
        MigrationMismatchError,
      )
    } finally {
      await test.dispose()
    }
  })

  it('a failing step leaves the schema where it was', async () => {
    const test = await openTestStore(kind)
    try {
      const broken = [
        ...settlementMigrations,
        { version: 3, name: 'broken', sql: 'alter table no_such_table add column x int' },
      ]
      await expect(migrateSettlementSchema(test.store, broken)).rejects.toThrow()
      const tables = await test.store.query<{ n: number }>(
        `select count(*)::int as n from information_schema.tables where table_name = 'ledger_accounts'`,
      )
      expect(tables[0]!.n).toBe(0)
    } finally {
      await test.dispose()
    }
  })
})
