// Wallet tiers per asset: hot (online, pays withdrawals), warm (FROST t-of-n across signer nodes,
// signs without people), cold (offline, Shamir shares; moves only through a ceremony). Each tier
// has a target band as a share of the asset's total, in basis points.
import { TierPolicyError } from './tierErrors.js'

/** The three tiers. */
export type Tier = 'hot' | 'warm' | 'cold'

/** A band in basis points of the asset's total holdings (10_000 = 100 %). */
export type TierBand = { readonly minBps: number; readonly maxBps: number }

/** Balances of one asset per tier, in minor units. */
export type TierBalances = { readonly hot: bigint; readonly warm: bigint; readonly cold: bigint }

/** Rebalancing policy of one asset. */
export type TierPolicy = {
  readonly asset: string
  /** Hot band, e.g. 2–5 % = `{ minBps: 200, maxBps: 500 }`. */
  readonly hot: TierBand
  /** Warm band, e.g. 10–15 %. Cold holds the rest. */
  readonly warm: TierBand
  /** Hot must hold at least this many days of forecast peak withdrawals (within its band). */
  readonly hotCoverDays: number
  /** Warm must cover this many days of peak demand: the time a cold ceremony takes to arrange. */
  readonly warmCoverDays: number
  /** Moves smaller than this are not worth a transaction (minor units). */
  readonly minimumMove: bigint
}

/** The example policy of the architecture: hot 2–5 %, warm 10–15 %, the rest cold. */
export function defaultTierPolicy(asset: string, minimumMove = 0n): TierPolicy {
  return {
    asset,
    hot: { minBps: 200, maxBps: 500 },
    warm: { minBps: 1_000, maxBps: 1_500 },
    hotCoverDays: 1,
    warmCoverDays: 3,
    minimumMove,
  }
}

/**
 * Validates a policy: bands within 0…10 000 bps, min ≤ max, hot + warm maxima ≤ 100 %, positive
 * cover horizons, non-negative minimum move.
 * @throws {TierPolicyError} naming the field.
 */
export function assertTierPolicy(policy: TierPolicy): void {
  for (const tier of ['hot', 'warm'] as const) {
    const band = policy[tier]
    for (const end of ['minBps', 'maxBps'] as const) {
      const v = band[end]
      if (!Number.isInteger(v) || v < 0 || v > 10_000) {
        throw new TierPolicyError('must be an integer in [0, 10000]', {
          path: [tier, end],
          rule: 'range',
        })
      }
    }
    if (band.minBps > band.maxBps)
      throw new TierPolicyError('must not exceed maxBps', { path: [tier, 'minBps'], rule: 'order' })
  }
  if (policy.hot.maxBps + policy.warm.maxBps > 10_000) {
    throw new TierPolicyError('hot and warm maxima exceed 100 %', {
      path: ['warm', 'maxBps'],
      rule: 'range',
    })
  }
  for (const field of ['hotCoverDays', 'warmCoverDays'] as const) {
    const v = policy[field]
    if (!Number.isInteger(v) || v < 0 || v > 365)
      throw new TierPolicyError('must be an integer in [0, 365]', { path: [field], rule: 'range' })
  }
  if (typeof policy.minimumMove !== 'bigint' || policy.minimumMove < 0n) {
    throw new TierPolicyError('must be a non-negative bigint', {
      path: ['minimumMove'],
      rule: 'negative',
    })
  }
}

/** Checks balances are non-negative bigints. @throws {TierPolicyError} */
export function assertTierBalances(balances: TierBalances): void {
  for (const tier of ['hot', 'warm', 'cold'] as const) {
    if (typeof balances[tier] !== 'bigint' || balances[tier] < 0n) {
      throw new TierPolicyError('must be a non-negative bigint', {
        path: ['balances', tier],
        rule: 'negative',
      })
    }
  }
}

/** Total of all tiers. */
export function totalOf(balances: TierBalances): bigint {
  return balances.hot + balances.warm + balances.cold
}

/** A tier's share of the total in basis points (floor); 0 when the total is 0. */
export function shareBps(balances: TierBalances, tier: Tier): number {
  const total = totalOf(balances)
  return total === 0n ? 0 : Number((balances[tier] * 10_000n) / total)
}

/** The smaller of two bigints (`Math.min` does not take bigints). */
export function minBigint(a: bigint, b: bigint): bigint {
  if (a < b) return a
  return b
}
