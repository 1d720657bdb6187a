import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createTempDir } from '@strongroom/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { openFileStore } from './fileStore.js'
import { createMemoryStore, type FixMessageStore } from './messageStore.js'

const temp = createTempDir('strongroom-fix-store-')
afterEach(() => {})

const msg = (n: number) => Buffer.from(`message ${n}`)

function exercise(store: FixMessageStore) {
  expect(store.nextSenderSeqNum).toBe(1)
  expect(store.nextTargetSeqNum).toBe(1)
  for (let seq = 1; seq <= 5; seq++) store.put(seq, msg(seq))
  store.setNextSenderSeqNum(6)
  store.setNextTargetSeqNum(3)
  store.flush()
  expect(store.getRange(2, 4, 100).map((m) => [m.seqNum, Buffer.from(m.bytes).toString()])).toEqual(
    [
      [2, 'message 2'],
      [3, 'message 3'],
      [4, 'message 4'],
    ],
  )
  expect(store.getRange(1, 100, 2).map((m) => m.seqNum)).toEqual([1, 2])
}

describe('memory store', () => {
  it('keeps sequence numbers and messages, and resets', () => {
    const store = createMemoryStore({ creationTime: 5 })
    exercise(store)
    const bytes = msg(9)
    store.put(9, bytes)
    bytes[0] = 0
    expect(Buffer.from(store.getRange(9, 9, 1)[0]!.bytes).toString()).toBe('message 9')
    store.reset(10)
    expect([store.nextSenderSeqNum, store.nextTargetSeqNum, store.creationTime]).toEqual([1, 1, 10])
    expect(store.getRange(1, 10, 10)).toEqual([])
  })
})

describe('memory store', () => {
  it('keeps messages across arena chunks, larger than a chunk, and far-apart numbers', () => {
    const store = createMemoryStore()
    const big = Buffer.alloc((1 << 20) + 5, 0x41)
    const sizes = new Map<number, number>()
    for (let seq = 1; seq <= 6000; seq++) {
      const bytes = seq === 3000 ? big : Buffer.alloc(200 + (seq % 50), seq % 251)
      sizes.set(seq, bytes.length)
      store.put(seq, bytes)
    }
    store.put(4_000_000_000, msg(1))
    const all = store.getRange(1, 6000, 10_000)
    expect(all.length).toBe(6000)
    for (const { seqNum, bytes } of all) {
      expect([seqNum, bytes.length]).toEqual([seqNum, sizes.get(seqNum)])
      expect(bytes[0]).toBe(seqNum === 3000 ? 0x41 : seqNum % 251)
      expect(bytes[bytes.length - 1]).toBe(seqNum === 3000 ? 0x41 : seqNum % 251)
    }
    const far = store.getRange(4_000_000_000, 4_000_000_000, 1)[0]!
    expect(Buffer.from(far.bytes).toString()).toBe('message 1')
  })
})

describe('file store', () => {
  it('survives a restart', () => {
    const directory = join(temp.path, 'restart')
    const a = openFileStore({ directory, name: 'S', now: 1000 })
    exercise(a)
    a.close()
    const b = openFileStore({ directory, name: 'S', now: 2000 })
    expect([b.nextSenderSeqNum, b.nextTargetSeqNum, b.creationTime, b.size]).toEqual([
      6, 3, 1000, 5,
    ])
    expect(Buffer.from(b.getRange(5, 5, 1)[0]!.bytes).toString()).toBe('message 5')
    b.put(6, msg(6))
    b.setNextSenderSeqNum(7)
    b.reset(3000)
    b.close()
    const c = openFileStore({ directory, name: 'S', now: 4000 })
    expect([c.nextSenderSeqNum, c.nextTargetSeqNum, c.creationTime, c.size]).toEqual([
      1, 1, 3000, 0,
    ])
    c.close()
  })

  it('writes a batch larger than its pending buffer in one flush and reads it back', () => {
    const directory = join(temp.path, 'batch')
    const a = openFileStore({ directory, name: 'S', now: 1 })
    for (let seq = 1; seq <= 1000; seq++) a.put(seq, Buffer.alloc(300, seq % 251))
    a.setNextSenderSeqNum(1001)
    a.flush()
    expect(statSync(join(directory, 'S.body')).size).toBe(1000 * (8 + 300))
    a.close()
    const b = openFileStore({ directory, name: 'S', now: 2 })
    const all = b.getRange(1, 1000, 1000)
    expect(all.map((m) => m.seqNum)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1))
    for (const m of all) expect([m.bytes.length, m.bytes[299]]).toEqual([300, m.seqNum % 251])
    b.close()
  })

  it('cuts off a record torn by a crash and keeps the sender number ahead of what it holds', () => {
    const directory = join(temp.path, 'torn')
    const a = openFileStore({ directory, name: 'S', now: 1 })
    for (let seq = 1; seq <= 3; seq++) a.put(seq, msg(seq))
    a.setNextSenderSeqNum(4)
    a.close()
    const body = join(directory, 'S.body')
    const size = statSync(body).size
    appendFileSync(body, Buffer.from([9, 0, 0, 0, 50, 0, 0, 0, 1, 2]))
    writeFileSync(join(directory, 'S.seqnums'), '')
    const b = openFileStore({ directory, name: 'S', now: 2 })
    expect(statSync(body).size).toBe(size)
    expect(b.size).toBe(3)
    expect(b.nextSenderSeqNum).toBe(4)
    b.close()
  })

  it('refuses a corrupt record in the middle', () => {
    const directory = join(temp.path, 'corrupt')
    const a = openFileStore({ directory, name: 'S', now: 1 })
    a.put(1, msg(1))
    a.put(2, msg(2))
    a.close()
    const body = join(directory, 'S.body')
    const bytes = readFileSync(body)
    bytes.writeUInt32LE(0, 0)
    writeFileSync(body, bytes)
    expect(() => openFileStore({ directory, name: 'S', now: 2 })).toThrowError(
      expect.objectContaining({ code: 'FIX_STORE_CORRUPT' }),
    )
  })

  it('reports I/O failures as FIX_STORE_IO', () => {
    writeFileSync(join(temp.path, 'file'), 'x')
    expect(() =>
      openFileStore({ directory: join(temp.path, 'file', 'sub'), name: 'S', now: 1 }),
    ).toThrowError(expect.objectContaining({ code: 'FIX_STORE_IO' }))
  })
})
