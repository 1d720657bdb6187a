import { InputError, type IssuePath, registerErrorCodes } from '@strongroom/core'
import { version } from '../version.js'

/** Error codes of the tiers and rebalancing module. */
export const TierErrorCode = registerErrorCodes('@strongroom/custody', {
  CUSTODY_TIER_INVALID_POLICY:
    'A tier policy or balance is invalid (bands out of order, negative balances, bad horizons).',
})

/** Rules a tier policy can break. */
export type TierPolicyRule = 'range' | 'order' | 'type' | 'negative'

/** A tier policy, balance or history value is invalid; names the field and rule. */
export class TierPolicyError extends InputError<'CUSTODY_TIER_INVALID_POLICY', TierPolicyRule> {
  override name = 'TierPolicyError'
  constructor(message: string, options: { path: IssuePath; rule: TierPolicyRule }) {
    super(message, {
      ...options,
      code: 'CUSTODY_TIER_INVALID_POLICY',
      version: `@strongroom/custody@${version}`,
    })
  }
}
