import { describe, expect, it } from 'vitest'
import { SeqNumIndex } from './seqNumIndex.js'

const entry = (index: SeqNumIndex, seq: number) =>
  index.offsetOf(seq) < 0 ? undefined : [index.offsetOf(seq), index.lengthOf(seq)]

describe('SeqNumIndex', () => {
  it('holds contiguous numbers past its initial slots, and overwrites', () => {
    const index = new SeqNumIndex()
    for (let seq = 5; seq < 5005; seq++) index.set(seq, seq * 10, seq % 7)
    expect([index.size, index.maxSeqNum]).toEqual([5000, 5004])
    expect(entry(index, 5)).toEqual([50, 5])
    expect(entry(index, 5004)).toEqual([50_040, 5004 % 7])
    expect(entry(index, 4)).toBeUndefined()
    expect(entry(index, 5005)).toBeUndefined()
    index.set(100, 1, 0)
    expect(entry(index, 100)).toEqual([1, 0])
    expect(index.size).toBe(5000)
  })

  it('keeps numbers far ahead or below the first one, and the newest of a repeated number', () => {
    const index = new SeqNumIndex()
    index.set(10, 0, 3)
    index.set(2, 3, 4)
    index.set(1_000_000_000, 7, 5)
    expect([index.size, index.maxSeqNum]).toEqual([3, 1_000_000_000])
    expect(entry(index, 2)).toEqual([3, 4])
    expect(entry(index, 1_000_000_000)).toEqual([7, 5])
    // 3000 is sparse now; once the dense range grows over it, the newer dense entry wins.
    index.set(3000, 100, 1)
    for (let seq = 11; seq <= 3000; seq++) index.set(seq, 200 + seq, 2)
    expect(entry(index, 3000)).toEqual([3200, 2])
    expect(index.size).toBe(3 + 2990)
    index.clear()
    expect([index.size, index.maxSeqNum, entry(index, 10)]).toEqual([0, 0, undefined])
    index.set(50, 9, 9)
    expect(entry(index, 50)).toEqual([9, 9])
  })
})
