import { describe, expect, it } from 'vitest'
import { formatAmount, parseAmount, toAmount } from './amount.js'
import { defineAsset } from './asset.js'
import { InvalidAmountError } from './coreErrors.js'

const BTC = defineAsset({ code: 'BTC', decimals: 8, maxAmount: '21000000' })
const ETH = defineAsset({ code: 'ETH', decimals: 18 })

function failure(fn: () => unknown): InvalidAmountError {
  try {
    fn()
  } catch (error) {
    if (error instanceof InvalidAmountError) return error
    throw error
  }
  throw new Error('expected an InvalidAmountError')
}

describe('amounts', () => {
  it('parses whole units into minor units', () => {
    expect(parseAmount({ asset: BTC, value: '0.015' })).toBe(1_500_000n)
    expect(parseAmount({ asset: ETH, value: '1.000000000000000001' })).toBe(10n ** 18n + 1n)
    expect(formatAmount(BTC, 1_500_000n)).toBe('0.01500000')
    expect(formatAmount(BTC, 1_500_000n, true)).toBe('0.015')
  })

  it('rejects values past the asset range with out_of_range, naming the field', () => {
    const error = failure(() =>
      parseAmount({ asset: BTC, value: '21000000.00000001', path: ['withdrawal', 'amount'] }),
    )
    expect(error.code).toBe('CORE_AMOUNT_OUT_OF_RANGE')
    expect(error.rule).toBe('out_of_range')
    expect(error.path).toEqual(['withdrawal', 'amount'])
    expect(parseAmount({ asset: BTC, value: '21000000' })).toBe(2_100_000_000_000_000n)
  })

  it('rejects negative amounts unless allowed, also past the range below zero', () => {
    expect(failure(() => parseAmount({ asset: BTC, value: '-1' })).rule).toBe('negative')
    expect(parseAmount({ asset: BTC, value: '-1', allowNegative: true })).toBe(-100_000_000n)
    expect(
      failure(() => parseAmount({ asset: BTC, value: '-21000001', allowNegative: true })).rule,
    ).toBe('out_of_range')
  })

  it('rejects too many decimals unless a rounding mode is given', () => {
    const error = failure(() => parseAmount({ asset: BTC, value: '0.000000001', path: ['amount'] }))
    expect(error.rule).toBe('too_many_decimals')
    expect(error.code).toBe('CORE_INVALID_AMOUNT')
    expect(parseAmount({ asset: BTC, value: '0.000000015', rounding: 'halfEven' })).toBe(2n)
    expect(parseAmount({ asset: BTC, value: '0.000000015', rounding: 'floor' })).toBe(1n)
  })

  it('bounds the length of hostile input', () => {
    expect(failure(() => parseAmount({ asset: BTC, value: '1'.repeat(10_000) })).rule).toBe(
      'too_long',
    )
  })

  it('toAmount checks the range of raw minor units', () => {
    expect(toAmount(BTC, 5n)).toBe(5n)
    expect(failure(() => toAmount(BTC, 2_100_000_000_000_001n)).rule).toBe('out_of_range')
    expect(failure(() => toAmount(BTC, -1n)).rule).toBe('negative')
    expect(failure(() => toAmount(ETH, 1n << 256n)).rule).toBe('out_of_range')
  })
})
