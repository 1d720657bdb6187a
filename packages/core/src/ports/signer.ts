import type { KeyId, RequestId } from '../ids.js'

/** Elliptic curves Strongroom signs with. */
export type Curve = 'secp256k1' | 'ed25519'

/** Signature schemes: ECDSA (EVM, Bitcoin segwit v0), Ed25519, BIP-340 Schnorr (Taproot). */
export type SignatureScheme = 'ecdsa' | 'ed25519' | 'bip340'

/** One approver's consent: an Ed25519 signature over the request digest. */
export type Approval = {
  readonly approverId: string
  /** Approver's Ed25519 public key, hex. */
  readonly publicKey: string
  /** Signature over the request digest, hex. */
  readonly signature: string
  /** When the approver signed (epoch ms). */
  readonly approvedAt: number
}

/**
 * The orchestrator's permission to sign one exact payload with one key. A signer backend (HSM,
 * FROST node) verifies it independently before signing and refuses to sign without it.
 */
export type SigningAuthorization = {
  readonly requestId: RequestId
  readonly keyId: KeyId
  /** Policy that allowed the request, its version and the rule that matched. */
  readonly policyId: string
  readonly policyVersion: number
  readonly ruleId: string
  /** SHA-256 of the exact payload to be signed, hex. */
  readonly payloadDigest: string
  /** SHA-256 of the canonical request (what approvers signed), hex. */
  readonly requestDigest: string
  readonly approvals: readonly Approval[]
  readonly issuedAt: number
  /** The authorization is void after this time (epoch ms). */
  readonly expiresAt: number
  /** Single-use nonce: a backend refuses an authorization it has already consumed. */
  readonly nonce: string
  /** The orchestrator's signature over the canonical authorization without this field. */
  readonly orchestrator: { readonly keyId: string; readonly signature: string }
}

/** A produced signature. For ECDSA: 64-byte compact `r || s` with low `s`, plus the recovery id. */
export type SignatureResult = {
  readonly signature: Uint8Array
  readonly recoveryId?: 0 | 1 | undefined
}

/**
 * Port: a key that can sign. Backends: PKCS#11 HSM, FROST threshold group, threshold-ECDSA engine.
 * `sign` must reject (with a typed error) when the authorization is missing, forged, expired,
 * replayed, for another key, or for another payload.
 */
export type Signer = {
  readonly keyId: KeyId
  readonly curve: Curve
  readonly scheme: SignatureScheme
  /** Public key: 33-byte compressed secp256k1, 32-byte Ed25519 or 32-byte x-only BIP-340. */
  readonly publicKey: Uint8Array
  sign(payload: Uint8Array, authorization: SigningAuthorization): Promise<SignatureResult>
}
