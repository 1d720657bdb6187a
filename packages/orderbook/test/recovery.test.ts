import { spawn } from 'node:child_process'
import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createManualClock } from '@strongroom/core'
import { createTempDir } from '@strongroom/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import {
  type BookCommand,
  type BookEvent,
  createEventCollector,
  createMatchingEngine,
  createSequencer,
  openFileJournal,
  recoverMatchingEngine,
} from '../src/index.js'
import { testInstrument } from './support/fixtures.js'
import { randomStream } from './support/streams.js'

const dirs: { remove(): void }[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove()
})
function tempDir(): string {
  const dir = createTempDir('strongroom-recovery-')
  dirs.push(dir)
  return dir.path
}

const instrument = testInstrument({ priceBandBps: 100 })
const route = (command: BookCommand) =>
  ({ ...command, symbol: command.symbol ?? instrument.symbol }) as BookCommand

describe('sequencer and recovery', () => {
  it('releases events only after the journal acknowledged the command', async () => {
    const path = join(tempDir(), 'j.bin')
    const journal = await openFileJournal({ path })
    const events: BookEvent[] = []
    const engine = createMatchingEngine({
      instruments: [instrument],
      sinkFor: () => createEventCollector((e) => events.push(e)),
    })
    const sequencer = createSequencer({ journal, engine, clock: createManualClock(1_000) })
    const seq = sequencer.submit({
      type: 'place',
      symbol: instrument.symbol,
      orderId: 1,
      account: 1,
      side: 'buy',
      orderType: 'limit',
      price: 100,
      quantity: 5,
    })
    expect(seq).toBe(1)
    expect(journal.lastSeq()).toBe(0)
    await Promise.resolve()
    expect(events).toEqual([])
    await sequencer.flush()
    expect(journal.lastSeq()).toBe(1)
    expect(events.map((e) => e.type)).toEqual(['accepted', 'book', 'level', 'bbo'])
    expect(sequencer.appliedSeq).toBe(1)
    await journal.close()
  })

  it('recovery = snapshot + replay reproduces the state hash, with and without a snapshot', async () => {
    const path = join(tempDir(), 'j.bin')
    const journal = await openFileJournal({ path })
    const clock = createManualClock(1_700_000_000_000)
    const engine = createMatchingEngine({ instruments: [instrument] })
    const sequencer = createSequencer({ journal, engine, clock })
    const stream = randomStream(7, 6_000, 'everything')
    let snapshotSeq = 0
    for (const [i, { command }] of stream.entries()) {
      if (i % 100 === 0) clock.advance(3)
      sequencer.submit(route(command))
      if (i === 3_000) {
        await sequencer.flush()
        snapshotSeq = await sequencer.snapshot()
      }
    }
    await sequencer.flush()
    const expected = engine.stateHash()
    const lastSeq = journal.lastSeq()
    expect(lastSeq).toBe(6_001)
    await journal.close()

    const reopened = await openFileJournal({ path })
    const recovered = await recoverMatchingEngine({ journal: reopened, instruments: [instrument] })
    expect(recovered.snapshotSeq).toBe(snapshotSeq)
    expect(recovered.lastSeq).toBe(lastSeq)
    expect(recovered.replayed).toBe(6_000 - 3_001)
    expect(recovered.engine.stateHash()).toBe(expected)
    // The reference implementation replays to the same hash.
    const viaReference = await recoverMatchingEngine({
      journal: reopened,
      instruments: [instrument],
      implementation: 'reference',
    })
    expect(viaReference.engine.stateHash()).toBe(expected)
    // And a sequencer continues after the last record.
    const next = createSequencer({ journal: reopened, engine: recovered.engine, clock })
    expect(next.submit(route({ type: 'tick' }))).toBe(lastSeq + 1)
    await next.flush()
    await reopened.close()
  })

  it('a writer killed with SIGKILL mid-stream: recovery truncates the torn tail, loses nothing acknowledged and reproduces the recorded hash', {
    timeout: 120_000,
  }, async () => {
    const dir = tempDir()
    const journalPath = join(dir, 'journal.bin')
    const hashPath = join(dir, 'hashes.txt')
    const script = fileURLToPath(new URL('./support/crashWriter.ts', import.meta.url))
    const child = spawn(
      process.execPath,
      ['--conditions=@strongroom/source', '--import', 'tsx', script, journalPath, hashPath, '4242'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    )
    let stderr = ''
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk)
    })
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    )
    // Let it write for a while (at least 20,000 acknowledged commands), then kill it mid-stream.
    const started = Date.now()
    for (;;) {
      await new Promise((r) => setTimeout(r, 50))
      const acked = existsSync(hashPath)
        ? Math.max(
            0,
            ...[...readFileSync(hashPath, 'utf8').matchAll(/^acked (\d+)$/gm)].map((m) =>
              Number(m[1]),
            ),
          )
        : 0
      if (acked >= 20_000) break
      if (Date.now() - started > 90_000 || child.exitCode !== null) {
        throw new Error(`writer did not get far enough (acked ${acked}): ${stderr}`)
      }
    }
    child.kill('SIGKILL')
    expect(await exited).toBe(null)

    const recorded = new Map<number, string>()
    let lastAcked = 0
    for (const text of readFileSync(hashPath, 'utf8').split('\n')) {
      const acked = /^acked (\d+)$/.exec(text)
      if (acked) lastAcked = Math.max(lastAcked, Number(acked[1]))
      const hash = /^(\d+) ([0-9a-f]{64})$/.exec(text)
      if (hash) recorded.set(Number(hash[1]), hash[2]!)
    }

    // Whatever the kill left, make sure there is a torn tail too: half a frame header.
    const sizeAfterKill = statSync(journalPath).size
    appendFileSync(journalPath, Buffer.from([0x53, 0x52, 0x4a, 0x31, 0x40]))

    const journal = await openFileJournal({ path: journalPath })
    expect(journal.recovered?.reason).toBe('torn')
    expect(journal.recovered?.offset).toBeLessThanOrEqual(sizeAfterKill)
    const lastSeq = journal.lastSeq()
    expect(lastSeq).toBeGreaterThanOrEqual(lastAcked)
    const { engine, snapshotSeq, replayed } = await recoverMatchingEngine({
      journal,
      instruments: [instrument],
    })
    expect(snapshotSeq).toBeGreaterThan(0)
    expect(replayed).toBeGreaterThan(0)
    expect(recorded.has(lastSeq)).toBe(true)
    expect(engine.stateHash()).toBe(recorded.get(lastSeq))
    await journal.close()
  })
})
