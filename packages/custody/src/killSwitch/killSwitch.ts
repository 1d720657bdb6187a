import {
  type Approval,
  type AuditLog,
  type Clock,
  canonicalJson,
  type IdGenerator,
  ok,
  type Result,
  reject,
} from '@strongroom/core'
import {
  type ApprovalProblem,
  type Approver,
  checkApprovalQuorum,
} from '../authorization/approvalQuorum.js'
import { sha256Hex } from '../crypto/bytes.js'
import { CustodyError } from '../custodyErrors.js'

/** Domain tag of kill-switch lift approvals. */
export const KILL_SWITCH_LIFT_DOMAIN = 'strongroom.kill-switch-lift.v1'

/** What a kill switch freezes. */
export type KillSwitchScope =
  | { readonly kind: 'global' }
  | { readonly kind: 'asset'; readonly asset: string }
  | { readonly kind: 'wallet'; readonly walletId: string }
  | { readonly kind: 'venue'; readonly venue: string }

/** An engaged kill switch. */
export type KillSwitchEngagement = {
  readonly engagementId: string
  readonly scope: KillSwitchScope
  readonly engagedBy: string
  readonly reason: string
  readonly engagedAt: number
  /** What lift approvers sign (hex SHA-256). */
  readonly liftDigest: string
}

/** Why a lift was refused. */
export type KillSwitchLiftRejection = {
  readonly code: 'QUORUM_NOT_MET' | 'NOT_ENGAGED'
  readonly message: string
  readonly problems: readonly ApprovalProblem[]
}

/** Freezes signing per asset, wallet, venue or globally; lifted only by a quorum. */
export type KillSwitch = {
  /** Takes effect at once (before the promise settles, for every later check). */
  engage(parameters: {
    scope: KillSwitchScope
    operator: string
    reason: string
  }): Promise<KillSwitchEngagement>
  /** Lifts one engagement with `threshold` approvals over its `liftDigest`. */
  lift(parameters: {
    engagementId: string
    requestedBy: string
    approvals: readonly Approval[]
  }): Promise<Result<KillSwitchEngagement, KillSwitchLiftRejection>>
  /** The first engagement that freezes a request of this wallet, asset and venue, if any. */
  check(target: {
    walletId: string
    asset: string
    venue: string
  }): KillSwitchEngagement | undefined
  engaged(): readonly KillSwitchEngagement[]
}

/** Parameters of {@link createKillSwitch}. */
export type CreateKillSwitchParameters = {
  clock: Clock
  ids: IdGenerator
  audit: AuditLog
  /** Who may engage (anyone listed; engaging only ever makes custody safer). */
  operators: readonly string[]
  /** Who may lift, and how many of them must agree. */
  liftQuorum: { approvers: readonly Approver[]; threshold: number }
  /** Lift approvals older than this do not count. Default 1 hour. */
  approvalMaxAgeMs?: number | undefined
}

function scopeMatches(
  scope: KillSwitchScope,
  target: { walletId: string; asset: string; venue: string },
) {
  switch (scope.kind) {
    case 'global':
      return true
    case 'asset':
      return scope.asset === target.asset
    case 'wallet':
      return scope.walletId === target.walletId
    case 'venue':
      return scope.venue === target.venue
  }
}

/**
 * Creates a {@link KillSwitch}. Engaging is immediate and needs only a listed operator; lifting
 * needs `liftQuorum.threshold` Ed25519 approvals of the lift approvers over the engagement's
 * `liftDigest` (the operator who asks to lift never counts). Every step is audited
 * (`custody.killswitch.*`).
 *
 * @throws {CustodyError} `CUSTODY_INVALID_CONFIG` for an impossible quorum.
 */
export function createKillSwitch(parameters: CreateKillSwitchParameters): KillSwitch {
  const { clock, audit } = parameters
  const { approvers, threshold } = parameters.liftQuorum
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > approvers.length) {
    throw new CustodyError('The kill-switch lift quorum is impossible.', {
      code: 'CUSTODY_INVALID_CONFIG',
      details: `threshold ${threshold} of ${approvers.length} approvers`,
    })
  }
  const operators = new Set(parameters.operators)
  const groups = new Map([['lift', { id: 'lift', approvers }]])
  const engagements = new Map<string, KillSwitchEngagement>()
  return {
    async engage({ scope, operator, reason }) {
      if (!operators.has(operator)) {
        await audit.append({
          type: 'custody.killswitch.refused',
          actor: operator,
          data: { action: 'engage', scope: { ...scope }, reason: 'not an operator' },
        })
        throw new CustodyError('Only a kill-switch operator may engage the kill switch.', {
          code: 'CUSTODY_GOVERNANCE_REJECTED',
          details: `${operator} is not an operator`,
        })
      }
      const engagementId = parameters.ids.next('killswitch')
      const engagedAt = clock.now()
      const liftDigest = sha256Hex(
        canonicalJson({ domain: KILL_SWITCH_LIFT_DOMAIN, engagementId, scope: { ...scope } }),
      )
      const engagement = Object.freeze({
        engagementId,
        scope: Object.freeze({ ...scope }),
        engagedBy: operator,
        reason,
        engagedAt,
        liftDigest,
      })
      engagements.set(engagementId, engagement) // effective now, before the audit write settles
      await audit.append({
        type: 'custody.killswitch.engaged',
        actor: operator,
        data: { engagementId, scope: { ...scope }, reason },
      })
      return engagement
    },
    async lift({ engagementId, requestedBy, approvals }) {
      const engagement = engagements.get(engagementId)
      if (engagement === undefined) {
        return reject({
          code: 'NOT_ENGAGED',
          message: 'No such engaged kill switch.',
          problems: [],
        } as const)
      }
      const check = checkApprovalQuorum({
        approvals,
        subjectDigest: engagement.liftDigest,
        groups,
        quorum: [{ group: 'lift', threshold }],
        initiator: requestedBy,
        now: clock.now(),
        maxAgeMs: parameters.approvalMaxAgeMs ?? 3_600_000,
      })
      if (!check.satisfied) {
        await audit.append({
          type: 'custody.killswitch.lift.refused',
          actor: requestedBy,
          data: {
            engagementId,
            approvers: [...(check.counted[0]?.approvers ?? [])],
            threshold,
            problems: check.problems.map((p) => ({ approverId: p.approverId, reason: p.reason })),
          },
        })
        return reject({
          code: 'QUORUM_NOT_MET',
          message: `Lifting needs ${threshold} valid approvals.`,
          problems: check.problems,
        } as const)
      }
      engagements.delete(engagementId)
      await audit.append({
        type: 'custody.killswitch.lifted',
        actor: requestedBy,
        data: { engagementId, approvers: [...check.counted[0]!.approvers] },
      })
      return ok(engagement)
    },
    check(target) {
      for (const engagement of engagements.values()) {
        if (scopeMatches(engagement.scope, target)) return engagement
      }
      return undefined
    },
    engaged: () => [...engagements.values()],
  }
}
