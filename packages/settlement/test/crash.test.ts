// Done-when of the issue: the settling process is killed with SIGKILL in the middle of a batch
// (inside its database transaction, after the write statement, before COMMIT), restarted, and the
// ledger it leaves equals the ledger of a run without the crash. Against both stores.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { createManualClock } from '@strongroom/core'
import { createTempDir } from '@strongroom/testkit'
import { afterAll, describe, expect, it } from 'vitest'
import { openLedger } from '../src/ledger/openLedger.js'
import { createPgliteStore } from '../src/store/pgliteStore.js'
import { createPostgresStore } from '../src/store/postgresStore.js'
import { ledgerState } from './helpers.js'
import { createTestDatabase, storeKinds } from './stores.js'

const packageDir = join(import.meta.dirname, '..')
const script = join(import.meta.dirname, 'fixtures', 'settleJournal.ts')
const journal = { accounts: 60, trades: 3_000, batchSize: 400, seed: 42 }

type Run = { code: number | null; signal: NodeJS.Signals | null; stdout: string }

/** Runs the settling child; with `crashAtBatch`, SIGKILLs it as soon as it reports being mid-batch. */
function settle(options: Record<string, unknown>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--conditions=@strongroom/source',
        '--import',
        'tsx',
        script,
        JSON.stringify({ ...journal, ...options }),
      ],
      { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      if (options.crashAtBatch !== undefined && stdout.includes(`MID ${options.crashAtBatch}\n`)) {
        child.kill('SIGKILL')
      }
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.on('error', reject)
    child.on('close', (code, signal) => {
      if (code !== 0 && signal === null) reject(new Error(`child failed (${code}): ${stderr}`))
      else resolve({ code, signal, stdout })
    })
  })
}

const cleanups: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

async function location(kind: 'pglite' | 'postgres'): Promise<string> {
  if (kind === 'pglite') {
    const dir = createTempDir('strongroom-settlement-crash-')
    cleanups.push(() => dir.remove())
    return join(dir.path, 'ledger')
  }
  const database = await createTestDatabase()
  cleanups.push(() => database.drop())
  return database.url
}

async function stateAt(kind: 'pglite' | 'postgres', where: string) {
  const store =
    kind === 'pglite'
      ? await createPgliteStore({ dataDir: where })
      : await createPostgresStore({ connectionString: where, maxConnections: 1 })
  const ledger = await openLedger({ store, clock: createManualClock(0) })
  try {
    return { state: await ledgerState(ledger), totals: await ledger.assetTotals() }
  } finally {
    await ledger.close()
  }
}

describe.each(storeKinds)('SIGKILL in the middle of a batch on %s', (kind) => {
  it('restarting and re-applying the journal gives the ledger of a run without the crash', async () => {
    const clean = await location(kind)
    const crashed = await location(kind)
    const batches = Math.ceil((journal.accounts * 4 + journal.trades) / journal.batchSize)

    const reference = await settle({ kind, location: clean })
    expect(reference.stdout).toContain(`DONE applied ${journal.accounts * 4 + journal.trades} `)

    const crashAtBatch = Math.floor(batches / 2)
    const killed = await settle({ kind, location: crashed, crashAtBatch })
    expect(killed.signal).toBe('SIGKILL')
    expect(killed.stdout).toContain(`MID ${crashAtBatch}`)
    expect(killed.stdout).not.toContain(`BATCH ${crashAtBatch} `)

    // The crashed batch left nothing behind: the ledger stops at the batch before it.
    const between = await stateAt(kind, crashed)
    const cursor = between.state.cursors[0]!.split('|')[1]
    expect(Number(cursor)).toBe(crashAtBatch * journal.batchSize)

    const restarted = await settle({ kind, location: crashed })
    // Batches before the crash are skipped (checked against what was stored), the rest applied.
    expect(restarted.stdout).toContain(`BATCH 0 applied 0 skipped ${journal.batchSize}`)
    expect(restarted.stdout).toContain(
      `BATCH ${crashAtBatch} applied ${journal.batchSize} skipped 0`,
    )

    const expected = await stateAt(kind, clean)
    const actual = await stateAt(kind, crashed)
    expect(actual.state.accounts.length).toBe(journal.accounts * 8 + 4 * 6)
    expect(actual.state).toEqual(expected.state)
    for (const totals of actual.totals) expect(totals.debitsPosted).toBe(totals.creditsPosted)
  }, 120_000)
})
