import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto'
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import type { KeyId, Signer, SigningAuthorization } from '@strongroom/core'
import type { AuthorizationVerifier } from '@strongroom/custody'

/**
 * DEVELOPMENT KEY STORE — not an HSM. secp256k1 keys generated in this process, kept encrypted
 * (AES-256-GCM under a scrypt-derived key) in `<dataDir>/dev-keystore.json`, with the passphrase
 * in `STRONGROOM_KEYSTORE_PASSPHRASE` or, failing that, a file beside it readable only by this
 * user. It exists so `npm start` needs nothing installed; configure a PKCS#11 module for anything
 * real. Signing still goes through the orchestrator: each signature needs a valid authorization,
 * checked here exactly as the HSM signer checks it.
 */
export type DevKeystore = {
  /** The key `keyId`, created on first use. */
  ensureKey(keyId: string): Promise<{ keyId: string; publicKey: Uint8Array }>
  /** A {@link Signer} for `keyId` that verifies every authorization before signing. */
  signer(keyId: string, verify: AuthorizationVerifier): Signer
  /** Public key of an existing key, or undefined. */
  publicKey(keyId: string): Uint8Array | undefined
}

type Stored = { keys: Record<string, { iv: string; tag: string; data: string }>; salt: string }

export function openDevKeystore(options: {
  dataDir: string
  passphrase?: string | undefined
}): DevKeystore {
  const file = join(options.dataDir, 'dev-keystore.json')
  const passFile = join(options.dataDir, 'dev-keystore.pass')
  let passphrase = options.passphrase
  if (!passphrase) {
    if (!existsSync(passFile)) {
      writeFileSync(passFile, randomBytes(32).toString('hex'), { mode: 0o600 })
      chmodSync(passFile, 0o600)
    }
    passphrase = readFileSync(passFile, 'utf8').trim()
  }
  const stored: Stored = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Stored)
    : { keys: {}, salt: randomBytes(16).toString('hex') }
  const kek = scryptSync(passphrase, Buffer.from(stored.salt, 'hex'), 32)
  const secrets = new Map<string, Uint8Array>()

  const decrypt = (keyId: string): Uint8Array | undefined => {
    const cached = secrets.get(keyId)
    if (cached) return cached
    const entry = stored.keys[keyId]
    if (!entry) return undefined
    const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(entry.iv, 'hex'))
    decipher.setAAD(Buffer.from(keyId))
    decipher.setAuthTag(Buffer.from(entry.tag, 'hex'))
    const secret = new Uint8Array(
      Buffer.concat([decipher.update(Buffer.from(entry.data, 'hex')), decipher.final()]),
    )
    secrets.set(keyId, secret)
    return secret
  }
  const persist = () => {
    const tmp = `${file}.tmp`
    writeFileSync(tmp, JSON.stringify(stored), { mode: 0o600 })
    renameSync(tmp, file)
  }

  return {
    async ensureKey(keyId) {
      let secret = decrypt(keyId)
      if (!secret) {
        secret = secp256k1.utils.randomSecretKey()
        const iv = randomBytes(12)
        const cipher = createCipheriv('aes-256-gcm', kek, iv)
        cipher.setAAD(Buffer.from(keyId))
        const data = Buffer.concat([cipher.update(secret), cipher.final()])
        stored.keys[keyId] = {
          iv: iv.toString('hex'),
          tag: cipher.getAuthTag().toString('hex'),
          data: data.toString('hex'),
        }
        persist()
        secrets.set(keyId, secret)
      }
      return { keyId, publicKey: secp256k1.getPublicKey(secret, true) }
    },
    publicKey(keyId) {
      const secret = decrypt(keyId)
      return secret && secp256k1.getPublicKey(secret, true)
    },
    signer(keyId, verify) {
      const secret = decrypt(keyId)
      if (!secret) throw new Error(`dev keystore has no key ${keyId}`)
      return {
        keyId: keyId as KeyId,
        curve: 'secp256k1',
        scheme: 'ecdsa',
        publicKey: secp256k1.getPublicKey(secret, true),
        async sign(payload: Uint8Array, authorization: SigningAuthorization) {
          // Throws a typed AuthorizationError when missing, forged, expired, replayed or for
          // another key or payload: nothing is signed.
          await verify(authorization, payload, keyId)
          if (payload.length !== 32) throw new Error('ECDSA signs a 32-byte digest')
          const recovered = secp256k1.sign(payload, secret, { prehash: false, format: 'recovered' })
          return { signature: recovered.slice(1), recoveryId: recovered[0] === 1 ? 1 : 0 }
        },
      }
    },
  }
}
