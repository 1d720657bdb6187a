import { ok } from '@strongroom/core'
import { requestDigest } from '../authorization/signingRequest.js'
import { CustodyInputError } from '../custodyErrors.js'
import type { OrchestratorContext } from './orchestratorContext.js'
import type { Orchestrator, OrchestratorRejection } from './orchestratorTypes.js'
import { type RequestState, snapshot, toStoredRequest } from './requestState.js'
import { parseWithdrawalIntent } from './withdrawalIntent.js'

/**
 * `Orchestrator.submit`: validates the intent, refuses a reused request id with other content,
 * returns the tracked request for the same content, or decides a new request and saves it.
 */
export async function submitRequest(
  context: OrchestratorContext,
  intent: unknown,
): ReturnType<Orchestrator['submit']> {
  const { audit, parameters, requests } = context
  const actor =
    typeof intent === 'object' && intent !== null && 'initiator' in intent
      ? String((intent as { initiator: unknown }).initiator).slice(0, 128)
      : 'unknown'
  let parsed: ReturnType<typeof parseWithdrawalIntent>
  try {
    parsed = parseWithdrawalIntent({
      intent,
      wallets: context.wallets,
      addressFormats: context.formats,
      now: parameters.clock.now(),
    })
  } catch (error) {
    await context.auditInputError(error, intent, actor)
    throw error
  }
  const { request, wallet } = parsed
  return context.serialized(request.requestId, async () => {
    const existing = requests.get(request.requestId)
    if (existing !== undefined) {
      const same =
        requestDigest({ ...request, createdAt: existing.request.createdAt }) === existing.digest
      if (!same) {
        const error = new CustodyInputError('was already used for a different request.', {
          code: 'CUSTODY_REQUEST_CONFLICT',
          path: ['requestId'],
          rule: 'unique',
        })
        await context.auditInputError(error, intent, actor)
        throw error
      }
      return ok(snapshot(existing))
    }
    try {
      await context.assertChainReported(wallet, request.requestId)
    } catch (error) {
      await context.auditInputError(error, intent, actor)
      throw error
    }
    const decision = await context.decide(
      { request, wallet, velocityEvent: undefined },
      parameters.clock.now(),
    )
    const engagement = context.frozen({ request, wallet })
    let refusal: { rejection: OrchestratorRejection; actor: string } | undefined
    if (engagement !== undefined) {
      refusal = {
        rejection: {
          code: 'KILL_SWITCH_ENGAGED',
          message: `Signing is frozen (${engagement.scope.kind}): ${engagement.reason}`,
          requestId: request.requestId,
          decision,
        },
        actor: 'kill-switch',
      }
    } else if (decision.action === 'block') {
      refusal = {
        rejection: context.blockRejection(request.requestId, decision),
        actor: 'policy-engine',
      }
    }
    const state: RequestState = {
      request,
      digest: requestDigest(request),
      wallet,
      decision,
      status:
        refusal !== undefined
          ? 'refused'
          : decision.action === 'allow'
            ? 'ready'
            : 'awaiting_approvals',
      approvals: [],
      signatures: [],
      pending: undefined,
      velocityEvent: undefined,
    }
    await context.store.save(toStoredRequest(state))
    requests.set(request.requestId, state)
    await audit.append({
      type: 'custody.request.submitted',
      actor: request.initiator,
      data: {
        requestId: request.requestId,
        digest: state.digest,
        walletId: wallet.id,
        chain: request.chain,
        asset: request.asset,
        amount: request.amount,
        destination: request.destination,
      },
    })
    await audit.append({
      type: 'custody.policy.decision',
      actor: 'policy-engine',
      data: { requestId: request.requestId, ...context.decisionData(decision) },
    })
    if (refusal !== undefined) return context.refuse(undefined, refusal.rejection, refusal.actor)
    return ok(snapshot(state))
  })
}
