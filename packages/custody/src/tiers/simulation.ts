// Replays days of withdrawals and deposits against the tiers, running the planner several times a
// day: automatic and quorum moves happen at once, ceremony moves land after a delay. Records
// whether hot ever ran dry and how tier shares stayed within their bands.
import { forecastWithdrawalDemand } from './forecast.js'
import { planRebalance, type RebalanceProposal } from './planner.js'
import type { SyntheticDay } from './syntheticFlows.js'
import { minBigint, shareBps, type TierBalances, type TierPolicy, totalOf } from './tiers.js'

/** Options of {@link simulateRebalancing}. */
export type SimulateRebalancingParameters = {
  policy: TierPolicy
  initial: TierBalances
  days: readonly SyntheticDay[]
  /** Daily withdrawal totals before day 0 (oldest first), to seed the forecast. */
  history?: readonly bigint[] | undefined
  /** Planner runs per day (default 4: every six hours). */
  runsPerDay?: number | undefined
  /** Days a cold ceremony takes from proposal to funds arriving (default 2). */
  ceremonyDelayDays?: number | undefined
}

/** Statistics of one share series, in basis points. */
export type BandStats = {
  readonly minBps: number
  readonly maxBps: number
  readonly inBandPct: number
}

/** Result of {@link simulateRebalancing}. */
export type RebalancingSimulationReport = {
  readonly days: number
  readonly withdrawals: { readonly count: number; readonly total: bigint }
  readonly deposits: { readonly count: number; readonly total: bigint }
  /** Withdrawal requests hot could not pay when they arrived (0 means hot never ran dry). */
  readonly dryEvents: number
  readonly minHot: bigint
  readonly minHotBps: number
  /** Hot and warm shares right after each planner run (what the planner controls). */
  readonly hotAfterPlan: BandStats
  readonly warmAfterPlan: BandStats
  /** Hot share at the end of each block, before the planner runs (intraday exposure). */
  readonly hotIntraday: BandStats
  readonly moves: Readonly<
    Record<'automatic' | 'quorum' | 'ceremony', { count: number; total: bigint }>
  >
  readonly warnings: number
  /** Ceremonies held (each may carry several cold moves). */
  readonly ceremonies: number
  /** Balances at the end of each 30-day month. */
  readonly monthly: readonly {
    day: number
    balances: TierBalances
    hotBps: number
    warmBps: number
  }[]
  readonly final: TierBalances
}

function stats(series: readonly number[], lo: number, hi: number): BandStats {
  let minBps = Number.POSITIVE_INFINITY
  let maxBps = Number.NEGATIVE_INFINITY
  let inBand = 0
  for (const v of series) {
    minBps = Math.min(minBps, v)
    maxBps = Math.max(maxBps, v)
    if (v >= lo && v <= hi) inBand++
  }
  return {
    minBps,
    maxBps,
    inBandPct: series.length === 0 ? 0 : Math.round((inBand / series.length) * 10_000) / 100,
  }
}

/** Runs the simulation (deterministic). */
export function simulateRebalancing(
  parameters: SimulateRebalancingParameters,
): RebalancingSimulationReport {
  const { policy } = parameters
  const runsPerDay = parameters.runsPerDay ?? 4
  const delay = parameters.ceremonyDelayDays ?? 2
  const b = { ...parameters.initial }
  const history = [...(parameters.history ?? [])]
  const pending: { due: number; move: RebalanceProposal }[] = []
  const hotAfter: number[] = []
  const warmAfter: number[] = []
  const hotIntraday: number[] = []
  const moves = {
    automatic: { count: 0, total: 0n },
    quorum: { count: 0, total: 0n },
    ceremony: { count: 0, total: 0n },
  }
  const monthly: RebalancingSimulationReport['monthly'][number][] = []
  let dryEvents = 0
  let ceremonies = 0
  let warnings = 0
  let minHot = b.hot
  let minHotBps = shareBps(b, 'hot')
  const totals = { wc: 0, wt: 0n, dc: 0, dt: 0n }
  const queue: bigint[] = []

  for (const day of parameters.days) {
    const blockOf = (i: number, n: number) => Math.floor((i * runsPerDay) / Math.max(n, 1))
    for (let block = 0; block < runsPerDay; block++) {
      const tick = day.day * runsPerDay + block
      // Ceremony funds that arrive now.
      for (let i = pending.length - 1; i >= 0; i--) {
        const p = pending[i]!
        if (p.due <= tick) {
          const amount = minBigint(p.move.amount, b.cold)
          b.cold -= amount
          b[p.move.to] += amount
          pending.splice(i, 1)
        }
      }
      const forecast = forecastWithdrawalDemand({ history, weekday: day.weekday })
      const plan = planRebalance({
        policy,
        balances: b,
        forecast,
        inFlight: pending.map((p) => p.move),
      })
      if (plan.warnings.length > 0) warnings++
      // One ceremony at a time (it may carry several moves); its funds arrive after the delay.
      const ceremonyFree = pending.length === 0
      if (ceremonyFree && plan.proposals.some((m) => m.mode === 'ceremony')) ceremonies++
      for (const move of plan.proposals) {
        if (move.mode === 'ceremony') {
          if (!ceremonyFree) continue
          pending.push({ due: tick + delay * runsPerDay, move })
        } else {
          b[move.from] -= move.amount
          b[move.to] += move.amount
        }
        moves[move.mode].count++
        moves[move.mode].total += move.amount
      }
      hotAfter.push(shareBps(b, 'hot'))
      warmAfter.push(shareBps(b, 'warm'))
      // This block's deposits and withdrawals, interleaved.
      const ws = day.withdrawals.filter((_, i) => blockOf(i, day.withdrawals.length) === block)
      const ds = day.deposits.filter((_, i) => blockOf(i, day.deposits.length) === block)
      const steps = Math.max(ws.length, ds.length)
      for (let i = 0; i < steps; i++) {
        const d = ds[i]
        if (d !== undefined) {
          b.hot += d
          totals.dc++
          totals.dt += d
        }
        const w = ws[i]
        if (w !== undefined) {
          totals.wc++
          totals.wt += w
          queue.push(w)
        }
        while (queue.length > 0 && queue[0]! <= b.hot) {
          b.hot -= queue.shift()!
        }
        if (queue.length > 0 && w !== undefined && queue[queue.length - 1] === w && w > b.hot)
          dryEvents++
        if (b.hot < minHot) minHot = b.hot
        const bps = shareBps(b, 'hot')
        if (bps < minHotBps) minHotBps = bps
      }
      hotIntraday.push(shareBps(b, 'hot'))
    }
    history.push(day.withdrawals.reduce((a, v) => a + v, 0n))
    if ((day.day + 1) % 30 === 0) {
      monthly.push({
        day: day.day + 1,
        balances: { ...b },
        hotBps: shareBps(b, 'hot'),
        warmBps: shareBps(b, 'warm'),
      })
    }
  }
  void totalOf
  return {
    days: parameters.days.length,
    withdrawals: { count: totals.wc, total: totals.wt },
    deposits: { count: totals.dc, total: totals.dt },
    dryEvents,
    minHot,
    minHotBps,
    hotAfterPlan: stats(hotAfter, policy.hot.minBps, policy.hot.maxBps),
    warmAfterPlan: stats(warmAfter, policy.warm.minBps, policy.warm.maxBps),
    hotIntraday: stats(hotIntraday, policy.hot.minBps, policy.hot.maxBps),
    moves,
    warnings,
    ceremonies,
    monthly,
    final: { ...b },
  }
}
