import type { L2Level, L2Snapshot, L3Order, L3Snapshot } from './bookTypes.js'
import { OrderbookInputError } from './errors.js'
import { type BookEventSink, noopEventSink } from './events.js'
import type { BookOrderAction, Side } from './types.js'

/**
 * A client's copy of the aggregated book: load an L2 snapshot taken at sequence N, then apply
 * every `level` delta after N. Deltas at or below the snapshot's sequence are ignored; a gap
 * throws (the client must take a new snapshot).
 */
export type L2Replica = {
  readonly seq: number
  /** Applies one delta. Returns false when it was older than the replica (ignored). */
  apply(seq: number, side: Side, price: number, quantity: number, orders: number): boolean
  snapshot(depth?: number): L2Snapshot
}

/**
 * Creates an {@link L2Replica} from a snapshot.
 *
 * @throws {OrderbookInputError} (rule `gap`) from `apply` when a delta is missing.
 */
export function createL2Replica(snapshot: L2Snapshot): L2Replica {
  let seq = snapshot.seq
  const bids = new Map<number, L2Level>(snapshot.bids.map((l) => [l.price, l]))
  const asks = new Map<number, L2Level>(snapshot.asks.map((l) => [l.price, l]))
  return {
    get seq() {
      return seq
    },
    apply(deltaSeq, side, price, quantity, orders) {
      if (deltaSeq <= seq) return false
      if (deltaSeq !== seq + 1) {
        throw new OrderbookInputError(`delta ${deltaSeq} follows ${seq}: a delta is missing.`, {
          path: ['seq'],
          rule: 'gap',
        })
      }
      seq = deltaSeq
      const levels = side === 'buy' ? bids : asks
      if (orders === 0) levels.delete(price)
      else levels.set(price, { price, quantity, orders })
      return true
    },
    snapshot(depth = Number.POSITIVE_INFINITY) {
      const sorted = (levels: Map<number, L2Level>, descending: boolean) =>
        [...levels.values()]
          .sort((a, b) => (descending ? b.price - a.price : a.price - b.price))
          .slice(0, depth)
      return { seq, bids: sorted(bids, true), asks: sorted(asks, false) }
    },
  }
}

/** A client's copy of the order-by-order book, kept by `book` (L3) deltas after a snapshot. */
export type L3Replica = {
  readonly seq: number
  apply(
    seq: number,
    action: BookOrderAction,
    orderId: number,
    side: Side,
    price: number,
    quantity: number,
  ): boolean
  snapshot(): L3Snapshot
}

/**
 * Creates an {@link L3Replica} from a snapshot. An `add` goes to the back of its price level.
 *
 * @throws {OrderbookInputError} (rule `gap`) from `apply` when a delta is missing.
 */
export function createL3Replica(snapshot: L3Snapshot): L3Replica {
  let seq = snapshot.seq
  // Insertion order of a Map is queue order within a price.
  const orders = new Map<number, L3Order>()
  for (const o of [...snapshot.bids, ...snapshot.asks]) orders.set(o.orderId, o)
  return {
    get seq() {
      return seq
    },
    apply(deltaSeq, action, orderId, side, price, quantity) {
      if (deltaSeq <= seq) return false
      if (deltaSeq !== seq + 1) {
        throw new OrderbookInputError(`delta ${deltaSeq} follows ${seq}: a delta is missing.`, {
          path: ['seq'],
          rule: 'gap',
        })
      }
      seq = deltaSeq
      if (action === 'remove') orders.delete(orderId)
      else if (action === 'add') {
        orders.delete(orderId)
        orders.set(orderId, { orderId, side, price, quantity })
      } else {
        const o = orders.get(orderId)
        if (o) orders.set(orderId, { ...o, quantity })
      }
      return true
    },
    snapshot() {
      const all = [...orders.values()]
      const index = new Map(all.map((o, i) => [o.orderId, i]))
      const side = (s: Side) =>
        all
          .filter((o) => o.side === s)
          .sort((a, b) =>
            a.price !== b.price
              ? s === 'buy'
                ? b.price - a.price
                : a.price - b.price
              : index.get(a.orderId)! - index.get(b.orderId)!,
          )
      return { seq, bids: side('buy'), asks: side('sell') }
    },
  }
}

/** A public trade (no accounts). */
export type PublicTrade = {
  readonly tradeId: number
  readonly price: number
  readonly quantity: number
  readonly aggressorSide: Side
}

/** The trade tape: the last `capacity` public trades, oldest first. */
export type TradeTape = {
  /** A sink to combine with others; it only looks at fills. */
  readonly sink: BookEventSink
  trades(): PublicTrade[]
}

/** Creates a {@link TradeTape} holding the last `capacity` trades (default 1,000). */
export function createTradeTape(capacity = 1_000): TradeTape {
  const ring: PublicTrade[] = []
  let next = 0
  return {
    sink: {
      ...noopEventSink,
      fill(tradeId, price, quantity, aggressorSide) {
        const trade = { tradeId, price, quantity, aggressorSide }
        if (ring.length < capacity) ring.push(trade)
        else ring[next] = trade
        next = (next + 1) % capacity
      },
    },
    trades() {
      return ring.length < capacity ? [...ring] : [...ring.slice(next), ...ring.slice(0, next)]
    },
  }
}
