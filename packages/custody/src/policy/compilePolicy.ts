import { type AssetSpec, type CanonicalValue, canonicalJson, parseDecimal } from '@strongroom/core'
import type { ApproverGroup, QuorumRequirement } from '../authorization/approvalQuorum.js'
import type { PolicyRuleLookup, TrustedRule } from '../authorization/verifyAuthorization.js'
import { sha256Hex } from '../crypto/bytes.js'
import { CustodyInputError } from '../custodyErrors.js'
import { type AddressFormat, chainNamespace } from '../wallets/wallet.js'
import {
  type BroadcastRoute,
  type PolicyCondition,
  type PolicyDocument,
  type PolicyRule,
  policyDocumentSchema,
} from './policySchema.js'
import type { VelocityScope } from './velocityTracker.js'

/** A rule ready to evaluate: thresholds in minor units, lists as sets. */
export type CompiledRule = {
  readonly id: string
  readonly index: number
  readonly rule: PolicyRule
  readonly initiators: ReadonlySet<string> | undefined
  readonly wallets: ReadonlySet<string> | undefined
  readonly tiers: ReadonlySet<string> | undefined
  readonly venues: ReadonlySet<string> | undefined
  readonly chains: ReadonlySet<string> | undefined
  readonly kinds: ReadonlySet<string> | undefined
  readonly assets: ReadonlySet<string> | undefined
  readonly screening: ReadonlySet<string> | undefined
  readonly inLists: readonly ReadonlySet<string>[] | undefined
  readonly notInLists: readonly ReadonlySet<string>[] | undefined
  readonly amountAbove: ReadonlyMap<string, bigint> | undefined
  readonly amountAtMost: ReadonlyMap<string, bigint> | undefined
  readonly velocity:
    | {
        readonly windowMs: number
        readonly scope: VelocityScope
        readonly above: ReadonlyMap<string, bigint> | undefined
        readonly countAbove: number | undefined
      }
    | undefined
  readonly timeOfDay:
    | {
        readonly offsetMs: number
        readonly from: number
        readonly to: number
        readonly days: ReadonlySet<number> | undefined
        readonly outside: boolean
      }
    | undefined
  readonly action: 'allow' | 'block' | 'require_approvals'
  readonly quorum: readonly QuorumRequirement[]
  readonly broadcast: BroadcastRoute
  readonly reason: string | undefined
}

/** A validated policy, compiled for evaluation. Immutable. */
export type CompiledPolicy = {
  readonly id: string
  readonly version: number
  readonly document: PolicyDocument
  /** SHA-256 (hex) of the canonical JSON of the document. */
  readonly digest: string
  readonly groups: ReadonlyMap<string, ApproverGroup>
  readonly rules: readonly CompiledRule[]
  readonly approvalMaxAgeMs: number
  /** What a signer needs to know of a rule, by id. */
  trustedRule(ruleId: string): TrustedRule | undefined
}

/** Parameters of {@link compilePolicy}. */
export type CompilePolicyParameters = {
  /** The policy document (JSON), validated here. */
  document: unknown
  /** Assets the policy may name (for decimals of thresholds). */
  assets: readonly AssetSpec[]
  /** Address formats of the chains its address lists name. */
  addressFormats: readonly AddressFormat[]
}

function policyError(message: string, path: (string | number)[], rule: string): CustodyInputError {
  return new CustodyInputError(message, { code: 'CUSTODY_INVALID_POLICY', path, rule })
}

/** The key of an address in a list: chain and canonical address. */
export function addressKey(chain: string, address: string): string {
  return `${chain} ${address}`
}

/**
 * Validates a policy document (zod schema plus cross-references: groups, lists, assets,
 * thresholds) and compiles it for evaluation.
 *
 * @throws {CustodyInputError} `CUSTODY_INVALID_POLICY` naming the field, or
 * `CUSTODY_INVALID_ADDRESS` for a bad address in a list.
 */
export function compilePolicy(parameters: CompilePolicyParameters): CompiledPolicy {
  const parsed = policyDocumentSchema.safeParse(parameters.document)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw policyError(
      issue.message,
      issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
      issue.code,
    )
  }
  const document = parsed.data
  const assets = new Map(parameters.assets.map((a) => [a.code, a]))
  const formats = new Map(parameters.addressFormats.map((f) => [f.namespace, f]))

  const groups = new Map<string, ApproverGroup>()
  document.approverGroups.forEach((group, g) => {
    if (groups.has(group.id))
      throw policyError('is a duplicate group id.', ['approverGroups', g, 'id'], 'duplicate')
    const seen = new Set<string>()
    group.approvers.forEach((approver, a) => {
      if (seen.has(approver.id)) {
        throw policyError(
          'is listed twice.',
          ['approverGroups', g, 'approvers', a, 'id'],
          'duplicate',
        )
      }
      seen.add(approver.id)
    })
    groups.set(group.id, group)
  })
  const governance = document.governance
  if (governance.threshold > governance.approvers.length) {
    throw policyError(
      'is larger than the number of approvers.',
      ['governance', 'threshold'],
      'too_big',
    )
  }

  const lists = new Map<string, Set<string>>()
  for (const [listName, entries] of Object.entries(document.addressLists)) {
    const set = new Set<string>()
    entries.forEach((entry, e) => {
      const format = formats.get(chainNamespace(entry.chain))
      if (format === undefined) {
        throw policyError(
          'names a chain family without an address format.',
          ['addressLists', listName, e, 'chain'],
          'unsupported_chain',
        )
      }
      set.add(
        addressKey(
          entry.chain,
          format.parse(entry.address, ['addressLists', listName, e, 'address']),
        ),
      )
    })
    lists.set(listName, set)
  }

  const perAsset = (record: Record<string, string> | undefined, path: (string | number)[]) => {
    if (record === undefined) return undefined
    const out = new Map<string, bigint>()
    for (const [code, value] of Object.entries(record)) {
      const asset = assets.get(code)
      if (asset === undefined)
        throw policyError('is not a known asset.', [...path, code], 'unknown_asset')
      try {
        out.set(code, parseDecimal(value, { decimals: asset.decimals, path: [...path, code] }))
      } catch (cause) {
        throw new CustodyInputError(
          `"${value}" is not a valid ${code} amount (at most ${asset.decimals} decimals).`,
          {
            code: 'CUSTODY_INVALID_POLICY',
            path: [...path, code],
            rule: 'amount',
            cause,
          },
        )
      }
    }
    return out
  }
  const listSets = (names: readonly string[] | undefined, path: (string | number)[]) =>
    names?.map((listName, i) => {
      const set = lists.get(listName)
      if (set === undefined)
        throw policyError('is not a defined address list.', [...path, i], 'unknown_list')
      return set
    })
  const set = <T>(values: readonly T[] | undefined) => (values ? new Set(values) : undefined)
  const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))

  const ruleIds = new Set<string>()
  const rules = document.rules.map((rule, index): CompiledRule => {
    const path = ['rules', index]
    if (ruleIds.has(rule.id))
      throw policyError('is a duplicate rule id.', [...path, 'id'], 'duplicate')
    ruleIds.add(rule.id)
    const when: PolicyCondition = rule.when
    const then = rule.action
    if (when.assets) {
      when.assets.forEach((code, i) => {
        if (!assets.has(code))
          throw policyError(
            'is not a known asset.',
            [...path, 'when', 'assets', i],
            'unknown_asset',
          )
      })
    }
    let quorum: QuorumRequirement[] = []
    if (then.type === 'require_approvals') {
      quorum = then.quorum.map((q, i) => {
        const group = groups.get(q.group)
        if (group === undefined) {
          throw policyError(
            'is not a defined approver group.',
            [...path, 'action', 'quorum', i, 'group'],
            'unknown_group',
          )
        }
        if (q.threshold > group.approvers.length) {
          throw policyError(
            'is larger than the group.',
            [...path, 'action', 'quorum', i, 'threshold'],
            'too_big',
          )
        }
        return { group: q.group, threshold: q.threshold }
      })
    }
    const velocity = when.velocity
    const tod = when.timeOfDay
    return {
      id: rule.id,
      index,
      rule,
      initiators: set(when.initiators),
      wallets: set(when.wallets),
      tiers: set(when.tiers),
      venues: set(when.venues),
      chains: set(when.chains),
      kinds: set(when.kinds),
      assets: set(when.assets),
      screening: set(when.screening),
      inLists: listSets(when.destination?.inLists, [...path, 'when', 'destination', 'inLists']),
      notInLists: listSets(when.destination?.notInLists, [
        ...path,
        'when',
        'destination',
        'notInLists',
      ]),
      amountAbove: perAsset(when.amount?.above, [...path, 'when', 'amount', 'above']),
      amountAtMost: perAsset(when.amount?.atMost, [...path, 'when', 'amount', 'atMost']),
      velocity: velocity && {
        windowMs: velocity.windowMs,
        scope: velocity.scope,
        above: perAsset(velocity.above, [...path, 'when', 'velocity', 'above']),
        countAbove: velocity.countAbove,
      },
      timeOfDay: tod && {
        offsetMs: tod.utcOffsetMinutes * 60_000,
        from: minutes(tod.from),
        to: minutes(tod.to),
        days: set(tod.days),
        outside: tod.outside ?? false,
      },
      action: then.type,
      quorum,
      broadcast: then.type === 'block' ? 'public' : (then.broadcast ?? 'public'),
      reason: then.type === 'block' ? then.reason : undefined,
    }
  })

  const byId = new Map(rules.map((r) => [r.id, r]))
  const trusted = new Map<string, TrustedRule>()
  for (const r of rules) {
    trusted.set(
      r.id,
      r.action === 'require_approvals'
        ? {
            action: r.action,
            quorum: r.quorum,
            groups,
            approvalMaxAgeMs: document.approvalMaxAgeMs,
          }
        : { action: r.action },
    )
  }
  return Object.freeze({
    id: document.id,
    version: document.version,
    document,
    digest: sha256Hex(canonicalJson(document as unknown as CanonicalValue)),
    groups,
    rules,
    approvalMaxAgeMs: document.approvalMaxAgeMs,
    trustedRule: (ruleId: string) => (byId.has(ruleId) ? trusted.get(ruleId) : undefined),
  })
}

/**
 * A {@link PolicyRuleLookup} over a fixed set of compiled policies (what a signer node builds
 * from its own copy of the policy documents).
 */
export function policyRuleLookup(policies: readonly CompiledPolicy[]): PolicyRuleLookup {
  const byKey = new Map(policies.map((p) => [`${p.id}@${p.version}`, p]))
  return ({ policyId, policyVersion, ruleId }) =>
    byKey.get(`${policyId}@${policyVersion}`)?.trustedRule(ruleId)
}
