import { type Approval, isStrongroomError, ok, type SignatureResult } from '@strongroom/core'
import { checkApprovalQuorumWith } from '../authorization/approvalQuorum.js'
import { signAuthorization } from '../authorization/authorization.js'
import { sha256Hex, toHex } from '../crypto/bytes.js'
import type { VelocityEvent } from '../policy/velocityTracker.js'
import { bindTransaction, findRecordedSignature, resolveSigner } from './bindTransaction.js'
import type { OrchestratorContext } from './orchestratorContext.js'
import type { Orchestrator } from './orchestratorTypes.js'
import type { SigningPurpose } from './payloadBinder.js'
import { type RequestState, signedPayloadOf } from './requestState.js'
import type { RecordedSignature } from './requestStore.js'

type SignResult = ReturnType<Orchestrator['sign']>

const failureData = (requestId: string, error: unknown) => ({
  requestId,
  code: isStrongroomError(error) ? error.code : 'UNKNOWN',
  message: error instanceof Error ? error.message.split('\n')[0]! : String(error),
})

/**
 * `Orchestrator.sign`. A payload already signed for the request returns its recorded signature.
 * Otherwise the request is re-decided now (kill switch, chain pinning, policy, approvals), the
 * transaction is bound to it, the authorization and the payload are saved as pending before the
 * signer is called, and the signature is saved before the answer.
 */
export async function signRequest(
  context: OrchestratorContext,
  parameters: Parameters<Orchestrator['sign']>[0],
): SignResult {
  const state = context.tracked(parameters.requestId)
  return context.serialized(parameters.requestId, () =>
    signTracked(context, state, parameters.transaction, parameters.purpose ?? 'transfer'),
  )
}

async function signTracked(
  context: OrchestratorContext,
  state: RequestState,
  transaction: unknown,
  purpose: SigningPurpose,
): SignResult {
  const { audit, parameters } = context
  const requestId = state.request.requestId
  const actor = 'orchestrator'
  const recorded = findRecordedSignature(context.binders, state, transaction, purpose)
  if (recorded !== undefined) {
    await audit.append({
      type: 'custody.signature.replayed',
      actor,
      data: { requestId, purpose, payloadDigest: recorded.authorization.payloadDigest },
    })
    return ok(signedPayloadOf(requestId, recorded))
  }
  if (state.status === 'refused') {
    return context.refuse(
      undefined,
      { code: 'REQUEST_CLOSED', message: 'The request was refused.', requestId },
      actor,
    )
  }
  const engagement = context.frozen(state)
  if (engagement !== undefined) {
    return context.refuse(
      undefined,
      {
        code: 'KILL_SWITCH_ENGAGED',
        message: `Signing is frozen (${engagement.scope.kind}): ${engagement.reason}`,
        requestId,
      },
      'kill-switch',
    )
  }
  await context.assertChainReported(state.wallet, requestId)
  const now = parameters.clock.now()
  const decision = await context.decide(state, now)
  if (
    decision.policyVersion !== state.decision.policyVersion ||
    decision.ruleId !== state.decision.ruleId
  ) {
    await audit.append({
      type: 'custody.policy.decision',
      actor: 'policy-engine',
      data: { requestId, ...context.decisionData(decision), redecided: true },
    })
  }
  if (decision.action === 'block') {
    return context.refuse(
      state.signatures.length > 0 ? undefined : state,
      context.blockRejection(requestId, decision),
      'policy-engine',
    )
  }
  const policy = await parameters.policies.current()
  let approvals: Approval[] = []
  if (decision.action === 'require_approvals') {
    const check = checkApprovalQuorumWith(
      {
        approvals: state.approvals,
        subjectDigest: state.digest,
        groups: policy.groups,
        quorum: decision.quorum,
        initiator: state.request.initiator,
        now,
        maxAgeMs: policy.approvalMaxAgeMs,
      },
      context.approvalSignatures,
    )
    if (!check.satisfied) {
      return context.refuse(
        undefined,
        {
          code: 'APPROVALS_REQUIRED',
          message: `Approvals required: ${check.counted
            .map((c) => `${c.group} ${c.approvers.length} of ${c.threshold}`)
            .join(', ')}.`,
          requestId,
          decision,
          problems: check.problems,
        },
        actor,
      )
    }
    const counted = new Set(check.counted.flatMap((c) => c.approvers))
    approvals = state.approvals.filter((a) => counted.has(a.approverId))
  }
  const wallet = state.wallet
  const { signer, binder } = resolveSigner(parameters.signers, context.binders, wallet)
  let binding: ReturnType<typeof bindTransaction>
  try {
    binding = bindTransaction(binder, state, transaction, purpose)
  } catch (error) {
    await audit.append({
      type: 'custody.signature.refused',
      actor,
      data: failureData(requestId, error),
    })
    throw error
  }
  const { bound, resumed } = binding
  const velocityEvent: VelocityEvent = state.velocityEvent ?? {
    time: now,
    asset: state.request.asset,
    amount: state.request.amount,
    wallet: wallet.id,
    initiator: state.request.initiator,
    destination: state.request.destination,
    venue: wallet.venue,
  }
  const nonceBytes = new Uint8Array(16)
  const fill =
    parameters.random ?? ((bytes: Uint8Array) => void globalThis.crypto.getRandomValues(bytes))
  fill(nonceBytes)
  const authorizationKey = parameters.authorizationKey
  const authorization = await signAuthorization(
    {
      requestId,
      keyId: wallet.keyId,
      policyId: decision.policyId,
      policyVersion: decision.policyVersion,
      ruleId: decision.ruleId!,
      payloadDigest: sha256Hex(bound.payload),
      requestDigest: state.digest,
      approvals,
      issuedAt: now,
      expiresAt: now + (parameters.authorizationTtlMs ?? 60_000),
      nonce: toHex(nonceBytes),
      initiator: state.request.initiator,
      walletId: wallet.id,
      chain: wallet.chain,
    },
    authorizationKey,
  )
  // Write-ahead: once the signer is asked, a restart must know the payload may be signed.
  const pending = {
    purpose,
    bound,
    nonce: authorization.nonce,
    expiresAt: authorization.expiresAt,
  }
  const firstAsked = state.velocityEvent === undefined
  await context.commit(state, { pending, velocityEvent })
  // The first signature asked for the request: it counts in velocity windows from now on.
  if (firstAsked) context.velocity.record(velocityEvent)
  await audit.append({
    type: 'custody.authorization',
    actor: authorizationKey.keyId,
    data: {
      requestId,
      keyId: wallet.keyId,
      purpose,
      ruleId: authorization.ruleId,
      policyVersion: authorization.policyVersion,
      payloadDigest: authorization.payloadDigest,
      approvers: approvals.map((a) => a.approverId),
      nonce: authorization.nonce,
      expiresAt: authorization.expiresAt,
      transaction: bound.summary,
      ...(resumed ? { resumed: true } : {}),
    },
  })
  let result: SignatureResult
  try {
    result = await signer.sign(bound.payload, authorization)
  } catch (error) {
    await context.commit(state, { pending: undefined })
    await audit.append({
      type: 'custody.signature.refused',
      actor: signer.keyId,
      data: failureData(requestId, error),
    })
    throw error
  }
  const signature: RecordedSignature = {
    purpose,
    bound,
    signature: result.signature,
    recoveryId: result.recoveryId,
    authorization,
    decision,
    publicKey: signer.publicKey,
  }
  await context.commit(state, {
    signatures: [...state.signatures, signature],
    status: 'signed',
    decision,
    pending: undefined,
  })
  await audit.append({
    type: 'custody.signature',
    actor: signer.keyId,
    data: {
      requestId,
      keyId: signer.keyId,
      purpose,
      payloadDigest: authorization.payloadDigest,
      signature: toHex(result.signature),
      recoveryId: result.recoveryId ?? null,
    },
  })
  return ok(signedPayloadOf(requestId, signature))
}
