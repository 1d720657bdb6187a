import type { Approval } from '@strongroom/core'
import { isApprovalSignatureValid } from './approval.js'
import type { ApprovalSignatureCheck } from './approvalSignatureCache.js'

/** A person or service allowed to approve, with their Ed25519 public key (hex). */
export type Approver = { readonly id: string; readonly publicKey: string }

/** A named set of approvers. */
export type ApproverGroup = { readonly id: string; readonly approvers: readonly Approver[] }

/** `threshold` distinct approvers of `group` must approve (m of n). */
export type QuorumRequirement = { readonly group: string; readonly threshold: number }

/** Why one approval did not count. */
export type ApprovalProblemReason =
  | 'forged'
  | 'unknown_approver'
  | 'key_mismatch'
  | 'initiator'
  | 'expired'
  | 'from_the_future'
  | 'duplicate'

/** One approval that did not count, and why. */
export type ApprovalProblem = {
  readonly index: number
  readonly approverId: string
  readonly reason: ApprovalProblemReason
}

/** Parameters of {@link checkApprovalQuorum}. */
export type CheckApprovalQuorumParameters = {
  readonly approvals: readonly Approval[]
  /** What was approved (request digest, proposal digest…). */
  readonly subjectDigest: string
  readonly groups: ReadonlyMap<string, ApproverGroup>
  readonly quorum: readonly QuorumRequirement[]
  /** The initiator: never counts, even when listed in a group. */
  readonly initiator: string
  readonly now: number
  /** Approvals older than this do not count. */
  readonly maxAgeMs: number
  /** Tolerated clock difference for approvals stamped slightly in the future. Default 5 s. */
  readonly maxSkewMs?: number | undefined
}

/** The outcome of {@link checkApprovalQuorum}. */
export type ApprovalQuorumCheck = {
  /** True when every quorum requirement is met by valid approvals. */
  readonly satisfied: boolean
  /** Per requirement: the approvers that counted. */
  readonly counted: readonly {
    readonly group: string
    readonly threshold: number
    readonly approvers: readonly string[]
  }[]
  /** Approvals that did not count. */
  readonly problems: readonly ApprovalProblem[]
}

/**
 * Checks approvals against m-of-n requirements: each approval must be a valid Ed25519 signature
 * over the subject by an approver of the group with the group's registered key, not by the
 * initiator, not older than `maxAgeMs`, and each approver counts once per group.
 */
export function checkApprovalQuorum(
  parameters: CheckApprovalQuorumParameters,
): ApprovalQuorumCheck {
  return checkApprovalQuorumWith(parameters, isApprovalSignatureValid)
}

/**
 * `checkApprovalQuorum` with the signature check supplied (the orchestrator passes its
 * `createApprovalSignatureCache`). Internal: not exported by the package.
 */
export function checkApprovalQuorumWith(
  parameters: CheckApprovalQuorumParameters,
  isSignatureValid: ApprovalSignatureCheck,
): ApprovalQuorumCheck {
  const { approvals, groups, now } = parameters
  const skew = parameters.maxSkewMs ?? 5_000
  const problems: ApprovalProblem[] = []
  const valid = new Map<string, string>() // approverId → public key hex
  const judge = (approval: Approval, approverId: string): ApprovalProblemReason | undefined => {
    if (approverId === parameters.initiator) return 'initiator'
    let registered: string | undefined
    for (const group of groups.values()) {
      const member = group.approvers.find((a) => a.id === approverId)
      if (member) registered = member.publicKey
    }
    if (registered === undefined) return 'unknown_approver'
    if (registered !== approval.publicKey) return 'key_mismatch'
    if (!isSignatureValid(approval, parameters.subjectDigest)) return 'forged'
    if (approval.approvedAt > now + skew) return 'from_the_future'
    if (now - approval.approvedAt > parameters.maxAgeMs) return 'expired'
    if (valid.has(approverId)) return 'duplicate'
    return undefined
  }
  for (let index = 0; index < approvals.length; index++) {
    const approval = approvals[index]!
    const approverId = typeof approval?.approverId === 'string' ? approval.approverId : ''
    const reason = judge(approval, approverId)
    if (reason === undefined) valid.set(approverId, approval.publicKey)
    else problems.push({ index, approverId, reason })
  }
  let satisfied = true
  const counted = parameters.quorum.map((requirement) => {
    const group = groups.get(requirement.group)
    const members = new Set(group?.approvers.map((a) => a.id) ?? [])
    const approvers = [...valid.keys()].filter((id) => members.has(id)).sort()
    if (group === undefined || approvers.length < requirement.threshold) satisfied = false
    return { group: requirement.group, threshold: requirement.threshold, approvers }
  })
  return { satisfied, counted, problems }
}
