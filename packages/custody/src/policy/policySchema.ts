import { z } from 'zod'

const name = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'must be 1-128 characters of A-Z a-z 0-9 _ . : -')
const assetCode = z.string().regex(/^[A-Z0-9][A-Z0-9.]{0,15}$/, 'must be an asset code')
const chain = z.string().regex(/^[-a-z0-9]{3,8}:[-_a-zA-Z0-9]{1,64}$/, 'must be a CAIP-2 chain id')
const publicKey = z.string().regex(/^[0-9a-f]{64}$/, 'must be a 32-byte Ed25519 key in hex')
const decimal = z.string().regex(/^(0|[1-9][0-9]*)(\.[0-9]+)?$/, 'must be a decimal string')
const hhmm = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be HH:MM')
/** Thresholds per asset, in whole units: `{ "ETH": "10", "USDC": "25000" }`. */
const perAsset = z.record(assetCode, decimal)

const approverSchema = z.strictObject({ id: name, publicKey })

/** Schema of an approver group. */
export const approverGroupSchema = z.strictObject({
  id: name,
  approvers: z.array(approverSchema).min(1).max(64),
})

/** Schema of a rule's conditions; every condition given must hold (logical and). */
export const policyConditionSchema = z.strictObject({
  initiators: z.array(z.string().min(1).max(128)).min(1).optional(),
  wallets: z.array(name).min(1).optional(),
  tiers: z
    .array(z.enum(['hot', 'warm', 'cold']))
    .min(1)
    .optional(),
  venues: z.array(name).min(1).optional(),
  chains: z.array(chain).min(1).optional(),
  kinds: z.array(name).min(1).optional(),
  assets: z.array(assetCode).min(1).optional(),
  /** Destination is in at least one of `inLists` / in none of `notInLists`. */
  destination: z
    .strictObject({
      inLists: z.array(name).min(1).optional(),
      notInLists: z.array(name).min(1).optional(),
    })
    .optional(),
  /** Outcome of the compliance port's address screening. */
  screening: z
    .array(z.enum(['allow', 'hold', 'block', 'unavailable']))
    .min(1)
    .optional(),
  /** Amount of this request: `above` is exclusive, `atMost` inclusive; assets not listed don't match. */
  amount: z.strictObject({ above: perAsset.optional(), atMost: perAsset.optional() }).optional(),
  /**
   * Velocity: what was signed in the last `windowMs` for the same scope key, plus this request,
   * is `above` an amount (per asset) or `countAbove` a number of requests.
   */
  velocity: z
    .strictObject({
      windowMs: z
        .number()
        .int()
        .positive()
        .max(366 * 86_400_000),
      scope: z.enum(['wallet', 'initiator', 'destination', 'venue', 'global']),
      above: perAsset.optional(),
      countAbove: z.number().int().nonnegative().optional(),
    })
    .refine((v) => v.above !== undefined || v.countAbove !== undefined, {
      message: 'needs `above` or `countAbove`',
    })
    .optional(),
  /** Local time window (`from` inclusive, `to` exclusive; wraps past midnight when `to < from`). */
  timeOfDay: z
    .strictObject({
      utcOffsetMinutes: z.number().int().min(-840).max(840),
      from: hhmm,
      to: hhmm,
      /** Days of the week, 0 = Sunday … 6 = Saturday, in that offset. Default every day. */
      days: z.array(z.number().int().min(0).max(6)).min(1).optional(),
      /** Match outside the window instead of inside. */
      outside: z.boolean().optional(),
    })
    .optional(),
})

/** Schema of a broadcast route. */
export const broadcastRouteSchema = z.enum(['private', 'public', 'private_then_public'])

/** Schema of a rule's action. */
export const policyActionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('allow'), broadcast: broadcastRouteSchema.optional() }),
  z.strictObject({ type: z.literal('block'), reason: z.string().min(1).max(500) }),
  z.strictObject({
    type: z.literal('require_approvals'),
    quorum: z
      .array(z.strictObject({ group: name, threshold: z.number().int().min(1).max(64) }))
      .min(1),
    broadcast: broadcastRouteSchema.optional(),
  }),
])

/** Schema of one rule. */
export const policyRuleSchema = z.strictObject({
  id: name,
  description: z.string().max(500).optional(),
  when: policyConditionSchema.default({}),
  action: policyActionSchema,
})

/** Schema of a policy document (JSON). Rules are ordered: the first match wins; none → deny. */
export const policyDocumentSchema = z.strictObject({
  id: name,
  version: z.number().int().positive(),
  approverGroups: z.array(approverGroupSchema).max(256).default([]),
  /** Named address lists (address book / allow-lists). */
  addressLists: z
    .record(
      name,
      z
        .array(
          z.strictObject({
            chain,
            address: z.string().min(1).max(128),
            label: z.string().max(200).optional(),
          }),
        )
        .max(100_000),
    )
    .default({}),
  /** Approvals older than this do not count. Default 24 hours. */
  approvalMaxAgeMs: z.number().int().positive().default(86_400_000),
  /** Who may change this policy: `threshold` of `approvers`, effective `timeLockMs` after quorum. */
  governance: z.strictObject({
    approvers: z.array(approverSchema).min(1).max(64),
    threshold: z.number().int().min(1).max(64),
    timeLockMs: z.number().int().nonnegative(),
  }),
  rules: z.array(policyRuleSchema).max(100_000),
})

/** A policy document as written (JSON input). */
export type PolicyDocumentInput = z.input<typeof policyDocumentSchema>
/** A validated policy document. */
export type PolicyDocument = z.output<typeof policyDocumentSchema>
/** A validated rule. */
export type PolicyRule = z.output<typeof policyRuleSchema>
/** A rule's conditions. */
export type PolicyCondition = z.output<typeof policyConditionSchema>
/** A rule's action. */
export type PolicyAction = z.output<typeof policyActionSchema>
/** How a transaction is broadcast: private relay only, public only, or private then public. */
export type BroadcastRoute = z.output<typeof broadcastRouteSchema>
