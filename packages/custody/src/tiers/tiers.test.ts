import { describe, expect, it } from 'vitest'
import { forecastWithdrawalDemand } from './forecast.js'
import { planRebalance } from './planner.js'
import { simulateRebalancing } from './simulation.js'
import { generateSyntheticFlows } from './syntheticFlows.js'
import { TierPolicyError } from './tierErrors.js'
import { defaultTierPolicy, shareBps } from './tiers.js'

const BTC = 100_000_000n
const policy = defaultTierPolicy('BTC', 1_000_000n)

describe('forecast', () => {
  it('takes the mean and nearest-rank quantile of the window, scaled for a busy weekday', () => {
    const history = Array.from({ length: 100 }, (_, i) => BigInt(i + 1) * BTC)
    const f = forecastWithdrawalDemand({ history, windowDays: 100, quantileBps: 9_000 })
    expect(f.meanDaily).toBe(50n * BTC + BTC / 2n)
    expect(f.peakDaily).toBe(90n * BTC)
    const weekly = Array.from({ length: 28 }, (_, i) => (i % 7 === 0 ? 20n : 10n) * BTC)
    const monday = forecastWithdrawalDemand({ history: weekly, quantileBps: 5_000, weekday: 0 })
    expect(monday.peakDaily).toBeGreaterThan(10n * BTC)
    expect(
      forecastWithdrawalDemand({ history: weekly, quantileBps: 5_000, weekday: 3 }).peakDaily,
    ).toBe(10n * BTC)
  })

  it('rejects negative history with the index named', () => {
    try {
      forecastWithdrawalDemand({ history: [1n, -1n] })
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(TierPolicyError)
      expect((e as TierPolicyError).path).toEqual(['history', 1])
    }
  })
})

describe('planner', () => {
  const forecast = { meanDaily: 10n * BTC, peakDaily: 30n * BTC, days: 90 }

  it('sweeps excess hot to warm then cold automatically', () => {
    const plan = planRebalance({
      policy,
      balances: { hot: 100n * BTC, warm: 80n * BTC, cold: 820n * BTC },
      forecast,
    })
    expect(plan.proposals).toEqual([
      { from: 'hot', to: 'warm', amount: 45n * BTC, mode: 'automatic', reason: 'hot_above_band' },
      { from: 'hot', to: 'cold', amount: 25n * BTC, mode: 'automatic', reason: 'hot_above_band' },
    ])
    // Hot target: the 30 BTC peak-day forecast (inside the 20–50 BTC band); warm: band midpoint.
    expect(plan.targets.hot).toBe(30n * BTC)
    expect(plan.targets.warm).toBe(125n * BTC)
  })

  it('tops hot up from warm by quorum, and from cold only through a ceremony', () => {
    const plan = planRebalance({
      policy,
      balances: { hot: 5n * BTC, warm: 10n * BTC, cold: 985n * BTC },
      forecast,
    })
    expect(plan.proposals).toEqual([
      { from: 'warm', to: 'hot', amount: 10n * BTC, mode: 'quorum', reason: 'hot_below_target' },
      { from: 'cold', to: 'hot', amount: 15n * BTC, mode: 'ceremony', reason: 'hot_below_target' },
      {
        from: 'cold',
        to: 'warm',
        amount: 125n * BTC,
        mode: 'ceremony',
        reason: 'warm_below_target',
      },
    ])
    for (const p of plan.proposals) if (p.from === 'cold') expect(p.mode).toBe('ceremony')
  })

  it('does nothing when every tier is in band and covers demand', () => {
    const plan = planRebalance({
      policy,
      balances: { hot: 40n * BTC, warm: 120n * BTC, cold: 840n * BTC },
      forecast,
    })
    expect(plan.proposals).toEqual([])
  })

  it('rejects an invalid policy naming the field', () => {
    try {
      planRebalance({
        policy: { ...policy, hot: { minBps: 600, maxBps: 500 } },
        balances: { hot: 0n, warm: 0n, cold: 0n },
        forecast,
      })
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(TierPolicyError)
      expect((e as TierPolicyError).path).toEqual(['hot', 'minBps'])
      expect((e as TierPolicyError).rule).toBe('order')
    }
  })
})

describe('synthetic year', () => {
  it('hot never runs dry and the planner keeps hot and warm within band', () => {
    const holdings = 10_000n * BTC
    const days = generateSyntheticFlows({ seed: 7, days: 365, holdings, meanRequest: BTC / 4n })
    const history = generateSyntheticFlows({
      seed: 8,
      days: 60,
      holdings,
      meanRequest: BTC / 4n,
      stressDays: [],
      bankRunStart: 1000,
    }).map((d) => d.withdrawals.reduce((a, v) => a + v, 0n))
    const report = simulateRebalancing({
      policy,
      initial: { hot: 300n * BTC, warm: 1_200n * BTC, cold: 8_500n * BTC },
      days,
      history,
    })
    expect(report.days).toBe(365)
    expect(report.withdrawals.count).toBeGreaterThan(10_000)
    expect(report.dryEvents).toBe(0)
    expect(report.minHot).toBeGreaterThan(0n)
    expect(report.hotAfterPlan.maxBps).toBeLessThanOrEqual(500)
    expect(report.hotAfterPlan.inBandPct).toBeGreaterThan(95)
    expect(report.warmAfterPlan.inBandPct).toBeGreaterThan(90)
    expect(report.moves.ceremony.count).toBeGreaterThan(0)
    expect(shareBps(report.final, 'cold')).toBeGreaterThan(7_500)
  })
})

describe('docs/rebalancing.md', () => {
  it('is the output of the report script (re-run `pnpm --filter @strongroom/custody run report:rebalancing`)', async () => {
    const { readFileSync } = await import('node:fs')
    const { rebalancingReportMarkdown, rebalancingReport } = await import(
      '../../bench/rebalancingReport.js'
    )
    const doc = readFileSync(new URL('../../../../docs/rebalancing.md', import.meta.url), 'utf8')
    expect(doc).toBe(rebalancingReportMarkdown)
    expect(rebalancingReport.dryEvents).toBe(0)
    expect(rebalancingReport.hotAfterPlan.maxBps).toBeLessThanOrEqual(500)
    expect(rebalancingReport.hotAfterPlan.minBps).toBeGreaterThanOrEqual(200)
  })
})
