import { type AuditLog, isStrongroomError, type Logger, noopLogger, reject } from '@strongroom/core'
import { createApprovalSignatureCache } from '../authorization/approvalSignatureCache.js'
import type { SigningRequest } from '../authorization/signingRequest.js'
import { CustodyError, CustodyInputError } from '../custodyErrors.js'
import {
  evaluatePolicy,
  type PolicyDecision,
  type ScreeningOutcome,
} from '../policy/evaluatePolicy.js'
import { createVelocityTracker, type VelocityTracker } from '../policy/velocityTracker.js'
import type { AddressFormat, WalletDefinition } from '../wallets/wallet.js'
import type { CreateOrchestratorParameters, OrchestratorRejection } from './orchestratorTypes.js'
import type { ChainIdReporter, PayloadBinder } from './payloadBinder.js'
import { excluding, type RequestState, toStoredRequest } from './requestState.js'
import { createMemoryRequestStore, type OrchestratorRequestStore } from './requestStore.js'

/** What the orchestrator's operations share: configuration, working state and helpers. */
export type OrchestratorContext = ReturnType<typeof createOrchestratorContext>

/** Builds the {@link OrchestratorContext} from the orchestrator's parameters. */
export function createOrchestratorContext(parameters: CreateOrchestratorParameters) {
  const { audit, policies, killSwitch } = parameters
  const logger: Logger = parameters.logger ?? noopLogger
  const velocity: VelocityTracker = parameters.velocity ?? createVelocityTracker()
  const store: OrchestratorRequestStore = parameters.requests ?? createMemoryRequestStore()
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
  const formats = new Map<string, AddressFormat>(
    parameters.addressFormats.map((f) => [f.namespace, f]),
  )
  const binders = new Map<string, PayloadBinder>(parameters.binders.map((b) => [b.namespace, b]))
  const reporters = new Map<string, ChainIdReporter>(
    (parameters.chainIdReporters ?? []).map((r) => [r.chain, r]),
  )
  const requests = new Map<string, RequestState>()
  // Approvals are re-checked on every approve and again on sign: verify each signature once.
  const approvalSignatures = createApprovalSignatureCache()
  const locks = new Map<string, Promise<unknown>>()

  /** Runs `task` once every earlier task on the same request id has finished. */
  function serialized<T>(requestId: string, task: () => Promise<T>): Promise<T> {
    const previous = locks.get(requestId) ?? Promise.resolve()
    const result = previous.then(task, task)
    const settled = result.then(
      () => undefined,
      () => undefined,
    )
    locks.set(requestId, settled)
    void settled.then(() => {
      if (locks.get(requestId) === settled) locks.delete(requestId)
    })
    return result
  }

  /**
   * Saves the request with `changes` applied, durably, then applies them to the working state
   * (so a failed save changes nothing). The orchestrator answers only after this.
   */
  async function commit(state: RequestState, changes: Partial<RequestState>): Promise<void> {
    await store.save(toStoredRequest({ ...state, ...changes }))
    Object.assign(state, changes)
  }

  async function refuse(
    state: RequestState | undefined,
    rejection: OrchestratorRejection,
    actor: string,
  ): Promise<{ ok: false; rejection: OrchestratorRejection }> {
    if (state && state.signatures.length === 0 && state.status !== 'refused') {
      await commit(state, { status: 'refused' })
    }
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

  async function decide(
    state: Pick<RequestState, 'request' | 'wallet' | 'velocityEvent'>,
    now: number,
  ): Promise<PolicyDecision> {
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

  const frozen = (state: Pick<RequestState, 'request' | 'wallet'>) =>
    killSwitch.check({
      walletId: state.wallet.id,
      asset: state.request.asset,
      venue: state.wallet.venue,
    })

  const blockRejection = (requestId: string, decision: PolicyDecision): OrchestratorRejection => ({
    code: decision.ruleId === null ? 'POLICY_DEFAULT_DENY' : 'POLICY_BLOCKED',
    message: decision.reason ?? 'blocked',
    requestId,
    decision,
  })

  function tracked(requestId: string): RequestState {
    const state = requests.get(requestId)
    if (state === undefined) {
      throw new CustodyInputError('is not a submitted request.', {
        code: 'CUSTODY_REQUEST_NOT_FOUND',
        path: ['requestId'],
        rule: 'unknown_request',
      })
    }
    return state
  }

  return {
    parameters,
    audit: audit as AuditLog,
    velocity,
    store,
    wallets,
    formats,
    binders,
    requests,
    approvalSignatures,
    serialized,
    commit,
    refuse,
    auditInputError,
    assertChainReported,
    decide,
    decisionData,
    frozen,
    blockRejection,
    tracked,
  }
}
