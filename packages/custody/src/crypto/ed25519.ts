import {
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto'

// DER prefixes of Ed25519 keys (RFC 8410): PKCS#8 private key and SubjectPublicKeyInfo.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')

const publicKeyCache = new Map<string, KeyObject>()

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  const cacheKey = Buffer.from(publicKey).toString('hex')
  let key = publicKeyCache.get(cacheKey)
  if (key === undefined) {
    key = createPublicKey({
      key: Buffer.concat([SPKI_PREFIX, publicKey]),
      format: 'der',
      type: 'spki',
    })
    if (publicKeyCache.size > 10_000) publicKeyCache.clear()
    publicKeyCache.set(cacheKey, key)
  }
  return key
}

/** An Ed25519 key pair held in process memory (approvers' tools, tests, the orchestrator's key). */
export type Ed25519KeyPair = {
  /** 32-byte public key. */
  readonly publicKey: Uint8Array
  sign(message: Uint8Array): Uint8Array
}

/**
 * Imports a 32-byte Ed25519 private key (RFC 8032 seed). The seed stays inside a Node.js
 * `KeyObject`; only the public key and signatures come out.
 */
export function importEd25519PrivateKey(seed: Uint8Array): Ed25519KeyPair {
  if (seed.length !== 32) throw new RangeError('An Ed25519 private key is 32 bytes.')
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  })
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' })
  const publicKey = new Uint8Array(spki.subarray(SPKI_PREFIX.length))
  return {
    publicKey,
    sign: (message) => new Uint8Array(nodeSign(null, message, privateKey)),
  }
}

/** Verifies an Ed25519 signature; false (never a throw) for malformed keys or signatures. */
export function verifyEd25519(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false
  try {
    return nodeVerify(null, message, publicKeyObject(publicKey), signature)
  } catch {
    return false
  }
}
