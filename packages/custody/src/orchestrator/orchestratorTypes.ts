import type {
  Approval,
  AuditLog,
  Clock,
  ComplianceCheck,
  IdGenerator,
  Logger,
  Result,
  SignatureResult,
} from '@strongroom/core'
import type { ApprovalProblem } from '../authorization/approvalQuorum.js'
import type {
  AuthorizationSigningKey,
  CustodyAuthorization,
} from '../authorization/authorization.js'
import type { SigningRequest } from '../authorization/signingRequest.js'
import type { KillSwitch } from '../killSwitch/killSwitch.js'
import type { PolicyDecision } from '../policy/evaluatePolicy.js'
import type { PolicyStore } from '../policy/policyStore.js'
import type { VelocityTracker } from '../policy/velocityTracker.js'
import type { AddressFormat, WalletDefinition } from '../wallets/wallet.js'
import type {
  BoundPayload,
  ChainIdReporter,
  PayloadBinder,
  SigningPurpose,
} from './payloadBinder.js'
import type { OrchestratorRequestStore } from './requestStore.js'
import type { SignerRoute } from './signerRoutes.js'

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
   * Asking again for a payload already signed for the request returns the recorded signature
   * (audited as `custody.signature.replayed`); the signer is not called again.
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
  /**
   * Velocity windows. Default: a new tracker. The orchestrator records into it the velocity
   * events of the requests it recovers from `requests`, so pass a tracker that holds nothing yet.
   */
  velocity?: VelocityTracker | undefined
  /**
   * Where requests, decisions, approvals and signatures are kept; every change is saved before
   * the orchestrator answers, and a new orchestrator on the same store carries on where the
   * last one stopped. Default: `createMemoryRequestStore()` (lost on restart; tests only).
   * Production: `openOrchestratorRequestLog({ path })`.
   */
  requests?: OrchestratorRequestStore | undefined
  /** Lifetime of an authorization. Default 60 s. */
  authorizationTtlMs?: number | undefined
  /** Source of nonce bytes. Default `crypto.getRandomValues`. */
  random?: ((bytes: Uint8Array) => void) | undefined
}
