/** Which side of the book an order is on. */
export type Side = 'buy' | 'sell'

/** What an order does when it arrives. */
export type OrderType = 'limit' | 'market' | 'stopLimit' | 'stopMarket'

/**
 * How long an order lives: `GTC` until cancelled, `IOC` trades what it can now and cancels the
 * rest, `FOK` trades completely now or not at all, `GTD` until `expireAt` (journaled time).
 */
export type TimeInForce = 'GTC' | 'IOC' | 'FOK' | 'GTD'

/**
 * Self-trade prevention, decided by the incoming (taker) order when it would trade with a resting
 * order of the same account: `cancelResting` cancels the resting order and goes on matching,
 * `cancelIncoming` cancels the rest of the incoming order, `cancelBoth` cancels both,
 * `decrementAndCancel` reduces both by the smaller open quantity (cancelling whichever reaches 0).
 */
export type SelfTradePrevention =
  | 'none'
  | 'cancelResting'
  | 'cancelIncoming'
  | 'cancelBoth'
  | 'decrementAndCancel'

/** Fields shared by every command. */
export type CommandBase = {
  /**
   * Instrument symbol. A book rejects a command naming another instrument
   * (`unknown_instrument`); the engine routes by it.
   */
  readonly symbol?: string | undefined
}

/**
 * Place an order. Prices are integer ticks and quantities integer lots of the instrument.
 *
 * - `limit`: `price` and `quantity`; optional `postOnly`, `peakQuantity` (iceberg), any time in force.
 * - `market`: `quantity`, or `quoteBudget` (notional in tick-lots: price ticks × lots); `IOC` or `FOK`.
 * - `stopLimit` / `stopMarket`: as above plus `stopPrice`; they wait until the last trade price
 *   reaches the stop (buy: at or above, sell: at or below), then enter the book.
 */
export type PlaceOrderCommand = CommandBase & {
  readonly type: 'place'
  /** Positive safe integer, unique among live orders of the book (the sequencer's number works). */
  readonly orderId: number
  /** The owner: a non-negative safe integer the venue assigns to each account. */
  readonly account: number
  /** The client's own id, unique among the account's live orders. */
  readonly clientOrderId?: string | undefined
  readonly side: Side
  readonly orderType: OrderType
  /** Limit price in ticks (`limit`, `stopLimit`). */
  readonly price?: number | undefined
  /** Size in lots. */
  readonly quantity?: number | undefined
  /** Market orders only, instead of `quantity`: the most notional to trade, in tick-lots. */
  readonly quoteBudget?: number | undefined
  /** Trigger price in ticks (`stopLimit`, `stopMarket`). */
  readonly stopPrice?: number | undefined
  /** Default `GTC` for limit orders, `IOC` for market orders. */
  readonly timeInForce?: TimeInForce | undefined
  /** `GTD` only: journaled time (epoch ms) at which the order expires. */
  readonly expireAt?: number | undefined
  /** Reject the order if any part of it would trade on arrival. */
  readonly postOnly?: boolean | undefined
  /** Iceberg: the visible part; the rest is hidden and refills the peak when it is filled. */
  readonly peakQuantity?: number | undefined
  /** Default `none`. */
  readonly selfTradePrevention?: SelfTradePrevention | undefined
}

/** Cancel a live order (resting or waiting stop) of `account`. */
export type CancelOrderCommand = CommandBase & {
  readonly type: 'cancel'
  readonly orderId: number
  readonly account: number
}

/**
 * Change a resting order. `quantity` is the new open (unfilled) quantity. Reducing the quantity
 * at the same price keeps the order's place in the queue; a new price or a larger quantity sends
 * it to the back (and a new price may trade at once, as a new order would).
 */
export type AmendOrderCommand = CommandBase & {
  readonly type: 'amend'
  readonly orderId: number
  readonly account: number
  readonly price?: number | undefined
  readonly quantity?: number | undefined
}

/** Cancel every live order of `account`, or of everyone when `account` is undefined. */
export type MassCancelCommand = CommandBase & {
  readonly type: 'massCancel'
  readonly account?: number | undefined
}

/** Stop trading: new orders and amends are rejected, cancels still work. */
export type HaltCommand = CommandBase & { readonly type: 'halt' }

/** Resume trading after a halt. */
export type ResumeCommand = CommandBase & { readonly type: 'resume' }

/** Set the reference price that price bands are measured from (trades move it too). */
export type SetReferencePriceCommand = CommandBase & {
  readonly type: 'setReferencePrice'
  readonly price: number
}

/** Only advances the book's time (expiring `GTD` orders). */
export type TickCommand = CommandBase & { readonly type: 'tick' }

/** Every command a book executes. */
export type BookCommand =
  | PlaceOrderCommand
  | CancelOrderCommand
  | AmendOrderCommand
  | MassCancelCommand
  | HaltCommand
  | ResumeCommand
  | SetReferencePriceCommand
  | TickCommand

/** The `type` of a {@link BookCommand}. */
export type BookCommandType = BookCommand['type']

/**
 * Why a command was refused. Returned by `execute` and carried by the `rejected` event; the
 * book is unchanged (except for `GTD` expiries due at the command's time).
 */
export type RejectCode =
  | 'unknown_instrument'
  | 'invalid_command'
  | 'invalid_order_id'
  | 'invalid_account'
  | 'invalid_client_order_id'
  | 'invalid_side'
  | 'invalid_order_type'
  | 'invalid_time_in_force'
  | 'invalid_self_trade_prevention'
  | 'invalid_order'
  | 'invalid_expiry'
  | 'invalid_quote_budget'
  | 'invalid_stop_price'
  | 'invalid_peak_quantity'
  | 'price_off_tick_grid'
  | 'price_out_of_range'
  | 'price_outside_band'
  | 'quantity_off_lot_grid'
  | 'quantity_out_of_range'
  | 'duplicate_order_id'
  | 'duplicate_client_order_id'
  | 'unknown_order'
  | 'order_not_amendable'
  | 'post_only_would_take'
  | 'halted'
  | 'not_halted'

/** What `execute` returns: `ok`, or why the command was rejected. */
export type CommandStatus = 'ok' | RejectCode

/** Why (part of) an order was cancelled. */
export type CancelReason =
  /** Cancelled by its owner. */
  | 'requested'
  /** An `IOC` or market order's unfilled rest. */
  | 'ioc'
  /** A `FOK` order that could not be filled completely. */
  | 'fok'
  /** Self-trade prevention. */
  | 'self_trade'
  /** Mass cancel by account or instrument. */
  | 'mass_cancel'
  /** A stop order whose limit price was outside the price band when it triggered. */
  | 'price_band'

/** L3 (order-by-order) book change. */
export type BookOrderAction = 'add' | 'update' | 'remove'

/** Trading state of a book. */
export type TradingStatus = 'trading' | 'halted'
