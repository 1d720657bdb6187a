import { createHash } from 'node:crypto'
import { type CanonicalValue, canonicalJson } from '@strongroom/core'
import { z } from 'zod'
import { inputErrorFromIssues, issuesFromZod } from '../errors.js'

const decimal = z
  .string()
  .regex(/^(0|[1-9][0-9]*)(\.[0-9]+)?$/, 'must be a non-negative decimal string')
const duration = z.number().int().positive()
const outcome = z.enum(['allow', 'hold', 'block'])
/** `alert`: allow but raise an alert; `hold`/`block` also stop the event. */
const action = z.enum(['alert', 'hold', 'block'])
const severity = z.enum(['low', 'medium', 'high', 'critical'])
const eventKind = z.enum(['deposit', 'withdrawal', 'trade', 'transfer'])

const base = {
  /** Stable id, quoted in issues and alerts. */
  id: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1-64 characters from A-Z a-z 0-9 _ . : -'),
  enabled: z.boolean().default(true),
  severity: severity.optional(),
}

const kycRule = z.strictObject({
  ...base,
  type: z.literal('kyc'),
  onMissing: outcome.default('block'),
  onPending: outcome.default('hold'),
  onExpired: outcome.default('hold'),
  onRejected: outcome.default('block'),
  /** Enforce the per-level limits (per transaction and per rolling day). */
  enforceLimits: z.boolean().default(true),
  /** What exceeding a limit does. */
  overLimit: outcome.default('hold'),
})

const sanctionedAddressRule = z.strictObject({
  ...base,
  type: z.literal('sanctionedAddress'),
  action: action.default('block'),
})

const sanctionedNameRule = z.strictObject({
  ...base,
  type: z.literal('sanctionedName'),
  /** Minimum name-match score, in [0, 1]. */
  threshold: z.number().min(0).max(1).default(0.88),
  action: action.default('hold'),
})

const addressRiskRule = z.strictObject({
  ...base,
  type: z.literal('addressRisk'),
  holdScore: z.number().min(0).max(10).default(6),
  blockScore: z.number().min(0).max(10).default(9),
  /** Direct exposure to these categories blocks whatever the score. */
  blockCategories: z
    .array(z.string())
    .default(['sanctions', 'ransomware', 'terrorist financing', 'child abuse material']),
  /** Direct exposure to these holds. */
  holdCategories: z.array(z.string()).default(['darknet market', 'mixer', 'stolen funds', 'scam']),
})

const travelRuleRule = z.strictObject({
  ...base,
  type: z.literal('travelRule'),
  /** Jurisdiction whose threshold applies (a key of the threshold table). */
  jurisdiction: z.string().min(2),
  /** A destination no directory knows and that is not a verified self-hosted wallet. */
  unknownCounterparty: z.enum(['hold', 'block']).default('hold'),
  /** Required IVMS101 data missing or invalid. */
  missingData: z.enum(['hold', 'block']).default('hold'),
  /** A counterparty VASP the directory has not verified. */
  unverifiedCounterparty: z.enum(['allow', 'hold', 'block']).default('hold'),
})

const structuringRule = z.strictObject({
  ...base,
  type: z.literal('structuring'),
  kinds: z
    .array(z.enum(['deposit', 'withdrawal']))
    .min(1)
    .default(['deposit', 'withdrawal']),
  /** Reporting threshold, in the reference currency (e.g. USD 10,000 CTR). */
  threshold: decimal,
  /** Events count when their value lies in [threshold × (1 − margin), threshold). */
  marginPercent: z.number().gt(0).max(100).default(10),
  windowMs: duration,
  minCount: z.number().int().min(2).default(3),
  action: action.default('alert'),
})

const rapidMovementRule = z.strictObject({
  ...base,
  type: z.literal('rapidMovement'),
  /** Deposit → trade → withdrawal all within this window. */
  windowMs: duration,
  /** Withdrawal value at least this (reference currency). */
  minValue: decimal,
  /** Withdrawal at least this share of the deposit's value. */
  minShareOfDepositPercent: z.number().min(0).max(100).default(50),
  requireTrade: z.boolean().default(true),
  action: action.default('alert'),
})

const layeringRule = z.strictObject({
  ...base,
  type: z.literal('layering'),
  windowMs: duration,
  /** Internal transfers the funds passed through before the withdrawal. */
  minHops: z.number().int().min(2).default(3),
  minValue: decimal.default('0'),
  action: action.default('alert'),
})

const velocityRule = z.strictObject({
  ...base,
  type: z.literal('velocity'),
  kinds: z.array(eventKind).min(1),
  windowMs: duration,
  maxCount: z.number().int().positive().optional(),
  maxValue: decimal.optional(),
  action: action.default('alert'),
})

const dormantRule = z.strictObject({
  ...base,
  type: z.literal('dormantReactivation'),
  /** Inactivity before an account counts as dormant. */
  dormantMs: duration,
  minValue: decimal,
  kinds: z.array(eventKind).min(1).default(['deposit', 'withdrawal', 'transfer']),
  action: action.default('alert'),
})

/** One rule, discriminated by `type`. */
export const ruleSchema = z.discriminatedUnion('type', [
  kycRule,
  sanctionedAddressRule,
  sanctionedNameRule,
  addressRiskRule,
  travelRuleRule,
  structuringRule,
  rapidMovementRule,
  layeringRule,
  velocityRule,
  dormantRule,
])

/** Rules as data: the whole compliance policy of a venue. */
export const ruleSetSchema = z.strictObject({
  /** The policy's own version label (e.g. `2026-11-01`). */
  version: z.string().min(1).max(64),
  /** Fiat currency rule values are in (ISO 4217). */
  referenceCurrency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code'),
  /** Minor-unit decimals of the reference currency. */
  referenceDecimals: z.number().int().min(0).max(18).default(2),
  rules: z.array(ruleSchema),
})

/** A validated rule. */
export type Rule = z.infer<typeof ruleSchema>
/** A validated rule set. */
export type RuleSet = z.infer<typeof ruleSetSchema>
/** A rule set as written (defaults not yet applied). */
export type RuleSetInput = z.input<typeof ruleSetSchema>
/** The rule of a given type. */
export type RuleOf<type extends Rule['type']> = Extract<Rule, { type: type }>

/**
 * Validates a rule set and computes its version stamp `<version>+<12 hex of SHA-256 over the
 * canonical JSON>`, which every decision records.
 *
 * @throws {ComplianceInputError} `COMPLIANCE_INVALID_RULE_SET` naming the rule and field, or a
 * rule id used twice.
 */
export function parseRuleSet(input: unknown): { ruleSet: RuleSet; ruleVersion: string } {
  const parsed = ruleSetSchema.safeParse(input)
  if (!parsed.success) {
    throw inputErrorFromIssues(
      'COMPLIANCE_INVALID_RULE_SET',
      'invalid rule set',
      issuesFromZod(parsed.error.issues),
    )
  }
  const ids = new Set<string>()
  parsed.data.rules.forEach((rule, i) => {
    if (ids.has(rule.id)) {
      throw inputErrorFromIssues('COMPLIANCE_INVALID_RULE_SET', 'invalid rule set', [
        {
          code: 'duplicate_id',
          path: ['rules', i, 'id'],
          message: `rule id "${rule.id}" is used twice.`,
        },
      ])
    }
    ids.add(rule.id)
  })
  const digest = createHash('sha256')
    .update(canonicalJson(parsed.data as unknown as CanonicalValue))
    .digest('hex')
    .slice(0, 12)
  return { ruleSet: parsed.data, ruleVersion: `${parsed.data.version}+${digest}` }
}
