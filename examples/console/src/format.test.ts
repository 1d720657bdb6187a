import { describe, expect, it } from 'vitest'
import { describeError, formatUnits, percent } from './format.js'

describe('console formatting', () => {
  it('formats minor units exactly', () => {
    expect(formatUnits('1000000000000000000', 18)).toBe('1')
    expect(formatUnits('1500000', 6)).toBe('1.5')
    expect(formatUnits('5', 6)).toBe('0.000005')
    expect(formatUnits('-250', 2)).toBe('-2.5')
    expect(formatUnits('123456789012345678901234567890', 18)).toBe('123456789012.34567890123456789')
  })
  it('formats basis points and refusals', () => {
    expect(percent(250)).toBe('2.50 %')
    expect(describeError({ code: 'forbidden', message: 'no' })).toBe('Refused (forbidden): no')
  })
})
