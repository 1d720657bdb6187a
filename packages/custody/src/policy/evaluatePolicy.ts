import type { QuorumRequirement } from '../authorization/approvalQuorum.js'
import type { SigningRequest } from '../authorization/signingRequest.js'
import type { WalletDefinition } from '../wallets/wallet.js'
import { addressKey, type CompiledPolicy, type CompiledRule } from './compilePolicy.js'
import type { BroadcastRoute } from './policySchema.js'
import type { VelocityScope, VelocityTracker } from './velocityTracker.js'

/** The screening outcome of the destination, from the compliance port. */
export type ScreeningOutcome = 'allow' | 'hold' | 'block' | 'unavailable'

/** Everything a policy decision looks at. */
export type PolicyContext = {
  readonly request: SigningRequest
  readonly wallet: Pick<WalletDefinition, 'id' | 'tier' | 'venue'>
  readonly screening: ScreeningOutcome
  readonly velocity: VelocityTracker
  readonly now: number
}

/** The outcome of evaluating a policy: which rule matched (or none) and what it says. */
export type PolicyDecision = {
  readonly policyId: string
  readonly policyVersion: number
  /** The first rule that matched, or `null` when none did (deny by default). */
  readonly ruleId: string | null
  readonly action: 'allow' | 'block' | 'require_approvals'
  /** For `require_approvals`: m of n per group. */
  readonly quorum: readonly QuorumRequirement[]
  readonly broadcast: BroadcastRoute
  /** For `block`: the rule's reason, or `no rule matched (deny by default)`. */
  readonly reason: string | undefined
  /** How many rules were looked at. */
  readonly rulesEvaluated: number
}

/** Deny-by-default reason. */
export const DEFAULT_DENY_REASON = 'no rule matched (deny by default)'

const DAY = 86_400_000

function scopeKey(scope: VelocityScope, context: PolicyContext): string {
  switch (scope) {
    case 'wallet':
      return context.request.walletId
    case 'initiator':
      return context.request.initiator
    case 'destination':
      return context.request.destination
    case 'venue':
      return context.wallet.venue
    case 'global':
      return ''
  }
}

function matches(rule: CompiledRule, context: PolicyContext, destinationKey: string): boolean {
  const { request, wallet } = context
  if (rule.initiators && !rule.initiators.has(request.initiator)) return false
  if (rule.wallets && !rule.wallets.has(request.walletId)) return false
  if (rule.tiers && !rule.tiers.has(wallet.tier)) return false
  if (rule.venues && !rule.venues.has(wallet.venue)) return false
  if (rule.chains && !rule.chains.has(request.chain)) return false
  if (rule.kinds && !rule.kinds.has(request.kind)) return false
  if (rule.assets && !rule.assets.has(request.asset)) return false
  if (rule.screening && !rule.screening.has(context.screening)) return false
  if (rule.inLists && !rule.inLists.some((list) => list.has(destinationKey))) return false
  if (rule.notInLists?.some((list) => list.has(destinationKey))) return false
  if (rule.amountAbove) {
    const threshold = rule.amountAbove.get(request.asset)
    if (threshold === undefined || !(request.amount > threshold)) return false
  }
  if (rule.amountAtMost) {
    const threshold = rule.amountAtMost.get(request.asset)
    if (threshold === undefined || !(request.amount <= threshold)) return false
  }
  if (rule.timeOfDay) {
    const t = rule.timeOfDay
    const local = context.now + t.offsetMs
    const day = Math.floor(local / DAY)
    const minute = Math.floor((local - day * DAY) / 60_000)
    const weekday = (((day + 4) % 7) + 7) % 7 // 1970-01-01 was a Thursday
    const inWindow =
      t.from <= t.to ? minute >= t.from && minute < t.to : minute >= t.from || minute < t.to
    const inside = inWindow && (t.days === undefined || t.days.has(weekday))
    if (inside === t.outside) return false
  }
  if (rule.velocity) {
    const v = rule.velocity
    const totals = context.velocity.totals(
      v.scope,
      scopeKey(v.scope, context),
      request.asset,
      v.windowMs,
      context.now,
    )
    const amountOver =
      v.above?.has(request.asset) === true &&
      totals.amount + request.amount > v.above!.get(request.asset)!
    const countOver = v.countAbove !== undefined && totals.count + 1 > v.countAbove
    if (!amountOver && !countOver) return false
  }
  return true
}

/**
 * Evaluates `policy` for one request: rules in order, the first whose conditions all hold
 * decides; when none matches the request is blocked (deny by default). Pure: reads the velocity
 * tracker but does not record anything.
 */
export function evaluatePolicy(policy: CompiledPolicy, context: PolicyContext): PolicyDecision {
  const destinationKey = addressKey(context.request.chain, context.request.destination)
  const rules = policy.rules
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!
    if (!matches(rule, context, destinationKey)) continue
    return {
      policyId: policy.id,
      policyVersion: policy.version,
      ruleId: rule.id,
      action: rule.action,
      quorum: rule.quorum,
      broadcast: rule.broadcast,
      reason: rule.reason,
      rulesEvaluated: i + 1,
    }
  }
  return {
    policyId: policy.id,
    policyVersion: policy.version,
    ruleId: null,
    action: 'block',
    quorum: [],
    broadcast: 'public',
    reason: DEFAULT_DENY_REASON,
    rulesEvaluated: rules.length,
  }
}
