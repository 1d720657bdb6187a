import type { Instrument } from '@strongroom/core'
import { hashBookState } from './bookState.js'
import type {
  BestBidOffer,
  BookState,
  L2Level,
  L2Snapshot,
  L3Snapshot,
  OrderBook,
  OrderState,
} from './bookTypes.js'
import { type BookEventSink, noopEventSink } from './events.js'
import type {
  AmendOrderCommand,
  BookCommand,
  CancelOrderCommand,
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
  defaultTimeInForce,
  isPositiveSafeInteger,
  priceBandEdges,
  validateAmendOrder,
  validatePlaceOrder,
} from './validate.js'

/** A mutable order inside the reference book. */
type RefOrder = {
  orderId: number
  account: number
  clientOrderId: string | undefined
  side: Side
  orderType: OrderType
  price: number
  /** Resting: visible lots. Taker: all unfilled lots. Stop: the order's lots. */
  visible: number
  hidden: number
  peak: number
  /** Quote-budget market orders: unspent budget. */
  budget: number
  byBudget: boolean
  stopPrice: number
  tif: TimeInForce
  expireAt: number
  postOnly: boolean
  stp: SelfTradePrevention
  arrival: number
  /** Queue position: smaller is earlier. */
  priority: number
  resting: boolean
}

type MatchOutcome = 'open' | 'stp_cancelled'

const opposite = (side: Side): Side => (side === 'buy' ? 'sell' : 'buy')
const numberOrZero = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : 0

/**
 * The reference book: plain arrays and objects, sorted on every use, written to be obviously
 * correct rather than fast. The fast book must produce exactly its events and states.
 */
class ReferenceBook implements OrderBook {
  readonly instrument: Instrument
  readonly implementation = 'reference' as const
  private sink: BookEventSink
  private live: RefOrder[] = []
  private time = 0
  private halted = false
  private referencePrice = 0
  private lastTradePrice = 0
  private nextTradeId = 1
  private nextArrival = 1
  private nextPriority = 1
  private l2Seq = 0
  private l3Seq = 0
  private lastBbo: BestBidOffer = { bidPrice: 0, bidQuantity: 0, askPrice: 0, askQuantity: 0 }

  constructor(instrument: Instrument, sink: BookEventSink) {
    this.instrument = instrument
    this.sink = sink
  }

  setSink(sink: BookEventSink): void {
    this.sink = sink
  }

  // ---- queries -------------------------------------------------------------------------

  private restingSide(side: Side): RefOrder[] {
    return this.live
      .filter((o) => o.resting && o.side === side)
      .sort((a, b) =>
        a.price !== b.price
          ? side === 'buy'
            ? b.price - a.price
            : a.price - b.price
          : a.priority - b.priority,
      )
  }

  private stops(): RefOrder[] {
    return this.live.filter((o) => !o.resting).sort((a, b) => a.arrival - b.arrival)
  }

  private find(orderId: number): RefOrder | undefined {
    return this.live.find((o) => o.orderId === orderId)
  }

  private levelTotals(side: Side, price: number): L2Level {
    const orders = this.live.filter((o) => o.resting && o.side === side && o.price === price)
    return { price, quantity: orders.reduce((s, o) => s + o.visible, 0), orders: orders.length }
  }

  bestBid(): number {
    return this.restingSide('buy')[0]?.price ?? 0
  }

  bestAsk(): number {
    return this.restingSide('sell')[0]?.price ?? 0
  }

  bbo(): BestBidOffer {
    const bid = this.bestBid()
    const ask = this.bestAsk()
    return {
      bidPrice: bid,
      bidQuantity: bid ? this.levelTotals('buy', bid).quantity : 0,
      askPrice: ask,
      askQuantity: ask ? this.levelTotals('sell', ask).quantity : 0,
    }
  }

  orderCount(): number {
    return this.live.length
  }

  getOrder(orderId: number): OrderState | undefined {
    const o = this.find(orderId)
    return o ? toState(o) : undefined
  }

  private levels(side: Side): L2Level[] {
    const prices: number[] = []
    for (const o of this.restingSide(side)) if (!prices.includes(o.price)) prices.push(o.price)
    return prices.map((p) => this.levelTotals(side, p))
  }

  l2Snapshot(depth = Number.POSITIVE_INFINITY): L2Snapshot {
    return {
      seq: this.l2Seq,
      bids: this.levels('buy').slice(0, depth),
      asks: this.levels('sell').slice(0, depth),
    }
  }

  l3Snapshot(): L3Snapshot {
    const map = (o: RefOrder) => ({
      orderId: o.orderId,
      side: o.side,
      price: o.price,
      quantity: o.visible,
    })
    return {
      seq: this.l3Seq,
      bids: this.restingSide('buy').map(map),
      asks: this.restingSide('sell').map(map),
    }
  }

  exportState(): BookState {
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
      bids: this.restingSide('buy').map(toState),
      asks: this.restingSide('sell').map(toState),
      stops: this.stops().map(toState),
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
    for (const o of [...state.bids, ...state.asks])
      this.live.push(fromState(o, true, this.nextPriority++))
    for (const o of state.stops) this.live.push(fromState(o, false, 0))
    this.lastBbo = this.bbo()
  }

  // ---- events --------------------------------------------------------------------------

  private emitLevel(side: Side, price: number): void {
    const level = this.levelTotals(side, price)
    this.sink.level(++this.l2Seq, side, price, level.quantity, level.orders)
  }

  private emitBook(action: 'add' | 'update' | 'remove', o: RefOrder): void {
    this.sink.book(
      ++this.l3Seq,
      action,
      o.orderId,
      o.side,
      o.price,
      action === 'remove' ? 0 : o.visible,
    )
  }

  /** Takes a resting order out of the book, emitting its L3 removal and L2 level. */
  private removeResting(o: RefOrder): void {
    this.live = this.live.filter((x) => x !== o)
    this.emitBook('remove', o)
    this.emitLevel(o.side, o.price)
  }

  private openQuantity(o: RefOrder): number {
    return o.byBudget ? o.budget : o.visible + o.hidden
  }

  // ---- commands ------------------------------------------------------------------------

  execute(command: BookCommand, time: number): CommandStatus {
    const type = command.type
    if (!Number.isSafeInteger(time) || time < 0) {
      return this.reject(command, 'invalid_command')
    }
    if (time > this.time) this.time = time
    this.expire()
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
    this.triggerStops()
    const bbo = this.bbo()
    const last = this.lastBbo
    if (
      bbo.bidPrice !== last.bidPrice ||
      bbo.bidQuantity !== last.bidQuantity ||
      bbo.askPrice !== last.askPrice ||
      bbo.askQuantity !== last.askQuantity
    ) {
      this.lastBbo = bbo
      this.sink.bbo(bbo.bidPrice, bbo.bidQuantity, bbo.askPrice, bbo.askQuantity)
    }
    return status
  }

  private reject(command: BookCommand, code: RejectCode): RejectCode {
    const c = command as { orderId?: unknown; account?: unknown }
    this.sink.rejected(command.type, numberOrZero(c.orderId), numberOrZero(c.account), code)
    return code
  }

  private expire(): void {
    const due = this.live
      .filter((o) => o.tif === 'GTD' && o.expireAt <= this.time)
      .sort((a, b) => a.expireAt - b.expireAt || a.arrival - b.arrival)
    for (const o of due) {
      this.sink.expired(o.orderId, o.account, this.openQuantity(o))
      if (o.resting) this.removeResting(o)
      else this.live = this.live.filter((x) => x !== o)
    }
  }

  private crosses(side: Side, price: number): boolean {
    if (side === 'buy') {
      const ask = this.bestAsk()
      return ask !== 0 && ask <= price
    }
    const bid = this.bestBid()
    return bid !== 0 && bid >= price
  }

  private outsideBand(price: number): boolean {
    const band = priceBandEdges(this.instrument, this.referencePrice)
    return band !== undefined && (price < band[0] || price > band[1])
  }

  private place(c: PlaceOrderCommand): CommandStatus {
    const bad = validatePlaceOrder(this.instrument, c)
    if (bad) return this.reject(c, bad)
    if (this.halted) return this.reject(c, 'halted')
    if (this.find(c.orderId)) return this.reject(c, 'duplicate_order_id')
    if (
      c.clientOrderId !== undefined &&
      this.live.some((o) => o.account === c.account && o.clientOrderId === c.clientOrderId)
    ) {
      return this.reject(c, 'duplicate_client_order_id')
    }
    const tif = c.timeInForce ?? defaultTimeInForce(c.orderType)
    if (tif === 'GTD' && (c.expireAt as number) <= this.time)
      return this.reject(c, 'invalid_expiry')
    const limitPriced = c.orderType === 'limit' || c.orderType === 'stopLimit'
    if (limitPriced && this.outsideBand(c.price as number)) {
      return this.reject(c, 'price_outside_band')
    }
    if (c.postOnly && this.crosses(c.side, c.price as number)) {
      return this.reject(c, 'post_only_would_take')
    }
    const o: RefOrder = {
      orderId: c.orderId,
      account: c.account,
      clientOrderId: c.clientOrderId,
      side: c.side,
      orderType: c.orderType,
      price: c.price ?? 0,
      visible: c.quantity ?? 0,
      hidden: 0,
      peak: c.peakQuantity ?? 0,
      budget: c.quoteBudget ?? 0,
      byBudget: c.quoteBudget !== undefined,
      stopPrice: c.stopPrice ?? 0,
      tif,
      expireAt: c.expireAt ?? 0,
      postOnly: c.postOnly ?? false,
      stp: c.selfTradePrevention ?? 'none',
      arrival: this.nextArrival++,
      priority: 0,
      resting: false,
    }
    this.sink.accepted(
      o.orderId,
      o.account,
      o.clientOrderId,
      o.side,
      o.orderType,
      o.price,
      o.visible,
      o.budget,
      o.stopPrice,
    )
    this.live.push(o)
    if (o.orderType === 'stopLimit' || o.orderType === 'stopMarket') return 'ok'
    this.enter(o)
    return 'ok'
  }

  /** The limit a taker may trade up to: its price, or for market orders the band edge. */
  private limitOf(o: RefOrder): number | undefined {
    if (o.orderType === 'limit' || o.orderType === 'stopLimit') return o.price
    const band = priceBandEdges(this.instrument, this.referencePrice)
    if (!band) return undefined
    return o.side === 'buy' ? band[1] : band[0]
  }

  /** Runs an order (already in `live`, not resting) as a taker, then rests or cancels the rest. */
  private enter(o: RefOrder): void {
    const limit = this.limitOf(o)
    if (o.tif === 'FOK' && !this.canFillCompletely(o, limit)) {
      this.live = this.live.filter((x) => x !== o)
      this.sink.cancelled(o.orderId, o.account, this.openQuantity(o), 0, 'fok')
      return
    }
    const outcome = this.match(o, limit)
    const open = this.openQuantity(o)
    if (outcome === 'stp_cancelled') {
      this.live = this.live.filter((x) => x !== o)
      this.sink.cancelled(o.orderId, o.account, open, 0, 'self_trade')
      return
    }
    if (open === 0) {
      this.live = this.live.filter((x) => x !== o)
      return
    }
    if (o.orderType === 'limit' || o.orderType === 'stopLimit') {
      if (o.tif === 'GTC' || o.tif === 'GTD') {
        o.orderType = 'limit'
        if (o.peak > 0) {
          const total = o.visible
          o.visible = Math.min(o.peak, total)
          o.hidden = total - o.visible
        }
        o.resting = true
        o.priority = this.nextPriority++
        this.emitBook('add', o)
        this.emitLevel(o.side, o.price)
        return
      }
    }
    this.live = this.live.filter((x) => x !== o)
    this.sink.cancelled(o.orderId, o.account, open, 0, 'ioc')
  }

  /** FOK: runs the match on a silent copy of the book and checks that nothing is left. */
  private canFillCompletely(o: RefOrder, limit: number | undefined): boolean {
    const copy = new ReferenceBook(this.instrument, noopEventSink)
    copy.load(this.exportState())
    const taker = { ...o }
    copy.live.push(taker)
    const outcome = copy.match(taker, limit)
    return outcome === 'open' && copy.openQuantity(taker) === 0
  }

  private match(t: RefOrder, limit: number | undefined): MatchOutcome {
    const makerSide = opposite(t.side)
    for (;;) {
      const m = this.restingSide(makerSide)[0]
      if (!m) return 'open'
      const p = m.price
      if (limit !== undefined && (t.side === 'buy' ? p > limit : p < limit)) return 'open'
      const available = t.byBudget ? affordableLots(t.budget, p) : t.visible
      if (available === 0) return 'open'
      if (t.stp !== 'none' && m.account === t.account) {
        if (t.stp === 'cancelIncoming') return 'stp_cancelled'
        if (t.stp === 'cancelResting' || t.stp === 'cancelBoth') {
          this.sink.cancelled(m.orderId, m.account, m.visible + m.hidden, 0, 'self_trade')
          this.removeResting(m)
          if (t.stp === 'cancelBoth') return 'stp_cancelled'
          continue
        }
        // decrementAndCancel: both lose the smaller open quantity, hidden reserve first.
        const d = Math.min(available, m.visible + m.hidden)
        const fromHidden = Math.min(m.hidden, d)
        m.hidden -= fromHidden
        m.visible -= d - fromHidden
        const makerLeft = m.visible + m.hidden
        this.sink.cancelled(m.orderId, m.account, d, makerLeft, 'self_trade')
        if (makerLeft === 0) this.removeResting(m)
        else if (d > fromHidden) {
          this.emitBook('update', m)
          this.emitLevel(m.side, m.price)
        }
        const takerCut = t.byBudget ? d * p : d
        if (t.byBudget) t.budget -= takerCut
        else t.visible -= takerCut
        this.sink.cancelled(t.orderId, t.account, takerCut, this.openQuantity(t), 'self_trade')
        if (this.openQuantity(t) === 0) return 'open'
        continue
      }
      const q = Math.min(available, m.visible)
      m.visible -= q
      if (t.byBudget) t.budget -= q * p
      else t.visible -= q
      this.lastTradePrice = p
      this.referencePrice = p
      this.sink.fill(
        this.nextTradeId++,
        p,
        q,
        t.side,
        m.orderId,
        m.account,
        t.orderId,
        t.account,
        m.visible + m.hidden,
        this.openQuantity(t),
      )
      if (m.visible > 0) {
        this.emitBook('update', m)
        this.emitLevel(m.side, m.price)
      } else if (m.hidden > 0) {
        // Iceberg: refill the peak from the reserve and go to the back of the queue.
        this.emitBook('remove', m)
        m.visible = Math.min(m.peak, m.hidden)
        m.hidden -= m.visible
        m.priority = this.nextPriority++
        this.emitBook('add', m)
        this.emitLevel(m.side, m.price)
      } else {
        this.removeResting(m)
      }
    }
  }

  private triggerStops(): void {
    for (;;) {
      const last = this.lastTradePrice
      if (last === 0) return
      const stops = this.stops()
      const buy = stops
        .filter((s) => s.side === 'buy' && last >= s.stopPrice)
        .sort((a, b) => a.stopPrice - b.stopPrice || a.arrival - b.arrival)[0]
      const next =
        buy ??
        stops
          .filter((s) => s.side === 'sell' && last <= s.stopPrice)
          .sort((a, b) => b.stopPrice - a.stopPrice || a.arrival - b.arrival)[0]
      if (!next) return
      this.sink.triggered(next.orderId, next.account, last)
      if (next.orderType === 'stopLimit' && this.outsideBand(next.price)) {
        this.live = this.live.filter((x) => x !== next)
        this.sink.cancelled(next.orderId, next.account, this.openQuantity(next), 0, 'price_band')
        continue
      }
      next.orderType = next.orderType === 'stopLimit' ? 'limit' : 'market'
      next.stopPrice = 0
      this.enter(next)
    }
  }

  private cancel(c: CancelOrderCommand): CommandStatus {
    if (!isPositiveSafeInteger(c.orderId)) return this.reject(c, 'invalid_order_id')
    const o = this.find(c.orderId)
    if (!o || o.account !== c.account) return this.reject(c, 'unknown_order')
    this.sink.cancelled(o.orderId, o.account, this.openQuantity(o), 0, 'requested')
    if (o.resting) this.removeResting(o)
    else this.live = this.live.filter((x) => x !== o)
    return 'ok'
  }

  private amend(c: AmendOrderCommand): CommandStatus {
    const bad = validateAmendOrder(this.instrument, c)
    if (bad) return this.reject(c, bad)
    const o = this.find(c.orderId)
    if (!o || o.account !== c.account) return this.reject(c, 'unknown_order')
    if (this.halted) return this.reject(c, 'halted')
    if (!o.resting) return this.reject(c, 'order_not_amendable')
    const price = c.price ?? o.price
    const total = o.visible + o.hidden
    const quantity = c.quantity ?? total
    if (price !== o.price) {
      if (this.outsideBand(price)) return this.reject(c, 'price_outside_band')
      if (o.postOnly && this.crosses(o.side, price)) return this.reject(c, 'post_only_would_take')
    }
    if (price === o.price && quantity <= total) {
      const before = o.visible
      o.visible = Math.min(o.visible, quantity)
      o.hidden = quantity - o.visible
      this.sink.amended(o.orderId, o.account, price, quantity, true)
      if (o.visible !== before) {
        this.emitBook('update', o)
        this.emitLevel(o.side, o.price)
      }
      return 'ok'
    }
    this.sink.amended(o.orderId, o.account, price, quantity, false)
    o.resting = false
    this.emitBook('remove', o)
    this.emitLevel(o.side, o.price)
    o.price = price
    o.visible = quantity
    o.hidden = 0
    this.enter(o)
    return 'ok'
  }

  private massCancel(c: MassCancelCommand): CommandStatus {
    if (
      c.account !== undefined &&
      !(typeof c.account === 'number' && Number.isSafeInteger(c.account) && c.account >= 0)
    ) {
      return this.reject(c, 'invalid_account')
    }
    const targets = this.live
      .filter((o) => c.account === undefined || o.account === c.account)
      .sort((a, b) => a.arrival - b.arrival)
    for (const o of targets) {
      this.sink.cancelled(o.orderId, o.account, this.openQuantity(o), 0, 'mass_cancel')
      if (o.resting) this.removeResting(o)
      else this.live = this.live.filter((x) => x !== o)
    }
    return 'ok'
  }
}

function toState(o: RefOrder): OrderState {
  return {
    orderId: o.orderId,
    account: o.account,
    clientOrderId: o.clientOrderId,
    side: o.side,
    orderType: o.orderType,
    price: o.price,
    quantity: o.visible,
    hidden: o.hidden,
    peak: o.peak,
    quoteBudget: o.budget,
    stopPrice: o.stopPrice,
    timeInForce: o.tif,
    expireAt: o.expireAt,
    postOnly: o.postOnly,
    selfTradePrevention: o.stp,
    arrival: o.arrival,
  }
}

function fromState(s: OrderState, resting: boolean, priority: number): RefOrder {
  return {
    orderId: s.orderId,
    account: s.account,
    clientOrderId: s.clientOrderId,
    side: s.side,
    orderType: s.orderType,
    price: s.price,
    visible: s.quantity,
    hidden: s.hidden,
    peak: s.peak,
    budget: s.quoteBudget,
    byBudget: s.quoteBudget > 0,
    stopPrice: s.stopPrice,
    tif: s.timeInForce,
    expireAt: s.expireAt,
    postOnly: s.postOnly,
    stp: s.selfTradePrevention,
    arrival: s.arrival,
    priority,
    resting,
  }
}

/** Options of {@link createReferenceOrderBook}. */
export type CreateReferenceOrderBookParameters = {
  instrument: Instrument
  sink?: BookEventSink | undefined
  /** Start from this state (a snapshot) instead of an empty book. */
  state?: BookState | undefined
}

/**
 * Creates the reference order book: small and obviously correct, for tests and as the
 * specification the fast book is checked against. Use {@link createOrderBook} in production.
 */
export function createReferenceOrderBook(
  parameters: CreateReferenceOrderBookParameters,
): OrderBook {
  const book = new ReferenceBook(parameters.instrument, parameters.sink ?? noopEventSink)
  if (parameters.state) book.load(parameters.state)
  return book
}
