import {
  type Approval,
  type AuditLog,
  type Clock,
  type ComplianceCheck,
  type IdGenerator,
  isStrongroomError,
  type Logger,
  noopLogger,
  ok,
  type Result,
  reject,
  type SignatureResult,
} from '@strongroom/core'
import { type ApprovalProblem, checkApprovalQuorum } from '../authorization/approvalQuorum.js'
import {
  type AuthorizationSigningKey,
  type CustodyAuthorization,
  signAuthorization,
} from '../authorization/authorization.js'
import { requestDigest, type SigningRequest } from '../authorization/signingRequest.js'
import { sha256Hex, toHex } from '../crypto/bytes.js'
import { CustodyError, CustodyInputError } from '../custodyErrors.js'
import type { KillSwitch } from '../killSwitch/killSwitch.js'
import {
  evaluatePolicy,
  type PolicyDecision,
  type ScreeningOutcome,
} from '../policy/evaluatePolicy.js'
import type { PolicyStore } from '../policy/policyStore.js'
import {
  createVelocityTracker,
  type VelocityEvent,
  type VelocityTracker,
} from '../policy/velocityTracker.js'
import { type AddressFormat, chainNamespace, type WalletDefinition } from '../wallets/wallet.js'
import type {
  BoundPayload,
  ChainIdReporter,
  PayloadBinder,
  SigningPurpose,
} from './payloadBinder.js'
import type { SignerRoute } from './signerRoutes.js'
import { parseWithdrawalIntent } from './withdrawalIntent.js'

/** Business rejections of the orchestrator (returned, not thrown; always audited). */
export type OrchestratorRejection = {
  readonly code:
    | 'POLICY_BLOCKED'
    | 'POLICY_DEFAULT_DENY'
    | 'KILL_SWITCH_ENGAGED'
    | 'APPROVALS_REQUIRED'
    | 'APPROVAL_INVALID'
    | 'REQUEST_CLOSED'
  readonly message: string
  readonly requestId: string
  readonly decision?: PolicyDecision | undefined
  readonly problems?: readonly ApprovalProblem[] | undefined
}

/** Where a request stands. */
export type RequestStatus = 'awaiting_approvals' | 'ready' | 'signed' | 'refused'

/** A submitted request as the orchestrator tracks it. */
export type TrackedRequest = {
  readonly request: SigningRequest
  readonly digest: string
  readonly wallet: WalletDefinition
  readonly decision: PolicyDecision
  readonly status: RequestStatus
  readonly approvals: readonly Approval[]
  readonly signed: readonly BoundPayload[]
}

/** What `sign` returns. */
export type SignedPayload = SignatureResult & {
  readonly requestId: string
  readonly payload: Uint8Array
  readonly summary: BoundPayload['summary']
  /** The normalised unsigned transaction that was signed (from the payload binder). */
  readonly transaction: unknown
  readonly authorization: CustodyAuthorization
  readonly decision: PolicyDecision
  /** The signer's public key. */
  readonly publicKey: Uint8Array
}

/** The signer orchestrator. */
export type Orchestrator = {
  /** Validates, screens and decides a withdrawal intent. Bad input throws (audited). */
  submit(intent: unknown): Promise<Result<TrackedRequest, OrchestratorRejection>>
  /** Adds one approver's approval (Ed25519 over the request digest). */
  approve(parameters: {
    requestId: string
    approval: Approval
  }): Promise<Result<TrackedRequest, OrchestratorRejection>>
  /**
   * Re-decides the request now (policy, kill switch, chain pinning, approvals), checks the
   * transaction against it, issues a single-use authorization and has the routed signer sign.
   */
  sign(parameters: {
    requestId: string
    transaction: unknown
    purpose?: SigningPurpose | undefined
  }): Promise<Result<SignedPayload, OrchestratorRejection>>
  get(requestId: string): TrackedRequest | undefined
  wallet(walletId: string): WalletDefinition | undefined
  /** The orchestrator's authorization key (signer backends trust its public key). */
  readonly authorizationKey: { readonly keyId: string; readonly publicKey: Uint8Array }
}

/** Parameters of {@link createOrchestrator}. */
export type CreateOrchestratorParameters = {
  clock: Clock
  ids: IdGenerator
  audit: AuditLog
  logger?: Logger | undefined
  authorizationKey: AuthorizationSigningKey
  policies: PolicyStore
  killSwitch: KillSwitch
  wallets: readonly WalletDefinition[]
  signers: readonly SignerRoute[]
  addressFormats: readonly AddressFormat[]
  binders: readonly PayloadBinder[]
  /** RPC endpoints' reported chains; a mismatch refuses the request. */
  chainIdReporters?: readonly ChainIdReporter[] | undefined
  /** Address screening (chain analytics behind the compliance port). */
  screening?: ComplianceCheck | undefined
  velocity?: VelocityTracker | undefined
  /** Lifetime of an authorization. Default 60 s. */
  authorizationTtlMs?: number | undefined
  /** Source of nonce bytes. Default `crypto.getRandomValues`. */
  random?: ((bytes: Uint8Array) => void) | undefined
}

type State = {
  request: SigningRequest
  digest: string
  wallet: WalletDefinition
  decision: PolicyDecision
  status: RequestStatus
  approvals: Approval[]
  signed: BoundPayload[]
  velocityEvent: VelocityEvent | undefined
}

const snapshot = (s: State): TrackedRequest =>
  Object.freeze({
    request: s.request,
    digest: s.digest,
    wallet: s.wallet,
    decision: s.decision,
    status: s.status,
    approvals: [...s.approvals],
    signed: [...s.signed],
  })

function excluding(tracker: VelocityTracker, event: VelocityEvent | undefined): VelocityTracker {
  if (event === undefined) return tracker
  const keys = {
    wallet: event.wallet,
    initiator: event.initiator,
    destination: event.destination,
    venue: event.venue,
    global: '',
  }
  return {
    record: (e) => tracker.record(e),
    totals(scope, key, asset, windowMs, now) {
      const t = tracker.totals(scope, key, asset, windowMs, now)
      const inside =
        keys[scope] === key &&
        event.asset === asset &&
        event.time > now - windowMs &&
        event.time <= now
      return inside ? { amount: t.amount - event.amount, count: t.count - 1 } : t
    },
  }
}

/**
 * Creates the signer orchestrator: the only component that issues signing authorizations.
 * Routes each request to the signer for its wallet's tier and scheme, pins every wallet to its
 * chain (the request's chain and every RPC endpoint's reported chain must equal the wallet's),
 * and records every decision, approval, authorization, signature and refusal in the audit log.
 *
 * @example
 * ```ts
 * const orchestrator = createOrchestrator({ clock, ids, audit, authorizationKey, policies,
 *   killSwitch, wallets, signers: [hsmRoute], addressFormats: [evmAddressFormat],
 *   binders: [evmPayloadBinder] })
 * const submitted = await orchestrator.submit({ requestId: 'w1', walletId: 'hot-eth',
 *   initiator: 'alice', chain: 'eip155:1', asset: 'ETH', amount: '1.5', destination })
 * ```
 */
export function createOrchestrator(parameters: CreateOrchestratorParameters): Orchestrator {
  const { clock, audit, authorizationKey, policies, killSwitch } = parameters
  const logger = parameters.logger ?? noopLogger
  const velocity = parameters.velocity ?? createVelocityTracker()
  const ttl = parameters.authorizationTtlMs ?? 60_000
  const fill =
    parameters.random ?? ((bytes: Uint8Array) => void globalThis.crypto.getRandomValues(bytes))
  const wallets = new Map<string, WalletDefinition>()
  for (const wallet of parameters.wallets) {
    if (wallets.has(wallet.id)) {
      throw new CustodyError('Two wallets have the same id.', {
        code: 'CUSTODY_INVALID_CONFIG',
        details: wallet.id,
      })
    }
    wallets.set(wallet.id, wallet)
  }
  const formats = new Map(parameters.addressFormats.map((f) => [f.namespace, f]))
  const binders = new Map(parameters.binders.map((b) => [b.namespace, b]))
  const reporters = new Map((parameters.chainIdReporters ?? []).map((r) => [r.chain, r]))
  const requests = new Map<string, State>()

  const refuse = async (
    state: State | undefined,
    rejection: OrchestratorRejection,
    actor: string,
  ): Promise<{ ok: false; rejection: OrchestratorRejection }> => {
    await audit.append({
      type: 'custody.request.refused',
      actor,
      data: {
        requestId: rejection.requestId,
        code: rejection.code,
        message: rejection.message,
        ruleId: rejection.decision?.ruleId ?? null,
      },
    })
    if (state && rejection.code !== 'APPROVALS_REQUIRED' && rejection.code !== 'APPROVAL_INVALID') {
      state.status = state.signed.length > 0 ? state.status : 'refused'
    }
    return reject(rejection)
  }

  async function auditInputError(error: unknown, intent: unknown, actor: string): Promise<void> {
    if (!isStrongroomError(error)) return
    const requestId =
      typeof intent === 'object' && intent !== null && 'requestId' in intent
        ? String((intent as { requestId: unknown }).requestId).slice(0, 128)
        : null
    const issue = (error as { issue?: { path: readonly (string | number)[]; code: string } }).issue
    await audit.append({
      type: 'custody.request.invalid',
      actor,
      data: {
        requestId,
        code: error.code,
        path: issue ? [...issue.path] : null,
        rule: issue?.code ?? null,
        message: error.shortMessage,
      },
    })
  }

  async function assertChainReported(wallet: WalletDefinition, requestId: string): Promise<void> {
    const reporter = reporters.get(wallet.chain)
    if (reporter === undefined) return
    const reports = await reporter.report()
    const wrong = reports.find((r) => r.chain !== wallet.chain)
    if (wrong !== undefined) {
      await audit.append({
        type: 'custody.chain.mismatch',
        actor: 'orchestrator',
        data: {
          requestId,
          walletId: wallet.id,
          expected: wallet.chain,
          endpoint: wrong.endpoint,
          reported: wrong.chain,
        },
      })
      throw new CustodyInputError(
        `is ${wallet.chain}, but the RPC endpoint ${wrong.endpoint} reports ${wrong.chain}.`,
        { code: 'CUSTODY_CHAIN_MISMATCH', path: ['chain'], rule: 'endpoint_chain' },
      )
    }
  }

  async function screen(request: SigningRequest): Promise<ScreeningOutcome> {
    if (parameters.screening === undefined) return 'allow'
    try {
      const decision = await parameters.screening.evaluate({
        kind: 'withdrawal',
        id: request.requestId,
        timestamp: request.createdAt,
        accountId: request.initiator,
        asset: request.asset,
        amount: request.amount,
        chain: request.chain,
        destinationAddress: request.destination,
      })
      return decision.outcome
    } catch (error) {
      logger.warn('address screening failed', {
        requestId: request.requestId,
        error: String(error),
      })
      return 'unavailable'
    }
  }

  async function decide(state: State, now: number): Promise<PolicyDecision> {
    const policy = await policies.current()
    return evaluatePolicy(policy, {
      request: state.request,
      wallet: state.wallet,
      screening: await screen(state.request),
      velocity: excluding(velocity, state.velocityEvent),
      now,
    })
  }

  const decisionData = (d: PolicyDecision) => ({
    policyId: d.policyId,
    policyVersion: d.policyVersion,
    ruleId: d.ruleId,
    action: d.action,
    quorum: d.quorum.map((q) => ({ ...q })),
    reason: d.reason ?? null,
    rulesEvaluated: d.rulesEvaluated,
  })

  function frozen(state: State) {
    return killSwitch.check({
      walletId: state.wallet.id,
      asset: state.request.asset,
      venue: state.wallet.venue,
    })
  }

  function blockRejection(state: State, decision: PolicyDecision): OrchestratorRejection {
    return {
      code: decision.ruleId === null ? 'POLICY_DEFAULT_DENY' : 'POLICY_BLOCKED',
      message: decision.reason ?? 'blocked',
      requestId: state.request.requestId,
      decision,
    }
  }

  return {
    authorizationKey: { keyId: authorizationKey.keyId, publicKey: authorizationKey.publicKey },
    get: (requestId) => {
      const state = requests.get(requestId)
      return state && snapshot(state)
    },
    wallet: (walletId) => wallets.get(walletId),

    async submit(intent) {
      const actor =
        typeof intent === 'object' && intent !== null && 'initiator' in intent
          ? String((intent as { initiator: unknown }).initiator).slice(0, 128)
          : 'unknown'
      let parsed: ReturnType<typeof parseWithdrawalIntent>
      try {
        parsed = parseWithdrawalIntent({
          intent,
          wallets,
          addressFormats: formats,
          now: clock.now(),
        })
      } catch (error) {
        await auditInputError(error, intent, actor)
        throw error
      }
      const { request, wallet } = parsed
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
          await auditInputError(error, intent, actor)
          throw error
        }
        return ok(snapshot(existing))
      }
      try {
        await assertChainReported(wallet, request.requestId)
      } catch (error) {
        await auditInputError(error, intent, actor)
        throw error
      }
      const state: State = {
        request,
        digest: requestDigest(request),
        wallet,
        decision: undefined as unknown as PolicyDecision,
        status: 'awaiting_approvals',
        approvals: [],
        signed: [],
        velocityEvent: undefined,
      }
      const now = clock.now()
      state.decision = await decide(state, now)
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
        data: { requestId: request.requestId, ...decisionData(state.decision) },
      })
      const engagement = frozen(state)
      if (engagement !== undefined) {
        return refuse(
          state,
          {
            code: 'KILL_SWITCH_ENGAGED',
            message: `Signing is frozen (${engagement.scope.kind}): ${engagement.reason}`,
            requestId: request.requestId,
            decision: state.decision,
          },
          'kill-switch',
        )
      }
      if (state.decision.action === 'block') {
        return refuse(state, blockRejection(state, state.decision), 'policy-engine')
      }
      state.status = state.decision.action === 'allow' ? 'ready' : 'awaiting_approvals'
      return ok(snapshot(state))
    },

    async approve({ requestId, approval }) {
      const state = requests.get(requestId)
      if (state === undefined) {
        throw new CustodyInputError('is not a submitted request.', {
          code: 'CUSTODY_REQUEST_NOT_FOUND',
          path: ['requestId'],
          rule: 'unknown_request',
        })
      }
      const actor = typeof approval?.approverId === 'string' ? approval.approverId : 'unknown'
      if (state.status === 'refused') {
        return refuse(
          undefined,
          { code: 'REQUEST_CLOSED', message: 'The request was refused.', requestId },
          actor,
        )
      }
      const policy = await policies.current()
      const check = checkApprovalQuorum({
        approvals: [approval],
        subjectDigest: state.digest,
        groups: policy.groups,
        quorum: [],
        initiator: state.request.initiator,
        now: clock.now(),
        maxAgeMs: policy.approvalMaxAgeMs,
      })
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
      state.approvals = [...state.approvals.filter((a) => a.approverId !== actor), approval]
      await audit.append({
        type: 'custody.approval',
        actor,
        data: { requestId, digest: state.digest, approvedAt: approval.approvedAt },
      })
      if (state.status === 'awaiting_approvals' && state.decision.action === 'require_approvals') {
        const quorum = checkApprovalQuorum({
          approvals: state.approvals,
          subjectDigest: state.digest,
          groups: policy.groups,
          quorum: state.decision.quorum,
          initiator: state.request.initiator,
          now: clock.now(),
          maxAgeMs: policy.approvalMaxAgeMs,
        })
        if (quorum.satisfied) state.status = 'ready'
      }
      return ok(snapshot(state))
    },

    async sign({ requestId, transaction, purpose = 'transfer' }) {
      const state = requests.get(requestId)
      if (state === undefined) {
        throw new CustodyInputError('is not a submitted request.', {
          code: 'CUSTODY_REQUEST_NOT_FOUND',
          path: ['requestId'],
          rule: 'unknown_request',
        })
      }
      const actor = 'orchestrator'
      if (state.status === 'refused') {
        return refuse(
          undefined,
          { code: 'REQUEST_CLOSED', message: 'The request was refused.', requestId },
          actor,
        )
      }
      const engagement = frozen(state)
      if (engagement !== undefined) {
        return refuse(
          undefined,
          {
            code: 'KILL_SWITCH_ENGAGED',
            message: `Signing is frozen (${engagement.scope.kind}): ${engagement.reason}`,
            requestId,
          },
          'kill-switch',
        )
      }
      await assertChainReported(state.wallet, requestId)
      const now = clock.now()
      const decision = await decide(state, now)
      if (
        decision.policyVersion !== state.decision.policyVersion ||
        decision.ruleId !== state.decision.ruleId
      ) {
        await audit.append({
          type: 'custody.policy.decision',
          actor: 'policy-engine',
          data: { requestId, ...decisionData(decision), redecided: true },
        })
      }
      if (decision.action === 'block') {
        return refuse(
          state.signed.length > 0 ? undefined : state,
          blockRejection(state, decision),
          'policy-engine',
        )
      }
      const policy = await policies.current()
      let approvals: Approval[] = []
      if (decision.action === 'require_approvals') {
        const check = checkApprovalQuorum({
          approvals: state.approvals,
          subjectDigest: state.digest,
          groups: policy.groups,
          quorum: decision.quorum,
          initiator: state.request.initiator,
          now,
          maxAgeMs: policy.approvalMaxAgeMs,
        })
        if (!check.satisfied) {
          return refuse(
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
      const route = parameters.signers.find(
        (r) => r.tier === wallet.tier && r.scheme === wallet.scheme,
      )
      const signer = route?.resolve(wallet.keyId)
      if (signer === undefined) {
        throw new CustodyError("No signer is routed for the wallet's tier, scheme and key.", {
          code: 'CUSTODY_SIGNER_NOT_FOUND',
          details: `${wallet.id}: ${wallet.tier}/${wallet.scheme}/${wallet.keyId}`,
        })
      }
      const binder = binders.get(chainNamespace(wallet.chain))
      if (binder === undefined) {
        throw new CustodyError('No payload binder for the chain family.', {
          code: 'CUSTODY_INVALID_CONFIG',
          details: wallet.chain,
        })
      }
      if (
        signer.keyId !== wallet.keyId ||
        signer.scheme !== wallet.scheme ||
        (binder.addressOf !== undefined && binder.addressOf(signer.publicKey) !== wallet.address)
      ) {
        throw new CustodyError("The routed signer does not hold the wallet's key.", {
          code: 'CUSTODY_SIGNER_MISMATCH',
          details: `${wallet.id}: ${signer.keyId}/${signer.scheme}`,
        })
      }
      let bound: BoundPayload
      try {
        bound = binder.bind({
          request: state.request,
          wallet,
          transaction,
          purpose,
          previous: state.signed,
        })
      } catch (error) {
        await audit.append({
          type: 'custody.signature.refused',
          actor,
          data: {
            requestId,
            code: isStrongroomError(error) ? error.code : 'UNKNOWN',
            message: error instanceof Error ? error.message.split('\n')[0]! : String(error),
          },
        })
        throw error
      }
      if (state.velocityEvent === undefined) {
        state.velocityEvent = {
          time: now,
          asset: state.request.asset,
          amount: state.request.amount,
          wallet: wallet.id,
          initiator: state.request.initiator,
          destination: state.request.destination,
          venue: wallet.venue,
        }
        velocity.record(state.velocityEvent)
      }
      const nonceBytes = new Uint8Array(16)
      fill(nonceBytes)
      const authorization = await signAuthorization(
        {
          requestId: state.request.requestId,
          keyId: wallet.keyId,
          policyId: decision.policyId,
          policyVersion: decision.policyVersion,
          ruleId: decision.ruleId!,
          payloadDigest: sha256Hex(bound.payload),
          requestDigest: state.digest,
          approvals,
          issuedAt: now,
          expiresAt: now + ttl,
          nonce: toHex(nonceBytes),
          initiator: state.request.initiator,
          walletId: wallet.id,
          chain: wallet.chain,
        },
        authorizationKey,
      )
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
        },
      })
      let result: SignatureResult
      try {
        result = await signer.sign(bound.payload, authorization)
      } catch (error) {
        await audit.append({
          type: 'custody.signature.refused',
          actor: signer.keyId,
          data: {
            requestId,
            code: isStrongroomError(error) ? error.code : 'UNKNOWN',
            message: error instanceof Error ? error.message.split('\n')[0]! : String(error),
          },
        })
        throw error
      }
      state.signed.push(bound)
      state.status = 'signed'
      state.decision = decision
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
      return ok({
        ...result,
        requestId,
        payload: bound.payload,
        summary: bound.summary,
        transaction: bound.transaction,
        authorization,
        decision,
        publicKey: signer.publicKey,
      })
    },
  }
}
