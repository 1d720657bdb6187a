import { type Instrument, isId } from '@strongroom/core'
import type {
  AmendOrderCommand,
  OrderType,
  PlaceOrderCommand,
  RejectCode,
  SelfTradePrevention,
  Side,
  TimeInForce,
} from './types.js'

const isSide = (v: unknown): v is Side => v === 'buy' || v === 'sell'
const isOrderType = (v: unknown): v is OrderType =>
  v === 'limit' || v === 'market' || v === 'stopLimit' || v === 'stopMarket'
const isTimeInForce = (v: unknown): v is TimeInForce =>
  v === 'GTC' || v === 'IOC' || v === 'FOK' || v === 'GTD'
const isStpMode = (v: unknown): v is SelfTradePrevention =>
  v === 'none' ||
  v === 'cancelResting' ||
  v === 'cancelIncoming' ||
  v === 'cancelBoth' ||
  v === 'decrementAndCancel'

/** True for a whole number in `1..2^53-1`. */
export function isPositiveSafeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0
}

function isNonNegativeSafeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}

/** The time in force an order gets when none is given. */
export function defaultTimeInForce(orderType: OrderType): TimeInForce {
  return orderType === 'market' || orderType === 'stopMarket' ? 'IOC' : 'GTC'
}

/** Checks a price in ticks against the instrument's grid and range. */
export function checkPrice(instrument: Instrument, price: unknown): RejectCode | undefined {
  if (typeof price !== 'number' || !Number.isInteger(price)) return 'price_off_tick_grid'
  if (price < instrument.minPriceTicks || price > instrument.maxPriceTicks) {
    return 'price_out_of_range'
  }
  return undefined
}

/** Checks an order size in lots against the instrument's grid and range. */
export function checkQuantity(instrument: Instrument, quantity: unknown): RejectCode | undefined {
  if (typeof quantity !== 'number' || !Number.isInteger(quantity)) return 'quantity_off_lot_grid'
  if (quantity < instrument.minQuantityLots || quantity > instrument.maxQuantityLots) {
    return 'quantity_out_of_range'
  }
  return undefined
}

/**
 * The checks of a place command that need no book state (ids, enums, grids, ranges and which
 * fields go together). Both book implementations run exactly these, in this order.
 */
export function validatePlaceOrder(
  instrument: Instrument,
  order: PlaceOrderCommand,
): RejectCode | undefined {
  // Fast path for the most common order, a plain GTC limit order: the same checks in the same
  // order as below, minus those of fields it does not have.
  if (
    order.orderType === 'limit' &&
    order.timeInForce === undefined &&
    order.clientOrderId === undefined &&
    order.selfTradePrevention === undefined &&
    order.expireAt === undefined &&
    order.quoteBudget === undefined &&
    order.stopPrice === undefined &&
    order.postOnly === undefined &&
    order.peakQuantity === undefined
  ) {
    if (!isPositiveSafeInteger(order.orderId)) return 'invalid_order_id'
    if (!isNonNegativeSafeInteger(order.account)) return 'invalid_account'
    if (order.side !== 'buy' && order.side !== 'sell') return 'invalid_side'
    const price = order.price
    if (typeof price !== 'number' || !Number.isInteger(price)) return 'price_off_tick_grid'
    if (price < instrument.minPriceTicks || price > instrument.maxPriceTicks) {
      return 'price_out_of_range'
    }
    const quantity = order.quantity
    if (typeof quantity !== 'number' || !Number.isInteger(quantity)) return 'quantity_off_lot_grid'
    if (quantity < instrument.minQuantityLots || quantity > instrument.maxQuantityLots) {
      return 'quantity_out_of_range'
    }
    return undefined
  }
  return validatePlaceOrderInFull(instrument, order)
}

/** {@link validatePlaceOrder} without its fast path (tests check that both agree). */
export function validatePlaceOrderInFull(
  instrument: Instrument,
  order: PlaceOrderCommand,
): RejectCode | undefined {
  if (!isPositiveSafeInteger(order.orderId)) return 'invalid_order_id'
  if (!isNonNegativeSafeInteger(order.account)) return 'invalid_account'
  if (order.clientOrderId !== undefined && !isId(order.clientOrderId)) {
    return 'invalid_client_order_id'
  }
  if (!isSide(order.side)) return 'invalid_side'
  const type = order.orderType
  if (!isOrderType(type)) return 'invalid_order_type'
  const market = type === 'market' || type === 'stopMarket'
  const tif = order.timeInForce ?? defaultTimeInForce(type)
  if (!isTimeInForce(tif)) return 'invalid_time_in_force'
  if (market && tif !== 'IOC' && tif !== 'FOK') return 'invalid_time_in_force'
  if (order.selfTradePrevention !== undefined && !isStpMode(order.selfTradePrevention)) {
    return 'invalid_self_trade_prevention'
  }
  if (tif === 'GTD') {
    if (!isNonNegativeSafeInteger(order.expireAt)) return 'invalid_expiry'
  } else if (order.expireAt !== undefined) {
    return 'invalid_expiry'
  }
  if (market) {
    if (order.price !== undefined) return 'invalid_order'
    if (order.quoteBudget !== undefined) {
      if (order.quantity !== undefined) return 'invalid_order'
      if (!isPositiveSafeInteger(order.quoteBudget)) return 'invalid_quote_budget'
      if (tif === 'FOK') return 'invalid_time_in_force'
    } else {
      const bad = checkQuantity(instrument, order.quantity)
      if (bad) return bad
    }
  } else {
    const badPrice = checkPrice(instrument, order.price)
    if (badPrice) return badPrice
    if (order.quoteBudget !== undefined) return 'invalid_order'
    const bad = checkQuantity(instrument, order.quantity)
    if (bad) return bad
  }
  if (type === 'stopLimit' || type === 'stopMarket') {
    if (checkPrice(instrument, order.stopPrice) !== undefined) return 'invalid_stop_price'
  } else if (order.stopPrice !== undefined) {
    return 'invalid_order'
  }
  if (order.postOnly !== undefined && typeof order.postOnly !== 'boolean') return 'invalid_order'
  if (order.postOnly && (type !== 'limit' || tif === 'IOC' || tif === 'FOK')) {
    return 'invalid_order'
  }
  if (order.peakQuantity !== undefined) {
    if (type !== 'limit' || tif === 'IOC' || tif === 'FOK') return 'invalid_order'
    const peak = order.peakQuantity
    if (!isPositiveSafeInteger(peak) || peak >= (order.quantity as number)) {
      return 'invalid_peak_quantity'
    }
  }
  return undefined
}

/** The checks of an amend command that need no book state. */
export function validateAmendOrder(
  instrument: Instrument,
  amend: AmendOrderCommand,
): RejectCode | undefined {
  if (!isPositiveSafeInteger(amend.orderId)) return 'invalid_order_id'
  if (!isNonNegativeSafeInteger(amend.account)) return 'invalid_account'
  if (amend.price === undefined && amend.quantity === undefined) return 'invalid_order'
  if (amend.price !== undefined) {
    const bad = checkPrice(instrument, amend.price)
    if (bad) return bad
  }
  if (amend.quantity !== undefined) {
    if (typeof amend.quantity !== 'number' || !Number.isInteger(amend.quantity)) {
      return 'quantity_off_lot_grid'
    }
    if (amend.quantity < 1 || amend.quantity > instrument.maxQuantityLots) {
      return 'quantity_out_of_range'
    }
  }
  return undefined
}

/**
 * The price band around `referencePrice` as `[lowest, highest]` ticks allowed, or `undefined`
 * when the instrument has no band or there is no reference price yet (0). Exact integer
 * arithmetic: the same rule as `isWithinPriceBand` in core.
 */
export function priceBandEdges(
  instrument: Instrument,
  referencePrice: number,
): readonly [number, number] | undefined {
  const bps = instrument.priceBandBps
  if (bps === undefined || referencePrice <= 0) return undefined
  let delta: number
  const product = referencePrice * bps
  if (Number.isSafeInteger(product)) {
    delta = (product - (product % 10_000)) / 10_000
  } else {
    delta = Number((BigInt(referencePrice) * BigInt(bps)) / 10_000n)
  }
  return [Math.max(1, referencePrice - delta), referencePrice + delta]
}

/** Whole lots a quote budget buys at `price` ticks (floor(budget / price)), exactly. */
export function affordableLots(budget: number, price: number): number {
  if (budget < 2 ** 48 && price < 2 ** 48) {
    const lots = Math.floor(budget / price)
    // Guard against a rounded-up quotient.
    return lots * price > budget ? lots - 1 : lots
  }
  return Number(BigInt(budget) / BigInt(price))
}
