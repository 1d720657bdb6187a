import {
  type Approval,
  type AssetSpec,
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
  type ApproverGroup,
  checkApprovalQuorum,
} from '../authorization/approvalQuorum.js'
import type { PolicyRuleLookup } from '../authorization/verifyAuthorization.js'
import { sha256Hex } from '../crypto/bytes.js'
import { CustodyInputError } from '../custodyErrors.js'
import type { AddressFormat } from '../wallets/wallet.js'
import { type CompiledPolicy, compilePolicy } from './compilePolicy.js'

/** Domain tag of policy change proposals. */
export const POLICY_CHANGE_DOMAIN = 'strongroom.policy-change.v1'

/** A proposed policy change and where it stands. */
export type PolicyProposal = {
  readonly proposalId: string
  readonly proposer: string
  readonly policy: CompiledPolicy
  /** What governance approvers sign (hex SHA-256). */
  readonly subjectDigest: string
  readonly proposedAt: number
  readonly status: 'awaiting_approvals' | 'scheduled' | 'active' | 'superseded'
  readonly approvals: readonly Approval[]
  /** When the change takes effect (quorum time + time lock), once scheduled. */
  readonly effectiveAt: number | undefined
}

/** Why a governance approval was refused. */
export type PolicyApprovalRejection = {
  readonly code: 'APPROVAL_INVALID' | 'PROPOSAL_CLOSED'
  readonly message: string
  readonly problems: readonly ApprovalProblem[]
}

/** Versioned policies: the active one, proposals, and the quorum + time lock that change them. */
export type PolicyStore = {
  /** The active policy (activating a scheduled change whose time lock has passed first). */
  current(): Promise<CompiledPolicy>
  /** The active policy without activation (cheap; for reads between `current()` calls). */
  peek(): CompiledPolicy
  /** Proposes the next version. Needs a governance quorum, then waits out the time lock. */
  propose(parameters: { document: unknown; proposer: string }): Promise<PolicyProposal>
  /** Adds a governance approval (Ed25519 over the proposal's `subjectDigest`). */
  approve(parameters: {
    proposalId: string
    approval: Approval
  }): Promise<Result<PolicyProposal, PolicyApprovalRejection>>
  proposal(proposalId: string): PolicyProposal | undefined
  /** Rules of the active version only, for signer backends in this process. */
  readonly ruleLookup: PolicyRuleLookup
}

/** Parameters of {@link createPolicyStore}. */
export type CreatePolicyStoreParameters = {
  /** The first policy document: trusted configuration, active at once. */
  initial: unknown
  assets: readonly AssetSpec[]
  addressFormats: readonly AddressFormat[]
  clock: Clock
  ids: IdGenerator
  audit: AuditLog
}

/**
 * Creates a {@link PolicyStore}. The initial document is configuration; every later version
 * needs `governance.threshold` approvals of the active policy's governance approvers (never the
 * proposer) and takes effect `governance.timeLockMs` after the quorum is reached. Every step is
 * audited (`custody.policy.*`).
 *
 * @throws {CustodyInputError} `CUSTODY_INVALID_POLICY` for an invalid initial document.
 */
export async function createPolicyStore(
  parameters: CreatePolicyStoreParameters,
): Promise<PolicyStore> {
  const { clock, audit } = parameters
  const compile = (document: unknown) =>
    compilePolicy({
      document,
      assets: parameters.assets,
      addressFormats: parameters.addressFormats,
    })
  let active = compile(parameters.initial)
  await audit.append({
    type: 'custody.policy.activated',
    actor: 'configuration',
    data: { policyId: active.id, version: active.version, digest: active.digest },
  })
  const proposals = new Map<string, PolicyProposal>()
  let scheduled: PolicyProposal | undefined

  async function activateDue(): Promise<void> {
    while (scheduled !== undefined && clock.now() >= scheduled.effectiveAt!) {
      const next = scheduled
      scheduled = undefined
      active = next.policy
      proposals.set(next.proposalId, { ...next, status: 'active' })
      await audit.append({
        type: 'custody.policy.activated',
        actor: next.proposer,
        data: {
          policyId: active.id,
          version: active.version,
          digest: active.digest,
          proposalId: next.proposalId,
        },
      })
    }
  }

  return {
    async current() {
      if (scheduled !== undefined) await activateDue()
      return active
    },
    peek: () => active,
    async propose({ document, proposer }) {
      await activateDue()
      const policy = compile(document)
      if (policy.id !== active.id) {
        throw new CustodyInputError(`must be "${active.id}".`, {
          code: 'CUSTODY_INVALID_POLICY',
          path: ['id'],
          rule: 'policy_id',
        })
      }
      const pendingVersion = scheduled?.policy.version ?? active.version
      if (policy.version !== pendingVersion + 1) {
        throw new CustodyInputError(`must be ${pendingVersion + 1} (the next version).`, {
          code: 'CUSTODY_INVALID_POLICY',
          path: ['version'],
          rule: 'version_sequence',
        })
      }
      const proposalId = parameters.ids.next('policyproposal')
      const subjectDigest = sha256Hex(
        canonicalJson({
          domain: POLICY_CHANGE_DOMAIN,
          proposalId,
          policyId: policy.id,
          version: policy.version,
          documentDigest: policy.digest,
          proposer,
        }),
      )
      const proposal: PolicyProposal = {
        proposalId,
        proposer,
        policy,
        subjectDigest,
        proposedAt: clock.now(),
        status: 'awaiting_approvals',
        approvals: [],
        effectiveAt: undefined,
      }
      proposals.set(proposalId, proposal)
      await audit.append({
        type: 'custody.policy.proposed',
        actor: proposer,
        data: { proposalId, policyId: policy.id, version: policy.version, digest: policy.digest },
      })
      return proposal
    },
    async approve({ proposalId, approval }) {
      await activateDue()
      const proposal = proposals.get(proposalId)
      if (proposal === undefined) {
        throw new CustodyInputError('is not a known policy proposal.', {
          code: 'CUSTODY_INVALID_POLICY',
          path: ['proposalId'],
          rule: 'unknown_proposal',
        })
      }
      if (proposal.status !== 'awaiting_approvals') {
        return reject({
          code: 'PROPOSAL_CLOSED',
          message: `The proposal is ${proposal.status}.`,
          problems: [],
        } as const)
      }
      const governance = active.document.governance
      const group: ApproverGroup = { id: 'governance', approvers: governance.approvers }
      const groups = new Map([['governance', group]])
      const single = checkApprovalQuorum({
        approvals: [approval],
        subjectDigest: proposal.subjectDigest,
        groups,
        quorum: [],
        initiator: proposal.proposer,
        now: clock.now(),
        maxAgeMs: active.approvalMaxAgeMs,
      })
      if (single.problems.length > 0) {
        await audit.append({
          type: 'custody.policy.approval.refused',
          actor: String(approval?.approverId),
          data: { proposalId, reason: single.problems[0]!.reason },
        })
        return reject({
          code: 'APPROVAL_INVALID',
          message: `The approval does not count: ${single.problems[0]!.reason}.`,
          problems: single.problems,
        } as const)
      }
      const approvals = [
        ...proposal.approvals.filter((a) => a.approverId !== approval.approverId),
        approval,
      ]
      const check = checkApprovalQuorum({
        approvals,
        subjectDigest: proposal.subjectDigest,
        groups,
        quorum: [{ group: 'governance', threshold: governance.threshold }],
        initiator: proposal.proposer,
        now: clock.now(),
        maxAgeMs: active.approvalMaxAgeMs,
      })
      let updated: PolicyProposal = { ...proposal, approvals }
      await audit.append({
        type: 'custody.policy.approval',
        actor: approval.approverId,
        data: { proposalId, approvals: approvals.length, threshold: governance.threshold },
      })
      if (check.satisfied) {
        updated = {
          ...updated,
          status: 'scheduled',
          effectiveAt: clock.now() + governance.timeLockMs,
        }
        scheduled = updated
        await audit.append({
          type: 'custody.policy.scheduled',
          actor: 'governance',
          data: { proposalId, version: updated.policy.version, effectiveAt: updated.effectiveAt! },
        })
      }
      proposals.set(proposalId, updated)
      await activateDue()
      return ok(proposals.get(proposalId)!)
    },
    proposal: (proposalId) => proposals.get(proposalId),
    ruleLookup: ({ policyId, policyVersion, ruleId }) =>
      policyId === active.id && policyVersion === active.version
        ? active.trustedRule(ruleId)
        : undefined,
  }
}
