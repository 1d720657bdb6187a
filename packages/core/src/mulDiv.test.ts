import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DivisionByZeroError } from './coreErrors.js'
import { mulDiv } from './mulDiv.js'
import { divRound, type RoundingMode, roundingModes } from './rounding.js'

const abs = (x: bigint) => (x < 0n ? -x : x)

/**
 * The exact rational n/d (d > 0 after normalising) and the defining property of each rounding
 * mode, written independently of the implementation: q is the correct result iff these hold.
 */
function isCorrectlyRounded(n: bigint, d: bigint, q: bigint, mode: RoundingMode): boolean {
  if (d < 0n) {
    n = -n
    d = -d
  }
  const lower = q * d // compare n/d with q by comparing n with q*d
  switch (mode) {
    case 'floor':
      return lower <= n && n < lower + d
    case 'ceil':
      return lower - d < n && n <= lower
    case 'trunc':
      return n >= 0n ? lower <= n && n < lower + d : lower - d < n && n <= lower
    case 'halfEven':
    case 'halfExpand': {
      const twiceError = abs(2n * (n - lower)) // |n/d - q| * 2d
      if (twiceError > d) return false
      if (twiceError < d) return true
      // A tie: the two candidates are q and the neighbour on the other side of n/d.
      if (mode === 'halfEven') return q % 2n === 0n
      return abs(q) * d > abs(n) // away from zero
    }
  }
}

const big = fc.bigInt({ min: -(1n << 200n), max: 1n << 200n })
const small = fc.bigInt({ min: -50n, max: 50n })
const nonZero = (arb: fc.Arbitrary<bigint>) => arb.filter((x) => x !== 0n)

describe('mulDiv', () => {
  it('matches exact rational arithmetic for every rounding mode (large values)', () => {
    fc.assert(
      fc.property(big, big, nonZero(big), fc.constantFrom(...roundingModes), (a, b, c, mode) => {
        expect(isCorrectlyRounded(a * b, c, mulDiv(a, b, c, mode), mode)).toBe(true)
      }),
      { numRuns: 5_000 },
    )
  })

  it('matches exact rational arithmetic for every rounding mode (small values, many ties)', () => {
    fc.assert(
      fc.property(
        small,
        small,
        nonZero(small),
        fc.constantFrom(...roundingModes),
        (a, b, c, mode) => {
          expect(isCorrectlyRounded(a * b, c, mulDiv(a, b, c, mode), mode)).toBe(true)
        },
      ),
      { numRuns: 20_000 },
    )
  })

  it('rounds the textbook cases', () => {
    // 5/2 = 2.5, -5/2 = -2.5, 7/2 = 3.5
    expect(roundingModes.map((m) => divRound(5n, 2n, m))).toEqual([2n, 3n, 2n, 2n, 3n])
    expect(roundingModes.map((m) => divRound(-5n, 2n, m))).toEqual([-3n, -2n, -2n, -2n, -3n])
    expect(roundingModes.map((m) => divRound(7n, 2n, m))).toEqual([3n, 4n, 3n, 4n, 4n])
    expect(roundingModes.map((m) => divRound(7n, -2n, m))).toEqual([-4n, -3n, -3n, -4n, -4n])
    expect(mulDiv(1_000n, 3n, 7n, 'floor')).toBe(428n)
    expect(mulDiv(1_000n, 3n, 7n, 'ceil')).toBe(429n)
  })

  it('keeps precision far beyond 2^53 and 2^256 in the intermediate product', () => {
    const max = (1n << 256n) - 1n
    expect(mulDiv(max, max, max, 'floor')).toBe(max)
    expect(mulDiv(max, 3n, 3n, 'ceil')).toBe(max)
  })

  it('throws DivisionByZeroError on a zero divisor', () => {
    expect(() => mulDiv(1n, 1n, 0n, 'floor')).toThrowError(DivisionByZeroError)
    try {
      divRound(1n, 0n, 'trunc')
    } catch (error) {
      expect((error as DivisionByZeroError).code).toBe('CORE_DIVISION_BY_ZERO')
    }
  })
})
