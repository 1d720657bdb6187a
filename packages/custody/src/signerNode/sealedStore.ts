// Encryption at rest for a signer node: a data key derived from the node's passphrase with scrypt
// (salt kept beside the files), AES-256-GCM per record, atomic file replacement with fsync.
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto'
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs'
import { dirname, join } from 'node:path'
import { SignerNodeError } from './signerNodeErrors.js'

/** A data key for sealing records, derived from a passphrase. */
export type SealingKey = {
  seal(purpose: string, plaintext: Uint8Array): string
  /** @throws {SignerNodeError} `CUSTODY_NODE_STORE_FAILED` when the record was tampered with or the key is wrong. */
  open(purpose: string, sealed: string): Uint8Array
}

const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }

/** Writes a file atomically: temp file, fsync, rename, fsync of the directory. */
export function writeFileDurably(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true })
  const tmp = `${path}.tmp`
  const fd = openSync(tmp, 'w', 0o600)
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, path)
  const dir = openSync(dirname(path), 'r')
  try {
    fsyncSync(dir)
  } finally {
    closeSync(dir)
  }
}

/**
 * Derives the node's sealing key from `passphrase` (scrypt N=2^15, r=8, p=1; the salt is created
 * in `dir` on first use). A wrong passphrase shows up as `CUSTODY_NODE_STORE_FAILED` on first open.
 */
export function deriveSealingKey(dir: string, passphrase: string): SealingKey {
  if (typeof passphrase !== 'string' || passphrase.length < 12) {
    throw new SignerNodeError('The node passphrase must be at least 12 characters.', {
      code: 'CUSTODY_NODE_STORE_FAILED',
    })
  }
  const saltPath = join(dir, 'salt')
  if (!existsSync(saltPath)) writeFileDurably(saltPath, randomBytes(32).toString('hex'))
  const salt = Buffer.from(readFileSync(saltPath, 'utf8').trim(), 'hex')
  const key = scryptSync(passphrase, salt, 32, SCRYPT)
  return {
    seal(purpose, plaintext) {
      const nonce = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, nonce)
      cipher.setAAD(Buffer.from(`strongroom/signer-node/${purpose}`))
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()])
      return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64')
    },
    open(purpose, sealed) {
      try {
        const raw = Buffer.from(sealed, 'base64')
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12))
        decipher.setAAD(Buffer.from(`strongroom/signer-node/${purpose}`))
        decipher.setAuthTag(raw.subarray(raw.length - 16))
        return new Uint8Array(
          Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]),
        )
      } catch (cause) {
        throw new SignerNodeError(
          `A sealed ${purpose} record does not open: wrong passphrase or tampered file.`,
          {
            code: 'CUSTODY_NODE_STORE_FAILED',
            cause,
          },
        )
      }
    },
  }
}
