import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InvalidAmountError } from './coreErrors.js'
import { formatDecimal, parseDecimal } from './decimal.js'

function ruleOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (error) {
    if (error instanceof InvalidAmountError) return error.rule
    throw error
  }
  return undefined
}

describe('parseDecimal', () => {
  it('parses plain decimals into minor units', () => {
    expect(parseDecimal('12.345', { decimals: 3 })).toBe(12_345n)
    expect(parseDecimal('12.3', { decimals: 3 })).toBe(12_300n)
    expect(parseDecimal('0', { decimals: 8 })).toBe(0n)
    expect(parseDecimal('100', { decimals: 0 })).toBe(100n)
    expect(parseDecimal('-0.5', { decimals: 2, allowNegative: true })).toBe(-50n)
    expect(parseDecimal('1.2300', { decimals: 2 })).toBe(123n) // trailing zeros are exact
  })

  it.each([
    ['', 'format'],
    [' 1', 'format'],
    ['1 ', 'format'],
    ['+1', 'format'],
    ['1e5', 'format'],
    ['.5', 'format'],
    ['5.', 'format'],
    ['01', 'format'],
    ['1,5', 'format'],
    ['0x10', 'format'],
    ['NaN', 'format'],
    ['Infinity', 'format'],
    ['1.2.3', 'format'],
    ['١٢', 'format'], // Arabic-Indic digits
    ['-1', 'negative'],
    ['1.001', 'too_many_decimals'],
    ['9'.repeat(200), 'too_long'],
  ])('rejects %j with rule %s', (value, rule) => {
    expect(ruleOf(() => parseDecimal(value, { decimals: 2 }))).toBe(rule)
  })

  it('names the field in the error', () => {
    try {
      parseDecimal('1.001', { decimals: 2, path: ['order', 'legs', 1, 'price'] })
      expect.unreachable()
    } catch (error) {
      const e = error as InvalidAmountError
      expect(e.path).toEqual(['order', 'legs', 1, 'price'])
      expect(e.shortMessage).toContain('order.legs[1].price')
      expect(e.issue).toEqual({
        code: 'too_many_decimals',
        path: ['order', 'legs', 1, 'price'],
        message: '"1.001" has more than 2 decimal places.',
      })
    }
  })

  it('rounds extra digits only when a mode is given', () => {
    expect(parseDecimal('1.005', { decimals: 2, rounding: 'halfEven' })).toBe(100n)
    expect(parseDecimal('1.015', { decimals: 2, rounding: 'halfEven' })).toBe(102n)
    expect(parseDecimal('1.001', { decimals: 2, rounding: 'ceil' })).toBe(101n)
    expect(parseDecimal('-1.001', { decimals: 2, rounding: 'ceil', allowNegative: true })).toBe(
      -100n,
    )
    expect(parseDecimal('-1.001', { decimals: 2, rounding: 'floor', allowNegative: true })).toBe(
      -101n,
    )
    expect(parseDecimal('1.0050', { decimals: 2, rounding: 'halfExpand' })).toBe(101n)
  })

  it('round-trips with formatDecimal for any integer and scale', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(1n << 256n), max: 1n << 256n }),
        fc.integer({ min: 0, max: 36 }),
        fc.boolean(),
        (units, decimals, trim) => {
          const text = formatDecimal(units, decimals, trim)
          expect(parseDecimal(text, { decimals, allowNegative: true, maxLength: 200 })).toBe(units)
        },
      ),
      { numRuns: 5_000 },
    )
  })

  it('formats with every decimal or trimmed', () => {
    expect(formatDecimal(1_500n, 3)).toBe('1.500')
    expect(formatDecimal(1_500n, 3, true)).toBe('1.5')
    expect(formatDecimal(1_000n, 3, true)).toBe('1')
    expect(formatDecimal(-5n, 3)).toBe('-0.005')
    expect(formatDecimal(0n, 0)).toBe('0')
  })
})
