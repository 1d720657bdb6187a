import { defineAsset, defineInstrument, type Instrument } from '@strongroom/core'
import {
  type BookCommand,
  type BookEvent,
  createEventCollector,
  createOrderBook,
  type OrderBook,
} from '../../src/index.js'

export const BTC = defineAsset({ code: 'BTC', decimals: 8 })
export const USDC = defineAsset({ code: 'USDC', decimals: 6 })

/** BTC-USDC with 0.01 ticks and 0.0001 lots, prices 1..10,000 ticks (0.01..100.00). */
export function testInstrument(
  overrides: { priceBandBps?: number; minQuantityLots?: number } = {},
): Instrument {
  return defineInstrument({
    base: BTC,
    quote: USDC,
    tickSize: '0.01',
    lotSize: '0.0001',
    minPriceTicks: 1,
    maxPriceTicks: 10_000,
    minQuantityLots: overrides.minQuantityLots ?? 1,
    maxQuantityLots: 1_000,
    priceBandBps: overrides.priceBandBps,
  })
}

/** A book of either implementation recording its events. */
export function recordingBook(
  implementation: 'fast' | 'reference',
  instrument: Instrument = testInstrument(),
  options: { priceWindow?: number } = {},
): { book: OrderBook; events: BookEvent[]; take(): BookEvent[] } {
  const events: BookEvent[] = []
  const book = createOrderBook({
    instrument,
    implementation,
    sink: createEventCollector((event) => events.push(event)),
    priceWindow: options.priceWindow,
  })
  return {
    book,
    events,
    take() {
      return events.splice(0, events.length)
    },
  }
}

/** Small deterministic PRNG (sfc32) for reproducible random streams. */
export function createRng(seed: number): {
  next(): number
  int(min: number, max: number): number
  pick<T>(items: readonly T[]): T
  chance(p: number): boolean
} {
  let a = 0x9e3779b9 ^ seed
  let b = 0x243f6a88
  let c = 0xb7e15162
  let d = seed | 0
  const next = () => {
    a |= 0
    b |= 0
    c |= 0
    d |= 0
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
  for (let i = 0; i < 16; i++) next()
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    chance: (p) => next() < p,
  }
}

export type Command = { command: BookCommand; time: number }
