import { createTestDatabase, requireServices } from '@strongroom/testkit'
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { setupOrchestrator } from '../../test/helpers/orchestrator.js'
import { approve, approvers, hex } from '../../test/helpers.js'
import { CustodyError, openPostgresRequestStore } from '../index.js'

const postgres = await requireServices('custody: PostgreSQL request store', ['postgres'])

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A fresh database (other engineers share the server); returns a pool factory on it. */
async function freshDatabase() {
  const database = await createTestDatabase('strongroom_custody_')
  const pools: pg.Pool[] = []
  cleanups.push(async () => {
    for (const pool of pools) await pool.end()
    await database.drop()
  })
  return () => {
    const pool = new pg.Pool({ connectionString: database.url, max: 2 })
    pools.push(pool)
    return pool
  }
}

describe.skipIf(!postgres.available)('openPostgresRequestStore', () => {
  it('carries approvals and signatures across a restart; a signed payload is not signed again', async () => {
    const connect = await freshDatabase()
    const rig = await setupOrchestrator({
      requests: await openPostgresRequestStore({ client: connect() }),
    })
    const { orchestrator, orchestratorWith, intent, tx, clock, signer, sink } = rig
    const restart = async () =>
      orchestratorWith({ requests: await openPostgresRequestStore({ client: connect() }) })
    const submitted = await orchestrator.submit(intent())
    if (!submitted.ok) throw new Error('expected ok')
    await orchestrator.approve({
      requestId: 'w1',
      approval: approve(approvers.alice, submitted.value.digest, clock.now()),
    })

    const second = await restart()
    expect(second.get('w1')?.approvals.map((a) => a.approverId)).toEqual(['alice'])
    const ready = await second.approve({
      requestId: 'w1',
      approval: approve(approvers.carol, submitted.value.digest, clock.now()),
    })
    expect(ready.ok && ready.value.status).toBe('ready')
    const signed = await second.sign({ requestId: 'w1', transaction: tx() })
    if (!signed.ok) throw new Error('expected ok')

    const third = await restart()
    expect(third.get('w1')?.status).toBe('signed')
    await expect(third.submit(intent({ amount: '3' }))).rejects.toMatchObject({
      code: 'CUSTODY_REQUEST_CONFLICT',
    })
    const replayed = await third.sign({ requestId: 'w1', transaction: tx() })
    expect(replayed.ok && hex(replayed.value.signature)).toBe(hex(signed.value.signature))
    expect(signer.signed).toBe(1)
    expect(sink.records.filter((r) => r.type === 'custody.signature')).toHaveLength(1)
    expect(sink.records.filter((r) => r.type === 'custody.signature.replayed')).toHaveLength(1)
  })

  it('refuses a corrupt row and a table name that is not an identifier, with typed errors', async () => {
    const connect = await freshDatabase()
    const client = connect()
    const store = await openPostgresRequestStore({ client, table: 'requests' })
    expect(store.size).toBe(0)
    await client.query(`insert into requests (request_id, state) values ('w9', '{"request":1}')`)
    await expect(openPostgresRequestStore({ client, table: 'requests' })).rejects.toSatisfy(
      (error) =>
        error instanceof CustodyError &&
        error.code === 'CUSTODY_REQUEST_STORE_FAILED' &&
        error.message.includes('"w9"'),
    )
    await expect(
      openPostgresRequestStore({ client, table: 'requests; drop table requests' }),
    ).rejects.toMatchObject({ code: 'CUSTODY_INVALID_CONFIG' })
    expect((await client.query('select count(*)::int as n from requests')).rows).toEqual([{ n: 1 }])
  })
})
