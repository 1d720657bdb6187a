import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { defineAsset } from './asset.js'
import {
  defineInstrument,
  isWithinPriceBand,
  lotsToBaseUnits,
  lotsToQuantity,
  notionalUnits,
  priceToTicks,
  quantityToLots,
  ticksToPrice,
} from './instrument.js'

const BTC = defineAsset({ code: 'BTC', decimals: 8 })
const USDC = defineAsset({ code: 'USDC', decimals: 6 })
const BTC_USDC = defineInstrument({
  base: BTC,
  quote: USDC,
  tickSize: '0.01',
  lotSize: '0.0001',
  maxQuantityLots: 100_000_000,
  maxPriceTicks: 1_000_000_000,
  priceBandBps: 1_000,
})

function thrown(fn: () => unknown) {
  try {
    fn()
  } catch (error) {
    const e = error as { name: string; rule: string; path: readonly (string | number)[] }
    return { name: e.name, rule: e.rule, path: e.path }
  }
  throw new Error('expected a throw')
}

describe('defineInstrument', () => {
  it('derives the integer grids', () => {
    expect(BTC_USDC.symbol).toBe('BTC-USDC')
    expect(BTC_USDC.lotUnits).toBe(10_000n) // 0.0001 BTC = 10,000 sat
    expect(BTC_USDC.notionalUnitsPerTickLot).toBe(1n) // 0.01 × 0.0001 = 0.000001 USDC
    expect(BTC_USDC.priceDecimals).toBe(2)
    expect(BTC_USDC.quantityDecimals).toBe(4)
    expect(Object.isFrozen(BTC_USDC)).toBe(true)
  })

  it('refuses grids whose notional is not a whole number of quote minor units', () => {
    expect(
      thrown(() =>
        defineInstrument({
          base: BTC,
          quote: USDC,
          tickSize: '0.01',
          lotSize: '0.00001',
          maxQuantityLots: 10,
          maxPriceTicks: 10,
        }),
      ),
    ).toEqual({ name: 'InvalidSpecError', rule: 'grid', path: ['tickSize'] })
  })

  it('refuses lots finer than the base asset', () => {
    expect(
      thrown(() =>
        defineInstrument({
          base: USDC,
          quote: BTC,
          tickSize: '1',
          lotSize: '0.0000001',
          maxQuantityLots: 10,
          maxPriceTicks: 10,
        }),
      ),
    ).toMatchObject({ rule: 'grid', path: ['lotSize'] })
  })

  it.each([
    [{ tickSize: '0' }, ['tickSize']],
    [{ tickSize: 'abc' }, ['tickSize']],
    [{ lotSize: '-1' }, ['lotSize']],
    [{ maxPriceTicks: 2 ** 53 }, ['maxPriceTicks']],
    [{ maxQuantityLots: 1.5 }, ['maxQuantityLots']],
    [{ minPriceTicks: 11, maxPriceTicks: 10 }, ['minPriceTicks']],
    [{ symbol: 'btc/usdc' }, ['symbol']],
    [{ priceBandBps: 0 }, ['priceBandBps']],
  ])('names the field of a bad spec %j', (patch, path) => {
    const error = thrown(() =>
      defineInstrument({
        base: BTC,
        quote: USDC,
        tickSize: '0.01',
        lotSize: '0.0001',
        maxQuantityLots: 10,
        maxPriceTicks: 100,
        ...patch,
      }),
    )
    expect(error.name).toBe('InvalidSpecError')
    expect(error.path).toEqual(path)
  })
})

describe('price and quantity grids', () => {
  it('converts prices to ticks and back', () => {
    expect(priceToTicks(BTC_USDC, '65000.25')).toBe(6_500_025)
    expect(priceToTicks(BTC_USDC, '65000.2')).toBe(6_500_020)
    expect(ticksToPrice(BTC_USDC, 6_500_025)).toBe('65000.25')
    expect(ticksToPrice(BTC_USDC, 1)).toBe('0.01')
  })

  it('rejects prices off the grid, out of range or malformed, naming the field', () => {
    expect(thrown(() => priceToTicks(BTC_USDC, '65000.251'))).toEqual({
      name: 'InvalidPriceError',
      rule: 'off_grid',
      path: ['price'],
    })
    expect(thrown(() => priceToTicks(BTC_USDC, '0', { path: ['px'] }))).toMatchObject({
      rule: 'out_of_range',
      path: ['px'],
    })
    expect(thrown(() => priceToTicks(BTC_USDC, '10000001'))).toMatchObject({ rule: 'out_of_range' })
    expect(thrown(() => priceToTicks(BTC_USDC, '-1'))).toMatchObject({ rule: 'negative' })
    expect(thrown(() => priceToTicks(BTC_USDC, '1e3'))).toMatchObject({ rule: 'format' })
  })

  it('rounds onto the grid when asked', () => {
    expect(priceToTicks(BTC_USDC, '65000.255', { rounding: 'halfEven' })).toBe(6_500_026)
    expect(priceToTicks(BTC_USDC, '65000.245', { rounding: 'halfEven' })).toBe(6_500_024)
    expect(priceToTicks(BTC_USDC, '65000.251', { rounding: 'floor' })).toBe(6_500_025)
    expect(quantityToLots(BTC_USDC, '0.12345', { rounding: 'ceil' })).toBe(1_235)
  })

  it('converts quantities to lots and base units', () => {
    expect(quantityToLots(BTC_USDC, '0.125')).toBe(1_250)
    expect(lotsToQuantity(BTC_USDC, 1_250)).toBe('0.1250')
    expect(lotsToBaseUnits(BTC_USDC, 1_250)).toBe(12_500_000n)
    expect(thrown(() => quantityToLots(BTC_USDC, '0.00005'))).toMatchObject({
      name: 'InvalidQuantityError',
      rule: 'off_grid',
      path: ['quantity'],
    })
    expect(thrown(() => quantityToLots(BTC_USDC, '0'))).toMatchObject({ rule: 'out_of_range' })
  })

  it('computes exact notionals: ticks × lots × units per tick-lot', () => {
    // 0.125 BTC at 65000.25 USDC = 8125.03125 USDC
    expect(notionalUnits(BTC_USDC, 6_500_025, 1_250)).toBe(8_125_031_250n)
  })

  it('round-trips every price and quantity on the grid (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: BTC_USDC.maxPriceTicks }),
        fc.integer({ min: 1, max: BTC_USDC.maxQuantityLots }),
        (ticks, lots) => {
          expect(priceToTicks(BTC_USDC, ticksToPrice(BTC_USDC, ticks))).toBe(ticks)
          expect(quantityToLots(BTC_USDC, lotsToQuantity(BTC_USDC, lots))).toBe(lots)
        },
      ),
    )
  })

  it('applies the price band in exact integers', () => {
    expect(isWithinPriceBand(BTC_USDC, 1_100, 1_000)).toBe(true) // +10 %
    expect(isWithinPriceBand(BTC_USDC, 1_101, 1_000)).toBe(false)
    expect(isWithinPriceBand(BTC_USDC, 900, 1_000)).toBe(true)
    expect(isWithinPriceBand(BTC_USDC, 899, 1_000)).toBe(false)
    const noBand = defineInstrument({
      base: BTC,
      quote: USDC,
      tickSize: '1',
      lotSize: '1',
      maxQuantityLots: 1,
      maxPriceTicks: 1,
    })
    expect(isWithinPriceBand(noBand, 1, 1_000_000)).toBe(true)
  })
})
