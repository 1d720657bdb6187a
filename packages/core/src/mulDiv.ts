import { divRound, type RoundingMode } from './rounding.js'

/**
 * Computes `a * b / c` with one explicit rounding, never losing precision in between.
 * Use it for fees (`mulDiv(notional, feeBps, 10_000n, 'ceil')`), pro-rata splits and price
 * conversions.
 *
 * @example
 * ```ts
 * mulDiv(1_000n, 3n, 7n, 'floor') // 428n
 * mulDiv(1_000n, 3n, 7n, 'ceil')  // 429n
 * ```
 * @throws {DivisionByZeroError} when `c` is zero.
 */
export function mulDiv(a: bigint, b: bigint, c: bigint, rounding: RoundingMode): bigint {
  return divRound(a * b, c, rounding)
}
