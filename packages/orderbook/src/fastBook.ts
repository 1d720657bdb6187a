import type { Instrument } from '@strongroom/core'
import { hashBookState } from './bookState.js'
import type {
  BestBidOffer,
  BookState,
  L2Level,
  L2Snapshot,
  L3Order,
  L3Snapshot,
  OrderBook,
  OrderState,
} from './bookTypes.js'
import { type BookEventSink, noopEventSink } from './events.js'
import { ExpiryHeap } from './expiryHeap.js'
import { IdIndex } from './idIndex.js'
import { PriceLadder } from './priceLadder.js'
import type {
  AmendOrderCommand,
  BookCommand,
  BookCommandType,
  CancelOrderCommand,
  CancelReason,
  CommandStatus,
  MassCancelCommand,
  OrderType,
  PlaceOrderCommand,
  RejectCode,
  SelfTradePrevention,
  Side,
  TimeInForce,
} from './types.js'
import {
  affordableLots,
  checkPrice,
  isPositiveSafeInteger,
  priceBandEdges,
  validateAmendOrder,
  validatePlaceOrder,
} from './validate.js'

const BUY = 0
const SIDE_NAMES: readonly Side[] = ['buy', 'sell']
const LIMIT = 0
const MARKET = 1
const STOP_LIMIT = 2
const STOP_MARKET = 3
const TYPE_NAMES: readonly OrderType[] = ['limit', 'market', 'stopLimit', 'stopMarket']
const GTC = 0
const IOC = 1
const FOK = 2
const GTD = 3
const TIF_NAMES: readonly TimeInForce[] = ['GTC', 'IOC', 'FOK', 'GTD']
const STP_NONE = 0
const STP_CANCEL_RESTING = 1
const STP_CANCEL_INCOMING = 2
const STP_CANCEL_BOTH = 3
const STP_NAMES: readonly SelfTradePrevention[] = [
  'none',
  'cancelResting',
  'cancelIncoming',
  'cancelBoth',
  'decrementAndCancel',
]

const F_POST_ONLY = 1
const F_BUDGET = 2
const F_RESTING = 4
const F_REGISTERED = 8
const F_LIVE = 16

const OPEN = 0
const STP_CANCELLED = 1

function sideCode(side: Side): number {
  return side === 'buy' ? 0 : 1
}
function typeCode(type: OrderType): number {
  return type === 'limit'
    ? LIMIT
    : type === 'market'
      ? MARKET
      : type === 'stopLimit'
        ? STOP_LIMIT
        : STOP_MARKET
}
function tifCode(tif: TimeInForce | undefined, type: number): number {
  if (tif === undefined) return type === MARKET || type === STOP_MARKET ? IOC : GTC
  return tif === 'GTC' ? GTC : tif === 'IOC' ? IOC : tif === 'FOK' ? FOK : GTD
}
function stpCode(stp: SelfTradePrevention | undefined): number {
  if (stp === undefined || stp === 'none') return STP_NONE
  return STP_NAMES.indexOf(stp)
}
const numberOrZero = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : 0

/** Options of the fast book's memory layout. */
export type FastBookOptions = {
  /** Orders the pool holds before it first grows (doubling). Default 4096. */
  initialOrders?: number | undefined
  /** Ticks covered by the dense price index (power of two, ≥ 32). Default 65536. */
  priceWindow?: number | undefined
}

/**
 * The fast book: orders in a struct-of-arrays pool of typed arrays, an intrusive doubly linked
 * FIFO per price level, levels indexed by tick offset with an occupancy bitmap, events passed
 * as primitive arguments. No allocation per operation once the pool is warm.
 */
class FastBook implements OrderBook {
  readonly instrument: Instrument
  readonly implementation = 'fast' as const
  private sink: BookEventSink

  // ---- order pool (struct of arrays) ---------------------------------------------------
  private capacity: number
  private oId: Float64Array
  private oAccount: Float64Array
  private oPrice: Float64Array
  private oVisible: Float64Array
  private oHidden: Float64Array
  private oPeak: Float64Array
  private oBudget: Float64Array
  private oStop: Float64Array
  private oExpire: Float64Array
  private oArrival: Float64Array
  private oSide: Uint8Array
  private oType: Uint8Array
  private oTif: Uint8Array
  private oStp: Uint8Array
  private oFlags: Uint8Array
  private oNext: Int32Array
  private oPrev: Int32Array
  private oLevel: Int32Array
  private oAllNext: Int32Array
  private oAllPrev: Int32Array
  private oClient: (string | undefined)[]
  private freeSlot = -1
  private allHead = -1
  private allTail = -1
  private readonly ids: IdIndex
  private readonly clientIds = new Map<number, Map<string, number>>()

  // ---- levels, stops, expiry -----------------------------------------------------------
  private readonly ladder: PriceLadder
  private bestBidLevel = -1
  private bestAskLevel = -1
  /** Buy stops by stop price ascending, then arrival. */
  private buyStops: number[] = []
  /** Sell stops by stop price descending, then arrival. */
  private sellStops: number[] = []
  private readonly heap = new ExpiryHeap()
  private gtdLive = 0

  // ---- state ---------------------------------------------------------------------------
  private time = 0
  private halted = false
  private referencePrice = 0
  private lastTradePrice = 0
  private nextTradeId = 1
  private nextArrival = 1
  private l2Seq = 0
  private l3Seq = 0
  private bandRef = -1
  private bandLow = 0
  private bandHigh = 0
  private hasBand = false
  private lastBidPrice = 0
  private lastBidQty = 0
  private lastAskPrice = 0
  private lastAskQty = 0

  constructor(instrument: Instrument, sink: BookEventSink, options: FastBookOptions) {
    this.instrument = instrument
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

  private linkFree(from: number, to: number): void {
    for (let i = to - 1; i >= from; i--) {
      this.oNext[i] = this.freeSlot
      this.freeSlot = i
    }
  }

  private grow(): void {
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

  private allocSlot(): number {
    if (this.freeSlot === -1) this.grow()
    const slot = this.freeSlot
    this.freeSlot = this.oNext[slot]!
    return slot
  }

  /** Unregisters (if needed) and frees an order that is no longer in the book. */
  private finish(slot: number): void {
    const flags = this.oFlags[slot]!
    if (flags & F_REGISTERED) {
      this.ids.delete(this.oId[slot]!)
      const client = this.oClient[slot]
      if (client !== undefined) {
        const account = this.oAccount[slot]!
        const map = this.clientIds.get(account)
        if (map) {
          map.delete(client)
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
    this.oClient[slot] = undefined
    this.oNext[slot] = this.freeSlot
    this.freeSlot = slot
  }

  /** Makes an order findable by id and client id and appends it to the arrival list. */
  private register(slot: number): void {
    this.oFlags[slot]! |= F_REGISTERED
    this.ids.set(this.oId[slot]!, slot)
    const client = this.oClient[slot]
    if (client !== undefined) {
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

  private emitLevel(level: number): void {
    const ladder = this.ladder
    this.sink.level(
      ++this.l2Seq,
      SIDE_NAMES[ladder.side[level]!]!,
      ladder.price[level]!,
      ladder.quantity[level]!,
      ladder.count[level]!,
    )
  }

  private emitBook(action: 'add' | 'update' | 'remove', slot: number): void {
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
  private appendToLevel(slot: number): void {
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
  private unlinkFromLevel(slot: number): number {
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
  private levelChanged(level: number): void {
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
  private removeResting(slot: number): void {
    const level = this.unlinkFromLevel(slot)
    this.oFlags[slot]! &= ~F_RESTING
    this.emitBook('remove', slot)
    this.levelChanged(level)
    this.finish(slot)
  }

  private removeStop(slot: number): void {
    const list = this.oSide[slot] === BUY ? this.buyStops : this.sellStops
    list.splice(list.indexOf(slot), 1)
    this.finish(slot)
  }

  private insertStop(slot: number): void {
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

  private openQuantity(slot: number): number {
    return this.oFlags[slot]! & F_BUDGET
      ? this.oBudget[slot]!
      : this.oVisible[slot]! + this.oHidden[slot]!
  }

  // ---- queries -------------------------------------------------------------------------

  bestBid(): number {
    return this.bestBidLevel === -1 ? 0 : this.ladder.price[this.bestBidLevel]!
  }

  bestAsk(): number {
    return this.bestAskLevel === -1 ? 0 : this.ladder.price[this.bestAskLevel]!
  }

  bbo(): BestBidOffer {
    const q = this.ladder.quantity
    return {
      bidPrice: this.bestBid(),
      bidQuantity: this.bestBidLevel === -1 ? 0 : q[this.bestBidLevel]!,
      askPrice: this.bestAsk(),
      askQuantity: this.bestAskLevel === -1 ? 0 : q[this.bestAskLevel]!,
    }
  }

  orderCount(): number {
    return this.ids.size
  }

  getOrder(orderId: number): OrderState | undefined {
    const slot = this.ids.get(orderId)
    return slot === -1 ? undefined : this.toState(slot)
  }

  /** Visits levels of a side from the best, `visit` returning false stops. */
  private eachLevel(side: number, visit: (level: number) => boolean): void {
    const ladder = this.ladder
    let level = side === BUY ? this.bestBidLevel : this.bestAskLevel
    while (level !== -1) {
      if (!visit(level)) return
      const price = ladder.price[level]!
      const next = side === BUY ? ladder.below(price) : ladder.above(price)
      level = next === 0 ? -1 : ladder.find(next)
    }
  }

  l2Snapshot(depth = Number.POSITIVE_INFINITY): L2Snapshot {
    const ladder = this.ladder
    const collect = (side: number) => {
      const out: L2Level[] = []
      this.eachLevel(side, (level) => {
        if (out.length >= depth) return false
        out.push({
          price: ladder.price[level]!,
          quantity: ladder.quantity[level]!,
          orders: ladder.count[level]!,
        })
        return true
      })
      return out
    }
    return { seq: this.l2Seq, bids: collect(0), asks: collect(1) }
  }

  l3Snapshot(): L3Snapshot {
    const collect = (side: number) => {
      const out: L3Order[] = []
      this.eachLevel(side, (level) => {
        for (let s = this.ladder.head[level]!; s !== -1; s = this.oNext[s]!) {
          out.push({
            orderId: this.oId[s]!,
            side: SIDE_NAMES[side]!,
            price: this.oPrice[s]!,
            quantity: this.oVisible[s]!,
          })
        }
        return true
      })
      return out
    }
    return { seq: this.l3Seq, bids: collect(0), asks: collect(1) }
  }

  private toState(slot: number): OrderState {
    const flags = this.oFlags[slot]!
    return {
      orderId: this.oId[slot]!,
      account: this.oAccount[slot]!,
      clientOrderId: this.oClient[slot],
      side: SIDE_NAMES[this.oSide[slot]!]!,
      orderType: TYPE_NAMES[this.oType[slot]!]!,
      price: this.oPrice[slot]!,
      quantity: this.oVisible[slot]!,
      hidden: this.oHidden[slot]!,
      peak: this.oPeak[slot]!,
      quoteBudget: this.oBudget[slot]!,
      stopPrice: this.oStop[slot]!,
      timeInForce: TIF_NAMES[this.oTif[slot]!]!,
      expireAt: this.oExpire[slot]!,
      postOnly: (flags & F_POST_ONLY) !== 0,
      selfTradePrevention: STP_NAMES[this.oStp[slot]!]!,
      arrival: this.oArrival[slot]!,
    }
  }

  exportState(): BookState {
    const side = (s: number) => {
      const out: OrderState[] = []
      this.eachLevel(s, (level) => {
        for (let o = this.ladder.head[level]!; o !== -1; o = this.oNext[o]!)
          out.push(this.toState(o))
        return true
      })
      return out
    }
    const stops: OrderState[] = []
    for (let s = this.allHead; s !== -1; s = this.oAllNext[s]!) {
      if (!(this.oFlags[s]! & F_RESTING)) stops.push(this.toState(s))
    }
    return {
      symbol: this.instrument.symbol,
      time: this.time,
      status: this.halted ? 'halted' : 'trading',
      referencePrice: this.referencePrice,
      lastTradePrice: this.lastTradePrice,
      nextTradeId: this.nextTradeId,
      nextArrival: this.nextArrival,
      l2Seq: this.l2Seq,
      l3Seq: this.l3Seq,
      bids: side(0),
      asks: side(1),
      stops,
    }
  }

  stateHash(): string {
    return hashBookState(this.exportState())
  }

  /** Loads a state (the book must be new). */
  load(state: BookState): void {
    this.time = state.time
    this.halted = state.status === 'halted'
    this.referencePrice = state.referencePrice
    this.lastTradePrice = state.lastTradePrice
    this.nextTradeId = state.nextTradeId
    this.nextArrival = state.nextArrival
    this.l2Seq = state.l2Seq
    this.l3Seq = state.l3Seq
    const put = (o: OrderState, resting: boolean) => {
      const slot = this.allocSlot()
      this.oId[slot] = o.orderId
      this.oAccount[slot] = o.account
      this.oClient[slot] = o.clientOrderId
      this.oSide[slot] = sideCode(o.side)
      this.oType[slot] = typeCode(o.orderType)
      this.oPrice[slot] = o.price
      this.oVisible[slot] = o.quantity
      this.oHidden[slot] = o.hidden
      this.oPeak[slot] = o.peak
      this.oBudget[slot] = o.quoteBudget
      this.oStop[slot] = o.stopPrice
      this.oTif[slot] = tifCode(o.timeInForce, 0)
      this.oExpire[slot] = o.expireAt
      this.oArrival[slot] = o.arrival
      this.oStp[slot] = stpCode(o.selfTradePrevention)
      this.oFlags[slot] =
        F_LIVE |
        (o.postOnly ? F_POST_ONLY : 0) |
        (o.quoteBudget > 0 ? F_BUDGET : 0) |
        (resting ? F_RESTING : 0)
      if (resting) this.appendToLevel(slot)
      else this.insertStop(slot)
      slots.push(slot)
      if (o.timeInForce === 'GTD') {
        this.gtdLive++
        this.heap.push(o.expireAt, o.arrival, slot)
      }
    }
    const slots: number[] = []
    for (const o of state.bids) put(o, true)
    for (const o of state.asks) put(o, true)
    for (const o of state.stops) put(o, false)
    // The arrival list (mass cancels, state export) goes by arrival, whatever the queue order.
    slots.sort((a, b) => this.oArrival[a]! - this.oArrival[b]!)
    for (const slot of slots) this.register(slot)
    const bbo = this.bbo()
    this.lastBidPrice = bbo.bidPrice
    this.lastBidQty = bbo.bidQuantity
    this.lastAskPrice = bbo.askPrice
    this.lastAskQty = bbo.askQuantity
    this.recenterIfNeeded()
  }

  // ---- expiry --------------------------------------------------------------------------

  /** Drops heap entries of orders that are gone when they far outnumber live GTD orders. */
  private heapCompact(): void {
    if (this.heap.size < 4096 || this.heap.size < 4 * this.gtdLive) return
    this.heap.compact(
      (slot, arrival) => (this.oFlags[slot]! & F_LIVE) !== 0 && this.oArrival[slot] === arrival,
    )
  }

  private expire(): void {
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

  // ---- commands ------------------------------------------------------------------------

  execute(command: BookCommand, time: number): CommandStatus {
    if (!Number.isSafeInteger(time) || time < 0) return this.reject(command, 'invalid_command')
    if (time > this.time) this.time = time
    if (this.heap.size > 0) {
      this.expire()
      this.heapCompact()
    }
    const type = command.type
    let status: CommandStatus
    if (command.symbol !== undefined && command.symbol !== this.instrument.symbol) {
      status = this.reject(command, 'unknown_instrument')
    } else if (type === 'place') status = this.place(command)
    else if (type === 'cancel') status = this.cancel(command)
    else if (type === 'amend') status = this.amend(command)
    else if (type === 'massCancel') status = this.massCancel(command)
    else if (type === 'halt') {
      if (this.halted) status = this.reject(command, 'halted')
      else {
        this.halted = true
        this.sink.status('halted', this.referencePrice)
        status = 'ok'
      }
    } else if (type === 'resume') {
      if (!this.halted) status = this.reject(command, 'not_halted')
      else {
        this.halted = false
        this.sink.status('trading', this.referencePrice)
        status = 'ok'
      }
    } else if (type === 'setReferencePrice') {
      const bad = checkPrice(this.instrument, command.price)
      if (bad) status = this.reject(command, bad)
      else {
        this.referencePrice = command.price
        this.sink.status(this.halted ? 'halted' : 'trading', this.referencePrice)
        status = 'ok'
      }
    } else if (type === 'tick') status = 'ok'
    else status = this.reject(command, 'invalid_command')
    if (this.lastTradePrice !== 0 && (this.buyStops.length > 0 || this.sellStops.length > 0)) {
      this.triggerStops()
    }
    this.afterCommand()
    return status
  }

  private afterCommand(): void {
    const ladder = this.ladder
    const bid = this.bestBidLevel
    const ask = this.bestAskLevel
    const bidPrice = bid === -1 ? 0 : ladder.price[bid]!
    const bidQty = bid === -1 ? 0 : ladder.quantity[bid]!
    const askPrice = ask === -1 ? 0 : ladder.price[ask]!
    const askQty = ask === -1 ? 0 : ladder.quantity[ask]!
    if (
      bidPrice !== this.lastBidPrice ||
      bidQty !== this.lastBidQty ||
      askPrice !== this.lastAskPrice ||
      askQty !== this.lastAskQty
    ) {
      this.lastBidPrice = bidPrice
      this.lastBidQty = bidQty
      this.lastAskPrice = askPrice
      this.lastAskQty = askQty
      this.sink.bbo(bidPrice, bidQty, askPrice, askQty)
    }
    if (
      (bidPrice !== 0 && !ladder.inWindow(bidPrice)) ||
      (askPrice !== 0 && !ladder.inWindow(askPrice))
    ) {
      this.recenterIfNeeded()
    }
  }

  private recenterIfNeeded(): void {
    const bid = this.bestBid()
    const ask = this.bestAsk()
    if (bid === 0 && ask === 0) return
    const ladder = this.ladder
    if ((bid === 0 || ladder.inWindow(bid)) && (ask === 0 || ladder.inWindow(ask))) return
    if (bid !== 0 && ask !== 0 && ask - bid >= ladder.windowSize >> 1) return
    const center = bid !== 0 && ask !== 0 ? Math.floor((bid + ask) / 2) : bid || ask
    ladder.recenter(center)
  }

  private reject(command: BookCommand, code: RejectCode): RejectCode {
    const c = command as { orderId?: unknown; account?: unknown }
    this.sink.rejected(
      command.type as BookCommandType,
      numberOrZero(c.orderId),
      numberOrZero(c.account),
      code,
    )
    return code
  }

  private band(): boolean {
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

  private outsideBand(price: number): boolean {
    return this.band() && (price < this.bandLow || price > this.bandHigh)
  }

  private crosses(side: number, price: number): boolean {
    if (side === BUY) {
      return this.bestAskLevel !== -1 && this.ladder.price[this.bestAskLevel]! <= price
    }
    return this.bestBidLevel !== -1 && this.ladder.price[this.bestBidLevel]! >= price
  }

  private place(c: PlaceOrderCommand): CommandStatus {
    const bad = validatePlaceOrder(this.instrument, c)
    if (bad !== undefined) return this.reject(c, bad)
    if (this.halted) return this.reject(c, 'halted')
    if (this.ids.has(c.orderId)) return this.reject(c, 'duplicate_order_id')
    const client = c.clientOrderId
    if (client !== undefined && this.clientIds.get(c.account)?.has(client)) {
      return this.reject(c, 'duplicate_client_order_id')
    }
    const type = typeCode(c.orderType)
    const tif = tifCode(c.timeInForce, type)
    if (tif === GTD && (c.expireAt as number) <= this.time) return this.reject(c, 'invalid_expiry')
    const side = c.side === 'buy' ? 0 : 1
    const price = c.price ?? 0
    if ((type === LIMIT || type === STOP_LIMIT) && this.outsideBand(price)) {
      return this.reject(c, 'price_outside_band')
    }
    if (c.postOnly && this.crosses(side, price)) return this.reject(c, 'post_only_would_take')

    const slot = this.allocSlot()
    const arrival = this.nextArrival++
    const quantity = c.quantity ?? 0
    const budget = c.quoteBudget ?? 0
    const stop = c.stopPrice ?? 0
    this.oId[slot] = c.orderId
    this.oAccount[slot] = c.account
    this.oClient[slot] = client
    this.oSide[slot] = side
    this.oType[slot] = type
    this.oPrice[slot] = price
    this.oVisible[slot] = quantity
    this.oHidden[slot] = 0
    this.oPeak[slot] = c.peakQuantity ?? 0
    this.oBudget[slot] = budget
    this.oStop[slot] = stop
    this.oTif[slot] = tif
    this.oExpire[slot] = c.expireAt ?? 0
    this.oArrival[slot] = arrival
    this.oStp[slot] = stpCode(c.selfTradePrevention)
    this.oFlags[slot] =
      F_LIVE | (c.postOnly ? F_POST_ONLY : 0) | (c.quoteBudget !== undefined ? F_BUDGET : 0)
    this.sink.accepted(
      c.orderId,
      c.account,
      client,
      c.side,
      c.orderType,
      price,
      quantity,
      budget,
      stop,
    )
    if (tif === GTD) {
      this.gtdLive++
      this.heap.push(this.oExpire[slot]!, arrival, slot)
    }
    if (type === STOP_LIMIT || type === STOP_MARKET) {
      this.insertStop(slot)
      this.register(slot)
      return 'ok'
    }
    this.enter(slot)
    return 'ok'
  }

  /** Runs a live, non-resting order as a taker; rests or cancels what is left. */
  private enter(slot: number): void {
    const type = this.oType[slot]!
    const side = this.oSide[slot]!
    let limit: number
    let hasLimit = true
    if (type === LIMIT || type === STOP_LIMIT) limit = this.oPrice[slot]!
    else if (this.band()) limit = side === BUY ? this.bandHigh : this.bandLow
    else {
      limit = 0
      hasLimit = false
    }
    const tif = this.oTif[slot]!
    if (tif === FOK && !this.canFillCompletely(slot, hasLimit, limit)) {
      this.sink.cancelled(this.oId[slot]!, this.oAccount[slot]!, this.openQuantity(slot), 0, 'fok')
      this.finish(slot)
      return
    }
    const outcome = this.match(slot, hasLimit, limit)
    const open = this.openQuantity(slot)
    if (outcome === STP_CANCELLED) {
      this.cancelTaker(slot, open, 'self_trade')
      return
    }
    if (open === 0) {
      this.finish(slot)
      return
    }
    if ((type === LIMIT || type === STOP_LIMIT) && (tif === GTC || tif === GTD)) {
      this.oType[slot] = LIMIT
      const peak = this.oPeak[slot]!
      if (peak > 0) {
        const total = this.oVisible[slot]!
        const visible = Math.min(peak, total)
        this.oVisible[slot] = visible
        this.oHidden[slot] = total - visible
      }
      this.oFlags[slot]! |= F_RESTING
      this.appendToLevel(slot)
      if (!(this.oFlags[slot]! & F_REGISTERED)) this.register(slot)
      this.emitBook('add', slot)
      this.emitLevel(this.oLevel[slot]!)
      return
    }
    this.cancelTaker(slot, open, 'ioc')
  }

  private cancelTaker(slot: number, open: number, reason: CancelReason): void {
    this.sink.cancelled(this.oId[slot]!, this.oAccount[slot]!, open, 0, reason)
    this.finish(slot)
  }

  /**
   * FOK: whether the order would be completely resolved (filled, or decremented by self-trade
   * prevention) right now. Walks the opposite side the way matching would, without changing it.
   */
  private canFillCompletely(slot: number, hasLimit: boolean, limit: number): boolean {
    const side = this.oSide[slot]!
    const account = this.oAccount[slot]!
    const stp = this.oStp[slot]!
    const blocking = stp === STP_CANCEL_INCOMING || stp === STP_CANCEL_BOTH
    const ladder = this.ladder
    let need = this.oVisible[slot]!
    let level = side === BUY ? this.bestAskLevel : this.bestBidLevel
    while (level !== -1) {
      const price = ladder.price[level]!
      if (hasLimit && (side === BUY ? price > limit : price < limit)) return false
      if (blocking) {
        let hidden = 0
        for (let m = ladder.head[level]!; m !== -1; m = this.oNext[m]!) {
          if (this.oAccount[m] === account) return false
          need -= this.oVisible[m]!
          if (need <= 0) return true
          hidden += this.oHidden[m]!
        }
        need -= hidden
      } else {
        for (let m = ladder.head[level]!; m !== -1; m = this.oNext[m]!) {
          if (stp === STP_CANCEL_RESTING && this.oAccount[m] === account) continue
          need -= this.oVisible[m]! + this.oHidden[m]!
          if (need <= 0) return true
        }
      }
      if (need <= 0) return true
      const next = side === BUY ? ladder.above(price) : ladder.below(price)
      level = next === 0 ? -1 : ladder.find(next)
    }
    return false
  }

  private match(t: number, hasLimit: boolean, limit: number): number {
    const ladder = this.ladder
    const side = this.oSide[t]!
    const buy = side === BUY
    const sideName = SIDE_NAMES[side]!
    const byBudget = (this.oFlags[t]! & F_BUDGET) !== 0
    const stp = this.oStp[t]!
    const takerAccount = this.oAccount[t]!
    const takerId = this.oId[t]!
    const oVisible = this.oVisible
    const oHidden = this.oHidden
    for (;;) {
      const level = buy ? this.bestAskLevel : this.bestBidLevel
      if (level === -1) return OPEN
      const p = ladder.price[level]!
      if (hasLimit && (buy ? p > limit : p < limit)) return OPEN
      const available = byBudget ? affordableLots(this.oBudget[t]!, p) : oVisible[t]!
      if (available === 0) return OPEN
      const m = ladder.head[level]!
      if (stp !== STP_NONE && this.oAccount[m] === takerAccount) {
        if (stp === STP_CANCEL_INCOMING) return STP_CANCELLED
        if (stp === STP_CANCEL_RESTING || stp === STP_CANCEL_BOTH) {
          this.sink.cancelled(
            this.oId[m]!,
            this.oAccount[m]!,
            oVisible[m]! + oHidden[m]!,
            0,
            'self_trade',
          )
          this.removeResting(m)
          if (stp === STP_CANCEL_BOTH) return STP_CANCELLED
          continue
        }
        const total = oVisible[m]! + oHidden[m]!
        const d = Math.min(available, total)
        const fromHidden = Math.min(oHidden[m]!, d)
        const fromVisible = d - fromHidden
        oHidden[m] = oHidden[m]! - fromHidden
        oVisible[m] = oVisible[m]! - fromVisible
        ladder.quantity[level] = ladder.quantity[level]! - fromVisible
        const makerLeft = total - d
        this.sink.cancelled(this.oId[m]!, this.oAccount[m]!, d, makerLeft, 'self_trade')
        if (makerLeft === 0) this.removeResting(m)
        else if (fromVisible > 0) {
          this.emitBook('update', m)
          this.emitLevel(level)
        }
        let open: number
        let cut: number
        if (byBudget) {
          cut = d * p
          open = this.oBudget[t]! - cut
          this.oBudget[t] = open
        } else {
          cut = d
          open = oVisible[t]! - d
          oVisible[t] = open
        }
        this.sink.cancelled(takerId, takerAccount, cut, open, 'self_trade')
        if (open === 0) return OPEN
        continue
      }
      const makerVisible = oVisible[m]!
      const q = Math.min(available, makerVisible)
      const left = makerVisible - q
      oVisible[m] = left
      ladder.quantity[level] = ladder.quantity[level]! - q
      let takerOpen: number
      if (byBudget) {
        takerOpen = this.oBudget[t]! - q * p
        this.oBudget[t] = takerOpen
      } else {
        takerOpen = oVisible[t]! - q
        oVisible[t] = takerOpen
      }
      this.lastTradePrice = p
      this.referencePrice = p
      this.sink.fill(
        this.nextTradeId++,
        p,
        q,
        sideName,
        this.oId[m]!,
        this.oAccount[m]!,
        takerId,
        takerAccount,
        left + oHidden[m]!,
        takerOpen,
      )
      if (left > 0) {
        this.emitBook('update', m)
        this.emitLevel(level)
      } else if (oHidden[m]! > 0) {
        this.emitBook('remove', m)
        this.unlinkFromLevel(m)
        const peak = this.oPeak[m]!
        const hidden = oHidden[m]!
        const refill = Math.min(peak, hidden)
        oVisible[m] = refill
        oHidden[m] = hidden - refill
        this.appendToLevel(m)
        this.emitBook('add', m)
        this.emitLevel(level)
      } else {
        this.removeResting(m)
      }
    }
  }

  private triggerStops(): void {
    for (;;) {
      const last = this.lastTradePrice
      let slot: number
      if (this.buyStops.length > 0 && this.oStop[this.buyStops[0]!]! <= last) {
        slot = this.buyStops.shift()!
      } else if (this.sellStops.length > 0 && this.oStop[this.sellStops[0]!]! >= last) {
        slot = this.sellStops.shift()!
      } else return
      this.sink.triggered(this.oId[slot]!, this.oAccount[slot]!, last)
      const type = this.oType[slot]!
      if (type === STOP_LIMIT && this.outsideBand(this.oPrice[slot]!)) {
        this.cancelTaker(slot, this.openQuantity(slot), 'price_band')
        continue
      }
      this.oType[slot] = type === STOP_LIMIT ? LIMIT : MARKET
      this.oStop[slot] = 0
      this.enter(slot)
    }
  }

  private cancel(c: CancelOrderCommand): CommandStatus {
    if (!isPositiveSafeInteger(c.orderId)) return this.reject(c, 'invalid_order_id')
    const slot = this.ids.get(c.orderId)
    if (slot === -1 || this.oAccount[slot] !== c.account) {
      return this.reject(c, 'unknown_order')
    }
    this.sink.cancelled(c.orderId, c.account, this.openQuantity(slot), 0, 'requested')
    if (this.oFlags[slot]! & F_RESTING) this.removeResting(slot)
    else this.removeStop(slot)
    return 'ok'
  }

  private amend(c: AmendOrderCommand): CommandStatus {
    const bad = validateAmendOrder(this.instrument, c)
    if (bad !== undefined) return this.reject(c, bad)
    const slot = this.ids.get(c.orderId)
    if (slot === -1 || this.oAccount[slot] !== c.account) {
      return this.reject(c, 'unknown_order')
    }
    if (this.halted) return this.reject(c, 'halted')
    if (!(this.oFlags[slot]! & F_RESTING)) return this.reject(c, 'order_not_amendable')
    const oldPrice = this.oPrice[slot]!
    const price = c.price ?? oldPrice
    const visible = this.oVisible[slot]!
    const total = visible + this.oHidden[slot]!
    const quantity = c.quantity ?? total
    const side = this.oSide[slot]!
    if (price !== oldPrice) {
      if (this.outsideBand(price)) return this.reject(c, 'price_outside_band')
      if (this.oFlags[slot]! & F_POST_ONLY && this.crosses(side, price)) {
        return this.reject(c, 'post_only_would_take')
      }
    }
    if (price === oldPrice && quantity <= total) {
      const nextVisible = Math.min(visible, quantity)
      this.oVisible[slot] = nextVisible
      this.oHidden[slot] = quantity - nextVisible
      const level = this.oLevel[slot]!
      this.ladder.quantity[level] = this.ladder.quantity[level]! - (visible - nextVisible)
      this.sink.amended(c.orderId, c.account, price, quantity, true)
      if (nextVisible !== visible) {
        this.emitBook('update', slot)
        this.emitLevel(level)
      }
      return 'ok'
    }
    this.sink.amended(c.orderId, c.account, price, quantity, false)
    const level = this.unlinkFromLevel(slot)
    this.oFlags[slot]! &= ~F_RESTING
    this.emitBook('remove', slot)
    this.levelChanged(level)
    this.oPrice[slot] = price
    this.oVisible[slot] = quantity
    this.oHidden[slot] = 0
    this.enter(slot)
    return 'ok'
  }

  private massCancel(c: MassCancelCommand): CommandStatus {
    const account = c.account
    if (
      account !== undefined &&
      !(typeof account === 'number' && Number.isSafeInteger(account) && account >= 0)
    ) {
      return this.reject(c, 'invalid_account')
    }
    let slot = this.allHead
    while (slot !== -1) {
      const next = this.oAllNext[slot]!
      if (account === undefined || this.oAccount[slot] === account) {
        this.sink.cancelled(
          this.oId[slot]!,
          this.oAccount[slot]!,
          this.openQuantity(slot),
          0,
          'mass_cancel',
        )
        if (this.oFlags[slot]! & F_RESTING) this.removeResting(slot)
        else this.removeStop(slot)
      }
      slot = next
    }
    return 'ok'
  }
}

/** Options of {@link createFastOrderBook}. */
export type CreateFastOrderBookParameters = FastBookOptions & {
  instrument: Instrument
  sink?: BookEventSink | undefined
  /** Start from this state (a snapshot) instead of an empty book. */
  state?: BookState | undefined
}

/** Creates the fast order book (what {@link createOrderBook} returns by default). */
export function createFastOrderBook(parameters: CreateFastOrderBookParameters): OrderBook {
  const book = new FastBook(parameters.instrument, parameters.sink ?? noopEventSink, parameters)
  if (parameters.state) book.load(parameters.state)
  return book
}
