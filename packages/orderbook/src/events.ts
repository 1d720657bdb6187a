import type {
  BookCommandType,
  BookOrderAction,
  CancelReason,
  OrderType,
  RejectCode,
  Side,
  TradingStatus,
} from './types.js'

/**
 * Receives a book's events as plain arguments, so that the matching path creates no garbage.
 * Use {@link createEventCollector} to get them as {@link BookEvent} objects instead.
 *
 * Within one command the events come in this order: `expired` for `GTD` orders due at the
 * command's time; the command's own events (`accepted`/`rejected`, then for every match `fill`
 * followed by the maker's `book` and `level` changes, then the incoming order's own `book` and
 * `level` changes or its `cancelled`); then stops the trades triggered (`triggered`, then as a new
 * order); last a `bbo` when the best bid or offer changed. Market-data events (`level`, `book`)
 * carry their own gap-free sequence numbers.
 */
export type BookEventSink = {
  /** An order was accepted. `price`/`quantity`/`quoteBudget`/`stopPrice` are 0 when not given. */
  accepted(
    orderId: number,
    account: number,
    clientOrderId: string | undefined,
    side: Side,
    orderType: OrderType,
    price: number,
    quantity: number,
    quoteBudget: number,
    stopPrice: number,
  ): void
  /** A command was refused; nothing changed. `orderId`/`account` are 0 when the command has none. */
  rejected(action: BookCommandType, orderId: number, account: number, code: RejectCode): void
  /**
   * A trade. `makerRemaining` is the maker's open quantity after it (visible + hidden);
   * `takerRemaining` the taker's unfilled quantity (for a quote-budget order: its unspent budget).
   */
  fill(
    tradeId: number,
    price: number,
    quantity: number,
    aggressorSide: Side,
    makerOrderId: number,
    makerAccount: number,
    takerOrderId: number,
    takerAccount: number,
    makerRemaining: number,
    takerRemaining: number,
  ): void
  /**
   * `cancelledQuantity` lots of an order were cancelled and `remainingQuantity` stay open (only a
   * self-trade decrement leaves some open). For a quote-budget order, the quantities are budget.
   */
  cancelled(
    orderId: number,
    account: number,
    cancelledQuantity: number,
    remainingQuantity: number,
    reason: CancelReason,
  ): void
  /** A `GTD` order reached its expiry time with `quantity` open. */
  expired(orderId: number, account: number, quantity: number): void
  /** A stop order's trigger was reached by the last trade price; it now enters the book. */
  triggered(orderId: number, account: number, lastTradePrice: number): void
  /** A resting order was changed; `quantity` is its new open quantity. */
  amended(
    orderId: number,
    account: number,
    price: number,
    quantity: number,
    keptPriority: boolean,
  ): void
  /** L2: the price level now shows `quantity` visible lots in `orders` orders (0 and 0: gone). */
  level(seq: number, side: Side, price: number, quantity: number, orders: number): void
  /** L3: an order was added to (back of its level), changed in, or removed from the visible book. */
  book(
    seq: number,
    action: BookOrderAction,
    orderId: number,
    side: Side,
    price: number,
    quantity: number,
  ): void
  /** Best bid and offer changed. A price and quantity of 0 mean that side is empty. */
  bbo(bidPrice: number, bidQuantity: number, askPrice: number, askQuantity: number): void
  /** Halt, resume or a new reference price (0 when none). */
  status(status: TradingStatus, referencePrice: number): void
}

/** The events of {@link BookEventSink} as objects. */
export type BookEvent =
  | {
      readonly type: 'accepted'
      readonly orderId: number
      readonly account: number
      readonly clientOrderId: string | undefined
      readonly side: Side
      readonly orderType: OrderType
      readonly price: number
      readonly quantity: number
      readonly quoteBudget: number
      readonly stopPrice: number
    }
  | {
      readonly type: 'rejected'
      readonly action: BookCommandType
      readonly orderId: number
      readonly account: number
      readonly code: RejectCode
    }
  | {
      readonly type: 'fill'
      readonly tradeId: number
      readonly price: number
      readonly quantity: number
      readonly aggressorSide: Side
      readonly makerOrderId: number
      readonly makerAccount: number
      readonly takerOrderId: number
      readonly takerAccount: number
      readonly makerRemaining: number
      readonly takerRemaining: number
    }
  | {
      readonly type: 'cancelled'
      readonly orderId: number
      readonly account: number
      readonly cancelledQuantity: number
      readonly remainingQuantity: number
      readonly reason: CancelReason
    }
  | {
      readonly type: 'expired'
      readonly orderId: number
      readonly account: number
      readonly quantity: number
    }
  | {
      readonly type: 'triggered'
      readonly orderId: number
      readonly account: number
      readonly lastTradePrice: number
    }
  | {
      readonly type: 'amended'
      readonly orderId: number
      readonly account: number
      readonly price: number
      readonly quantity: number
      readonly keptPriority: boolean
    }
  | {
      readonly type: 'level'
      readonly seq: number
      readonly side: Side
      readonly price: number
      readonly quantity: number
      readonly orders: number
    }
  | {
      readonly type: 'book'
      readonly seq: number
      readonly action: BookOrderAction
      readonly orderId: number
      readonly side: Side
      readonly price: number
      readonly quantity: number
    }
  | {
      readonly type: 'bbo'
      readonly bidPrice: number
      readonly bidQuantity: number
      readonly askPrice: number
      readonly askQuantity: number
    }
  | { readonly type: 'status'; readonly status: TradingStatus; readonly referencePrice: number }

/** The `type` of a {@link BookEvent}. */
export type BookEventType = BookEvent['type']

/** A sink that ignores everything. */
export const noopEventSink: BookEventSink = Object.freeze({
  accepted() {},
  rejected() {},
  fill() {},
  cancelled() {},
  expired() {},
  triggered() {},
  amended() {},
  level() {},
  book() {},
  bbo() {},
  status() {},
})

/**
 * Adapts {@link BookEventSink} calls into {@link BookEvent} objects handed to `onEvent`.
 *
 * @example
 * ```ts
 * const events: BookEvent[] = []
 * const book = createOrderBook({ instrument, sink: createEventCollector((e) => events.push(e)) })
 * ```
 */
export function createEventCollector(onEvent: (event: BookEvent) => void): BookEventSink {
  return {
    accepted(
      orderId,
      account,
      clientOrderId,
      side,
      orderType,
      price,
      quantity,
      quoteBudget,
      stopPrice,
    ) {
      onEvent({
        type: 'accepted',
        orderId,
        account,
        clientOrderId,
        side,
        orderType,
        price,
        quantity,
        quoteBudget,
        stopPrice,
      })
    },
    rejected(action, orderId, account, code) {
      onEvent({ type: 'rejected', action, orderId, account, code })
    },
    fill(
      tradeId,
      price,
      quantity,
      aggressorSide,
      makerOrderId,
      makerAccount,
      takerOrderId,
      takerAccount,
      makerRemaining,
      takerRemaining,
    ) {
      onEvent({
        type: 'fill',
        tradeId,
        price,
        quantity,
        aggressorSide,
        makerOrderId,
        makerAccount,
        takerOrderId,
        takerAccount,
        makerRemaining,
        takerRemaining,
      })
    },
    cancelled(orderId, account, cancelledQuantity, remainingQuantity, reason) {
      onEvent({ type: 'cancelled', orderId, account, cancelledQuantity, remainingQuantity, reason })
    },
    expired(orderId, account, quantity) {
      onEvent({ type: 'expired', orderId, account, quantity })
    },
    triggered(orderId, account, lastTradePrice) {
      onEvent({ type: 'triggered', orderId, account, lastTradePrice })
    },
    amended(orderId, account, price, quantity, keptPriority) {
      onEvent({ type: 'amended', orderId, account, price, quantity, keptPriority })
    },
    level(seq, side, price, quantity, orders) {
      onEvent({ type: 'level', seq, side, price, quantity, orders })
    },
    book(seq, action, orderId, side, price, quantity) {
      onEvent({ type: 'book', seq, action, orderId, side, price, quantity })
    },
    bbo(bidPrice, bidQuantity, askPrice, askQuantity) {
      onEvent({ type: 'bbo', bidPrice, bidQuantity, askPrice, askQuantity })
    },
    status(status, referencePrice) {
      onEvent({ type: 'status', status, referencePrice })
    },
  }
}

/** Calls every sink in turn (e.g. a market-data publisher and an execution-report writer). */
export function combineEventSinks(...sinks: BookEventSink[]): BookEventSink {
  const each = <K extends keyof BookEventSink>(key: K) =>
    ((...args: unknown[]) => {
      for (const sink of sinks) (sink[key] as (...a: unknown[]) => void)(...args)
    }) as BookEventSink[K]
  return {
    accepted: each('accepted'),
    rejected: each('rejected'),
    fill: each('fill'),
    cancelled: each('cancelled'),
    expired: each('expired'),
    triggered: each('triggered'),
    amended: each('amended'),
    level: each('level'),
    book: each('book'),
    bbo: each('bbo'),
    status: each('status'),
  }
}
