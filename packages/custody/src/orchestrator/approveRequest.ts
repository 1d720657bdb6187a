import { ok, reject } from '@strongroom/core'
import { checkApprovalQuorumWith } from '../authorization/approvalQuorum.js'
import type { OrchestratorContext } from './orchestratorContext.js'
import type { Orchestrator } from './orchestratorTypes.js'
import { snapshot } from './requestState.js'

/**
 * `Orchestrator.approve`: checks one approval against the request digest and the policy's
 * approver groups, keeps it (one per approver, the latest), and marks the request ready once the
 * decision's quorum is met. The approval is saved before the answer.
 */
export async function approveRequest(
  context: OrchestratorContext,
  { requestId, approval }: Parameters<Orchestrator['approve']>[0],
): ReturnType<Orchestrator['approve']> {
  const { audit, parameters } = context
  const state = context.tracked(requestId)
  return context.serialized(requestId, async () => {
    const actor = typeof approval?.approverId === 'string' ? approval.approverId : 'unknown'
    if (state.status === 'refused') {
      return context.refuse(
        undefined,
        { code: 'REQUEST_CLOSED', message: 'The request was refused.', requestId },
        actor,
      )
    }
    const policy = await parameters.policies.current()
    const check = checkApprovalQuorumWith(
      {
        approvals: [approval],
        subjectDigest: state.digest,
        groups: policy.groups,
        quorum: [],
        initiator: state.request.initiator,
        now: parameters.clock.now(),
        maxAgeMs: policy.approvalMaxAgeMs,
      },
      context.approvalSignatures,
    )
    if (check.problems.length > 0) {
      await audit.append({
        type: 'custody.approval.refused',
        actor,
        data: { requestId, reason: check.problems[0]!.reason },
      })
      return reject({
        code: 'APPROVAL_INVALID',
        message: `The approval does not count: ${check.problems[0]!.reason}.`,
        requestId,
        problems: check.problems,
      })
    }
    const approvals = [...state.approvals.filter((a) => a.approverId !== actor), approval]
    let status = state.status
    if (status === 'awaiting_approvals' && state.decision.action === 'require_approvals') {
      const quorum = checkApprovalQuorumWith(
        {
          approvals,
          subjectDigest: state.digest,
          groups: policy.groups,
          quorum: state.decision.quorum,
          initiator: state.request.initiator,
          now: parameters.clock.now(),
          maxAgeMs: policy.approvalMaxAgeMs,
        },
        context.approvalSignatures,
      )
      if (quorum.satisfied) status = 'ready'
    }
    await context.commit(state, { approvals, status })
    await audit.append({
      type: 'custody.approval',
      actor,
      data: { requestId, digest: state.digest, approvedAt: approval.approvedAt },
    })
    return ok(snapshot(state))
  })
}
