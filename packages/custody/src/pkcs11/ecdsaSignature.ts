import { secp256k1 } from '@noble/curves/secp256k1.js'
import { bytesEqual } from '../crypto/bytes.js'

const N = secp256k1.Point.Fn.ORDER
const HALF_N = N >> 1n

function toBigint(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`)
}

function to32(value: bigint): Uint8Array {
  return new Uint8Array(Buffer.from(value.toString(16).padStart(64, '0'), 'hex'))
}

/**
 * Turns a raw `r || s` ECDSA signature (as PKCS#11 `CKM_ECDSA` returns it) into the form chains
 * accept: `s` normalised to the lower half of the curve order (BIP-62 / EIP-2), plus the recovery
 * id found by recovering the public key from the message digest and comparing it with `publicKey`.
 *
 * @throws {Error} when the signature does not verify under `publicKey` (a faulty token).
 */
export function normalizeEcdsaSignature(parameters: {
  signature: Uint8Array
  digest: Uint8Array
  /** 33-byte compressed public key of the signer. */
  publicKey: Uint8Array
}): { signature: Uint8Array; recoveryId: 0 | 1 } {
  const { signature, digest, publicKey } = parameters
  if (signature.length !== 64)
    throw new Error(`ECDSA signature is ${signature.length} bytes, not 64.`)
  const r = toBigint(signature.subarray(0, 32))
  let s = toBigint(signature.subarray(32))
  if (s > HALF_N) s = N - s
  for (const recoveryId of [0, 1] as const) {
    const candidate = new secp256k1.Signature(r, s, recoveryId)
    let recovered: Uint8Array
    try {
      recovered = candidate.recoverPublicKey(digest).toBytes(true)
    } catch {
      continue
    }
    if (bytesEqual(recovered, publicKey)) {
      const out = new Uint8Array(64)
      out.set(to32(r), 0)
      out.set(to32(s), 32)
      return { signature: out, recoveryId }
    }
  }
  throw new Error(
    'The token returned an ECDSA signature that does not verify under its public key.',
  )
}
