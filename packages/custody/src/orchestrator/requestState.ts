import type { Approval } from '@strongroom/core'
import type { SigningRequest } from '../authorization/signingRequest.js'
import { CustodyError } from '../custodyErrors.js'
import type { PolicyDecision } from '../policy/evaluatePolicy.js'
import type { VelocityEvent, VelocityTracker } from '../policy/velocityTracker.js'
import type { WalletDefinition } from '../wallets/wallet.js'
import type { RequestStatus, SignedPayload, TrackedRequest } from './orchestratorTypes.js'
import type { PendingSignature, RecordedSignature, StoredRequest } from './requestStore.js'

/** The orchestrator's working state of one request (mutable; saved after every change). */
export type RequestState = {
  request: SigningRequest
  digest: string
  wallet: WalletDefinition
  decision: PolicyDecision
  status: RequestStatus
  approvals: Approval[]
  signatures: RecordedSignature[]
  pending: PendingSignature | undefined
  velocityEvent: VelocityEvent | undefined
}

/** The read-only view handed out by `submit`, `approve` and `get`. */
export const snapshot = (s: RequestState): TrackedRequest =>
  Object.freeze({
    request: s.request,
    digest: s.digest,
    wallet: s.wallet,
    decision: s.decision,
    status: s.status,
    approvals: [...s.approvals],
    signed: s.signatures.map((r) => r.bound),
  })

/** What is saved of a request. */
export const toStoredRequest = (s: RequestState): StoredRequest => ({
  request: s.request,
  digest: s.digest,
  walletId: s.wallet.id,
  decision: s.decision,
  status: s.status,
  approvals: [...s.approvals],
  velocityEvent: s.velocityEvent,
  signatures: [...s.signatures],
  pending: s.pending,
})

/**
 * A recovered request back in working state.
 * @throws {CustodyError} `CUSTODY_REQUEST_STORE_FAILED` when its wallet is not configured.
 */
export function fromStoredRequest(
  stored: StoredRequest,
  wallets: ReadonlyMap<string, WalletDefinition>,
): RequestState {
  const wallet = wallets.get(stored.walletId)
  if (wallet === undefined) {
    throw new CustodyError('A stored request names a wallet that is not configured.', {
      code: 'CUSTODY_REQUEST_STORE_FAILED',
      details: `${stored.request.requestId}: ${stored.walletId}`,
    })
  }
  return {
    request: stored.request,
    digest: stored.digest,
    wallet,
    decision: stored.decision,
    status: stored.status,
    approvals: [...stored.approvals],
    signatures: [...stored.signatures],
    pending: stored.pending,
    velocityEvent: stored.velocityEvent,
  }
}

/** The answer `sign` gave for a recorded signature. */
export const signedPayloadOf = (requestId: string, r: RecordedSignature): SignedPayload => ({
  signature: r.signature,
  recoveryId: r.recoveryId,
  requestId,
  payload: r.bound.payload,
  summary: r.bound.summary,
  transaction: r.bound.transaction,
  authorization: r.authorization,
  decision: r.decision,
  publicKey: r.publicKey,
})

/**
 * The tracker as seen when re-deciding a request that already counts in it: the request's own
 * event is left out, so it is not counted against itself.
 */
export function excluding(
  tracker: VelocityTracker,
  event: VelocityEvent | undefined,
): VelocityTracker {
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
