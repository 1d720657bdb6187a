import { describe, expect, it } from 'vitest'
import {
  type BookEvent,
  combineEventSinks,
  createEventCollector,
  createOrderBook,
  createTradeTape,
} from '../src/index.js'
import { testInstrument } from './support/fixtures.js'

describe('trade tape and combined sinks', () => {
  it('keeps the last trades (public: no accounts) while another sink sees everything', () => {
    const tape = createTradeTape(2)
    const events: BookEvent[] = []
    const book = createOrderBook({
      instrument: testInstrument(),
      sink: combineEventSinks(
        tape.sink,
        createEventCollector((e) => events.push(e)),
      ),
    })
    book.execute(
      {
        type: 'place',
        orderId: 1,
        account: 1,
        side: 'sell',
        orderType: 'limit',
        price: 100,
        quantity: 3,
      },
      1,
    )
    book.execute(
      {
        type: 'place',
        orderId: 2,
        account: 1,
        side: 'sell',
        orderType: 'limit',
        price: 101,
        quantity: 3,
      },
      1,
    )
    book.execute(
      { type: 'place', orderId: 3, account: 2, side: 'buy', orderType: 'market', quantity: 5 },
      2,
    )
    book.execute(
      { type: 'place', orderId: 4, account: 2, side: 'buy', orderType: 'market', quantity: 1 },
      3,
    )
    expect(tape.trades()).toEqual([
      { tradeId: 2, price: 101, quantity: 2, aggressorSide: 'buy' },
      { tradeId: 3, price: 101, quantity: 1, aggressorSide: 'buy' },
    ])
    expect(events.filter((e) => e.type === 'fill')).toHaveLength(3)
    expect(book.bbo()).toEqual({ bidPrice: 0, bidQuantity: 0, askPrice: 0, askQuantity: 0 })
  })
})
