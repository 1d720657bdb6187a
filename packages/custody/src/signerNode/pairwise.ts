// Pairwise encryption between signer nodes for DKG and refresh shares relayed by the coordinator
// (which must not learn them): X25519 key agreement, HKDF-SHA-256 bound to the session and the
// direction, AES-256-GCM with the session, sender, recipient and purpose as associated data.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'
import { x25519 } from '@noble/curves/ed25519.js'
import { SignerNodeProtocolError } from './signerNodeErrors.js'

function key(
  secret: Uint8Array,
  peer: Uint8Array,
  sessionId: string,
  from: string,
  to: string,
): Buffer {
  const shared = x25519.getSharedSecret(secret, peer)
  return Buffer.from(
    hkdfSync(
      'sha256',
      shared,
      Buffer.from(sessionId, 'hex'),
      `strongroom/frost/pairwise/${from}->${to}`,
      32,
    ),
  )
}

const aad = (sessionId: string, from: string, to: string, purpose: string) =>
  Buffer.from(`${sessionId}|${from}|${to}|${purpose}`)

/** Encrypts `plaintext` from node `from` to node `to`. */
export function sealFor(parameters: {
  secret: Uint8Array
  peer: Uint8Array
  sessionId: string
  from: string
  to: string
  purpose: string
  plaintext: Uint8Array
}): string {
  const { sessionId, from, to, purpose } = parameters
  const nonce = randomBytes(12)
  const cipher = createCipheriv(
    'aes-256-gcm',
    key(parameters.secret, parameters.peer, sessionId, from, to),
    nonce,
  )
  cipher.setAAD(aad(sessionId, from, to, purpose))
  const body = Buffer.concat([cipher.update(parameters.plaintext), cipher.final()])
  return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64')
}

/** Decrypts a message sealed by {@link sealFor}. @throws {SignerNodeProtocolError} `signature` when it does not open. */
export function openFrom(parameters: {
  secret: Uint8Array
  peer: Uint8Array
  sessionId: string
  from: string
  to: string
  purpose: string
  sealed: unknown
  path: (string | number)[]
}): Uint8Array {
  const { sessionId, from, to, purpose, sealed, path } = parameters
  try {
    if (typeof sealed !== 'string') throw new TypeError('not a string')
    const raw = Buffer.from(sealed, 'base64')
    const decipher = createDecipheriv(
      'aes-256-gcm',
      key(parameters.secret, parameters.peer, sessionId, from, to),
      raw.subarray(0, 12),
    )
    decipher.setAAD(aad(sessionId, from, to, purpose))
    decipher.setAuthTag(raw.subarray(raw.length - 16))
    return new Uint8Array(
      Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]),
    )
  } catch (cause) {
    throw new SignerNodeProtocolError(`does not decrypt as a ${purpose} from ${from}`, {
      path,
      rule: 'signature',
      cause,
    })
  }
}
