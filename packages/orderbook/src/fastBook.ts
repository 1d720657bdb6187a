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
 * The fast book: orders in a struct-of-arrays pool of typed arrays, an intrusive doubly linked
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
    this.oId[slot] = c.orderId
    this.oAccount[slot] = c.account
    if (client !== undefined) this.oClient[slot] = client
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
  protected enter(slot: number): void {
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

  protected cancelTaker(slot: number, open: number, reason: CancelReason): void {
    this.sink.cancelled(this.oId[slot]!, this.oAccount[slot]!, open, 0, reason)
    this.finish(slot)
  }

  /**
   * FOK: whether the order would be completely resolved (filled, or decremented by self-trade
   * prevention) right now. Walks the opposite side the way matching would, without changing it.
   */
  protected canFillCompletely(slot: number, hasLimit: boolean, limit: number): boolean {
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

  protected match(t: number, hasLimit: boolean, limit: number): number {
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

  protected triggerStops(): void {
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

  protected cancel(c: CancelOrderCommand): CommandStatus {
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

  protected amend(c: AmendOrderCommand): CommandStatus {
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
