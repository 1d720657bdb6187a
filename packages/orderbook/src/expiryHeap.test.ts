import { describe, expect, it } from 'vitest'
import { ExpiryHeap } from './expiryHeap.js'

describe('ExpiryHeap', () => {
  it('pops by (expiry, arrival) and compacts to the live entries', () => {
    const heap = new ExpiryHeap()
    const entries: [number, number, number][] = []
    let seed = 7
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
      return seed % n
    }
    for (let i = 0; i < 5_000; i++) {
      const e: [number, number, number] = [rand(300), i + 1, rand(1000)]
      entries.push(e)
      heap.push(...e)
    }
    // Keep every third entry.
    heap.compact((_slot, arrival) => arrival % 3 === 0)
    const expected = entries
      .filter(([, a]) => a % 3 === 0)
      .sort((x, y) => x[0] - y[0] || x[1] - y[1])
    expect(heap.size).toBe(expected.length)
    const popped: [number, number, number][] = []
    while (heap.size > 0) {
      popped.push([heap.topExpire(), heap.topArrival(), heap.topSlot()])
      heap.pop()
    }
    expect(popped).toEqual(expected)
  })
})
