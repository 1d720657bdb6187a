import {
  type AuditLog,
  isStrongroomError,
  type KeyId,
  type SignatureResult,
  type Signer,
} from '@strongroom/core'
import type { AuthorizationTrust } from '../authorization/verifyAuthorization.js'
import { verifyAuthorization } from '../authorization/verifyAuthorization.js'
import { CustodyError } from '../custodyErrors.js'
import { normalizeEcdsaSignature, prepareEcdsaPublicKey } from './ecdsaSignature.js'
import type { Pkcs11Token } from './pkcs11Token.js'
import { rawSigners } from './rawSigners.js'

/** Parameters of {@link createPkcs11Signer}. */
export type CreatePkcs11SignerParameters = {
  token: Pkcs11Token
  keyId: string
  /** What this backend trusts: orchestrator keys, policies, nonce store, clock. */
  trust: AuthorizationTrust
  /** Where refusals are recorded (default: the token's audit log). */
  audit?: AuditLog | undefined
}

/** A {@link Signer} backed by a PKCS#11 key. */
export type Pkcs11Signer = Signer & {
  /** Signatures made by this signer. */
  readonly signatures: number
}

/**
 * A {@link Signer} over a key in a PKCS#11 token. Every `sign` first verifies the orchestrator's
 * authorization itself (`verifyAuthorization`); a refusal is audited and throws, and nothing is
 * signed. ECDSA signatures come back low-s with their recovery id; the token works on the libuv
 * thread pool through the token's session pool, so the event loop never blocks on the HSM.
 *
 * @throws {CustodyError} `CUSTODY_KEY_NOT_FOUND` when the key is not on the token.
 */
export async function createPkcs11Signer(
  parameters: CreatePkcs11SignerParameters,
): Promise<Pkcs11Signer> {
  const { token, trust } = parameters
  const rawSign = rawSigners.get(token)
  if (rawSign === undefined) {
    throw new CustodyError('The token was not opened by openPkcs11Token.', {
      code: 'CUSTODY_INVALID_CONFIG',
    })
  }
  const info = await token.findKey({ keyId: parameters.keyId })
  const audit = parameters.audit ?? token.audit
  // The recovery id's tables for this key are built now rather than on the first signature.
  if (info.scheme === 'ecdsa') prepareEcdsaPublicKey(info.publicKey)
  let signatures = 0
  return {
    keyId: info.keyId as KeyId,
    curve: info.curve,
    scheme: info.scheme,
    publicKey: info.publicKey,
    get signatures() {
      return signatures
    },
    async sign(payload, authorization): Promise<SignatureResult> {
      try {
        await verifyAuthorization({ authorization, payload, keyId: info.keyId, trust })
        if (info.scheme === 'ecdsa' && payload.length !== 32) {
          throw new CustodyError('An ECDSA payload is the 32-byte message digest.', {
            code: 'CUSTODY_AUTHORIZATION_WRONG_PAYLOAD',
            details: `${payload.length} bytes`,
          })
        }
        const raw = await rawSign(info.keyId, payload)
        signatures++
        if (info.scheme === 'ecdsa') {
          return normalizeEcdsaSignature({
            signature: raw,
            digest: payload,
            publicKey: info.publicKey,
          })
        }
        return { signature: raw }
      } catch (error) {
        await audit?.append({
          type: 'custody.signer.refused',
          actor: `pkcs11:${info.keyId}`,
          data: {
            keyId: info.keyId,
            code: isStrongroomError(error) ? error.code : 'UNKNOWN',
            requestId:
              typeof authorization === 'object' &&
              authorization !== null &&
              typeof authorization.requestId === 'string'
                ? authorization.requestId.slice(0, 128)
                : null,
            payloadBytes: payload.length,
            message: error instanceof Error ? error.message.split('\n')[0]! : String(error),
          },
        })
        throw error
      }
    },
  }
}
