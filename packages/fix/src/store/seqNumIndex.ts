/** Dense slots are added by doubling as long as a new number is no further than this ahead. */
const INITIAL_SLOTS = 1024

/**
 * Where each stored message lives (`offset`, `length` in some byte space), by MsgSeqNum. Sequence
 * numbers are near-contiguous, so they index typed arrays (from the first number stored): no
 * object per message for the garbage collector to trace or promote. Numbers far outside the
 * dense range (a SequenceReset jumping ahead, a number below the first) go to a small map.
 */
export class SeqNumIndex {
  private base = 0
  private offsets = new Float64Array(INITIAL_SLOTS)
  /** Length + 1 (0: no message at this slot). */
  private lengths = new Int32Array(INITIAL_SLOTS)
  private readonly sparse = new Map<number, readonly [number, number]>()
  private count = 0
  private max = 0

  /** Number of sequence numbers held. */
  get size(): number {
    return this.count
  }

  /** Highest sequence number held (0 when empty). */
  get maxSeqNum(): number {
    return this.max
  }

  set(seqNum: number, offset: number, length: number): void {
    if (this.count === 0) this.base = seqNum
    if (seqNum > this.max) this.max = seqNum
    const slot = seqNum - this.base
    if (slot >= this.lengths.length && slot < this.lengths.length * 2) this.grow()
    if (slot >= 0 && slot < this.lengths.length) {
      if (this.lengths[slot] === 0 && !this.sparse.has(seqNum)) this.count++
      this.offsets[slot] = offset
      this.lengths[slot] = length + 1
      return
    }
    if (!this.sparse.has(seqNum)) this.count++
    this.sparse.set(seqNum, [offset, length])
  }

  /** Offset of `seqNum`'s message, or -1 when there is none. */
  offsetOf(seqNum: number): number {
    const slot = seqNum - this.base
    if (slot >= 0 && slot < this.lengths.length && this.lengths[slot] !== 0) {
      return this.offsets[slot]!
    }
    return this.sparse.get(seqNum)?.[0] ?? -1
  }

  /** Length of `seqNum`'s message (call after {@link SeqNumIndex.offsetOf} found it). */
  lengthOf(seqNum: number): number {
    const slot = seqNum - this.base
    if (slot >= 0 && slot < this.lengths.length && this.lengths[slot] !== 0) {
      return this.lengths[slot]! - 1
    }
    return this.sparse.get(seqNum)?.[1] ?? 0
  }

  clear(): void {
    this.offsets = new Float64Array(INITIAL_SLOTS)
    this.lengths = new Int32Array(INITIAL_SLOTS)
    this.sparse.clear()
    this.count = 0
    this.max = 0
  }

  private grow(): void {
    const offsets = new Float64Array(this.offsets.length * 2)
    offsets.set(this.offsets)
    const lengths = new Int32Array(this.lengths.length * 2)
    lengths.set(this.lengths)
    this.offsets = offsets
    this.lengths = lengths
  }
}
