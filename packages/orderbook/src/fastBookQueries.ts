// Queries of the fast book: best prices, depth snapshots, the canonical state and loading it.

import { hashBookState } from './bookState.js'
import type {
  BestBidOffer,
  BookState,
  L2Level,
  L2Snapshot,
  L3Order,
  L3Snapshot,
  OrderState,
} from './bookTypes.js'
import {
  BUY,
  F_BUDGET,
  F_CLIENT,
  F_LIVE,
  F_POST_ONLY,
  F_RESTING,
  FastBookStore,
  SIDE_NAMES,
  STP_NAMES,
  sideCode,
  stpCode,
  TIF_NAMES,
  TYPE_NAMES,
  tifCode,
  typeCode,
} from './fastBookStore.js'

/** Queries over the fast book's storage. */
export class FastBookQueries extends FastBookStore {
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
  protected eachLevel(side: number, visit: (level: number) => boolean): void {
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
        for (
          let s = this.ladder.head[level]!;
          s !== -1;
          s = this.poolInts[(s << 5) + 20 /* next */]!
        ) {
          out.push({
            orderId: this.pool[(s << 4) + 0 /* id */]!,
            side: SIDE_NAMES[side]!,
            price: this.pool[(s << 4) + 2 /* price */]!,
            quantity: this.pool[(s << 4) + 3 /* visible */]!,
          })
        }
        return true
      })
      return out
    }
    return { seq: this.l3Seq, bids: collect(0), asks: collect(1) }
  }

  protected toState(slot: number): OrderState {
    const flags = this.poolInts[(slot << 5) + 29 /* flags */]!
    return {
      orderId: this.pool[(slot << 4) + 0 /* id */]!,
      account: this.pool[(slot << 4) + 1 /* account */]!,
      clientOrderId: this.oClient[slot],
      side: SIDE_NAMES[this.poolInts[(slot << 5) + 25 /* side */]!]!,
      orderType: TYPE_NAMES[this.poolInts[(slot << 5) + 26 /* type */]!]!,
      price: this.pool[(slot << 4) + 2 /* price */]!,
      quantity: this.pool[(slot << 4) + 3 /* visible */]!,
      hidden: this.pool[(slot << 4) + 4 /* hidden */]!,
      peak: this.pool[(slot << 4) + 5 /* peak */]!,
      quoteBudget: this.pool[(slot << 4) + 6 /* budget */]!,
      stopPrice: this.pool[(slot << 4) + 7 /* stop */]!,
      timeInForce: TIF_NAMES[this.poolInts[(slot << 5) + 27 /* tif */]!]!,
      expireAt: this.pool[(slot << 4) + 8 /* expire */]!,
      postOnly: (flags & F_POST_ONLY) !== 0,
      selfTradePrevention: STP_NAMES[this.poolInts[(slot << 5) + 28 /* stp */]!]!,
      arrival: this.pool[(slot << 4) + 9 /* arrival */]!,
    }
  }

  exportState(): BookState {
    const side = (s: number) => {
      const out: OrderState[] = []
      this.eachLevel(s, (level) => {
        for (
          let o = this.ladder.head[level]!;
          o !== -1;
          o = this.poolInts[(o << 5) + 20 /* next */]!
        )
          out.push(this.toState(o))
        return true
      })
      return out
    }
    const stops: OrderState[] = []
    for (let s = this.allHead; s !== -1; s = this.poolInts[(s << 5) + 23 /* allNext */]!) {
      if (!(this.poolInts[(s << 5) + 29 /* flags */]! & F_RESTING)) stops.push(this.toState(s))
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
      this.pool[(slot << 4) + 0 /* id */] = o.orderId
      this.pool[(slot << 4) + 1 /* account */] = o.account
      if (o.clientOrderId !== undefined) this.oClient[slot] = o.clientOrderId
      this.poolInts[(slot << 5) + 25 /* side */] = sideCode(o.side)
      this.poolInts[(slot << 5) + 26 /* type */] = typeCode(o.orderType)
      this.pool[(slot << 4) + 2 /* price */] = o.price
      this.pool[(slot << 4) + 3 /* visible */] = o.quantity
      this.pool[(slot << 4) + 4 /* hidden */] = o.hidden
      this.pool[(slot << 4) + 5 /* peak */] = o.peak
      this.pool[(slot << 4) + 6 /* budget */] = o.quoteBudget
      this.pool[(slot << 4) + 7 /* stop */] = o.stopPrice
      this.poolInts[(slot << 5) + 27 /* tif */] = tifCode(o.timeInForce, 0)
      this.pool[(slot << 4) + 8 /* expire */] = o.expireAt
      this.pool[(slot << 4) + 9 /* arrival */] = o.arrival
      this.poolInts[(slot << 5) + 28 /* stp */] = stpCode(o.selfTradePrevention)
      this.poolInts[(slot << 5) + 29 /* flags */] =
        F_LIVE |
        (o.postOnly ? F_POST_ONLY : 0) |
        (o.quoteBudget > 0 ? F_BUDGET : 0) |
        (o.clientOrderId !== undefined ? F_CLIENT : 0) |
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
    slots.sort(
      (a, b) => this.pool[(a << 4) + 9 /* arrival */]! - this.pool[(b << 4) + 9 /* arrival */]!,
    )
    for (const slot of slots) this.register(slot)
    const bbo = this.bbo()
    this.lastBidPrice = bbo.bidPrice
    this.lastBidQty = bbo.bidQuantity
    this.lastAskPrice = bbo.askPrice
    this.lastAskQty = bbo.askQuantity
    this.recenterIfNeeded()
  }
}
