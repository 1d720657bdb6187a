// Withdrawal-demand forecast from history: the mean and a high quantile of daily withdrawal
// totals over a trailing window, with a day-of-week factor so that a busy Monday is expected.
import { mulDiv } from '@strongroom/core'
import { TierPolicyError } from './tierErrors.js'

/** Forecast of daily withdrawal demand, minor units. */
export type WithdrawalForecast = {
  /** Mean daily total over the window. */
  readonly meanDaily: bigint
  /** The `quantile` of daily totals over the window, scaled by the coming weekday's factor. */
  readonly peakDaily: bigint
  /** Number of days the forecast is based on. */
  readonly days: number
}

/** Options of {@link forecastWithdrawalDemand}. */
export type ForecastWithdrawalDemandParameters = {
  /** Daily withdrawal totals, oldest first (minor units, non-negative). */
  history: readonly bigint[]
  /** Trailing window in days (default 90). */
  windowDays?: number | undefined
  /** Quantile of daily totals taken as the peak, in basis points (default 9_900 = p99). */
  quantileBps?: number | undefined
  /**
   * Index (0…6) of the weekday being forecast, with `history[i]` on weekday `i % 7`; when given,
   * the peak is scaled by that weekday's mean relative to the overall mean (never below 1).
   */
  weekday?: number | undefined
}

/**
 * Forecasts daily withdrawal demand from history.
 * @throws {TierPolicyError} on negative history values or bad options.
 */
export function forecastWithdrawalDemand(
  parameters: ForecastWithdrawalDemandParameters,
): WithdrawalForecast {
  const windowDays = parameters.windowDays ?? 90
  const quantileBps = parameters.quantileBps ?? 9_900
  if (!Number.isInteger(windowDays) || windowDays < 1)
    throw new TierPolicyError('must be a positive integer', { path: ['windowDays'], rule: 'range' })
  if (!Number.isInteger(quantileBps) || quantileBps < 0 || quantileBps > 10_000) {
    throw new TierPolicyError('must be an integer in [0, 10000]', {
      path: ['quantileBps'],
      rule: 'range',
    })
  }
  const { history } = parameters
  history.forEach((v, i) => {
    if (typeof v !== 'bigint' || v < 0n)
      throw new TierPolicyError('must be a non-negative bigint', {
        path: ['history', i],
        rule: 'negative',
      })
  })
  const start = Math.max(0, history.length - windowDays)
  const window = history.slice(start)
  if (window.length === 0) return { meanDaily: 0n, peakDaily: 0n, days: 0 }
  const sum = window.reduce((a, b) => a + b, 0n)
  const meanDaily = sum / BigInt(window.length)
  const sorted = [...window].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  // Nearest-rank quantile.
  const rank = Math.max(1, Math.ceil((quantileBps / 10_000) * sorted.length))
  let peakDaily = sorted[rank - 1]!
  const { weekday } = parameters
  if (weekday !== undefined && meanDaily > 0n) {
    let daySum = 0n
    let dayCount = 0n
    for (let i = start; i < history.length; i++) {
      if (i % 7 === weekday) {
        daySum += history[i]!
        dayCount++
      }
    }
    if (dayCount > 0n) {
      const dayMean = daySum / dayCount
      if (dayMean > meanDaily) peakDaily = mulDiv(peakDaily, dayMean, meanDaily, 'ceil')
    }
  }
  return { meanDaily, peakDaily, days: window.length }
}
