import { canonicalJson, type SigningAuthorization } from '@strongroom/core'
import { z } from 'zod'
import { sha256, toHex } from '../crypto/bytes.js'
import { importEd25519PrivateKey } from '../crypto/ed25519.js'

/** Domain tag of the orchestrator's signature over an authorization. */
export const AUTHORIZATION_DOMAIN = 'strongroom.authorization.v1'

/**
 * The authorization custody's orchestrator issues: core's {@link SigningAuthorization} plus the
 * initiator (who can never approve their own request), the wallet and the chain. Everything but
 * `orchestrator` is covered by the orchestrator's Ed25519 signature.
 */
export type CustodyAuthorization = SigningAuthorization & {
  readonly initiator: string
  readonly walletId: string
  /** CAIP-2 chain id of the request. */
  readonly chain: string
}

/** A {@link CustodyAuthorization} before the orchestrator signs it. */
export type UnsignedAuthorization = Omit<CustodyAuthorization, 'orchestrator'>

const hex = (bytes: number) =>
  z
    .string()
    .regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`), `must be ${bytes} bytes of lower-case hex`)
const epochMs = z.number().int().nonnegative()

/** Zod schema of a {@link CustodyAuthorization} as received by a signer (untrusted input). */
export const custodyAuthorizationSchema = z.strictObject({
  requestId: z.string().min(1).max(128),
  keyId: z.string().min(1).max(128),
  policyId: z.string().min(1).max(128),
  policyVersion: z.number().int().positive(),
  ruleId: z.string().min(1).max(128),
  payloadDigest: hex(32),
  requestDigest: hex(32),
  approvals: z
    .array(
      z.strictObject({
        approverId: z.string().min(1).max(128),
        publicKey: hex(32),
        signature: hex(64),
        approvedAt: epochMs,
      }),
    )
    .max(64),
  issuedAt: epochMs,
  expiresAt: epochMs,
  nonce: z.string().regex(/^[0-9a-f]{32,128}$/, 'must be 16 to 64 bytes of lower-case hex'),
  initiator: z.string().min(1).max(128),
  walletId: z.string().min(1).max(128),
  chain: z.string().min(3).max(128),
  orchestrator: z.strictObject({ keyId: z.string().min(1).max(128), signature: hex(64) }),
})

/**
 * The 32 bytes the orchestrator signs: SHA-256 of the canonical JSON of every field except
 * `orchestrator`, with `domain: "strongroom.authorization.v1"` added.
 */
export function authorizationDigest(authorization: UnsignedAuthorization): Uint8Array {
  const { orchestrator: _ignored, ...rest } = authorization as CustodyAuthorization
  return sha256(
    canonicalJson({
      ...rest,
      approvals: rest.approvals.map((a) => ({ ...a })),
      domain: AUTHORIZATION_DOMAIN,
    }),
  )
}

/** The orchestrator's signing key: signs authorization digests with Ed25519. */
export type AuthorizationSigningKey = {
  readonly keyId: string
  /** 32-byte Ed25519 public key; signer backends trust it by `keyId`. */
  readonly publicKey: Uint8Array
  sign(digest: Uint8Array): Uint8Array | Promise<Uint8Array>
}

/** Parameters of {@link createSoftwareAuthorizationKey}. */
export type CreateSoftwareAuthorizationKeyParameters = {
  keyId: string
  /** 32-byte Ed25519 private key (seed). */
  privateKey: Uint8Array
}

/** An {@link AuthorizationSigningKey} held in process memory (as a Node.js `KeyObject`). */
export function createSoftwareAuthorizationKey(
  parameters: CreateSoftwareAuthorizationKeyParameters,
): AuthorizationSigningKey {
  const pair = importEd25519PrivateKey(parameters.privateKey)
  return { keyId: parameters.keyId, publicKey: pair.publicKey, sign: (digest) => pair.sign(digest) }
}

/** Signs an authorization with the orchestrator's key. */
export async function signAuthorization(
  unsigned: UnsignedAuthorization,
  key: AuthorizationSigningKey,
): Promise<CustodyAuthorization> {
  const signature = await key.sign(authorizationDigest(unsigned))
  return Object.freeze({
    ...unsigned,
    approvals: Object.freeze(unsigned.approvals.map((a) => Object.freeze({ ...a }))),
    orchestrator: Object.freeze({ keyId: key.keyId, signature: toHex(signature) }),
  })
}
