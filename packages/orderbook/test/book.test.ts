// One suite, run against both implementations: every feature with the exact events it must emit.

import { defineAsset, defineInstrument } from '@strongroom/core'
import { describe, expect, it } from 'vitest'
import {
  type BookCommand,
  type BookEvent,
  createEventCollector,
  createMatchingEngine,
  createOrderBook,
  decodeBookState,
  encodeBookState,
  type PlaceOrderCommand,
} from '../src/index.js'
import { recordingBook, testInstrument } from './support/fixtures.js'

type Extra = Partial<Omit<PlaceOrderCommand, 'type'>>

function limit(
  orderId: number,
  account: number,
  side: 'buy' | 'sell',
  price: number,
  quantity: number,
  extra: Extra = {},
): PlaceOrderCommand {
  return { type: 'place', orderId, account, side, orderType: 'limit', price, quantity, ...extra }
}
function market(
  orderId: number,
  account: number,
  side: 'buy' | 'sell',
  extra: Extra,
): PlaceOrderCommand {
  return { type: 'place', orderId, account, side, orderType: 'market', ...extra }
}
const only = (events: BookEvent[], ...types: BookEvent['type'][]) =>
  events.filter((e) => types.includes(e.type))
const fills = (events: BookEvent[]) =>
  only(events, 'fill').map((e) => (e.type === 'fill' ? [e.makerOrderId, e.price, e.quantity] : []))

for (const implementation of ['reference', 'fast'] as const) {
  describe(`${implementation} book`, () => {
    function setup(options: { priceBandBps?: number } = {}) {
      const r = recordingBook(implementation, testInstrument(options))
      let time = 1_000
      return {
        ...r,
        run(command: BookCommand, at?: number) {
          if (at !== undefined) time = at
          const status = r.book.execute(command, time)
          return { status, events: r.take() }
        },
      }
    }

    it('rests a limit order with accepted, L3 add, L2 level and BBO events', () => {
      const b = setup()
      const { status, events } = b.run(limit(1, 7, 'buy', 100, 5, { clientOrderId: 'abc' }))
      expect(status).toBe('ok')
      expect(events).toEqual([
        {
          type: 'accepted',
          orderId: 1,
          account: 7,
          clientOrderId: 'abc',
          side: 'buy',
          orderType: 'limit',
          price: 100,
          quantity: 5,
          quoteBudget: 0,
          stopPrice: 0,
        },
        { type: 'book', seq: 1, action: 'add', orderId: 1, side: 'buy', price: 100, quantity: 5 },
        { type: 'level', seq: 1, side: 'buy', price: 100, quantity: 5, orders: 1 },
        { type: 'bbo', bidPrice: 100, bidQuantity: 5, askPrice: 0, askQuantity: 0 },
      ])
      expect(b.book.getOrder(1)).toMatchObject({ orderId: 1, quantity: 5, price: 100, arrival: 1 })
    })

    it('matches by price, then time (FIFO), at the maker price; the rest of the taker rests', () => {
      const b = setup()
      b.run(limit(1, 1, 'sell', 102, 5))
      b.run(limit(2, 2, 'sell', 101, 5))
      b.run(limit(3, 3, 'sell', 101, 5))
      const { events } = b.run(limit(4, 4, 'buy', 102, 13))
      expect(fills(events)).toEqual([
        [2, 101, 5],
        [3, 101, 5],
        [1, 102, 3],
      ])
      const first = events.find((e) => e.type === 'fill')
      expect(first).toEqual({
        type: 'fill',
        tradeId: 1,
        price: 101,
        quantity: 5,
        aggressorSide: 'buy',
        makerOrderId: 2,
        makerAccount: 2,
        takerOrderId: 4,
        takerAccount: 4,
        makerRemaining: 0,
        takerRemaining: 8,
      })
      expect(b.book.l2Snapshot()).toEqual({
        seq: expect.any(Number),
        bids: [],
        asks: [{ price: 102, quantity: 2, orders: 1 }],
      })
      // A buy for more than is offered rests its remainder at its limit.
      const rest = b.run(limit(5, 4, 'buy', 103, 4))
      expect(fills(rest.events)).toEqual([[1, 102, 2]])
      expect(b.book.bbo()).toEqual({ bidPrice: 103, bidQuantity: 2, askPrice: 0, askQuantity: 0 })
    })

    it('market orders by quantity sweep levels and cancel what is left (IOC)', () => {
      const b = setup()
      b.run(limit(1, 1, 'buy', 99, 3))
      b.run(limit(2, 1, 'buy', 98, 3))
      const { events } = b.run(market(3, 2, 'sell', { quantity: 10 }))
      expect(fills(events)).toEqual([
        [1, 99, 3],
        [2, 98, 3],
      ])
      expect(only(events, 'cancelled')).toEqual([
        {
          type: 'cancelled',
          orderId: 3,
          account: 2,
          cancelledQuantity: 4,
          remainingQuantity: 0,
          reason: 'ioc',
        },
      ])
      expect(b.book.orderCount()).toBe(0)
    })

    it('market orders by quote budget buy whole lots until the budget runs out', () => {
      const b = setup()
      b.run(limit(1, 1, 'sell', 100, 2))
      b.run(limit(2, 1, 'sell', 110, 10))
      // 2 lots at 100 = 200 tick-lots, then floor(150 / 110) = 1 lot at 110; 40 left over.
      const { events } = b.run(market(3, 2, 'buy', { quoteBudget: 460 }))
      expect(fills(events)).toEqual([
        [1, 100, 2],
        [2, 110, 2],
      ])
      expect(only(events, 'cancelled')).toEqual([
        {
          type: 'cancelled',
          orderId: 3,
          account: 2,
          cancelledQuantity: 40,
          remainingQuantity: 0,
          reason: 'ioc',
        },
      ])
    })

    it('stop orders trigger on the last trade price, lowest buy stop first, then arrival order', () => {
      const b = setup()
      b.run(limit(1, 1, 'sell', 105, 100))
      b.run({
        type: 'place',
        orderId: 10,
        account: 5,
        side: 'buy',
        orderType: 'stopMarket',
        quantity: 1,
        stopPrice: 104,
      })
      b.run({
        type: 'place',
        orderId: 11,
        account: 5,
        side: 'buy',
        orderType: 'stopLimit',
        price: 105,
        quantity: 1,
        stopPrice: 103,
      })
      b.run({
        type: 'place',
        orderId: 12,
        account: 5,
        side: 'buy',
        orderType: 'stopMarket',
        quantity: 1,
        stopPrice: 103,
      })
      b.run({
        type: 'place',
        orderId: 13,
        account: 5,
        side: 'sell',
        orderType: 'stopMarket',
        quantity: 1,
        stopPrice: 90,
      })
      expect(b.book.orderCount()).toBe(5)
      // Nothing traded yet: no trigger. A trade at 105 triggers all three buy stops.
      const { events } = b.run(limit(2, 2, 'buy', 105, 1))
      expect(
        only(events, 'triggered').map((e) => (e.type === 'triggered' ? e.orderId : 0)),
      ).toEqual([11, 12, 10])
      expect(fills(events)).toEqual([
        [1, 105, 1],
        [1, 105, 1],
        [1, 105, 1],
        [1, 105, 1],
      ])
      expect(b.book.getOrder(13)).toMatchObject({ orderType: 'stopMarket', stopPrice: 90 })
    })

    it('icebergs show only their peak; a refilled peak goes to the back of the queue', () => {
      const b = setup()
      b.run(limit(1, 1, 'sell', 100, 10, { peakQuantity: 3 }))
      b.run(limit(2, 2, 'sell', 100, 2))
      expect(b.book.l2Snapshot().asks).toEqual([{ price: 100, quantity: 5, orders: 2 }])
      const { events } = b.run(market(3, 3, 'buy', { quantity: 7 }))
      // Peak of 3, then order 2 (ahead of the refill), then the refilled peak.
      expect(fills(events)).toEqual([
        [1, 100, 3],
        [2, 100, 2],
        [1, 100, 2],
      ])
      expect(only(events, 'book').slice(0, 2)).toEqual([
        {
          type: 'book',
          seq: 3,
          action: 'remove',
          orderId: 1,
          side: 'sell',
          price: 100,
          quantity: 0,
        },
        { type: 'book', seq: 4, action: 'add', orderId: 1, side: 'sell', price: 100, quantity: 3 },
      ])
      expect(b.book.getOrder(1)).toMatchObject({ quantity: 1, hidden: 4, peak: 3 })
      expect(b.book.l2Snapshot().asks).toEqual([{ price: 100, quantity: 1, orders: 1 }])
    })

    it('post-only orders are rejected when they would take', () => {
      const b = setup()
      b.run(limit(1, 1, 'sell', 100, 1))
      expect(b.run(limit(2, 2, 'buy', 100, 1, { postOnly: true })).status).toBe(
        'post_only_would_take',
      )
      expect(b.run(limit(3, 2, 'buy', 99, 1, { postOnly: true })).status).toBe('ok')
    })

    it('IOC cancels its rest; FOK trades completely or not at all', () => {
      const b = setup()
      b.run(limit(1, 1, 'sell', 100, 3))
      b.run(limit(2, 1, 'sell', 101, 3))
      const ioc = b.run(limit(3, 2, 'buy', 100, 5, { timeInForce: 'IOC' }))
      expect(fills(ioc.events)).toEqual([[1, 100, 3]])
      expect(only(ioc.events, 'cancelled')).toMatchObject([
        { orderId: 3, cancelledQuantity: 2, reason: 'ioc' },
      ])
      const kill = b.run(limit(4, 2, 'buy', 101, 4, { timeInForce: 'FOK' }))
      expect(fills(kill.events)).toEqual([])
      expect(only(kill.events, 'cancelled')).toMatchObject([
        { orderId: 4, cancelledQuantity: 4, reason: 'fok' },
      ])
      const fill = b.run(limit(5, 2, 'buy', 101, 3, { timeInForce: 'FOK' }))
      expect(fills(fill.events)).toEqual([[2, 101, 3]])
    })

    it('GTD orders expire at their journaled time, before the command of that time', () => {
      const b = setup()
      b.run(limit(1, 1, 'buy', 100, 1, { timeInForce: 'GTD', expireAt: 2_000 }), 1_000)
      b.run(limit(2, 1, 'buy', 100, 1, { timeInForce: 'GTD', expireAt: 1_500 }))
      expect(b.run(limit(3, 1, 'buy', 100, 1, { timeInForce: 'GTD', expireAt: 900 })).status).toBe(
        'invalid_expiry',
      )
      expect(b.run({ type: 'tick' }, 1_499).events).toEqual([])
      const { events } = b.run({ type: 'tick' }, 2_000)
      expect(only(events, 'expired')).toEqual([
        { type: 'expired', orderId: 2, account: 1, quantity: 1 },
        { type: 'expired', orderId: 1, account: 1, quantity: 1 },
      ])
      expect(b.book.orderCount()).toBe(0)
    })

    describe('self-trade prevention', () => {
      function crossed(
        mode: 'cancelResting' | 'cancelIncoming' | 'cancelBoth' | 'decrementAndCancel',
      ) {
        const b = setup()
        b.run(limit(1, 9, 'sell', 100, 5))
        b.run(limit(2, 8, 'sell', 100, 5))
        return { b, ...b.run(limit(3, 9, 'buy', 100, 8, { selfTradePrevention: mode })) }
      }
      it('cancelResting cancels the own resting order and keeps matching', () => {
        const { events } = crossed('cancelResting')
        expect(only(events, 'cancelled')).toMatchObject([
          { orderId: 1, cancelledQuantity: 5, reason: 'self_trade' },
        ])
        expect(fills(events)).toEqual([[2, 100, 5]])
      })
      it('cancelIncoming cancels the incoming order', () => {
        const { b, events } = crossed('cancelIncoming')
        expect(fills(events)).toEqual([])
        expect(only(events, 'cancelled')).toMatchObject([
          { orderId: 3, cancelledQuantity: 8, reason: 'self_trade' },
        ])
        expect(b.book.orderCount()).toBe(2)
      })
      it('cancelBoth cancels both', () => {
        const { b, events } = crossed('cancelBoth')
        expect(only(events, 'cancelled')).toMatchObject([{ orderId: 1 }, { orderId: 3 }])
        expect(b.book.orderCount()).toBe(1)
      })
      it('decrementAndCancel reduces both by the smaller quantity', () => {
        const { b, events } = crossed('decrementAndCancel')
        expect(only(events, 'cancelled')).toMatchObject([
          { orderId: 1, cancelledQuantity: 5, remainingQuantity: 0 },
          { orderId: 3, cancelledQuantity: 5, remainingQuantity: 3 },
        ])
        expect(fills(events)).toEqual([[2, 100, 3]])
        expect(b.book.getOrder(2)).toMatchObject({ quantity: 2 })
      })
    })

    it('amend: size down keeps priority, size up or a new price loses it (and may trade)', () => {
      const b = setup()
      b.run(limit(1, 1, 'sell', 100, 5))
      b.run(limit(2, 2, 'sell', 100, 5))
      expect(b.run({ type: 'amend', orderId: 1, account: 1, quantity: 4 }).events[0]).toEqual({
        type: 'amended',
        orderId: 1,
        account: 1,
        price: 100,
        quantity: 4,
        keptPriority: true,
      })
      expect(b.book.l3Snapshot().asks.map((o) => o.orderId)).toEqual([1, 2])
      b.run({ type: 'amend', orderId: 1, account: 1, quantity: 6 })
      expect(b.book.l3Snapshot().asks.map((o) => o.orderId)).toEqual([2, 1])
      b.run(limit(3, 3, 'buy', 98, 2))
      const { events } = b.run({ type: 'amend', orderId: 2, account: 2, price: 98 })
      expect(events[0]).toMatchObject({
        type: 'amended',
        keptPriority: false,
        price: 98,
        quantity: 5,
      })
      expect(fills(events)).toEqual([[3, 98, 2]])
      expect(b.book.getOrder(2)).toMatchObject({ price: 98, quantity: 3 })
      expect(b.run({ type: 'amend', orderId: 2, account: 3, price: 99 }).status).toBe(
        'unknown_order',
      )
    })

    it('cancel, mass cancel by account and by instrument', () => {
      const b = setup()
      b.run(limit(1, 1, 'buy', 90, 1))
      b.run(limit(2, 2, 'buy', 91, 1))
      b.run(limit(3, 1, 'sell', 110, 1))
      b.run({
        type: 'place',
        orderId: 4,
        account: 1,
        side: 'sell',
        orderType: 'stopMarket',
        quantity: 1,
        stopPrice: 80,
      })
      expect(b.run({ type: 'cancel', orderId: 2, account: 1 }).status).toBe('unknown_order')
      expect(
        only(b.run({ type: 'cancel', orderId: 2, account: 2 }).events, 'cancelled'),
      ).toMatchObject([{ orderId: 2, reason: 'requested' }])
      const byAccount = b.run({ type: 'massCancel', account: 1 })
      expect(
        only(byAccount.events, 'cancelled').map((e) => (e.type === 'cancelled' ? e.orderId : 0)),
      ).toEqual([1, 3, 4])
      b.run(limit(5, 3, 'buy', 90, 1))
      b.run(limit(6, 4, 'sell', 120, 1))
      expect(only(b.run({ type: 'massCancel' }).events, 'cancelled')).toHaveLength(2)
      expect(b.book.orderCount()).toBe(0)
    })

    it('halt rejects new orders and amends but allows cancels; resume restores trading', () => {
      const b = setup()
      b.run(limit(1, 1, 'buy', 90, 1))
      expect(b.run({ type: 'halt' }).events).toEqual([
        { type: 'status', status: 'halted', referencePrice: 0 },
      ])
      expect(b.run(limit(2, 1, 'buy', 90, 1)).status).toBe('halted')
      expect(b.run({ type: 'amend', orderId: 1, account: 1, quantity: 2 }).status).toBe('halted')
      expect(b.run({ type: 'halt' }).status).toBe('halted')
      expect(b.run({ type: 'cancel', orderId: 1, account: 1 }).status).toBe('ok')
      expect(b.run({ type: 'resume' }).status).toBe('ok')
      expect(b.run({ type: 'resume' }).status).toBe('not_halted')
      expect(b.run(limit(2, 1, 'buy', 90, 1)).status).toBe('ok')
    })

    it('price bands: orders outside the band around the reference price are rejected; trades move it', () => {
      const b = setup({ priceBandBps: 1_000 })
      b.run({ type: 'setReferencePrice', price: 1_000 })
      expect(b.run(limit(1, 1, 'buy', 899, 1)).status).toBe('price_outside_band')
      expect(b.run(limit(2, 1, 'buy', 900, 1)).status).toBe('ok')
      expect(b.run(limit(3, 1, 'sell', 1_101, 1)).status).toBe('price_outside_band')
      expect(b.run(limit(4, 2, 'sell', 1_100, 1)).status).toBe('ok')
      // A market sell only trades down to the band's lower edge.
      b.run(limit(5, 3, 'buy', 950, 1))
      b.run({ type: 'setReferencePrice', price: 1_050 })
      const { events } = b.run(market(6, 4, 'sell', { quantity: 3 }))
      expect(fills(events)).toEqual([[5, 950, 1]])
      expect(only(events, 'cancelled')).toMatchObject([
        { orderId: 6, cancelledQuantity: 2, reason: 'ioc' },
      ])
    })

    it('bad input is rejected with a code and an event; the book does not change', () => {
      const b = setup()
      b.run(limit(1, 1, 'buy', 100, 5, { clientOrderId: 'x1' }))
      const before = b.book.stateHash()
      const cases: [BookCommand, string][] = [
        [limit(2, 1, 'buy', 100.5, 1), 'price_off_tick_grid'],
        [limit(2, 1, 'buy', 0, 1), 'price_out_of_range'],
        [limit(2, 1, 'buy', 10_001, 1), 'price_out_of_range'],
        [limit(2, 1, 'buy', 100, 0.25), 'quantity_off_lot_grid'],
        [limit(2, 1, 'buy', 100, 1_001), 'quantity_out_of_range'],
        [limit(1, 1, 'buy', 100, 1), 'duplicate_order_id'],
        [limit(2, 1, 'buy', 100, 1, { clientOrderId: 'x1' }), 'duplicate_client_order_id'],
        [limit(2, 1, 'buy', 100, 1, { symbol: 'ETH-USDC' }), 'unknown_instrument'],
        [limit(0, 1, 'buy', 100, 1), 'invalid_order_id'],
        [limit(2, -1, 'buy', 100, 1), 'invalid_account'],
        [limit(2, 1, 'up' as 'buy', 100, 1), 'invalid_side'],
        [limit(2, 1, 'buy', 100, 5, { peakQuantity: 5 }), 'invalid_peak_quantity'],
        [{ type: 'cancel', orderId: 77, account: 1 }, 'unknown_order'],
        [{ type: 'amend', orderId: 1, account: 1 }, 'invalid_order'],
        [{ type: 'setReferencePrice', price: 1.5 }, 'price_off_tick_grid'],
      ]
      for (const [command, code] of cases) {
        const { status, events } = b.run(command)
        expect(status, JSON.stringify(command)).toBe(code)
        expect(events).toEqual([
          {
            type: 'rejected',
            action: command.type,
            orderId: 'orderId' in command ? command.orderId : 0,
            account: 'account' in command ? (command.account ?? 0) : 0,
            code,
          },
        ])
      }
      expect(b.book.stateHash()).toBe(before)
    })

    it('a client holding an L2 (or L3) snapshot at N plus every delta after N reconstructs the book exactly', async () => {
      const { createL2Replica, createL3Replica } = await import('../src/index.js')
      const { randomStream } = await import('./support/streams.js')
      const b = setup()
      const stream = randomStream(5, 4_000, 'everything')
      for (const { command, time } of stream.slice(0, 1_500)) b.run(command, time)
      const l2 = createL2Replica(b.book.l2Snapshot())
      const l3 = createL3Replica(b.book.l3Snapshot())
      let applied = 0
      for (const { command, time } of stream.slice(1_500)) {
        for (const e of b.run(command, time).events) {
          if (e.type === 'level')
            applied += Number(l2.apply(e.seq, e.side, e.price, e.quantity, e.orders))
          if (e.type === 'book') l3.apply(e.seq, e.action, e.orderId, e.side, e.price, e.quantity)
        }
      }
      expect(applied).toBeGreaterThan(1_000)
      expect(l2.snapshot()).toEqual(b.book.l2Snapshot())
      expect(l3.snapshot()).toEqual(b.book.l3Snapshot())
      expect(() => l2.apply(l2.seq + 2, 'buy', 1, 1, 1)).toThrow(/missing/)
    })

    it('a snapshot of the state restores an identical book', () => {
      const b = setup()
      b.run(limit(1, 1, 'sell', 100, 10, { peakQuantity: 3, timeInForce: 'GTD', expireAt: 5_000 }))
      b.run({
        type: 'place',
        orderId: 2,
        account: 2,
        side: 'buy',
        orderType: 'stopLimit',
        price: 101,
        quantity: 2,
        stopPrice: 101,
      })
      b.run(limit(3, 3, 'buy', 99, 4))
      const state = decodeBookState(encodeBookState(b.book.exportState()))
      const copy = createOrderBook({ instrument: testInstrument(), implementation, state })
      expect(copy.stateHash()).toBe(b.book.stateHash())
      expect(copy.exportState()).toEqual(b.book.exportState())
      // And it behaves the same from there on.
      const trade = limit(4, 4, 'buy', 101, 5)
      const events: BookEvent[] = []
      copy.setSink(createEventCollector((e) => events.push(e)))
      copy.execute(trade, 1_000)
      expect(events).toEqual(b.run(trade).events)
      expect(copy.stateHash()).toBe(b.book.stateHash())
    })
  })
}

describe('matching engine', () => {
  it('routes by symbol, rejects unknown instruments, mass-cancels an account across instruments', () => {
    const btc = testInstrument()
    const eth = defineInstrument({
      base: defineAsset({ code: 'ETH', decimals: 18 }),
      quote: btc.quote,
      tickSize: '0.01',
      lotSize: '0.001',
      maxQuantityLots: 1_000,
      maxPriceTicks: 10_000,
    })
    const events: [string, BookEvent][] = []
    const engine = createMatchingEngine({
      instruments: [btc, eth],
      sinkFor: (symbol) => createEventCollector((e) => events.push([symbol, e])),
    })
    expect(engine.execute(limit(1, 1, 'buy', 100, 1, { symbol: 'BTC-USDC' }), 1)).toBe('ok')
    expect(engine.execute(limit(2, 1, 'buy', 100, 1, { symbol: 'DOGE-USDC' }), 1)).toBe(
      'unknown_instrument',
    )
    expect(events.at(-1)).toEqual([
      'DOGE-USDC',
      { type: 'rejected', action: 'place', orderId: 2, account: 1, code: 'unknown_instrument' },
    ])
    expect(engine.execute(limit(3, 1, 'sell', 200, 1, { symbol: 'ETH-USDC' }), 1)).toBe('ok')
    expect(engine.execute(limit(4, 2, 'sell', 200, 1, { symbol: 'ETH-USDC' }), 1)).toBe('ok')
    expect(engine.symbols).toEqual(['BTC-USDC', 'ETH-USDC'])
    expect(engine.execute({ type: 'massCancel', account: 1 }, 2)).toBe('ok')
    expect(engine.book('BTC-USDC')!.orderCount()).toBe(0)
    expect(engine.book('ETH-USDC')!.orderCount()).toBe(1)
    expect(events.filter(([, e]) => e.type === 'cancelled').map(([s]) => s)).toEqual([
      'BTC-USDC',
      'ETH-USDC',
    ])
    // By instrument: only that book.
    expect(engine.execute({ type: 'massCancel', symbol: 'ETH-USDC' }, 3)).toBe('ok')
    expect(engine.book('ETH-USDC')!.orderCount()).toBe(0)
  })
})
