import type { ComplianceEvent } from '@strongroom/core'
import type { RuleOf } from '../engine/ruleSet.js'
import type { ActivityEntry, ActivityStore } from './activity.js'

// The FinCEN virtual-currency typologies (FIN-2019-A003 red flags: structuring below reporting
// thresholds, rapid movement of funds, layering through accounts, unusual velocity, dormant
// accounts suddenly active) as pure functions of an account's activity window. Each returns the
// evidence of a hit, or undefined.

/** Evidence attached to a monitoring alert. */
export type TypologyHit = {
  readonly message: string
  readonly evidence: Readonly<Record<string, string | number | boolean | readonly string[]>>
}

const fmt = (minor: bigint, decimals: number) => {
  const s = minor.toString().padStart(decimals + 1, '0')
  return decimals === 0 ? s : `${s.slice(0, -decimals)}.${s.slice(-decimals)}`
}

/** Several deposits (or withdrawals) just below the reporting threshold within the window. */
export function detectStructuring(parameters: {
  rule: RuleOf<'structuring'>
  event: ComplianceEvent
  value: bigint
  threshold: bigint
  decimals: number
  activity: ActivityStore
}): TypologyHit | undefined {
  const { rule, event, value, threshold } = parameters
  if (event.kind !== 'deposit' && event.kind !== 'withdrawal') return undefined
  if (!rule.kinds.includes(event.kind)) return undefined
  const floor = threshold - (threshold * BigInt(Math.round(rule.marginPercent * 100))) / 10_000n
  const below = (v: bigint) => v >= floor && v < threshold
  if (!below(value)) return undefined
  const prior = parameters.activity
    .window(event.accountId, event.timestamp, rule.windowMs)
    .filter((e) => e.kind === event.kind && e.id !== event.id && below(e.value))
  const count = prior.length + 1
  if (count < rule.minCount) return undefined
  const total = prior.reduce((a, e) => a + e.value, value)
  if (total < threshold) return undefined
  return {
    message: `${count} ${event.kind}s just below ${fmt(threshold, parameters.decimals)} within ${rule.windowMs / 60_000} min (total ${fmt(total, parameters.decimals)}).`,
    evidence: {
      eventIds: [...prior.map((e) => e.id), event.id],
      count,
      total: fmt(total, parameters.decimals),
      threshold: fmt(threshold, parameters.decimals),
      band: `[${fmt(floor, parameters.decimals)}, ${fmt(threshold, parameters.decimals)})`,
    },
  }
}

/** A deposit, a trade and a withdrawal of most of it within minutes. */
export function detectRapidMovement(parameters: {
  rule: RuleOf<'rapidMovement'>
  event: ComplianceEvent
  value: bigint
  minValue: bigint
  decimals: number
  activity: ActivityStore
}): TypologyHit | undefined {
  const { rule, event, value } = parameters
  if (event.kind !== 'withdrawal' || value < parameters.minValue) return undefined
  const window = parameters.activity.window(event.accountId, event.timestamp, rule.windowMs)
  // Latest qualifying deposit with a trade between it and the withdrawal.
  for (let i = window.length - 1; i >= 0; i--) {
    const deposit = window[i]!
    if (deposit.kind !== 'deposit') continue
    if (value * 100n < deposit.value * BigInt(rule.minShareOfDepositPercent)) continue
    const trade = window.find(
      (e) => e.kind === 'trade' && e.t >= deposit.t && e.t <= event.timestamp,
    )
    if (rule.requireTrade && !trade) continue
    const minutes = (event.timestamp - deposit.t) / 60_000
    return {
      message: `deposit ${trade ? '→ trade ' : ''}→ withdrawal within ${minutes.toFixed(1)} min.`,
      evidence: {
        eventIds: [deposit.id, ...(trade ? [trade.id] : []), event.id],
        minutes,
        deposit: fmt(deposit.value, parameters.decimals),
        withdrawal: fmt(value, parameters.decimals),
      },
    }
  }
  return undefined
}

/** Funds that passed through at least `minHops` internal accounts before leaving. */
export function detectLayering(parameters: {
  rule: RuleOf<'layering'>
  event: ComplianceEvent
  value: bigint
  minValue: bigint
  activity: ActivityStore
}): TypologyHit | undefined {
  const { rule, event } = parameters
  if (event.kind !== 'withdrawal' || parameters.value < parameters.minValue) return undefined
  const hops = parameters.activity.hopWindow(event.accountId, event.timestamp, rule.windowMs)
  let best: (typeof hops)[number] | undefined
  for (const h of hops) if (!best || h.hops > best.hops) best = h
  if (!best || best.hops < rule.minHops) return undefined
  return {
    message: `funds passed through ${best.hops} internal transfers (${best.path.join(' → ')}) before withdrawal.`,
    evidence: { hops: best.hops, path: best.path, eventIds: [...best.eventIds, event.id] },
  }
}

/** More events (or more value) of the given kinds within the window than allowed. */
export function detectVelocity(parameters: {
  rule: RuleOf<'velocity'>
  event: ComplianceEvent
  value: bigint
  maxValue: bigint | undefined
  decimals: number
  activity: ActivityStore
}): TypologyHit | undefined {
  const { rule, event, value } = parameters
  if (!rule.kinds.includes(event.kind)) return undefined
  const matches = (e: ActivityEntry) =>
    e.id !== event.id &&
    (rule.kinds as readonly string[]).includes(e.kind === 'transfer-out' ? 'transfer' : e.kind)
  const prior = parameters.activity
    .window(event.accountId, event.timestamp, rule.windowMs)
    .filter(matches)
  const count = prior.length + 1
  const total = prior.reduce((a, e) => a + e.value, value)
  const overCount = rule.maxCount !== undefined && count > rule.maxCount
  const overValue = parameters.maxValue !== undefined && total > parameters.maxValue
  if (!overCount && !overValue) return undefined
  return {
    message: `${count} ${rule.kinds.join('/')} events worth ${fmt(total, parameters.decimals)} within ${rule.windowMs / 60_000} min.`,
    evidence: {
      count,
      total: fmt(total, parameters.decimals),
      eventIds: [...prior.map((e) => e.id), event.id],
    },
  }
}

/** An account inactive for `dormantMs` suddenly moving at least `minValue`. */
export function detectDormantReactivation(parameters: {
  rule: RuleOf<'dormantReactivation'>
  event: ComplianceEvent
  value: bigint
  minValue: bigint
  decimals: number
  lastActivity: number | undefined
}): TypologyHit | undefined {
  const { rule, event, lastActivity } = parameters
  if (!rule.kinds.includes(event.kind) || lastActivity === undefined) return undefined
  const idle = event.timestamp - lastActivity
  if (idle < rule.dormantMs || parameters.value < parameters.minValue) return undefined
  return {
    message: `account dormant for ${Math.floor(idle / 86_400_000)} days moved ${fmt(parameters.value, parameters.decimals)}.`,
    evidence: { idleDays: Math.floor(idle / 86_400_000), lastActivity, eventIds: [event.id] },
  }
}
