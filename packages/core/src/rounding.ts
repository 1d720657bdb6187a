import { DivisionByZeroError } from './coreErrors.js'

/**
 * How a division that is not exact is rounded.
 *
 * - `floor`: toward negative infinity
 * - `ceil`: toward positive infinity
 * - `trunc`: toward zero
 * - `halfEven`: to nearest, ties to the even neighbour (banker's rounding)
 * - `halfExpand`: to nearest, ties away from zero (the school rule; ECMA-402 calls it halfExpand)
 */
export type RoundingMode = 'floor' | 'ceil' | 'trunc' | 'halfEven' | 'halfExpand'

/** Every {@link RoundingMode}, for schemas and exhaustive tests. */
export const roundingModes: readonly RoundingMode[] = Object.freeze([
  'floor',
  'ceil',
  'trunc',
  'halfEven',
  'halfExpand',
])

/**
 * Divides `numerator` by `denominator` and rounds the quotient as `mode` says.
 * Exact for every bigint; no intermediate precision is lost.
 *
 * @throws {DivisionByZeroError} when `denominator` is zero.
 */
export function divRound(numerator: bigint, denominator: bigint, mode: RoundingMode): bigint {
  if (denominator === 0n) throw new DivisionByZeroError()
  let n = numerator
  let d = denominator
  if (d < 0n) {
    n = -n
    d = -d
  }
  const q = n / d // truncates toward zero
  const r = n % d // same sign as n
  if (r === 0n) return q
  const negative = n < 0n
  switch (mode) {
    case 'trunc':
      return q
    case 'floor':
      return negative ? q - 1n : q
    case 'ceil':
      return negative ? q : q + 1n
    case 'halfEven':
    case 'halfExpand': {
      const twice = (r < 0n ? -r : r) * 2n
      const away = negative ? q - 1n : q + 1n
      if (twice > d) return away
      if (twice < d) return q
      if (mode === 'halfExpand') return away
      return q % 2n === 0n ? q : away
    }
  }
}
