/**
 * Order id → pool slot, an open-addressing hash table in typed arrays (linear probing,
 * backward-shift deletion, no tombstones). Keys are positive safe integers. No allocation except
 * when it grows.
 */
export class IdIndex {
  private keys: Float64Array
  private values: Int32Array
  private mask: number
  size = 0

  constructor(initialCapacity = 1024) {
    let capacity = 16
    while (capacity < initialCapacity * 2) capacity *= 2
    this.keys = new Float64Array(capacity)
    this.values = new Int32Array(capacity)
    this.mask = capacity - 1
  }

  private static hash(key: number): number {
    const low = key | 0
    const high = (key / 4294967296) | 0
    let h = Math.imul(low ^ Math.imul(high, 0x85ebca6b), 0x9e3779b1)
    h ^= h >>> 15
    return h
  }

  /** The slot of `key`, or -1. */
  get(key: number): number {
    const keys = this.keys
    const mask = this.mask
    let i = IdIndex.hash(key) & mask
    for (;;) {
      const k = keys[i]!
      if (k === key) return this.values[i]!
      if (k === 0) return -1
      i = (i + 1) & mask
    }
  }

  has(key: number): boolean {
    return this.get(key) !== -1
  }

  /** Adds `key` (which must not be present). */
  set(key: number, value: number): void {
    if ((this.size + 1) * 2 > this.keys.length) this.grow()
    const keys = this.keys
    const mask = this.mask
    let i = IdIndex.hash(key) & mask
    while (keys[i] !== 0) {
      if (keys[i] === key) {
        this.values[i] = value
        return
      }
      i = (i + 1) & mask
    }
    keys[i] = key
    this.values[i] = value
    this.size++
  }

  delete(key: number): void {
    const keys = this.keys
    const values = this.values
    const mask = this.mask
    let i = IdIndex.hash(key) & mask
    for (;;) {
      const k = keys[i]!
      if (k === 0) return
      if (k === key) break
      i = (i + 1) & mask
    }
    // Backward-shift: move later entries of the probe run into the hole.
    let hole = i
    let j = i
    for (;;) {
      j = (j + 1) & mask
      const k = keys[j]!
      if (k === 0) break
      const home = IdIndex.hash(k) & mask
      // Move k if its home is not cyclically in (hole, j].
      if (hole <= j ? home <= hole || home > j : home <= hole && home > j) {
        keys[hole] = k
        values[hole] = values[j]!
        hole = j
      }
    }
    keys[hole] = 0
    this.size--
  }

  private grow(): void {
    const oldKeys = this.keys
    const oldValues = this.values
    this.keys = new Float64Array(oldKeys.length * 2)
    this.values = new Int32Array(oldKeys.length * 2)
    this.mask = this.keys.length - 1
    this.size = 0
    for (let i = 0; i < oldKeys.length; i++) {
      const k = oldKeys[i]!
      if (k !== 0) this.set(k, oldValues[i]!)
    }
  }
}
