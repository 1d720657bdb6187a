import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { serviceEndpoints } from './services.js'

/** A PostgreSQL database created for one test run. */
export type TestDatabase = {
  readonly name: string
  /** Its connection string (the server of `serviceEndpoints.postgresUrl`). */
  readonly url: string
  /** Drops it (closing any connection still open). */
  drop(): Promise<void>
}

/** The connection string of database `name` on the test server. */
export function databaseUrl(name: string): string {
  const url = new URL(serviceEndpoints.postgresUrl)
  url.pathname = `/${name}`
  return url.toString()
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serviceEndpoints.postgresUrl })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

/**
 * Creates an empty database with a random name on the test server (other suites and engineers
 * share it), returned with a dropper. Needs `requireServices([... 'postgres'])`.
 */
export async function createTestDatabase(prefix = 'strongroom_test_'): Promise<TestDatabase> {
  if (!/^[a-z_][a-z0-9_]*$/.test(prefix)) throw new Error(`bad database prefix ${prefix}`)
  const name = `${prefix}${randomBytes(6).toString('hex')}`
  await admin(`create database ${name}`)
  return {
    name,
    url: databaseUrl(name),
    drop: () => admin(`drop database if exists ${name} with (force)`),
  }
}
