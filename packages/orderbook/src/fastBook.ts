import type { Instrument } from '@strongroom/core'
import type { BookState, OrderBook } from './bookTypes.js'
import { type BookEventSink, noopEventSink } from './events.js'
import { FastBookQueries } from './fastBookQueries.js'
import {
  BUY,
  F_BUDGET,
  F_CLIENT,
  F_LIVE,
  F_POST_ONLY,
  F_REGISTERED,
  F_RESTING,
  type FastBookOptions,
  FOK,
  GTC,
  GTD,
  LIMIT,
  MARKET,
  OPEN,
  SIDE_NAMES,
  STOP_LIMIT,
  STOP_MARKET,
  STP_CANCEL_BOTH,
  STP_CANCEL_INCOMING,
  STP_CANCEL_RESTING,
  STP_CANCELLED,
  STP_NONE,
  stpCode,
  tifCode,
  typeCode,
} from './fastBookStore.js'
import type {
  AmendOrderCommand,
  BookCommand,
  CancelOrderCommand,
  CancelReason,
  CommandStatus,
  MassCancelCommand,
  PlaceOrderCommand,
} from './types.js'
import {
  affordableLots,
  checkPrice,
  isPositiveSafeInteger,
  validateAmendOrder,
  validatePlaceOrder,
} from './validate.js'

export type { FastBookOptions } from './fastBookStore.js'

/**
 * The fast book: orders in a pool of fixed-size records in one buffer, an intrusive doubly linked
 * FIFO per price level, levels indexed by tick offset with an occupancy bitmap, events passed
 * as primitive arguments. No allocation per operation once the pool is warm.
 */
class FastBook extends FastBookQueries implements OrderBook {
  execute(command: BookCommand, time: number): CommandStatus {
    if (!Number.isSafeInteger(time) || time < 0) return this.reject(command, 'invalid_command')
    if (time > this.time) this.time = time
    if (this.heap.size > 0) {
      this.expire()
      this.heapCompact()
    }
    const type = command.type
    let status: CommandStatus
    if (command.symbol !== undefined && command.symbol !== this.symbol) {
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

  protected afterCommand(): void {
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

  protected place(c: PlaceOrderCommand): CommandStatus {
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
    this.pool[(slot << 4) + 0 /* id */] = c.orderId
    this.pool[(slot << 4) + 1 /* account */] = c.account
    if (client !== undefined) this.oClient[slot] = client
    this.poolInts[(slot << 5) + 25 /* side */] = side
    this.poolInts[(slot << 5) + 26 /* type */] = type
    this.pool[(slot << 4) + 2 /* price */] = price
    this.pool[(slot << 4) + 3 /* visible */] = quantity
    this.pool[(slot << 4) + 4 /* hidden */] = 0
    this.pool[(slot << 4) + 5 /* peak */] = c.peakQuantity ?? 0
    this.pool[(slot << 4) + 6 /* budget */] = budget
    this.pool[(slot << 4) + 7 /* stop */] = stop
    this.poolInts[(slot << 5) + 27 /* tif */] = tif
    this.pool[(slot << 4) + 8 /* expire */] = c.expireAt ?? 0
    this.pool[(slot << 4) + 9 /* arrival */] = arrival
    this.poolInts[(slot << 5) + 28 /* stp */] = stpCode(c.selfTradePrevention)
    this.poolInts[(slot << 5) + 29 /* flags */] =
      F_LIVE |
      (c.postOnly ? F_POST_ONLY : 0) |
      (c.quoteBudget !== undefined ? F_BUDGET : 0) |
      (client !== undefined ? F_CLIENT : 0)
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
      this.heap.push(this.pool[(slot << 4) + 8 /* expire */]!, arrival, slot)
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
  protected enter(slot: number): void {
    const type = this.poolInts[(slot << 5) + 26 /* type */]!
    const side = this.poolInts[(slot << 5) + 25 /* side */]!
    let limit: number
    let hasLimit = true
    if (type === LIMIT || type === STOP_LIMIT) limit = this.pool[(slot << 4) + 2 /* price */]!
    else if (this.band()) limit = side === BUY ? this.bandHigh : this.bandLow
    else {
      limit = 0
      hasLimit = false
    }
    const tif = this.poolInts[(slot << 5) + 27 /* tif */]!
    if (tif === FOK && !this.canFillCompletely(slot, hasLimit, limit)) {
      this.sink.cancelled(
        this.pool[(slot << 4) + 0 /* id */]!,
        this.pool[(slot << 4) + 1 /* account */]!,
        this.openQuantity(slot),
        0,
        'fok',
      )
      this.finish(slot)
      return
    }
    // Most limit orders cross nothing: skip the matching loop's set-up for them.
    const outcome =
      hasLimit && !this.crosses(side, limit) ? OPEN : this.match(slot, hasLimit, limit)
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
      this.poolInts[(slot << 5) + 26 /* type */] = LIMIT
      const peak = this.pool[(slot << 4) + 5 /* peak */]!
      if (peak > 0) {
        const total = this.pool[(slot << 4) + 3 /* visible */]!
        const visible = Math.min(peak, total)
        this.pool[(slot << 4) + 3 /* visible */] = visible
        this.pool[(slot << 4) + 4 /* hidden */] = total - visible
      }
      this.poolInts[(slot << 5) + 29 /* flags */]! |= F_RESTING
      this.appendToLevel(slot)
      if (!(this.poolInts[(slot << 5) + 29 /* flags */]! & F_REGISTERED)) this.register(slot)
      this.emitBook('add', slot)
      this.emitLevel(this.poolInts[(slot << 5) + 22 /* level */]!)
      return
    }
    this.cancelTaker(slot, open, 'ioc')
  }

  protected cancelTaker(slot: number, open: number, reason: CancelReason): void {
    this.sink.cancelled(
      this.pool[(slot << 4) + 0 /* id */]!,
      this.pool[(slot << 4) + 1 /* account */]!,
      open,
      0,
      reason,
    )
    this.finish(slot)
  }

  /**
   * FOK: whether the order would be completely resolved (filled, or decremented by self-trade
   * prevention) right now. Walks the opposite side the way matching would, without changing it.
   */
  protected canFillCompletely(slot: number, hasLimit: boolean, limit: number): boolean {
    const side = this.poolInts[(slot << 5) + 25 /* side */]!
    const account = this.pool[(slot << 4) + 1 /* account */]!
    const stp = this.poolInts[(slot << 5) + 28 /* stp */]!
    const blocking = stp === STP_CANCEL_INCOMING || stp === STP_CANCEL_BOTH
    const ladder = this.ladder
    let need = this.pool[(slot << 4) + 3 /* visible */]!
    let level = side === BUY ? this.bestAskLevel : this.bestBidLevel
    while (level !== -1) {
      const price = ladder.price[level]!
      if (hasLimit && (side === BUY ? price > limit : price < limit)) return false
      if (blocking) {
        let hidden = 0
        for (let m = ladder.head[level]!; m !== -1; m = this.poolInts[(m << 5) + 20 /* next */]!) {
          if (this.pool[(m << 4) + 1 /* account */] === account) return false
          need -= this.pool[(m << 4) + 3 /* visible */]!
          if (need <= 0) return true
          hidden += this.pool[(m << 4) + 4 /* hidden */]!
        }
        need -= hidden
      } else {
        for (let m = ladder.head[level]!; m !== -1; m = this.poolInts[(m << 5) + 20 /* next */]!) {
          if (stp === STP_CANCEL_RESTING && this.pool[(m << 4) + 1 /* account */] === account)
            continue
          need -= this.pool[(m << 4) + 3 /* visible */]! + this.pool[(m << 4) + 4 /* hidden */]!
          if (need <= 0) return true
        }
      }
      if (need <= 0) return true
      const next = side === BUY ? ladder.above(price) : ladder.below(price)
      level = next === 0 ? -1 : ladder.find(next)
    }
    return false
  }

  protected match(t: number, hasLimit: boolean, limit: number): number {
    const ladder = this.ladder
    const side = this.poolInts[(t << 5) + 25 /* side */]!
    const buy = side === BUY
    const sideName = SIDE_NAMES[side]!
    const byBudget = (this.poolInts[(t << 5) + 29 /* flags */]! & F_BUDGET) !== 0
    const stp = this.poolInts[(t << 5) + 28 /* stp */]!
    const takerAccount = this.pool[(t << 4) + 1 /* account */]!
    const takerId = this.pool[(t << 4) + 0 /* id */]!
    const pool = this.pool
    for (;;) {
      const level = buy ? this.bestAskLevel : this.bestBidLevel
      if (level === -1) return OPEN
      const p = ladder.price[level]!
      if (hasLimit && (buy ? p > limit : p < limit)) return OPEN
      const available = byBudget
        ? affordableLots(this.pool[(t << 4) + 6 /* budget */]!, p)
        : pool[(t << 4) + 3 /* visible */]!
      if (available === 0) return OPEN
      const m = ladder.head[level]!
      if (stp !== STP_NONE && this.pool[(m << 4) + 1 /* account */] === takerAccount) {
        if (stp === STP_CANCEL_INCOMING) return STP_CANCELLED
        if (stp === STP_CANCEL_RESTING || stp === STP_CANCEL_BOTH) {
          this.sink.cancelled(
            this.pool[(m << 4) + 0 /* id */]!,
            this.pool[(m << 4) + 1 /* account */]!,
            pool[(m << 4) + 3 /* visible */]! + pool[(m << 4) + 4 /* hidden */]!,
            0,
            'self_trade',
          )
          this.removeResting(m)
          if (stp === STP_CANCEL_BOTH) return STP_CANCELLED
          continue
        }
        const total = pool[(m << 4) + 3 /* visible */]! + pool[(m << 4) + 4 /* hidden */]!
        const d = Math.min(available, total)
        const fromHidden = Math.min(pool[(m << 4) + 4 /* hidden */]!, d)
        const fromVisible = d - fromHidden
        pool[(m << 4) + 4 /* hidden */] = pool[(m << 4) + 4 /* hidden */]! - fromHidden
        pool[(m << 4) + 3 /* visible */] = pool[(m << 4) + 3 /* visible */]! - fromVisible
        ladder.quantity[level] = ladder.quantity[level]! - fromVisible
        const makerLeft = total - d
        this.sink.cancelled(
          this.pool[(m << 4) + 0 /* id */]!,
          this.pool[(m << 4) + 1 /* account */]!,
          d,
          makerLeft,
          'self_trade',
        )
        if (makerLeft === 0) this.removeResting(m)
        else if (fromVisible > 0) {
          this.emitBook('update', m)
          this.emitLevel(level)
        }
        let open: number
        let cut: number
        if (byBudget) {
          cut = d * p
          open = this.pool[(t << 4) + 6 /* budget */]! - cut
          this.pool[(t << 4) + 6 /* budget */] = open
        } else {
          cut = d
          open = pool[(t << 4) + 3 /* visible */]! - d
          pool[(t << 4) + 3 /* visible */] = open
        }
        this.sink.cancelled(takerId, takerAccount, cut, open, 'self_trade')
        if (open === 0) return OPEN
        continue
      }
      const makerVisible = pool[(m << 4) + 3 /* visible */]!
      const q = Math.min(available, makerVisible)
      const left = makerVisible - q
      pool[(m << 4) + 3 /* visible */] = left
      ladder.quantity[level] = ladder.quantity[level]! - q
      let takerOpen: number
      if (byBudget) {
        takerOpen = this.pool[(t << 4) + 6 /* budget */]! - q * p
        this.pool[(t << 4) + 6 /* budget */] = takerOpen
      } else {
        takerOpen = pool[(t << 4) + 3 /* visible */]! - q
        pool[(t << 4) + 3 /* visible */] = takerOpen
      }
      this.lastTradePrice = p
      this.referencePrice = p
      this.sink.fill(
        this.nextTradeId++,
        p,
        q,
        sideName,
        this.pool[(m << 4) + 0 /* id */]!,
        this.pool[(m << 4) + 1 /* account */]!,
        takerId,
        takerAccount,
        left + pool[(m << 4) + 4 /* hidden */]!,
        takerOpen,
      )
      if (left > 0) {
        this.emitBook('update', m)
        this.emitLevel(level)
      } else if (pool[(m << 4) + 4 /* hidden */]! > 0) {
        this.emitBook('remove', m)
        this.unlinkFromLevel(m)
        const peak = this.pool[(m << 4) + 5 /* peak */]!
        const hidden = pool[(m << 4) + 4 /* hidden */]!
        const refill = Math.min(peak, hidden)
        pool[(m << 4) + 3 /* visible */] = refill
        pool[(m << 4) + 4 /* hidden */] = hidden - refill
        this.appendToLevel(m)
        this.emitBook('add', m)
        this.emitLevel(level)
      } else {
        this.removeResting(m)
      }
    }
  }

  protected triggerStops(): void {
    for (;;) {
      const last = this.lastTradePrice
      let slot: number
      if (this.buyStops.length > 0 && this.pool[(this.buyStops[0]! << 4) + 7 /* stop */]! <= last) {
        slot = this.buyStops.shift()!
      } else if (
        this.sellStops.length > 0 &&
        this.pool[(this.sellStops[0]! << 4) + 7 /* stop */]! >= last
      ) {
        slot = this.sellStops.shift()!
      } else return
      this.sink.triggered(
        this.pool[(slot << 4) + 0 /* id */]!,
        this.pool[(slot << 4) + 1 /* account */]!,
        last,
      )
      const type = this.poolInts[(slot << 5) + 26 /* type */]!
      if (type === STOP_LIMIT && this.outsideBand(this.pool[(slot << 4) + 2 /* price */]!)) {
        this.cancelTaker(slot, this.openQuantity(slot), 'price_band')
        continue
      }
      this.poolInts[(slot << 5) + 26 /* type */] = type === STOP_LIMIT ? LIMIT : MARKET
      this.pool[(slot << 4) + 7 /* stop */] = 0
      this.enter(slot)
    }
  }

  protected cancel(c: CancelOrderCommand): CommandStatus {
    if (!isPositiveSafeInteger(c.orderId)) return this.reject(c, 'invalid_order_id')
    const slot = this.ids.get(c.orderId)
    if (slot === -1 || this.pool[(slot << 4) + 1 /* account */] !== c.account) {
      return this.reject(c, 'unknown_order')
    }
    this.sink.cancelled(c.orderId, c.account, this.openQuantity(slot), 0, 'requested')
    if (this.poolInts[(slot << 5) + 29 /* flags */]! & F_RESTING) this.removeResting(slot)
    else this.removeStop(slot)
    return 'ok'
  }

  protected amend(c: AmendOrderCommand): CommandStatus {
    const bad = validateAmendOrder(this.instrument, c)
    if (bad !== undefined) return this.reject(c, bad)
    const slot = this.ids.get(c.orderId)
    if (slot === -1 || this.pool[(slot << 4) + 1 /* account */] !== c.account) {
      return this.reject(c, 'unknown_order')
    }
    if (this.halted) return this.reject(c, 'halted')
    if (!(this.poolInts[(slot << 5) + 29 /* flags */]! & F_RESTING))
      return this.reject(c, 'order_not_amendable')
    const oldPrice = this.pool[(slot << 4) + 2 /* price */]!
    const price = c.price ?? oldPrice
    const visible = this.pool[(slot << 4) + 3 /* visible */]!
    const total = visible + this.pool[(slot << 4) + 4 /* hidden */]!
    const quantity = c.quantity ?? total
    const side = this.poolInts[(slot << 5) + 25 /* side */]!
    if (price !== oldPrice) {
      if (this.outsideBand(price)) return this.reject(c, 'price_outside_band')
      if (this.poolInts[(slot << 5) + 29 /* flags */]! & F_POST_ONLY && this.crosses(side, price)) {
        return this.reject(c, 'post_only_would_take')
      }
    }
    if (price === oldPrice && quantity <= total) {
      const nextVisible = Math.min(visible, quantity)
      this.pool[(slot << 4) + 3 /* visible */] = nextVisible
      this.pool[(slot << 4) + 4 /* hidden */] = quantity - nextVisible
      const level = this.poolInts[(slot << 5) + 22 /* level */]!
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
    this.poolInts[(slot << 5) + 29 /* flags */]! &= ~F_RESTING
    this.emitBook('remove', slot)
    this.levelChanged(level)
    this.pool[(slot << 4) + 2 /* price */] = price
    this.pool[(slot << 4) + 3 /* visible */] = quantity
    this.pool[(slot << 4) + 4 /* hidden */] = 0
    this.enter(slot)
    return 'ok'
  }

  protected massCancel(c: MassCancelCommand): CommandStatus {
    const account = c.account
    if (
      account !== undefined &&
      !(typeof account === 'number' && Number.isSafeInteger(account) && account >= 0)
    ) {
      return this.reject(c, 'invalid_account')
    }
    let slot = this.allHead
    while (slot !== -1) {
      const next = this.poolInts[(slot << 5) + 23 /* allNext */]!
      if (account === undefined || this.pool[(slot << 4) + 1 /* account */] === account) {
        this.sink.cancelled(
          this.pool[(slot << 4) + 0 /* id */]!,
          this.pool[(slot << 4) + 1 /* account */]!,
          this.openQuantity(slot),
          0,
          'mass_cancel',
        )
        if (this.poolInts[(slot << 5) + 29 /* flags */]! & F_RESTING) this.removeResting(slot)
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
