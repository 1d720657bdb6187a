// The rebalancing planner: given balances, the policy and the demand forecast, proposes moves
// between tiers. Hot → warm/cold sweeps are automatic; warm → hot top-ups are signed by the warm
// FROST quorum (no people); anything out of cold needs a ceremony.
import { mulDiv } from '@strongroom/core'
import type { WithdrawalForecast } from './forecast.js'
import {
  assertTierBalances,
  assertTierPolicy,
  minBigint,
  type Tier,
  type TierBalances,
  type TierPolicy,
  totalOf,
} from './tiers.js'

/** How a move is authorised. */
export type RebalanceMode = 'automatic' | 'quorum' | 'ceremony'

/** One proposed move. */
export type RebalanceProposal = {
  readonly from: Tier
  readonly to: Tier
  readonly amount: bigint
  readonly mode: RebalanceMode
  readonly reason: 'hot_above_band' | 'hot_below_target' | 'warm_above_band' | 'warm_below_target'
}

/** The planner's output. */
export type RebalancePlan = {
  readonly targets: TierBalances
  readonly proposals: readonly RebalanceProposal[]
  /** Set when the forecast needs more hot funds than the hot band allows. */
  readonly warnings: readonly ('forecast_exceeds_hot_band' | 'forecast_exceeds_warm_band')[]
}

const clamp = (v: bigint, lo: bigint, hi: bigint) => (v < lo ? lo : v > hi ? hi : v)
const modeOf = (from: Tier): RebalanceMode =>
  from === 'hot' ? 'automatic' : from === 'warm' ? 'quorum' : 'ceremony'

/**
 * Plans the moves that bring hot and warm back into their bands, sized from the forecast:
 * hot is kept at max(forecast peak × hotCoverDays, band minimum), capped at the band maximum;
 * warm at max(peak × warmCoverDays, band minimum), capped likewise. A tier is moved only when it is
 * outside its band or below its forecast need, and then to its target.
 *
 * `inFlight` lists moves already under way (e.g. a cold ceremony scheduled), counted as if done.
 * @throws {TierPolicyError} on an invalid policy or balances.
 */
export function planRebalance(parameters: {
  policy: TierPolicy
  balances: TierBalances
  forecast: WithdrawalForecast
  inFlight?: readonly RebalanceProposal[] | undefined
}): RebalancePlan {
  const { policy, forecast } = parameters
  assertTierPolicy(policy)
  assertTierBalances(parameters.balances)
  const b = { ...parameters.balances }
  // Moves under way (a ceremony being arranged): their destination counts them as arriving, their
  // source as already spent, so the planner neither proposes them twice nor spends them twice.
  const incoming = { hot: 0n, warm: 0n, cold: 0n }
  for (const move of parameters.inFlight ?? []) {
    b[move.from] -= minBigint(move.amount, b[move.from])
    incoming[move.to] += move.amount
  }
  const total = totalOf(parameters.balances)
  const band = (bps: number, mode: 'floor' | 'ceil') => mulDiv(total, BigInt(bps), 10_000n, mode)
  const hotMin = band(policy.hot.minBps, 'ceil')
  const hotMax = band(policy.hot.maxBps, 'floor')
  const warmMin = band(policy.warm.minBps, 'ceil')
  const warmMax = band(policy.warm.maxBps, 'floor')
  const hotNeed = forecast.peakDaily * BigInt(policy.hotCoverDays)
  const warmNeed = forecast.peakDaily * BigInt(policy.warmCoverDays)
  const warnings: RebalancePlan['warnings'][number][] = []
  if (hotNeed > hotMax) warnings.push('forecast_exceeds_hot_band')
  if (warmNeed > warmMax) warnings.push('forecast_exceeds_warm_band')
  const hotTarget = clamp(hotNeed > hotMin ? hotNeed : (hotMin + hotMax) / 2n, hotMin, hotMax)
  const warmTarget = clamp(
    warmNeed > warmMin ? warmNeed : (warmMin + warmMax) / 2n,
    warmMin,
    warmMax,
  )
  const proposals: RebalanceProposal[] = []
  const move = (from: Tier, to: Tier, amount: bigint, reason: RebalanceProposal['reason']) => {
    const available = b[from]
    const size = amount > available ? available : amount
    if (size <= 0n || size < policy.minimumMove) return
    b[from] -= size
    b[to] += size
    proposals.push({ from, to, amount: size, mode: modeOf(from), reason })
  }
  // Hot too full: sweep the excess down, to warm while warm is below its target, then to cold.
  if (b.hot > hotMax) {
    const excess = b.hot - hotTarget
    const warmRoom = warmTarget > b.warm ? warmTarget - b.warm : 0n
    const toWarm = excess < warmRoom ? excess : warmRoom
    move('hot', 'warm', toWarm, 'hot_above_band')
    move('hot', 'cold', excess - toWarm, 'hot_above_band')
  }
  // Hot short of its target: top up from warm (quorum), the rest from cold (ceremony).
  const hotSoon = b.hot + incoming.hot
  // The band is a hard limit on exposure: top up to the (clamped) target, never past the maximum.
  if (hotSoon < hotMin || hotSoon < clamp(hotNeed, 0n, hotMax)) {
    const shortfall = hotTarget - hotSoon
    const fromWarm = minBigint(shortfall, b.warm)
    move('warm', 'hot', fromWarm, 'hot_below_target')
    if (shortfall > fromWarm) move('cold', 'hot', shortfall - fromWarm, 'hot_below_target')
  }
  // Warm too full: sweep to cold automatically (warm is still online).
  if (b.warm + incoming.warm > warmMax)
    move('warm', 'cold', b.warm + incoming.warm - warmTarget, 'warm_above_band')
  // Warm short: refill from cold through a ceremony.
  const warmSoon = b.warm + incoming.warm
  if (warmSoon < warmMin || warmSoon < clamp(warmNeed, 0n, warmMax))
    move('cold', 'warm', warmTarget - warmSoon, 'warm_below_target')
  return {
    targets: { hot: hotTarget, warm: warmTarget, cold: total - hotTarget - warmTarget },
    proposals,
    warnings,
  }
}
