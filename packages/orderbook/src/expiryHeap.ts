/**
 * Min-heap of `GTD` expiries in typed arrays, ordered by (expiry time, arrival). Entries of
 * orders that left the book early stay until they surface (checked by the caller with the
 * arrival number, unique per order) or until {@link ExpiryHeap.compact} drops them.
 */
export class ExpiryHeap {
  private expire = new Float64Array(64)
  private arrival = new Float64Array(64)
  private slot = new Int32Array(64)
  size = 0

  /** Expiry time of the earliest entry (call only when `size > 0`). */
  topExpire(): number {
    return this.expire[0]!
  }
  topArrival(): number {
    return this.arrival[0]!
  }
  topSlot(): number {
    return this.slot[0]!
  }

  private less(a: number, b: number): boolean {
    const ea = this.expire[a]!
    const eb = this.expire[b]!
    return ea < eb || (ea === eb && this.arrival[a]! < this.arrival[b]!)
  }

  private swap(a: number, b: number): void {
    const e = this.expire[a]!
    this.expire[a] = this.expire[b]!
    this.expire[b] = e
    const r = this.arrival[a]!
    this.arrival[a] = this.arrival[b]!
    this.arrival[b] = r
    const s = this.slot[a]!
    this.slot[a] = this.slot[b]!
    this.slot[b] = s
  }

  push(expire: number, arrival: number, slot: number): void {
    if (this.size === this.expire.length) {
      const size = this.size * 2
      const e = new Float64Array(size)
      e.set(this.expire)
      const r = new Float64Array(size)
      r.set(this.arrival)
      const s = new Int32Array(size)
      s.set(this.slot)
      this.expire = e
      this.arrival = r
      this.slot = s
    }
    let i = this.size++
    this.expire[i] = expire
    this.arrival[i] = arrival
    this.slot[i] = slot
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.less(i, parent)) break
      this.swap(i, parent)
      i = parent
    }
  }

  /** Removes the earliest entry. */
  pop(): void {
    const last = --this.size
    if (last > 0) this.swap(0, last)
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      if (l >= last) break
      const r = l + 1
      const c = r < last && this.less(r, l) ? r : l
      if (!this.less(c, i)) break
      this.swap(c, i)
      i = c
    }
  }

  /** Keeps only the entries `isLive(slot, arrival)` accepts (rebuilding the heap). */
  compact(isLive: (slot: number, arrival: number) => boolean): void {
    const entries: [number, number, number][] = []
    for (let i = 0; i < this.size; i++) {
      const slot = this.slot[i]!
      const arrival = this.arrival[i]!
      if (isLive(slot, arrival)) entries.push([this.expire[i]!, arrival, slot])
    }
    this.size = 0
    for (const [e, r, s] of entries) this.push(e, r, s)
  }
}
