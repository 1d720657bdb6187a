import { defineAsset, defineInstrument } from '@strongroom/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { PlaceOrderCommand } from './types.js'
import { priceBandEdges, validatePlaceOrder, validatePlaceOrderInFull } from './validate.js'

const instrument = defineInstrument({
  base: defineAsset({ code: 'BTC', decimals: 8 }),
  quote: defineAsset({ code: 'USDC', decimals: 6 }),
  tickSize: '0.01',
  lotSize: '0.0001',
  minQuantityLots: 2,
  maxQuantityLots: 1_000,
  minPriceTicks: 5,
  maxPriceTicks: 10_000,
  priceBandBps: 500,
})

const anyValue = fc.oneof(
  fc.constant(undefined),
  fc.integer({ min: -5, max: 12_000 }),
  fc.double({ noNaN: false }),
  fc.constantFrom('buy', 'sell', 'limit', 'market', 'GTC', 'GTD', 'none', 'x'),
  fc.boolean(),
)

describe('validatePlaceOrder', () => {
  it('its fast path returns what the full checks return (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          orderId: fc.oneof(fc.integer({ min: -2, max: 50 }), fc.constant(2 ** 53), fc.double()),
          account: fc.oneof(fc.integer({ min: -2, max: 50 }), fc.double()),
          side: fc.constantFrom('buy', 'sell', 'up'),
          orderType: fc.constantFrom('limit', 'market', 'stopLimit'),
          price: anyValue,
          quantity: anyValue,
        }),
        fc.record(
          { timeInForce: anyValue, postOnly: anyValue, peakQuantity: anyValue, expireAt: anyValue },
          { requiredKeys: [] },
        ),
        (base, extra) => {
          const order = { type: 'place', ...base, ...extra } as unknown as PlaceOrderCommand
          expect(validatePlaceOrder(instrument, order)).toBe(
            validatePlaceOrderInFull(instrument, order),
          )
        },
      ),
      { numRuns: 20_000 },
    )
  })

  it('names the first broken rule', () => {
    const ok: PlaceOrderCommand = {
      type: 'place',
      orderId: 1,
      account: 0,
      side: 'buy',
      orderType: 'limit',
      price: 100,
      quantity: 2,
    }
    expect(validatePlaceOrder(instrument, ok)).toBeUndefined()
    expect(validatePlaceOrder(instrument, { ...ok, quantity: 1 })).toBe('quantity_out_of_range')
    expect(validatePlaceOrder(instrument, { ...ok, price: 4 })).toBe('price_out_of_range')
    expect(validatePlaceOrder(instrument, { ...ok, timeInForce: 'GTD' })).toBe('invalid_expiry')
    expect(validatePlaceOrder(instrument, { ...ok, expireAt: 5 })).toBe('invalid_expiry')
    expect(
      validatePlaceOrder(instrument, {
        ...ok,
        orderType: 'market',
        price: undefined,
        quantity: undefined,
        quoteBudget: 10,
        timeInForce: 'FOK',
      }),
    ).toBe('invalid_time_in_force')
    expect(validatePlaceOrder(instrument, { ...ok, orderType: 'stopLimit' })).toBe(
      'invalid_stop_price',
    )
    expect(validatePlaceOrder(instrument, { ...ok, postOnly: true, timeInForce: 'IOC' })).toBe(
      'invalid_order',
    )
  })

  it('computes price band edges exactly, also beyond 2^53 intermediate products', () => {
    expect(priceBandEdges(instrument, 10_000)).toEqual([9_500, 10_500])
    expect(priceBandEdges(instrument, 0)).toBeUndefined()
    const big = defineInstrument({
      base: instrument.base,
      quote: instrument.quote,
      tickSize: '0.01',
      lotSize: '0.0001',
      maxQuantityLots: 1_000,
      maxPriceTicks: Number.MAX_SAFE_INTEGER,
      priceBandBps: 999_999,
    })
    const ref = 2 ** 50 + 3
    const delta = Number((BigInt(ref) * 999_999n) / 10_000n)
    expect(priceBandEdges(big, ref)).toEqual([1, ref + delta])
  })
})
