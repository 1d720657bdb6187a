import type {
  BookCommand,
  OrderType,
  PlaceOrderCommand,
  SelfTradePrevention,
  TimeInForce,
} from '../../src/index.js'
import { createRng } from './fixtures.js'

/** Which kinds of commands a random stream favours. */
export type StreamMix =
  | 'limit'
  | 'iceberg'
  | 'stops'
  | 'selfTrade'
  | 'timeInForce'
  | 'admin'
  | 'everything'

type Weights = Record<
  | 'limit'
  | 'market'
  | 'stopLimit'
  | 'stopMarket'
  | 'cancel'
  | 'amend'
  | 'massCancel'
  | 'halt'
  | 'reference'
  | 'tick'
  | 'invalid',
  number
>

const MIXES: Record<StreamMix, Weights> = {
  limit: {
    limit: 60,
    market: 10,
    stopLimit: 0,
    stopMarket: 0,
    cancel: 25,
    amend: 5,
    massCancel: 0,
    halt: 0,
    reference: 0,
    tick: 0,
    invalid: 1,
  },
  iceberg: {
    limit: 60,
    market: 12,
    stopLimit: 0,
    stopMarket: 0,
    cancel: 15,
    amend: 12,
    massCancel: 0.2,
    halt: 0,
    reference: 0,
    tick: 1,
    invalid: 1,
  },
  stops: {
    limit: 45,
    market: 10,
    stopLimit: 15,
    stopMarket: 10,
    cancel: 15,
    amend: 4,
    massCancel: 0.3,
    halt: 0,
    reference: 0,
    tick: 1,
    invalid: 1,
  },
  selfTrade: {
    limit: 55,
    market: 12,
    stopLimit: 3,
    stopMarket: 3,
    cancel: 15,
    amend: 8,
    massCancel: 0.3,
    halt: 0,
    reference: 0,
    tick: 1,
    invalid: 1,
  },
  timeInForce: {
    limit: 60,
    market: 10,
    stopLimit: 3,
    stopMarket: 2,
    cancel: 12,
    amend: 6,
    massCancel: 0.2,
    halt: 0,
    reference: 0,
    tick: 6,
    invalid: 1,
  },
  admin: {
    limit: 50,
    market: 10,
    stopLimit: 4,
    stopMarket: 3,
    cancel: 12,
    amend: 6,
    massCancel: 2,
    halt: 2,
    reference: 3,
    tick: 2,
    invalid: 8,
  },
  everything: {
    limit: 45,
    market: 10,
    stopLimit: 6,
    stopMarket: 5,
    cancel: 14,
    amend: 8,
    massCancel: 0.8,
    halt: 0.8,
    reference: 1,
    tick: 3,
    invalid: 4,
  },
}

const TIFS: readonly TimeInForce[] = ['GTC', 'IOC', 'FOK', 'GTD']
const STPS: readonly SelfTradePrevention[] = [
  'none',
  'cancelResting',
  'cancelIncoming',
  'cancelBoth',
  'decrementAndCancel',
]

/**
 * A seeded random command stream exercising every order type and action. Prices wander around a
 * drifting mid inside 1..10,000 ticks; a few orders land far away (to exercise the fast book's
 * far-price path), some commands are invalid on purpose.
 */
export function randomStream(
  seed: number,
  length: number,
  mix: StreamMix,
): { command: BookCommand; time: number }[] {
  const rng = createRng(seed)
  const w = MIXES[mix]
  const keys = Object.keys(w) as (keyof Weights)[]
  const total = keys.reduce((s, k) => s + w[k], 0)
  const accounts = mix === 'selfTrade' ? 3 : 8
  const iceberg = mix === 'iceberg' ? 0.4 : mix === 'everything' ? 0.1 : 0.03
  const postOnly = mix === 'iceberg' || mix === 'everything' ? 0.15 : 0.05
  const stpChance = mix === 'selfTrade' ? 0.9 : mix === 'everything' ? 0.3 : 0.05
  const gtdChance = mix === 'timeInForce' ? 0.35 : 0.05
  let mid = rng.int(3_000, 7_000)
  let time = 1_700_000_000_000
  let nextId = 1
  const ids: { id: number; account: number }[] = []
  const out: { command: BookCommand; time: number }[] = []
  const pickWeighted = (): keyof Weights => {
    let r = rng.next() * total
    for (const k of keys) {
      r -= w[k]
      if (r < 0) return k
    }
    return 'limit'
  }
  const known = () => (ids.length > 0 ? rng.pick(ids.slice(-400)) : { id: 1, account: 1 })
  const price = () => {
    if (rng.chance(0.01)) return rng.int(1, 10_000)
    return Math.min(10_000, Math.max(1, mid + rng.int(-25, 25)))
  }
  const quantity = () => (rng.chance(0.7) ? rng.int(1, 10) : rng.int(1, 60))
  const base = (orderType: OrderType): PlaceOrderCommand => {
    const id = rng.chance(0.01) && ids.length > 0 ? known().id : nextId++
    const account = rng.int(1, accounts)
    ids.push({ id, account })
    const tif: TimeInForce | undefined =
      orderType === 'market' || orderType === 'stopMarket'
        ? rng.chance(0.15)
          ? 'FOK'
          : undefined
        : rng.chance(gtdChance)
          ? 'GTD'
          : rng.chance(0.2)
            ? rng.pick(TIFS)
            : undefined
    const order: PlaceOrderCommand = {
      type: 'place',
      orderId: id,
      account,
      side: rng.chance(0.5) ? 'buy' : 'sell',
      orderType,
      ...(rng.chance(0.1) ? { clientOrderId: `c${rng.int(1, 50)}` } : {}),
      ...(tif ? { timeInForce: tif } : {}),
      ...(tif === 'GTD' ? { expireAt: time + rng.int(-2, 40) } : {}),
      ...(rng.chance(stpChance) ? { selfTradePrevention: rng.pick(STPS) } : {}),
    }
    return order
  }
  for (let i = 0; i < length; i++) {
    time += rng.chance(0.05) ? -rng.int(0, 3) : rng.int(0, 3)
    if (rng.chance(0.02)) mid = Math.min(9_000, Math.max(1_000, mid + rng.int(-40, 40)))
    let command: BookCommand
    switch (pickWeighted()) {
      case 'limit': {
        const o = base('limit')
        const q = quantity()
        const peak = rng.chance(iceberg) && q > 1 ? rng.int(1, q - 1) : undefined
        const tifOk =
          o.timeInForce === undefined || o.timeInForce === 'GTC' || o.timeInForce === 'GTD'
        command = {
          ...o,
          price: price(),
          quantity: q,
          ...(peak !== undefined && tifOk ? { peakQuantity: peak } : {}),
          ...(tifOk && rng.chance(postOnly) ? { postOnly: true } : {}),
        }
        break
      }
      case 'market': {
        const o = base('market')
        command =
          rng.chance(0.3) && o.timeInForce !== 'FOK'
            ? { ...o, quoteBudget: rng.int(1, 40) * mid }
            : { ...o, quantity: quantity() }
        break
      }
      case 'stopLimit': {
        const o = base('stopLimit')
        command = { ...o, price: price(), quantity: quantity(), stopPrice: price() }
        break
      }
      case 'stopMarket': {
        const o = base('stopMarket')
        command =
          rng.chance(0.3) && o.timeInForce !== 'FOK'
            ? { ...o, quoteBudget: rng.int(1, 30) * mid, stopPrice: price() }
            : { ...o, quantity: quantity(), stopPrice: price() }
        break
      }
      case 'cancel': {
        const k = known()
        command = {
          type: 'cancel',
          orderId: k.id,
          account: rng.chance(0.95) ? k.account : k.account + 1,
        }
        break
      }
      case 'amend': {
        const k = known()
        const which = rng.int(0, 2)
        command = {
          type: 'amend',
          orderId: k.id,
          account: k.account,
          ...(which !== 1 ? { price: price() } : {}),
          ...(which !== 0 ? { quantity: quantity() } : {}),
        }
        break
      }
      case 'massCancel':
        command = rng.chance(0.5)
          ? { type: 'massCancel', account: rng.int(1, accounts) }
          : { type: 'massCancel' }
        break
      case 'halt':
        command = rng.chance(0.5) ? { type: 'halt' } : { type: 'resume' }
        break
      case 'reference':
        command = { type: 'setReferencePrice', price: price() }
        break
      case 'tick':
        time += rng.int(0, 20)
        command = { type: 'tick' }
        break
      default: {
        const o = base('limit')
        const bad = rng.int(0, 9)
        const variants: BookCommand[] = [
          { ...o, price: mid + 0.5, quantity: 1 },
          { ...o, price: 20_000, quantity: 1 },
          { ...o, price: mid, quantity: 1.5 },
          { ...o, price: mid, quantity: 5_000 },
          { ...o, price: mid, quantity: 0 },
          { ...o, orderId: -1, price: mid, quantity: 1 },
          { ...o, price: mid, quantity: 3, peakQuantity: 3 },
          { ...o, orderType: 'market', price: mid, quantity: 1 },
          { ...o, symbol: 'ETH-USDC', price: mid, quantity: 1 },
          { type: 'cancel', orderId: 999_999_999, account: 1 },
        ]
        command = variants[bad]!
      }
    }
    out.push({ command, time })
  }
  return out
}
