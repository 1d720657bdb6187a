/**
 * Price levels of the fast book in typed arrays, indexed by tick offset.
 *
 * Levels whose price falls inside a window of `windowSize` ticks live in a dense array
 * (`price - base` → level id) with a three-level occupancy bitmap, so that finding a level and
 * the next occupied price above or below take a handful of word operations whatever the depth
 * of the book. Prices outside the window (far-away orders) go to a sorted side list. When the
 * best prices leave the window, it is moved around them (cost: the number of levels).
 *
 * Bids and asks never share a price (the book is never crossed), so one index serves both sides.
 */
export class PriceLadder {
  /** Level records, by level id. */
  price: Float64Array
  head: Int32Array
  tail: Int32Array
  quantity: Float64Array
  count: Int32Array
  side: Uint8Array
  private capacity: number
  private freeLevel = -1
  private nextUnused = 0

  readonly windowSize: number
  base = 0
  private readonly window: Int32Array
  private readonly bits0: Uint32Array
  private readonly bits1: Uint32Array
  private readonly bits2: Uint32Array
  private windowLevels = 0
  private readonly far = new Map<number, number>()
  private farPrices: number[] = []

  constructor(windowSize: number, initialLevels = 256) {
    if (!Number.isInteger(Math.log2(windowSize)) || windowSize < 32) {
      throw new RangeError('windowSize must be a power of two, at least 32')
    }
    this.windowSize = windowSize
    this.window = new Int32Array(windowSize).fill(-1)
    this.bits0 = new Uint32Array(Math.ceil(windowSize / 32))
    this.bits1 = new Uint32Array(Math.ceil(this.bits0.length / 32))
    this.bits2 = new Uint32Array(Math.ceil(this.bits1.length / 32))
    this.capacity = initialLevels
    this.price = new Float64Array(initialLevels)
    this.head = new Int32Array(initialLevels)
    this.tail = new Int32Array(initialLevels)
    this.quantity = new Float64Array(initialLevels)
    this.count = new Int32Array(initialLevels)
    this.side = new Uint8Array(initialLevels)
  }

  /** Number of levels in use. */
  get size(): number {
    return this.windowLevels + this.far.size
  }

  /** The level at `price`, or -1. */
  find(price: number): number {
    const offset = price - this.base
    if (offset >= 0 && offset < this.windowSize) return this.window[offset]!
    if (this.far.size === 0) return -1
    return this.far.get(price) ?? -1
  }

  /** Creates an empty level at `price` (which must have none). */
  create(price: number, side: number): number {
    let id = this.freeLevel
    if (id !== -1) this.freeLevel = this.head[id]!
    else {
      if (this.nextUnused === this.capacity) this.grow()
      id = this.nextUnused++
    }
    this.price[id] = price
    this.head[id] = -1
    this.tail[id] = -1
    this.quantity[id] = 0
    this.count[id] = 0
    this.side[id] = side
    if (this.size === 0) this.base = price - (this.windowSize >> 1)
    this.index(id, price)
    return id
  }

  /** Deletes an (empty) level. */
  remove(id: number): void {
    const price = this.price[id]!
    const offset = price - this.base
    if (offset >= 0 && offset < this.windowSize) {
      this.window[offset] = -1
      this.clearBit(offset)
      this.windowLevels--
    } else {
      this.far.delete(price)
      const at = lowerBound(this.farPrices, price)
      this.farPrices.splice(at, 1)
    }
    this.head[id] = this.freeLevel
    this.freeLevel = id
  }

  /** The highest occupied price below `price`, or 0. */
  below(price: number): number {
    let best = 0
    const offset = price - this.base
    if (offset > 0 && this.windowLevels > 0) {
      const i = this.lowerBit(Math.min(offset, this.windowSize))
      if (i >= 0) best = this.base + i
    }
    if (this.farPrices.length > 0) {
      const at = lowerBound(this.farPrices, price) - 1
      if (at >= 0 && this.farPrices[at]! > best) best = this.farPrices[at]!
    }
    return best
  }

  /** The lowest occupied price above `price`, or 0. */
  above(price: number): number {
    let best = 0
    const offset = price - this.base
    if (offset < this.windowSize - 1 && this.windowLevels > 0) {
      const i = this.higherBit(Math.max(offset, -1))
      if (i >= 0) best = this.base + i
    }
    if (this.farPrices.length > 0) {
      const at = upperBound(this.farPrices, price)
      if (at < this.farPrices.length) {
        const p = this.farPrices[at]!
        if (best === 0 || p < best) best = p
      }
    }
    return best
  }

  /** True when `price` is inside the dense window. */
  inWindow(price: number): boolean {
    const offset = price - this.base
    return offset >= 0 && offset < this.windowSize
  }

  /** Moves the window so that it is centred on `center`, re-indexing every level. */
  recenter(center: number): void {
    const ids: number[] = []
    for (let i = this.higherBit(-1); i >= 0; i = this.higherBit(i)) {
      ids.push(this.window[i]!)
      this.window[i] = -1
    }
    for (const id of this.far.values()) ids.push(id)
    this.bits0.fill(0)
    this.bits1.fill(0)
    this.bits2.fill(0)
    this.windowLevels = 0
    this.far.clear()
    this.farPrices = []
    this.base = center - (this.windowSize >> 1)
    for (const id of ids) this.index(id, this.price[id]!)
  }

  private index(id: number, price: number): void {
    const offset = price - this.base
    if (offset >= 0 && offset < this.windowSize) {
      this.window[offset] = id
      this.setBit(offset)
      this.windowLevels++
    } else {
      this.far.set(price, id)
      this.farPrices.splice(lowerBound(this.farPrices, price), 0, price)
    }
  }

  private grow(): void {
    const capacity = this.capacity * 2
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(capacity)
      b.set(a)
      return b
    }
    const i32 = (a: Int32Array) => {
      const b = new Int32Array(capacity)
      b.set(a)
      return b
    }
    this.price = f64(this.price)
    this.quantity = f64(this.quantity)
    this.head = i32(this.head)
    this.tail = i32(this.tail)
    this.count = i32(this.count)
    const side = new Uint8Array(capacity)
    side.set(this.side)
    this.side = side
    this.capacity = capacity
  }

  private setBit(i: number): void {
    const w0 = i >>> 5
    this.bits0[w0]! |= 1 << (i & 31)
    this.bits1[w0 >>> 5]! |= 1 << (w0 & 31)
    const w1 = w0 >>> 5
    this.bits2[w1 >>> 5]! |= 1 << (w1 & 31)
  }

  private clearBit(i: number): void {
    const w0 = i >>> 5
    const v0 = this.bits0[w0]! & ~(1 << (i & 31))
    this.bits0[w0] = v0
    if (v0 !== 0) return
    const w1 = w0 >>> 5
    const v1 = this.bits1[w1]! & ~(1 << (w0 & 31))
    this.bits1[w1] = v1
    if (v1 !== 0) return
    this.bits2[w1 >>> 5]! &= ~(1 << (w1 & 31))
  }

  /** Smallest set offset greater than `i` (i may be -1), or -1. */
  private higherBit(i: number): number {
    const j = i + 1
    if (j >= this.windowSize) return -1
    let w0 = j >>> 5
    let m = this.bits0[w0]! & (-1 << (j & 31))
    if (m !== 0) return (w0 << 5) + ctz(m)
    const k = w0 + 1
    if (k >= this.bits0.length) return -1
    let w1 = k >>> 5
    m = this.bits1[w1]! & (-1 << (k & 31))
    if (m === 0) {
      const l = w1 + 1
      if (l >= this.bits1.length) return -1
      let w2 = l >>> 5
      m = this.bits2[w2]! & (-1 << (l & 31))
      while (m === 0) {
        w2++
        if (w2 >= this.bits2.length) return -1
        m = this.bits2[w2]!
      }
      w1 = (w2 << 5) + ctz(m)
      m = this.bits1[w1]!
    }
    w0 = (w1 << 5) + ctz(m)
    return (w0 << 5) + ctz(this.bits0[w0]!)
  }

  /** Largest set offset smaller than `i` (i may be windowSize), or -1. */
  private lowerBit(i: number): number {
    const j = i - 1
    if (j < 0) return -1
    let w0 = j >>> 5
    let m = this.bits0[w0]! & upTo(j & 31)
    if (m !== 0) return (w0 << 5) + 31 - Math.clz32(m)
    const k = w0 - 1
    if (k < 0) return -1
    let w1 = k >>> 5
    m = this.bits1[w1]! & upTo(k & 31)
    if (m === 0) {
      const l = w1 - 1
      if (l < 0) return -1
      let w2 = l >>> 5
      m = this.bits2[w2]! & upTo(l & 31)
      while (m === 0) {
        w2--
        if (w2 < 0) return -1
        m = this.bits2[w2]!
      }
      w1 = (w2 << 5) + 31 - Math.clz32(m)
      m = this.bits1[w1]!
    }
    w0 = (w1 << 5) + 31 - Math.clz32(m)
    return (w0 << 5) + 31 - Math.clz32(this.bits0[w0]!)
  }
}

/** Count of trailing zero bits of a non-zero 32-bit value. */
function ctz(x: number): number {
  return 31 - Math.clz32(x & -x)
}

/** Mask of bits 0..s inclusive. */
function upTo(s: number): number {
  return s === 31 ? -1 : (1 << (s + 1)) - 1
}

/** First index whose value is >= `value`. */
function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]! < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** First index whose value is > `value`. */
function upperBound(sorted: readonly number[], value: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]! <= value) lo = mid + 1
    else hi = mid
  }
  return lo
}
