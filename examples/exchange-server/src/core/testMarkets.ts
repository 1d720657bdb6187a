import { defineAsset, defineInstrument } from '@strongroom/core'
import type { Market } from './exchangeCore.js'

/** Markets used by the core's tests: ETH-USDC with a 20 % band and 2/5 bps fees. */
export const ETH = defineAsset({ code: 'ETH', decimals: 18 })
export const USDC = defineAsset({ code: 'USDC', decimals: 6 })
export const BTC = defineAsset({ code: 'BTC', decimals: 8 })
export const testMarkets: Market[] = [
  {
    instrument: defineInstrument({
      base: ETH,
      quote: USDC,
      tickSize: '0.01',
      lotSize: '0.0001',
      maxQuantityLots: 100_000_000,
      maxPriceTicks: 1_000_000_000,
      priceBandBps: 2_000,
    }),
    makerFeeBps: 2,
    takerFeeBps: 5,
  },
  {
    instrument: defineInstrument({
      base: BTC,
      quote: USDC,
      tickSize: '0.1',
      lotSize: '0.00001',
      maxQuantityLots: 100_000_000,
      maxPriceTicks: 1_000_000_000,
      priceBandBps: 1_000,
    }),
    makerFeeBps: 0,
    takerFeeBps: 10,
  },
]
