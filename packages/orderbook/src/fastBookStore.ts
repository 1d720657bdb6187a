// Storage of the fast book: the order pool (struct of arrays), registration, price levels,
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

  // ---- order pool (struct of arrays) ---------------------------------------------------
  protected capacity: number
  protected oId: Float64Array
  protected oAccount: Float64Array
  protected oPrice: Float64Array
  protected oVisible: Float64Array
  protected oHidden: Float64Array
  protected oPeak: Float64Array
  protected oBudget: Float64Array
  protected oStop: Float64Array
  protected oExpire: Float64Array
  protected oArrival: Float64Array
  protected oSide: Uint8Array
  protected oType: Uint8Array
  protected oTif: Uint8Array
  protected oStp: Uint8Array
  protected oFlags: Uint8Array
  protected oNext: Int32Array
  protected oPrev: Int32Array
  protected oLevel: Int32Array
  protected oAllNext: Int32Array
  protected oAllPrev: Int32Array
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
    this.oId = new Float64Array(capacity)
    this.oAccount = new Float64Array(capacity)
    this.oPrice = new Float64Array(capacity)
    this.oVisible = new Float64Array(capacity)
    this.oHidden = new Float64Array(capacity)
    this.oPeak = new Float64Array(capacity)
    this.oBudget = new Float64Array(capacity)
    this.oStop = new Float64Array(capacity)
    this.oExpire = new Float64Array(capacity)
    this.oArrival = new Float64Array(capacity)
    this.oSide = new Uint8Array(capacity)
    this.oType = new Uint8Array(capacity)
    this.oTif = new Uint8Array(capacity)
    this.oStp = new Uint8Array(capacity)
    this.oFlags = new Uint8Array(capacity)
    this.oNext = new Int32Array(capacity)
    this.oPrev = new Int32Array(capacity)
    this.oLevel = new Int32Array(capacity)
    this.oAllNext = new Int32Array(capacity)
    this.oAllPrev = new Int32Array(capacity)
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
      this.oNext[i] = this.freeSlot
      this.freeSlot = i
    }
  }

  protected grow(): void {
    const old = this.capacity
    const capacity = old * 2
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
    const u8 = (a: Uint8Array) => {
      const b = new Uint8Array(capacity)
      b.set(a)
      return b
    }
    this.oId = f64(this.oId)
    this.oAccount = f64(this.oAccount)
    this.oPrice = f64(this.oPrice)
    this.oVisible = f64(this.oVisible)
    this.oHidden = f64(this.oHidden)
    this.oPeak = f64(this.oPeak)
    this.oBudget = f64(this.oBudget)
    this.oStop = f64(this.oStop)
    this.oExpire = f64(this.oExpire)
    this.oArrival = f64(this.oArrival)
    this.oSide = u8(this.oSide)
    this.oType = u8(this.oType)
    this.oTif = u8(this.oTif)
    this.oStp = u8(this.oStp)
    this.oFlags = u8(this.oFlags)
    this.oNext = i32(this.oNext)
    this.oPrev = i32(this.oPrev)
    this.oLevel = i32(this.oLevel)
    this.oAllNext = i32(this.oAllNext)
    this.oAllPrev = i32(this.oAllPrev)
    for (let i = old; i < capacity; i++) this.oClient.push(undefined)
    this.capacity = capacity
    this.linkFree(old, capacity)
  }

  protected allocSlot(): number {
    if (this.freeSlot === -1) this.grow()
    const slot = this.freeSlot
    this.freeSlot = this.oNext[slot]!
    return slot
  }

  /** Unregisters (if needed) and frees an order that is no longer in the book. */
  protected finish(slot: number): void {
    const flags = this.oFlags[slot]!
    if (flags & F_REGISTERED) {
      this.ids.delete(this.oId[slot]!)
      if (flags & F_CLIENT) {
        const account = this.oAccount[slot]!
        const map = this.clientIds.get(account)
        if (map) {
          map.delete(this.oClient[slot]!)
          if (map.size === 0) this.clientIds.delete(account)
        }
      }
      const prev = this.oAllPrev[slot]!
      const next = this.oAllNext[slot]!
      if (prev === -1) this.allHead = next
      else this.oAllNext[prev] = next
      if (next === -1) this.allTail = prev
      else this.oAllPrev[next] = prev
    }
    if (this.oTif[slot] === GTD) this.gtdLive--
    this.oFlags[slot] = 0
    if (flags & F_CLIENT) this.oClient[slot] = undefined
    this.oNext[slot] = this.freeSlot
    this.freeSlot = slot
  }

  /** Makes an order findable by id and client id and appends it to the arrival list. */
  protected register(slot: number): void {
    const flags = this.oFlags[slot]!
    this.oFlags[slot] = flags | F_REGISTERED
    this.ids.set(this.oId[slot]!, slot)
    if (flags & F_CLIENT) {
      const client = this.oClient[slot]!
      const account = this.oAccount[slot]!
      let map = this.clientIds.get(account)
      if (!map) {
        map = new Map()
        this.clientIds.set(account, map)
      }
      map.set(client, slot)
    }
    const tail = this.allTail
    this.oAllPrev[slot] = tail
    this.oAllNext[slot] = -1
    if (tail === -1) this.allHead = slot
    else this.oAllNext[tail] = slot
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
      this.oId[slot]!,
      SIDE_NAMES[this.oSide[slot]!]!,
      this.oPrice[slot]!,
      action === 'remove' ? 0 : this.oVisible[slot]!,
    )
  }

  /** Appends a resting order to the back of its price level (creating the level). */
  protected appendToLevel(slot: number): void {
    const ladder = this.ladder
    const price = this.oPrice[slot]!
    const side = this.oSide[slot]!
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
    this.oLevel[slot] = level
    this.oNext[slot] = -1
    this.oPrev[slot] = tail
    if (tail === -1) ladder.head[level] = slot
    else this.oNext[tail] = slot
    ladder.tail[level] = slot
    ladder.count[level]!++
    ladder.quantity[level]! += this.oVisible[slot]!
  }

  /** Unlinks a resting order from its level; returns the level (count may now be 0). */
  protected unlinkFromLevel(slot: number): number {
    const ladder = this.ladder
    const level = this.oLevel[slot]!
    const prev = this.oPrev[slot]!
    const next = this.oNext[slot]!
    if (prev === -1) ladder.head[level] = next
    else this.oNext[prev] = next
    if (next === -1) ladder.tail[level] = prev
    else this.oPrev[next] = prev
    ladder.count[level]!--
    ladder.quantity[level]! -= this.oVisible[slot]!
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
    this.oFlags[slot]! &= ~F_RESTING
    this.emitBook('remove', slot)
    this.levelChanged(level)
    this.finish(slot)
  }

  protected removeStop(slot: number): void {
    const list = this.oSide[slot] === BUY ? this.buyStops : this.sellStops
    list.splice(list.indexOf(slot), 1)
    this.finish(slot)
  }

  protected insertStop(slot: number): void {
    const buy = this.oSide[slot] === BUY
    const list = buy ? this.buyStops : this.sellStops
    const stop = this.oStop[slot]!
    const arrival = this.oArrival[slot]!
    let lo = 0
    let hi = list.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const other = list[mid]!
      const s = this.oStop[other]!
      const before = buy ? s < stop : s > stop
      if (before || (s === stop && this.oArrival[other]! < arrival)) lo = mid + 1
      else hi = mid
    }
    list.splice(lo, 0, slot)
  }

  protected openQuantity(slot: number): number {
    return this.oFlags[slot]! & F_BUDGET
      ? this.oBudget[slot]!
      : this.oVisible[slot]! + this.oHidden[slot]!
  }

  // ---- expiry --------------------------------------------------------------------------

  /** Drops heap entries of orders that are gone when they far outnumber live GTD orders. */
  protected heapCompact(): void {
    if (this.heap.size < 4096 || this.heap.size < 4 * this.gtdLive) return
    this.heap.compact(
      (slot, arrival) => (this.oFlags[slot]! & F_LIVE) !== 0 && this.oArrival[slot] === arrival,
    )
  }

  protected expire(): void {
    const now = this.time
    const heap = this.heap
    while (heap.size > 0 && heap.topExpire() <= now) {
      const slot = heap.topSlot()
      const arrival = heap.topArrival()
      heap.pop()
      if (!(this.oFlags[slot]! & F_LIVE) || this.oArrival[slot] !== arrival) continue
      this.sink.expired(this.oId[slot]!, this.oAccount[slot]!, this.openQuantity(slot))
      if (this.oFlags[slot]! & F_RESTING) this.removeResting(slot)
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
