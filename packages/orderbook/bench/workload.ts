// The benchmark workload of issue 3: a seeded stream of operations after a prefill, about 60%
// limit orders (about 10% of them marketable, the rest behind the best price), 25% cancels of
// resting orders, 10% market orders and 5% amends, integer ticks around a mid price, resting
// depth held near a target (1,000 / 5,000 / 20,000 orders) on about 150 levels.
import { defineAsset, defineInstrument, type Instrument } from '@strongroom/core'
import {
  type BookCommand,
  type BookEventSink,
  createOrderBook,
  noopEventSink,
  type PlaceOrderCommand,
} from '../src/index.js'
import { createRng } from '../test/support/fixtures.js'

export const MID = 100_000
export const HALF_LEVELS = 75
/** Every command names the instrument, as a gateway's would (the engine routes by it). */
export const SYMBOL = 'BTC-USDC'

export function benchInstrument(): Instrument {
  return defineInstrument({
    base: defineAsset({ code: 'BTC', decimals: 8 }),
    quote: defineAsset({ code: 'USDC', decimals: 6 }),
    tickSize: '0.01',
    lotSize: '0.0001',
    maxQuantityLots: 1_000_000,
    maxPriceTicks: 100_000_000,
  })
}

/** One operation, in a shape both our book and nodejs-order-book can be driven from. */
export type Op = {
  kind: 'limit' | 'market' | 'cancel' | 'amend'
  command: BookCommand
  side: 'buy' | 'sell'
  orderId: number
  price: number
  quantity: number
}

export type Workload = {
  prefill: Op[]
  ops: Op[]
  /** Resting orders at the end of generation (checks the depth target). */
  finalDepth: number
  /** Distinct price levels at the end. */
  finalLevels: number
  /** Share of each kind in `ops`. */
  mix: Record<Op['kind'], number>
}

/** Full-shape place command (every field present, so all commands share one hidden class). */
export function place(
  orderId: number,
  side: 'buy' | 'sell',
  orderType: 'limit' | 'market',
  price: number | undefined,
  quantity: number,
): PlaceOrderCommand {
  return {
    type: 'place',
    symbol: SYMBOL,
    orderId,
    account: orderId % 1_000,
    clientOrderId: undefined,
    side,
    orderType,
    price,
    quantity,
    quoteBudget: undefined,
    stopPrice: undefined,
    timeInForce: undefined,
    expireAt: undefined,
    postOnly: undefined,
    peakQuantity: undefined,
    selfTradePrevention: undefined,
  }
}

/**
 * Generates the workload by running it through a fast book (untimed) to know the live orders
 * and best prices at every step.
 */
export function generateWorkload(options: {
  seed: number
  depth: number
  operations: number
}): Workload {
  const random = createRng(options.seed).next
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1))
  const live: number[] = []
  const where = new Map<number, number>()
  const info = new Map<number, { side: 'buy' | 'sell'; price: number; quantity: number }>()
  const sink: BookEventSink = {
    ...noopEventSink,
    book(_seq, action, orderId, side, price, quantity) {
      if (action === 'add') {
        if (!where.has(orderId)) {
          where.set(orderId, live.length)
          live.push(orderId)
        }
        info.set(orderId, { side, price, quantity })
      } else if (action === 'remove') {
        // An iceberg refill removes and adds; plain orders leave for good.
        const at = where.get(orderId)
        if (at !== undefined) {
          const last = live.pop()!
          if (last !== orderId) {
            live[at] = last
            where.set(last, at)
          }
          where.delete(orderId)
          info.delete(orderId)
        }
      } else {
        const o = info.get(orderId)
        if (o) o.quantity = quantity
      }
    },
  }
  const book = createOrderBook({
    instrument: benchInstrument(),
    sink,
    initialOrders: options.depth * 2,
  })
  let nextId = 1
  const prefill: Op[] = []
  for (let i = 0; i < options.depth; i++) {
    const side = i % 2 === 0 ? 'buy' : 'sell'
    const offset = int(1, HALF_LEVELS)
    const price = side === 'buy' ? MID - offset : MID + offset
    const quantity = int(1, 100)
    const orderId = nextId++
    const command = place(orderId, side, 'limit', price, quantity)
    book.execute(command, 0)
    prefill.push({ kind: 'limit', command, side, orderId, price, quantity })
  }
  const ops: Op[] = []
  const mix = { limit: 0, market: 0, cancel: 0, amend: 0 }
  const avgSize = 50
  for (let i = 0; i < options.operations; i++) {
    // Aggressive sizes scale with how far the depth is from its target, holding it there.
    const pressure = Math.max(0.1, Math.min(10, (live.length / options.depth) ** 4))
    const r = random()
    let op: Op
    const bid = book.bestBid() || MID - 1
    const ask = book.bestAsk() || MID + 1
    if (r < 0.6) {
      const side = random() < 0.5 ? 'buy' : 'sell'
      const orderId = nextId++
      let price: number
      let quantity: number
      if (random() < 0.1) {
        // Marketable: crosses the spread by a tick or two.
        price = side === 'buy' ? ask + int(0, 2) : bid - int(0, 2)
        quantity = Math.max(1, Math.round(int(1, 2 * avgSize) * pressure))
      } else {
        // Passive: at or behind the best price on its side.
        const behind = int(0, HALF_LEVELS - 1)
        price = side === 'buy' ? Math.min(bid, ask - 1) - behind : Math.max(ask, bid + 1) + behind
        if (side === 'buy' && price >= ask) price = ask - 1
        if (side === 'sell' && price <= bid) price = bid + 1
        quantity = int(1, 100)
      }
      op = {
        kind: 'limit',
        command: place(orderId, side, 'limit', price, quantity),
        side,
        orderId,
        price,
        quantity,
      }
    } else if (r < 0.85 && live.length > 0) {
      const orderId = live[int(0, live.length - 1)]!
      const o = info.get(orderId)!
      op = {
        kind: 'cancel',
        command: { type: 'cancel', symbol: SYMBOL, orderId, account: orderId % 1_000 },
        side: o.side,
        orderId,
        price: o.price,
        quantity: 0,
      }
    } else if (r < 0.95) {
      const side = random() < 0.5 ? 'buy' : 'sell'
      const orderId = nextId++
      const quantity = Math.max(1, Math.round(int(1, 3 * avgSize) * pressure))
      op = {
        kind: 'market',
        command: place(orderId, side, 'market', undefined, quantity),
        side,
        orderId,
        price: 0,
        quantity,
      }
    } else if (live.length > 0) {
      const orderId = live[int(0, live.length - 1)]!
      const o = info.get(orderId)!
      const sizeDown = random() < 0.5 && o.quantity > 1
      const price = sizeDown
        ? o.price
        : o.side === 'buy'
          ? Math.min(ask - 1, o.price + int(-5, 5))
          : Math.max(bid + 1, o.price + int(-5, 5))
      const quantity = sizeDown ? int(1, o.quantity - 1) : o.quantity
      op = {
        kind: 'amend',
        command: {
          type: 'amend',
          symbol: SYMBOL,
          orderId,
          account: orderId % 1_000,
          price,
          quantity,
        },
        side: o.side,
        orderId,
        price,
        quantity,
      }
    } else {
      i--
      continue
    }
    mix[op.kind]++
    book.execute(op.command, 0)
    ops.push(op)
  }
  const levels = book.l2Snapshot()
  return {
    prefill,
    ops,
    finalDepth: book.orderCount(),
    finalLevels: levels.bids.length + levels.asks.length,
    mix: {
      limit: mix.limit / ops.length,
      market: mix.market / ops.length,
      cancel: mix.cancel / ops.length,
      amend: mix.amend / ops.length,
    },
  }
}

/** Counts everything a venue would consume, so that no event is optimised away. */
export function countingSink() {
  const counts = { fills: 0, filledLots: 0, events: 0 }
  const sink: BookEventSink = {
    accepted() {
      counts.events++
    },
    rejected() {
      counts.events++
    },
    fill(_tradeId, _price, quantity) {
      counts.fills++
      counts.filledLots += quantity
      counts.events++
    },
    cancelled() {
      counts.events++
    },
    expired() {
      counts.events++
    },
    triggered() {
      counts.events++
    },
    amended() {
      counts.events++
    },
    level() {
      counts.events++
    },
    book() {
      counts.events++
    },
    bbo() {
      counts.events++
    },
    status() {
      counts.events++
    },
  }
  return { sink, counts }
}
