/**
 * Order id → pool slot, an open-addressing hash table in one typed array (linear probing,
 * backward-shift deletion, no tombstones). Each entry is a (key, value) pair of doubles side by
 * side, so a lookup touches one cache line. Keys are positive safe integers (0 marks a free
 * entry). No allocation except when it grows.
 */
export class IdIndex {
  private table: Float64Array
  private mask: number
  size = 0

  constructor(initialCapacity = 1024) {
    let capacity = 16
    while (capacity < initialCapacity * 2) capacity *= 2
    this.table = new Float64Array(capacity * 2)
    this.mask = capacity - 1
  }

  private static hash(key: number): number {
    const low = key | 0
    // Ids below 2^32 (nearly all) skip the division.
    const high = key > 0xffffffff ? (key / 4294967296) | 0 : 0
    let h = Math.imul(low ^ Math.imul(high, 0x85ebca6b), 0x9e3779b1)
    h ^= h >>> 15
    return h
  }

  /** The slot of `key`, or -1. */
  get(key: number): number {
    const table = this.table
    const mask = this.mask
    let i = IdIndex.hash(key) & mask
    for (;;) {
      const k = table[2 * i]!
      if (k === key) return table[2 * i + 1]!
      if (k === 0) return -1
      i = (i + 1) & mask
    }
  }

  has(key: number): boolean {
    return this.get(key) !== -1
  }

  /** Adds `key` or replaces its value. */
  set(key: number, value: number): void {
    if ((this.size + 1) * 2 > this.mask + 1) this.grow()
    const table = this.table
    const mask = this.mask
    let i = IdIndex.hash(key) & mask
    for (;;) {
      const k = table[2 * i]!
      if (k === key) {
        table[2 * i + 1] = value
        return
      }
      if (k === 0) break
      i = (i + 1) & mask
    }
    table[2 * i] = key
    table[2 * i + 1] = value
    this.size++
  }

  delete(key: number): void {
    const table = this.table
    const mask = this.mask
    let i = IdIndex.hash(key) & mask
    for (;;) {
      const k = table[2 * i]!
      if (k === 0) return
      if (k === key) break
      i = (i + 1) & mask
    }
    // Backward-shift: move later entries of the probe run into the hole.
    let hole = i
    let j = i
    for (;;) {
      j = (j + 1) & mask
      const k = table[2 * j]!
      if (k === 0) break
      const home = IdIndex.hash(k) & mask
      // Move k if its home is not cyclically in (hole, j].
      if (hole <= j ? home <= hole || home > j : home <= hole && home > j) {
        table[2 * hole] = k
        table[2 * hole + 1] = table[2 * j + 1]!
        hole = j
      }
    }
    table[2 * hole] = 0
    this.size--
  }

  private grow(): void {
    const old = this.table
    const capacity = (this.mask + 1) * 2
    this.table = new Float64Array(capacity * 2)
    this.mask = capacity - 1
    this.size = 0
    for (let i = 0; i < old.length; i += 2) {
      const k = old[i]!
      if (k !== 0) this.set(k, old[i + 1]!)
    }
  }
}
