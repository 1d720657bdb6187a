import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ByteWriter } from './bytes.js'
import { decodeCommand, encodeCommand, writeCommand, writeCommandInFull } from './commandCodec.js'
import type { BookCommand } from './types.js'

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined })
const number = fc.oneof(fc.integer({ min: -5, max: 2 ** 53 }), fc.double())
const symbol = maybe(fc.constantFrom('BTC-USDC', 'ETH-USDC', 'É-€', ''))

// Mostly the shapes the fast path takes, sometimes a field it leaves to the full encoder.
const place = fc.record({
  type: fc.constant('place' as const),
  symbol,
  orderId: number,
  account: number,
  side: fc.constantFrom('buy', 'sell', 'sideways'),
  orderType: fc.constantFrom('limit', 'market', 'stopLimit', 'stopMarket'),
  price: maybe(number),
  quantity: maybe(number),
  quoteBudget: fc.oneof(fc.constant(undefined), fc.constant(undefined), number),
  stopPrice: fc.oneof(fc.constant(undefined), fc.constant(undefined), number),
  timeInForce: fc.oneof(fc.constant(undefined), fc.constantFrom('GTC', 'IOC', 'FOK', 'GTD', 'X')),
  expireAt: fc.oneof(fc.constant(undefined), fc.constant(undefined), number),
  postOnly: fc.oneof(fc.constant(undefined), fc.constant(undefined), fc.boolean()),
  peakQuantity: fc.oneof(fc.constant(undefined), fc.constant(undefined), number),
  selfTradePrevention: fc.oneof(fc.constant(undefined), fc.constantFrom('none', 'cancelBoth')),
  clientOrderId: fc.oneof(fc.constant(undefined), fc.constant(undefined), fc.string()),
})
const cancel = fc.record({
  type: fc.constant('cancel' as const),
  symbol,
  orderId: number,
  account: number,
})
const amend = fc.record({
  type: fc.constant('amend' as const),
  symbol,
  orderId: number,
  account: number,
  price: maybe(number),
  quantity: maybe(number),
})
const other = fc.oneof(
  fc.record({ type: fc.constant('massCancel' as const), symbol, account: maybe(number) }),
  fc.record({ type: fc.constantFrom('halt' as const, 'resume' as const, 'tick' as const), symbol }),
  fc.record({ type: fc.constant('setReferencePrice' as const), symbol, price: number }),
)
const command = fc.oneof(place, cancel, amend, other) as fc.Arbitrary<BookCommand>

const written = (write: (w: ByteWriter, c: BookCommand) => void, commands: BookCommand[]) => {
  const w = new ByteWriter(8)
  for (const c of commands) write(w, c)
  return w.subarray(0, w.length).slice()
}

describe('command codec', () => {
  it('the fast path writes the same bytes as the full encoder (property)', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 20 }), (commands) => {
        expect(written(writeCommand, commands)).toEqual(written(writeCommandInFull, commands))
      }),
      { numRuns: 2_000 },
    )
  })

  it('decodes what it encodes (property)', () => {
    fc.assert(
      fc.property(command, (c) => {
        const decoded = decodeCommand(encodeCommand(c)) as Record<string, unknown>
        const expected = Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined))
        expect(decoded).toEqual(expected)
      }),
      { numRuns: 2_000 },
    )
  })

  it('a plain limit order: the bytes of the journal format', () => {
    const bytes = encodeCommand({
      type: 'place',
      symbol: 'AB',
      orderId: 1,
      account: 2,
      side: 'sell',
      orderType: 'limit',
      price: 3,
      quantity: 4,
    })
    const f64 = (x: number) => [...new Uint8Array(new Float64Array([x]).buffer)]
    expect([...bytes]).toEqual([
      0,
      ...[2, 0, 0, 0, 65, 66],
      ...f64(1),
      ...f64(2),
      1,
      0,
      ...[3, 0, 0, 0],
      ...f64(3),
      ...f64(4),
    ])
  })
})
