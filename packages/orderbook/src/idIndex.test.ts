import { describe, expect, it } from 'vitest'
import { IdIndex } from './idIndex.js'

describe('IdIndex', () => {
  it('agrees with a Map under random inserts and deletes (with growth and collisions)', () => {
    const index = new IdIndex(4)
    const map = new Map<number, number>()
    let seed = 12345
    const rand = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) | 0
      return (seed >>> 0) / 4294967296
    }
    for (let i = 0; i < 200_000; i++) {
      // Keys from a small range force long probe runs; some huge keys exercise the high bits.
      const key =
        rand() < 0.05 ? 2 ** 52 + Math.floor(rand() * 1000) : 1 + Math.floor(rand() * 5000)
      if (map.has(key) && rand() < 0.6) {
        index.delete(key)
        map.delete(key)
      } else if (!map.has(key)) {
        index.set(key, i)
        map.set(key, i)
      }
      if (i % 997 === 0) {
        // One assertion per check (not one per key): expect() per key made this test slow.
        const wrong: [number, number, number][] = []
        for (const [k, v] of map) if (index.get(k) !== v) wrong.push([k, v, index.get(k)])
        expect(wrong, `after operation ${i}`).toEqual([])
      }
    }
    expect(index.size).toBe(map.size)
    for (const [k, v] of map) expect(index.get(k)).toBe(v)
    expect(index.get(999_999)).toBe(-1)
    expect(index.has(2 ** 52 + 5000)).toBe(false)
  })
})
