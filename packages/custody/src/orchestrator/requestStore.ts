import type { Approval } from '@strongroom/core'
import type { CustodyAuthorization } from '../authorization/authorization.js'
import type { SigningRequest } from '../authorization/signingRequest.js'
import { fromHex, toHex } from '../crypto/bytes.js'
import type { PolicyDecision } from '../policy/evaluatePolicy.js'
import type { VelocityEvent } from '../policy/velocityTracker.js'
import type { RequestStatus } from './orchestratorTypes.js'
import type { BoundPayload, SigningPurpose } from './payloadBinder.js'

/** A signature the orchestrator obtained for a request, kept so it is never asked for again. */
export type RecordedSignature = {
  readonly purpose: SigningPurpose
  readonly bound: BoundPayload
  readonly signature: Uint8Array
  readonly recoveryId: 0 | 1 | undefined
  readonly authorization: CustodyAuthorization
  readonly decision: PolicyDecision
  /** The signer's public key. */
  readonly publicKey: Uint8Array
}

/**
 * A signature asked of a signer whose answer was not recorded yet (written before the signer is
 * called). Found after a restart, it means the orchestrator stopped while the signer was working:
 * the payload may have been signed, so the binder treats it as signed, and only that same payload
 * may be signed again.
 */
export type PendingSignature = {
  readonly purpose: SigningPurpose
  readonly bound: BoundPayload
  /** The authorization's nonce and expiry. */
  readonly nonce: string
  readonly expiresAt: number
}

/** Everything the orchestrator knows of one request: what it saves and what it recovers. */
export type StoredRequest = {
  readonly request: SigningRequest
  readonly digest: string
  readonly walletId: string
  readonly decision: PolicyDecision
  readonly status: RequestStatus
  readonly approvals: readonly Approval[]
  /** What the request counts in velocity windows, once a signature was asked for. */
  readonly velocityEvent: VelocityEvent | undefined
  readonly signatures: readonly RecordedSignature[]
  readonly pending: PendingSignature | undefined
}

/**
 * Port: durable storage of the orchestrator's requests. `load` is read once, when the
 * orchestrator is created; `save` replaces one request's state and must be durable when it
 * returns (or resolves): the orchestrator answers only after it.
 */
export type OrchestratorRequestStore = {
  /** Every request saved so far, in its last saved state. */
  load(): readonly StoredRequest[]
  save(request: StoredRequest): void | Promise<void>
}

/** A {@link OrchestratorRequestStore} in memory (tests; everything is lost with the process). */
export function createMemoryRequestStore(): OrchestratorRequestStore {
  const requests = new Map<string, string>()
  return {
    load: () => [...requests.values()].map((text) => parseStoredRequest(JSON.parse(text))!),
    save(request) {
      requests.set(request.request.requestId, JSON.stringify(encodeStoredRequest(request)))
    },
  }
}

/**
 * The JSON form of a stored request: bigints become `{ "$bigint": "…" }`, byte arrays
 * `{ "$bytes": "hex" }`, undefined fields are left out.
 */
export function encodeStoredRequest(request: StoredRequest): unknown {
  return encode(request)
}

/** Reads the JSON form of a stored request; `undefined` when it does not have its shape. */
export function parseStoredRequest(value: unknown): StoredRequest | undefined {
  let decoded: unknown
  try {
    decoded = decode(value)
  } catch {
    return undefined
  }
  if (!isRecord(decoded)) return undefined
  const { request, digest, walletId, decision, status, approvals, signatures } = decoded
  const valid =
    isRecord(request) &&
    typeof request.requestId === 'string' &&
    typeof request.amount === 'bigint' &&
    typeof request.createdAt === 'number' &&
    typeof digest === 'string' &&
    typeof walletId === 'string' &&
    isRecord(decision) &&
    typeof decision.action === 'string' &&
    typeof status === 'string' &&
    STATUSES.has(status) &&
    Array.isArray(approvals) &&
    Array.isArray(signatures) &&
    signatures.every(
      (s) => isRecord(s) && isRecord(s.bound) && s.bound.payload instanceof Uint8Array,
    ) &&
    (decoded.pending === undefined ||
      (isRecord(decoded.pending) && isRecord(decoded.pending.bound)))
  return valid ? (decoded as StoredRequest) : undefined
}

const STATUSES = new Set<string>(['awaiting_approvals', 'ready', 'signed', 'refused'])

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function encode(value: unknown): unknown {
  if (typeof value === 'bigint') return { $bigint: value.toString() }
  if (value instanceof Uint8Array) return { $bytes: toHex(value) }
  if (Array.isArray(value)) return value.map(encode)
  if (isRecord(value)) {
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = encode(item)
    return out
  }
  return value
}

function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode)
  if (!isRecord(value)) return value
  const keys = Object.keys(value)
  if (keys.length === 1 && typeof value.$bigint === 'string') return BigInt(value.$bigint)
  if (keys.length === 1 && typeof value.$bytes === 'string') return fromHex(value.$bytes)
  const out: Record<string, unknown> = {}
  for (const key of keys) out[key] = decode(value[key])
  return out
}
