import type { Instrument } from '@strongroom/core'
import type { BookEventSink } from './events.js'
import type {
  BookCommand,
  CommandStatus,
  OrderType,
  SelfTradePrevention,
  Side,
  TimeInForce,
  TradingStatus,
} from './types.js'

/** A live order as it stands in the book (resting) or waits for its trigger (stop). */
export type OrderState = {
  readonly orderId: number
  readonly account: number
  readonly clientOrderId: string | undefined
  readonly side: Side
  /** `limit` for resting orders (a triggered stop-limit rests as `limit`); the stop types while waiting. */
  readonly orderType: OrderType
  /** Limit price in ticks (0 for a stop-market order). */
  readonly price: number
  /** Resting: visible lots. Stop: the order's lots (0 for a quote-budget stop-market order). */
  readonly quantity: number
  /** Iceberg reserve in lots (0 otherwise). */
  readonly hidden: number
  /** Iceberg peak in lots (0 when not an iceberg). */
  readonly peak: number
  /** Quote-budget stop-market orders: the budget in tick-lots (0 otherwise). */
  readonly quoteBudget: number
  /** Stop orders: trigger price in ticks (0 otherwise). */
  readonly stopPrice: number
  readonly timeInForce: TimeInForce
  /** `GTD`: expiry (epoch ms); 0 otherwise. */
  readonly expireAt: number
  readonly postOnly: boolean
  readonly selfTradePrevention: SelfTradePrevention
  /** Acceptance order in the book: expiry and mass cancels go by it. */
  readonly arrival: number
}

/**
 * The complete, canonical state of a book: what snapshots store and the state hash covers. Two
 * books with equal states behave identically from then on.
 */
export type BookState = {
  readonly symbol: string
  /** Journaled time of the last command (epoch ms). */
  readonly time: number
  readonly status: TradingStatus
  /** Price band reference in ticks (0: none yet). */
  readonly referencePrice: number
  /** Price of the last trade in ticks (0: none yet). */
  readonly lastTradePrice: number
  readonly nextTradeId: number
  readonly nextArrival: number
  /** Sequence number of the last L2 delta. */
  readonly l2Seq: number
  /** Sequence number of the last L3 delta. */
  readonly l3Seq: number
  /** Resting bids: best price first, queue order within a price. */
  readonly bids: readonly OrderState[]
  /** Resting asks: best price first, queue order within a price. */
  readonly asks: readonly OrderState[]
  /** Stop orders waiting for their trigger, in arrival order. */
  readonly stops: readonly OrderState[]
}

/** One aggregated price level. */
export type L2Level = {
  readonly price: number
  readonly quantity: number
  readonly orders: number
}

/** Aggregated depth as of L2 delta `seq`: apply the deltas with a higher `seq` to stay current. */
export type L2Snapshot = {
  readonly seq: number
  /** Best first. */
  readonly bids: readonly L2Level[]
  /** Best first. */
  readonly asks: readonly L2Level[]
}

/** One order of the public order-by-order book. */
export type L3Order = {
  readonly orderId: number
  readonly side: Side
  readonly price: number
  readonly quantity: number
}

/** Order-by-order book as of L3 delta `seq`, in priority order (best price, then queue). */
export type L3Snapshot = {
  readonly seq: number
  readonly bids: readonly L3Order[]
  readonly asks: readonly L3Order[]
}

/** Best bid and offer; a price and quantity of 0 mean that side is empty. */
export type BestBidOffer = {
  readonly bidPrice: number
  readonly bidQuantity: number
  readonly askPrice: number
  readonly askQuantity: number
}

/**
 * A matching engine for one instrument: price-time priority over integer ticks and lots,
 * deterministic (same commands and times, same events and state), single-threaded.
 */
export type OrderBook = {
  readonly instrument: Instrument
  /** Which implementation this is. */
  readonly implementation: 'reference' | 'fast'
  /**
   * Runs one command at journaled time `time` (epoch ms; a time earlier than the book's is
   * taken as the book's). Events go to the book's sink before it returns. Rejections are
   * returned (and emitted), never thrown.
   */
  execute(command: BookCommand, time: number): CommandStatus
  /** Best bid price in ticks, 0 when there is none. */
  bestBid(): number
  /** Best ask price in ticks, 0 when there is none. */
  bestAsk(): number
  bbo(): BestBidOffer
  /** Number of live orders (resting and waiting stops). */
  orderCount(): number
  /** A live order, or undefined. */
  getOrder(orderId: number): OrderState | undefined
  /** Aggregated depth, at most `depth` levels a side (default: all). */
  l2Snapshot(depth?: number): L2Snapshot
  l3Snapshot(): L3Snapshot
  exportState(): BookState
  /** Hex SHA-256 of the canonical encoding of {@link OrderBook.exportState}. */
  stateHash(): string
  /** Replaces the sink that receives events (e.g. silence during replay). */
  setSink(sink: BookEventSink): void
}
