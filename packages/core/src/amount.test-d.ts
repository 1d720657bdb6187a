import { expectTypeOf, test } from 'vitest'
import type { Amount } from './amount.js'
import { parseAmount } from './amount.js'
import { defineAsset } from './asset.js'

test('amounts of different assets do not mix', () => {
  const BTC = defineAsset({ code: 'BTC', decimals: 8 })
  const btc = parseAmount({ asset: BTC, value: '1' })
  expectTypeOf(btc).toEqualTypeOf<Amount<'BTC'>>()
  expectTypeOf(btc).not.toEqualTypeOf<Amount<'ETH'>>()
  // @ts-expect-error an ETH amount is not a BTC amount
  const eth: Amount<'ETH'> = btc
  void eth
  // @ts-expect-error a plain bigint is not an amount
  const raw: Amount<'BTC'> = 5n
  void raw
  // An amount is still a bigint for arithmetic.
  expectTypeOf(btc).toExtend<bigint>()
})
