// Storage of the fast book: the order pool (one record per order), registration, price levels,
// events about them, expiry and price bands. Queries and commands build on it (fastBookQueries.ts,
// fastBook.ts).
import type { Instrument } from '@strongroom/core'
import type { BookEventSink } from './events.js'
import { ExpiryHeap } from './expiryHeap.js'
import { IdIndex } from './idIndex.js'
import { PriceLadder } from './priceLadder.js'
import type {
  BookCommand,
  BookCommandType,
  OrderType,
  RejectCode,
  SelfTradePrevention,
  Side,
  TimeInForce,
} from './types.js'
import { priceBandEdges } from './validate.js'

export const BUY = 0
export const SIDE_NAMES: readonly Side[] = ['buy', 'sell']
export const LIMIT = 0
export const MARKET = 1
export const STOP_LIMIT = 2
export const STOP_MARKET = 3
export const TYPE_NAMES: readonly OrderType[] = ['limit', 'market', 'stopLimit', 'stopMarket']
export const GTC = 0
export const IOC = 1
export const FOK = 2
export const GTD = 3
export const TIF_NAMES: readonly TimeInForce[] = ['GTC', 'IOC', 'FOK', 'GTD']
export const STP_NONE = 0
export const STP_CANCEL_RESTING = 1
export const STP_CANCEL_INCOMING = 2
export const STP_CANCEL_BOTH = 3
export const STP_NAMES: readonly SelfTradePrevention[] = [
  'none',
  'cancelResting',
  'cancelIncoming',
  'cancelBoth',
  'decrementAndCancel',
]

export const F_POST_ONLY = 1
export const F_BUDGET = 2
export const F_RESTING = 4
export const F_REGISTERED = 8
export const F_LIVE = 16
/** `oClient[slot]` holds a client order id (otherwise it is undefined and need not be read). */
export const F_CLIENT = 32

export const OPEN = 0
export const STP_CANCELLED = 1

export function sideCode(side: Side): number {
  return side === 'buy' ? 0 : 1
}
export function typeCode(type: OrderType): number {
  return type === 'limit'
    ? LIMIT
    : type === 'market'
      ? MARKET
      : type === 'stopLimit'
        ? STOP_LIMIT
        : STOP_MARKET
}
export function tifCode(tif: TimeInForce | undefined, type: number): number {
  if (tif === undefined) return type === MARKET || type === STOP_MARKET ? IOC : GTC
  return tif === 'GTC' ? GTC : tif === 'IOC' ? IOC : tif === 'FOK' ? FOK : GTD
}
export function stpCode(stp: SelfTradePrevention | undefined): number {
  if (stp === undefined || stp === 'none') return STP_NONE
  return STP_NAMES.indexOf(stp)
}
export const numberOrZero = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : 0

/**
 * The same string as the engine's interned copy (property keys are interned). Every command
 * names the instrument; a symbol built at run time (e.g. `${base}-${quote}`) is a separate string
 * that must be compared character by character with the commands' symbols, where two interned
 * strings compare by reference.
 */
export function internedString(value: string): string {
  return Object.keys({ [value]: 0 })[0] ?? value
}

/**
 * Bytes of an order's record in the pool: 16 doubles, or 32 int32 (see `FastBookStore.pool`).
 *
 * Layout. Doubles, at `(slot << 4) + i` of `pool`: 0 id, 1 account, 2 price, 3 visible,
 * 4 hidden, 5 peak, 6 budget, 7 stop, 8 expire, 9 arrival. Int32, at `(slot << 5) + i` of
 * `poolInts` (after the doubles, which end at int32 20): 20 next, 21 prev, 22 level, 23 allNext,
 * 24 allPrev, 25 side, 26 type, 27 tif, 28 stp, 29 flags. The offsets are written as numbers
 * with the field's name beside them: named constants imported from a module cost a load each
 * in optimised code (V8 does not fold them), about a tenth of the instructions of a command.
 */
export const ORDER_STRIDE = 128

/** Options of the fast book's memory layout. */
export type FastBookOptions = {
  /** Orders the pool holds before it first grows (doubling). Default 4096. */
  initialOrders?: number | undefined
  /** Ticks covered by the dense price index (power of two, ≥ 32). Default 65536. */
  priceWindow?: number | undefined
}

/** The fast book's storage; see `createFastOrderBook`. */
export class FastBookStore {
  readonly instrument: Instrument
  readonly implementation = 'fast' as const
  /** The instrument's symbol, interned (see {@link internedString}). */
  protected readonly symbol: string
  protected sink: BookEventSink

  // ---- order pool ----------------------------------------------------------------------
  // One record of ORDER_STRIDE bytes per order (array of structs), so that an operation on an
  // order touches its record's two cache lines rather than one line in each of twenty arrays:
  // the numbers at `(slot << 4) + O_*` of `pool`, the small integers at `(slot << 5) + I_*` of `poolInts`
  // (a view of the same memory). The client order id (rare) stays in an array of its own.
  protected capacity: number
  protected pool: Float64Array
  protected poolInts: Int32Array
  protected oClient: (string | undefined)[]
  protected freeSlot = -1
  protected allHead = -1
  protected allTail = -1
  protected readonly ids: IdIndex
  protected readonly clientIds = new Map<number, Map<string, number>>()

  // ---- levels, stops, expiry -----------------------------------------------------------
  protected readonly ladder: PriceLadder
  protected bestBidLevel = -1
  protected bestAskLevel = -1
  /** Buy stops by stop price ascending, then arrival. */
  protected buyStops: number[] = []
  /** Sell stops by stop price descending, then arrival. */
  protected sellStops: number[] = []
  protected readonly heap = new ExpiryHeap()
  protected gtdLive = 0

  // ---- state ---------------------------------------------------------------------------
  protected time = 0
  protected halted = false
  protected referencePrice = 0
  protected lastTradePrice = 0
  protected nextTradeId = 1
  protected nextArrival = 1
  protected l2Seq = 0
  protected l3Seq = 0
  protected bandRef = -1
  protected bandLow = 0
  protected bandHigh = 0
  protected hasBand = false
  protected lastBidPrice = 0
  protected lastBidQty = 0
  protected lastAskPrice = 0
  protected lastAskQty = 0

  constructor(instrument: Instrument, sink: BookEventSink, options: FastBookOptions) {
    this.instrument = instrument
    this.symbol = internedString(instrument.symbol)
    this.sink = sink
    const capacity = Math.max(16, options.initialOrders ?? 4096)
    this.capacity = capacity
    const records = new ArrayBuffer(capacity * ORDER_STRIDE)
    this.pool = new Float64Array(records)
    this.poolInts = new Int32Array(records)
    this.oClient = new Array<string | undefined>(capacity).fill(undefined)
    this.linkFree(0, capacity)
    // Sized by live orders (it grows), so that it stays small and in cache.
    this.ids = new IdIndex(Math.min(capacity, 4096))
    this.ladder = new PriceLadder(options.priceWindow ?? 65_536)
  }

  setSink(sink: BookEventSink): void {
    this.sink = sink
  }

  // ---- pool ----------------------------------------------------------------------------

  protected linkFree(from: number, to: number): void {
    for (let i = to - 1; i >= from; i--) {
      this.poolInts[(i << 5) + 20 /* next */] = this.freeSlot
      this.freeSlot = i
    }
  }

  protected grow(): void {
    const old = this.capacity
    const capacity = old * 2
    const records = new ArrayBuffer(capacity * ORDER_STRIDE)
    new Uint8Array(records).set(new Uint8Array(this.pool.buffer))
    this.pool = new Float64Array(records)
    this.poolInts = new Int32Array(records)
    for (let i = old; i < capacity; i++) this.oClient.push(undefined)
    this.capacity = capacity
    this.linkFree(old, capacity)
  }

  protected allocSlot(): number {
    if (this.freeSlot === -1) this.grow()
    const slot = this.freeSlot
    this.freeSlot = this.poolInts[(slot << 5) + 20 /* next */]!
    return slot
  }

  /** Unregisters (if needed) and frees an order that is no longer in the book. */
  protected finish(slot: number): void {
    const flags = this.poolInts[(slot << 5) + 29 /* flags */]!
    if (flags & F_REGISTERED) {
      this.ids.delete(this.pool[(slot << 4) + 0 /* id */]!)
      if (flags & F_CLIENT) {
        const account = this.pool[(slot << 4) + 1 /* account */]!
        const map = this.clientIds.get(account)
        if (map) {
          map.delete(this.oClient[slot]!)
          if (map.size === 0) this.clientIds.delete(account)
        }
      }
      const prev = this.poolInts[(slot << 5) + 24 /* allPrev */]!
      const next = this.poolInts[(slot << 5) + 23 /* allNext */]!
      if (prev === -1) this.allHead = next
      else this.poolInts[(prev << 5) + 23 /* allNext */] = next
      if (next === -1) this.allTail = prev
      else this.poolInts[(next << 5) + 24 /* allPrev */] = prev
    }
    if (this.poolInts[(slot << 5) + 27 /* tif */] === GTD) this.gtdLive--
    this.poolInts[(slot << 5) + 29 /* flags */] = 0
    if (flags & F_CLIENT) this.oClient[slot] = undefined
    this.poolInts[(slot << 5) + 20 /* next */] = this.freeSlot
    this.freeSlot = slot
  }

  /** Makes an order findable by id and client id and appends it to the arrival list. */
  protected register(slot: number): void {
    const flags = this.poolInts[(slot << 5) + 29 /* flags */]!
    this.poolInts[(slot << 5) + 29 /* flags */] = flags | F_REGISTERED
    this.ids.set(this.pool[(slot << 4) + 0 /* id */]!, slot)
    if (flags & F_CLIENT) {
      const client = this.oClient[slot]!
      const account = this.pool[(slot << 4) + 1 /* account */]!
      let map = this.clientIds.get(account)
      if (!map) {
        map = new Map()
        this.clientIds.set(account, map)
      }
      map.set(client, slot)
    }
    const tail = this.allTail
    this.poolInts[(slot << 5) + 24 /* allPrev */] = tail
    this.poolInts[(slot << 5) + 23 /* allNext */] = -1
    if (tail === -1) this.allHead = slot
    else this.poolInts[(tail << 5) + 23 /* allNext */] = slot
    this.allTail = slot
  }

  // ---- levels --------------------------------------------------------------------------

  protected emitLevel(level: number): void {
    const ladder = this.ladder
    this.sink.level(
      ++this.l2Seq,
      SIDE_NAMES[ladder.side[level]!]!,
      ladder.price[level]!,
      ladder.quantity[level]!,
      ladder.count[level]!,
    )
  }

  protected emitBook(action: 'add' | 'update' | 'remove', slot: number): void {
    this.sink.book(
      ++this.l3Seq,
      action,
      this.pool[(slot << 4) + 0 /* id */]!,
      SIDE_NAMES[this.poolInts[(slot << 5) + 25 /* side */]!]!,
      this.pool[(slot << 4) + 2 /* price */]!,
      action === 'remove' ? 0 : this.pool[(slot << 4) + 3 /* visible */]!,
    )
  }

  /** Appends a resting order to the back of its price level (creating the level). */
  protected appendToLevel(slot: number): void {
    const ladder = this.ladder
    const price = this.pool[(slot << 4) + 2 /* price */]!
    const side = this.poolInts[(slot << 5) + 25 /* side */]!
    let level = ladder.find(price)
    if (level === -1) {
      level = ladder.create(price, side)
      if (side === BUY) {
        if (this.bestBidLevel === -1 || price > ladder.price[this.bestBidLevel]!) {
          this.bestBidLevel = level
        }
      } else if (this.bestAskLevel === -1 || price < ladder.price[this.bestAskLevel]!) {
        this.bestAskLevel = level
      }
    }
    const tail = ladder.tail[level]!
    this.poolInts[(slot << 5) + 22 /* level */] = level
    this.poolInts[(slot << 5) + 20 /* next */] = -1
    this.poolInts[(slot << 5) + 21 /* prev */] = tail
    if (tail === -1) ladder.head[level] = slot
    else this.poolInts[(tail << 5) + 20 /* next */] = slot
    ladder.tail[level] = slot
    ladder.count[level]!++
    ladder.quantity[level]! += this.pool[(slot << 4) + 3 /* visible */]!
  }

  /** Unlinks a resting order from its level; returns the level (count may now be 0). */
  protected unlinkFromLevel(slot: number): number {
    const ladder = this.ladder
    const level = this.poolInts[(slot << 5) + 22 /* level */]!
    const prev = this.poolInts[(slot << 5) + 21 /* prev */]!
    const next = this.poolInts[(slot << 5) + 20 /* next */]!
    if (prev === -1) ladder.head[level] = next
    else this.poolInts[(prev << 5) + 20 /* next */] = next
    if (next === -1) ladder.tail[level] = prev
    else this.poolInts[(next << 5) + 21 /* prev */] = prev
    ladder.count[level]!--
    ladder.quantity[level]! -= this.pool[(slot << 4) + 3 /* visible */]!
    return level
  }

  /** Emits the level's new totals, deleting it when empty. */
  protected levelChanged(level: number): void {
    const ladder = this.ladder
    this.emitLevel(level)
    if (ladder.count[level] !== 0) return
    const price = ladder.price[level]!
    if (level === this.bestBidLevel) {
      const next = ladder.below(price)
      ladder.remove(level)
      this.bestBidLevel = next === 0 ? -1 : ladder.find(next)
    } else if (level === this.bestAskLevel) {
      const next = ladder.above(price)
      ladder.remove(level)
      this.bestAskLevel = next === 0 ? -1 : ladder.find(next)
    } else {
      ladder.remove(level)
    }
  }

  /** Takes a resting order out: L3 removal, level update, unregister, free. */
  protected removeResting(slot: number): void {
    const level = this.unlinkFromLevel(slot)
    this.poolInts[(slot << 5) + 29 /* flags */]! &= ~F_RESTING
    this.emitBook('remove', slot)
    this.levelChanged(level)
    this.finish(slot)
  }

  protected removeStop(slot: number): void {
    const list = this.poolInts[(slot << 5) + 25 /* side */] === BUY ? this.buyStops : this.sellStops
    list.splice(list.indexOf(slot), 1)
    this.finish(slot)
  }

  protected insertStop(slot: number): void {
    const buy = this.poolInts[(slot << 5) + 25 /* side */] === BUY
    const list = buy ? this.buyStops : this.sellStops
    const stop = this.pool[(slot << 4) + 7 /* stop */]!
    const arrival = this.pool[(slot << 4) + 9 /* arrival */]!
    let lo = 0
    let hi = list.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const other = list[mid]!
      const s = this.pool[(other << 4) + 7 /* stop */]!
      const before = buy ? s < stop : s > stop
      if (before || (s === stop && this.pool[(other << 4) + 9 /* arrival */]! < arrival))
        lo = mid + 1
      else hi = mid
    }
    list.splice(lo, 0, slot)
  }

  protected openQuantity(slot: number): number {
    return this.poolInts[(slot << 5) + 29 /* flags */]! & F_BUDGET
      ? this.pool[(slot << 4) + 6 /* budget */]!
      : this.pool[(slot << 4) + 3 /* visible */]! + this.pool[(slot << 4) + 4 /* hidden */]!
  }

  // ---- expiry --------------------------------------------------------------------------

  /** Drops heap entries of orders that are gone when they far outnumber live GTD orders. */
  protected heapCompact(): void {
    if (this.heap.size < 4096 || this.heap.size < 4 * this.gtdLive) return
    this.heap.compact(
      (slot, arrival) =>
        (this.poolInts[(slot << 5) + 29 /* flags */]! & F_LIVE) !== 0 &&
        this.pool[(slot << 4) + 9 /* arrival */] === arrival,
    )
  }

  protected expire(): void {
    const now = this.time
    const heap = this.heap
    while (heap.size > 0 && heap.topExpire() <= now) {
      const slot = heap.topSlot()
      const arrival = heap.topArrival()
      heap.pop()
      if (
        !(this.poolInts[(slot << 5) + 29 /* flags */]! & F_LIVE) ||
        this.pool[(slot << 4) + 9 /* arrival */] !== arrival
      )
        continue
      this.sink.expired(
        this.pool[(slot << 4) + 0 /* id */]!,
        this.pool[(slot << 4) + 1 /* account */]!,
        this.openQuantity(slot),
      )
      if (this.poolInts[(slot << 5) + 29 /* flags */]! & F_RESTING) this.removeResting(slot)
      else this.removeStop(slot)
    }
  }

  protected recenterIfNeeded(): void {
    const bid = this.bestBidLevel === -1 ? 0 : this.ladder.price[this.bestBidLevel]!
    const ask = this.bestAskLevel === -1 ? 0 : this.ladder.price[this.bestAskLevel]!
    if (bid === 0 && ask === 0) return
    const ladder = this.ladder
    if ((bid === 0 || ladder.inWindow(bid)) && (ask === 0 || ladder.inWindow(ask))) return
    if (bid !== 0 && ask !== 0 && ask - bid >= ladder.windowSize >> 1) return
    const center = bid !== 0 && ask !== 0 ? Math.floor((bid + ask) / 2) : bid || ask
    ladder.recenter(center)
  }

  protected reject(command: BookCommand, code: RejectCode): RejectCode {
    const c = command as { orderId?: unknown; account?: unknown }
    this.sink.rejected(
      command.type as BookCommandType,
      numberOrZero(c.orderId),
      numberOrZero(c.account),
      code,
    )
    return code
  }

  protected band(): boolean {
    const ref = this.referencePrice
    if (ref !== this.bandRef) {
      this.bandRef = ref
      const edges = priceBandEdges(this.instrument, ref)
      this.hasBand = edges !== undefined
      if (edges) {
        this.bandLow = edges[0]
        this.bandHigh = edges[1]
      }
    }
    return this.hasBand
  }

  protected outsideBand(price: number): boolean {
    return this.band() && (price < this.bandLow || price > this.bandHigh)
  }

  protected crosses(side: number, price: number): boolean {
    if (side === BUY) {
      return this.bestAskLevel !== -1 && this.ladder.price[this.bestAskLevel]! <= price
    }
    return this.bestBidLevel !== -1 && this.ladder.price[this.bestBidLevel]! >= price
  }
}
