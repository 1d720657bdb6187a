import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { JournalRecord } from '@strongroom/core'
import { createTempDir } from '@strongroom/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { JournalCorruptError, OrderbookInputError, openFileJournal } from '../src/index.js'

const dirs: { remove(): void }[] = []
function tempPath(name = 'journal.bin'): string {
  const dir = createTempDir('strongroom-journal-')
  dirs.push(dir)
  return join(dir.path, name)
}
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove()
})

const bytes = (...values: number[]) => new Uint8Array(values)

async function readAll(path: string): Promise<JournalRecord[]> {
  const journal = await openFileJournal({ path })
  const out: JournalRecord[] = []
  for await (const r of journal.read({ fromSeq: 1 })) out.push(r)
  await journal.close()
  return out
}

/** Writes three frames of records and returns the frame offsets. */
async function threeFrames(path: string): Promise<number[]> {
  const offsets: number[] = []
  const journal = await openFileJournal({ path })
  for (let f = 0; f < 3; f++) {
    offsets.push(journal.size)
    await journal.append([
      { kind: 'command', timestamp: 1000 + f, payload: bytes(f, 1, 2, 3) },
      { kind: 'command', timestamp: 1000 + f, payload: bytes(f, 4) },
    ])
  }
  await journal.close()
  return offsets
}

describe('file journal', () => {
  it('assigns gap-free sequence numbers and reads back exactly what was appended', async () => {
    const path = tempPath()
    const journal = await openFileJournal({ path })
    expect(journal.lastSeq()).toBe(0)
    const a = await journal.append([
      { kind: 'command', timestamp: 5, payload: bytes(1, 2, 3) },
      { kind: 'event', timestamp: 6, payload: bytes() },
    ])
    const b = await journal.append([
      { kind: 'snapshot', timestamp: 7, payload: bytes(9), messageId: 'snap-1' },
    ])
    expect(a.seqs).toEqual([1, 2])
    expect(b.seqs).toEqual([3])
    expect(journal.lastSeq()).toBe(3)
    await journal.close()
    const records = await readAll(path)
    expect(records).toEqual([
      { seq: 1, kind: 'command', timestamp: 5, payload: bytes(1, 2, 3) },
      { seq: 2, kind: 'event', timestamp: 6, payload: bytes() },
      { seq: 3, kind: 'snapshot', timestamp: 7, payload: bytes(9), messageId: 'snap-1' },
    ])
  })

  it('reads from any sequence number to any other', async () => {
    const path = tempPath()
    await threeFrames(path)
    const journal = await openFileJournal({ path })
    const seqs: number[] = []
    for await (const r of journal.read({ fromSeq: 3, toSeq: 5 })) seqs.push(r.seq)
    expect(seqs).toEqual([3, 4, 5])
    const tail: number[] = []
    for await (const r of journal.read({ fromSeq: 6 })) tail.push(r.seq)
    expect(tail).toEqual([6])
    await journal.close()
  })

  it('de-duplicates by message id: the original sequence number, nothing stored (also after reopening)', async () => {
    const path = tempPath()
    let journal = await openFileJournal({ path })
    const first = await journal.append([
      { kind: 'command', timestamp: 1, payload: bytes(1), messageId: 'm1' },
    ])
    const [again, second] = await Promise.all([
      journal.append([{ kind: 'command', timestamp: 2, payload: bytes(2), messageId: 'm1' }]),
      journal.append([{ kind: 'command', timestamp: 3, payload: bytes(3), messageId: 'm2' }]),
    ])
    expect(first.seqs).toEqual([1])
    expect(again.seqs).toEqual([1])
    expect(second.seqs).toEqual([2])
    await journal.close()
    journal = await openFileJournal({ path })
    const third = await journal.append([
      { kind: 'command', timestamp: 4, payload: bytes(4), messageId: 'm2' },
      { kind: 'command', timestamp: 5, payload: bytes(5) },
    ])
    expect(third.seqs).toEqual([2, 3])
    expect(journal.lastSeq()).toBe(3)
    await journal.close()
    expect((await readAll(path)).map((r) => r.payload[0])).toEqual([1, 3, 5])
  })

  it('group commit: concurrent appends share fdatasyncs and each resolves only when durable', async () => {
    const path = tempPath()
    const journal = await openFileJournal({ path })
    const results = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        journal.append([{ kind: 'command', timestamp: i, payload: bytes(i & 255) }]),
      ),
    )
    expect(results.map((r) => r.seqs[0])).toEqual(Array.from({ length: 500 }, (_, i) => i + 1))
    expect(journal.syncCount).toBeLessThan(50)
    expect(journal.syncCount).toBeGreaterThan(0)
    expect(statSync(path).size).toBe(journal.size)
    await journal.close()
  })

  it('packed and single appends queued together share one frame, in order, byte-exact', async () => {
    const path = tempPath()
    const journal = await openFileJournal({ path })
    await journal.append([{ kind: 'command', timestamp: 1, payload: bytes(1) }])
    const syncsBefore = journal.syncCount
    // Queued in one tick while nothing is being written: one frame of a blob segment, a packed
    // segment (referenced, not copied), another blob segment and another packed one.
    const packed = bytes(10, 11, 12, 20, 30, 31)
    const more = bytes(40, 41, 42, 43)
    const results = await Promise.all([
      journal.append([{ kind: 'event', timestamp: 2, payload: bytes(2, 3), messageId: 'm-1' }]),
      journal.appendPacked(
        'command',
        3,
        new Float64Array([3, 4, 5]),
        new Float64Array([3, 4, 6]),
        packed,
      ),
      journal.append([{ kind: 'command', timestamp: 6, payload: bytes() }]),
      journal.appendPacked('command', 2, new Float64Array([7, 8]), new Float64Array([1, 4]), more),
    ])
    expect(results).toEqual([{ seqs: [2] }, 3, { seqs: [6] }, 7])
    expect(journal.syncCount).toBe(syncsBefore + 1)
    expect(statSync(path).size).toBe(journal.size)
    await journal.close()
    expect(await readAll(path)).toEqual([
      { seq: 1, kind: 'command', timestamp: 1, payload: bytes(1) },
      { seq: 2, kind: 'event', timestamp: 2, payload: bytes(2, 3), messageId: 'm-1' },
      { seq: 3, kind: 'command', timestamp: 3, payload: bytes(10, 11, 12) },
      { seq: 4, kind: 'command', timestamp: 4, payload: bytes(20) },
      { seq: 5, kind: 'command', timestamp: 5, payload: bytes(30, 31) },
      { seq: 6, kind: 'command', timestamp: 6, payload: bytes() },
      { seq: 7, kind: 'command', timestamp: 7, payload: bytes(40) },
      { seq: 8, kind: 'command', timestamp: 8, payload: bytes(41, 42, 43) },
    ])
  })

  it('truncates a torn tail (an incomplete last frame) on open and continues after it', async () => {
    const path = tempPath()
    const offsets = await threeFrames(path)
    const full = readFileSync(path)
    // A crash in the middle of writing a fourth frame: its first 20 bytes made it to disk.
    appendFileSync(path, full.subarray(offsets[1]!, offsets[1]! + 20))
    const journal = await openFileJournal({ path })
    expect(journal.recovered).toEqual({ offset: full.length, truncatedBytes: 20, reason: 'torn' })
    expect(journal.lastSeq()).toBe(6)
    expect(statSync(path).size).toBe(full.length)
    expect(
      (await journal.append([{ kind: 'command', timestamp: 9, payload: bytes(7) }])).seqs,
    ).toEqual([7])
    await journal.close()
    expect((await readAll(path)).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7])
  })

  it('truncates a zero-filled tail (space a crash allocated but never wrote)', async () => {
    const path = tempPath()
    await threeFrames(path)
    const size = statSync(path).size
    appendFileSync(path, Buffer.alloc(100))
    const journal = await openFileJournal({ path })
    expect(journal.recovered).toEqual({ offset: size, truncatedBytes: 100, reason: 'torn' })
    expect(journal.lastSeq()).toBe(6)
    await journal.close()
  })

  it('truncates a corrupt last frame (checksum mismatch at the end of the file)', async () => {
    const path = tempPath()
    const offsets = await threeFrames(path)
    const data = readFileSync(path)
    data[data.length - 1]! ^= 0xff
    writeFileSync(path, data)
    const journal = await openFileJournal({ path })
    expect(journal.recovered).toEqual({
      offset: offsets[2],
      truncatedBytes: data.length - offsets[2]!,
      reason: 'corrupt',
    })
    expect(journal.lastSeq()).toBe(4)
    await journal.close()
  })

  it('refuses to open over a corrupt frame in the middle, naming its offset, and changes nothing', async () => {
    const path = tempPath()
    const offsets = await threeFrames(path)
    const data = readFileSync(path)
    data[offsets[1]! + 30]! ^= 0x01
    writeFileSync(path, data)
    const error = await openFileJournal({ path }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(JournalCorruptError)
    expect((error as JournalCorruptError).offset).toBe(offsets[1])
    expect((error as JournalCorruptError).code).toBe('ORDERBOOK_JOURNAL_CORRUPT')
    expect(readFileSync(path)).toEqual(data)
  })

  it('refuses garbage before valid frames (not zero-filled): corruption, not a torn tail', async () => {
    const path = tempPath()
    await threeFrames(path)
    const data = readFileSync(path)
    data.writeUInt32LE(0xdeadbeef, 0)
    writeFileSync(path, data)
    await expect(openFileJournal({ path })).rejects.toMatchObject({ offset: 0 })
  })

  it('returns the latest snapshot record', async () => {
    const path = tempPath()
    const journal = await openFileJournal({ path })
    expect(await journal.latestSnapshot()).toBeUndefined()
    await journal.append([{ kind: 'snapshot', timestamp: 1, payload: bytes(1) }])
    await journal.append([
      { kind: 'command', timestamp: 2, payload: bytes(2) },
      { kind: 'snapshot', timestamp: 3, payload: bytes(3) },
      { kind: 'command', timestamp: 4, payload: bytes(4) },
    ])
    expect(await journal.latestSnapshot()).toMatchObject({ seq: 3, payload: bytes(3) })
    await journal.close()
    const reopened = await openFileJournal({ path })
    expect(await reopened.latestSnapshot()).toMatchObject({ seq: 3, timestamp: 3 })
    await reopened.close()
  })

  it('rejects invalid records with a typed error naming the field and stores nothing', async () => {
    const path = tempPath()
    const journal = await openFileJournal({ path })
    expect(() =>
      journal.append([
        { kind: 'command', timestamp: 1, payload: bytes(1) },
        { kind: 'command', timestamp: 1.5, payload: bytes(1) },
      ]),
    ).toThrow(OrderbookInputError)
    try {
      journal.append([{ kind: 'nope' as 'command', timestamp: 1, payload: bytes() }])
    } catch (error) {
      expect((error as OrderbookInputError).path).toEqual(['records', 0, 'kind'])
    }
    expect(journal.lastSeq()).toBe(0)
    await journal.close()
    expect(statSync(path).size).toBe(0)
  })
})
