import type { Instrument } from '@strongroom/core'
import type { BookState, OrderBook } from './bookTypes.js'
import type { BookEventSink } from './events.js'
import { createFastOrderBook, type FastBookOptions } from './fastBook.js'
import { createReferenceOrderBook } from './referenceBook.js'

/** Options of {@link createOrderBook}. */
export type CreateOrderBookParameters = FastBookOptions & {
  instrument: Instrument
  /** Receives every event; default: none. */
  sink?: BookEventSink | undefined
  /** `fast` (default) or `reference` (small and obviously correct; slow). */
  implementation?: 'fast' | 'reference' | undefined
  /** Start from this state (a snapshot) instead of an empty book. */
  state?: BookState | undefined
}

/**
 * Creates a matching engine for one instrument.
 *
 * @example
 * ```ts
 * const book = createOrderBook({ instrument: BTC_USDC, sink: createEventCollector(console.log) })
 * book.execute({ type: 'place', orderId: 1, account: 7, side: 'sell', orderType: 'limit',
 *   price: 6_500_000, quantity: 10 }, clock.now())
 * ```
 * @throws {Error} when `state` belongs to another instrument.
 */
export function createOrderBook(parameters: CreateOrderBookParameters): OrderBook {
  if (parameters.state && parameters.state.symbol !== parameters.instrument.symbol) {
    throw new RangeError(
      `state of ${parameters.state.symbol} cannot be loaded into ${parameters.instrument.symbol}`,
    )
  }
  return parameters.implementation === 'reference'
    ? createReferenceOrderBook(parameters)
    : createFastOrderBook(parameters)
}
