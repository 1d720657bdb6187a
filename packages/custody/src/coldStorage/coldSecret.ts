// Cold storage of a secret (a seed, a key, a FROST share backup): the secret is encrypted with
// AES-256-GCM under a fresh data key; the data key is split with Shamir's scheme
// (`shamir-secret-sharing`). Each share carries its set id, index, threshold, total and a
// checksum; the vault carries a commitment to the data key so that recombination proves it got
// the right key before decrypting, and a wrong secret is never returned.
import { createCipheriv, createDecipheriv } from 'node:crypto'
import { sha256 } from '@noble/hashes/sha2.js'
import {
  bytesToHex,
  hexToBytes,
  randomBytes as nobleRandomBytes,
  utf8ToBytes,
} from '@noble/hashes/utils.js'
import { combine, split } from 'shamir-secret-sharing'
import type { RandomBytes } from '../frost/bytes.js'
import {
  ColdCommitmentMismatchError,
  ColdShareCorruptedError,
  ColdShareDuplicateError,
  ColdShareForeignError,
  ColdShareMalformedError,
  ColdTooFewSharesError,
} from './coldStorageErrors.js'

/** One printed share. `data` is the Shamir share of the data key (33 bytes). */
export type ColdShare = {
  readonly setId: string
  readonly index: number
  readonly threshold: number
  readonly total: number
  readonly data: Uint8Array
  /** First 8 bytes of SHA-256 over the other fields, hex: catches damaged and mistyped shares. */
  readonly checksum: string
}

/** What is kept (online or offline) beside the shares: the ciphertext and the commitment. */
export type ColdVault = {
  readonly setId: string
  readonly threshold: number
  readonly total: number
  /** Free text stored with the vault and bound into the AEAD (e.g. "BTC cold wallet seed"). */
  readonly label: string
  /** AES-256-GCM nonce (12 bytes), ciphertext and tag (16 bytes), hex. */
  readonly nonce: string
  readonly ciphertext: string
  /** SHA-256 commitment to the data key, hex. */
  readonly keyCommitment: string
  /** SHA-256 commitment to the secret, hex (checked after decryption). */
  readonly secretCommitment: string
}

const SHARE_PREFIX = 'srcs1'
const DATA_KEY_BYTES = 32
const SHARE_DATA_BYTES = DATA_KEY_BYTES + 1

function digest(parts: (string | Uint8Array)[]): Uint8Array {
  const chunks = parts.map((p) => (typeof p === 'string' ? utf8ToBytes(p) : p))
  const length = chunks.reduce((a, c) => a + 4 + c.length, 0)
  const buffer = new Uint8Array(length)
  let offset = 0
  for (const c of chunks) {
    new DataView(buffer.buffer).setUint32(offset, c.length)
    buffer.set(c, offset + 4)
    offset += 4 + c.length
  }
  return sha256(buffer)
}

/** The checksum printed on a share (public: it detects damage, not forgery; the commitment does that). */
export function coldShareChecksum(share: Omit<ColdShare, 'checksum'>): string {
  return bytesToHex(
    digest([
      'strongroom/cold/share',
      share.setId,
      String(share.index),
      String(share.threshold),
      String(share.total),
      share.data,
    ]).subarray(0, 8),
  )
}

const keyCommitment = (setId: string, key: Uint8Array) =>
  bytesToHex(digest(['strongroom/cold/key', setId, key]))
const secretCommitment = (setId: string, secret: Uint8Array) =>
  bytesToHex(digest(['strongroom/cold/secret', setId, secret]))
const aad = (vault: Pick<ColdVault, 'setId' | 'threshold' | 'total' | 'label'>) =>
  utf8ToBytes(
    `strongroom/cold/vault/${vault.setId}/${vault.threshold}/${vault.total}/${vault.label}`,
  )

/**
 * Encrypts `secret` and splits the data key into `total` shares, `threshold` of which recover it.
 * @throws {ColdShareMalformedError} on bad counts or set id.
 */
export async function sealColdSecret(parameters: {
  secret: Uint8Array
  threshold: number
  total: number
  /** Unique id of this share set, [a-z0-9-]{4,64}; printed on every share. */
  setId: string
  label?: string | undefined
  random?: RandomBytes | undefined
}): Promise<{ vault: ColdVault; shares: ColdShare[] }> {
  const { secret, threshold, total, setId } = parameters
  const label = parameters.label ?? ''
  const random = parameters.random ?? ((n: number) => nobleRandomBytes(n))
  if (!/^[a-z0-9-]{4,64}$/.test(setId)) {
    throw new ColdShareMalformedError('must match [a-z0-9-]{4,64}', {
      path: ['setId'],
      rule: 'format',
    })
  }
  if (!Number.isInteger(threshold) || threshold < 2 || threshold > 255) {
    throw new ColdShareMalformedError('must be an integer in [2, 255]', {
      path: ['threshold'],
      rule: 'range',
    })
  }
  if (!Number.isInteger(total) || total < threshold || total > 255) {
    throw new ColdShareMalformedError('must be an integer in [threshold, 255]', {
      path: ['total'],
      rule: 'range',
    })
  }
  if (!(secret instanceof Uint8Array) || secret.length === 0) {
    throw new ColdShareMalformedError('must be non-empty bytes', { path: ['secret'], rule: 'type' })
  }
  const key = random(DATA_KEY_BYTES)
  const nonce = random(12)
  const header = { setId, threshold, total, label }
  const cipher = createCipheriv('aes-256-gcm', key, nonce)
  cipher.setAAD(aad(header))
  const ciphertext = new Uint8Array(
    Buffer.concat([cipher.update(secret), cipher.final(), cipher.getAuthTag()]),
  )
  const vault: ColdVault = {
    ...header,
    nonce: bytesToHex(nonce),
    ciphertext: bytesToHex(ciphertext),
    keyCommitment: keyCommitment(setId, key),
    secretCommitment: secretCommitment(setId, secret),
  }
  const pieces = await split(key, total, threshold)
  key.fill(0)
  const shares = pieces.map((data, i) => {
    const unsigned = { setId, index: i + 1, threshold, total, data }
    return { ...unsigned, checksum: coldShareChecksum(unsigned) }
  })
  return { vault, shares }
}

/** Formats a share as one line of text for paper or a smart card: `srcs1-<set>-<i>-<t>-<n>-<data>-<checksum>`. */
export function formatColdShare(share: ColdShare): string {
  return [
    SHARE_PREFIX,
    share.setId.replaceAll('-', '.'),
    share.index,
    share.threshold,
    share.total,
    bytesToHex(share.data),
    share.checksum,
  ].join('-')
}

/**
 * Parses a share line and checks its checksum.
 * @throws {ColdShareMalformedError} naming the field; {@link ColdShareCorruptedError} on a checksum mismatch.
 */
export function parseColdShare(text: string, path: (string | number)[] = []): ColdShare {
  if (typeof text !== 'string')
    throw new ColdShareMalformedError('must be a string', { path, rule: 'type' })
  const parts = text.trim().split('-')
  if (parts.length !== 7)
    throw new ColdShareMalformedError('must have 7 dash-separated fields', { path, rule: 'format' })
  const [prefix, set, index, threshold, total, data, checksum] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ]
  if (prefix !== SHARE_PREFIX)
    throw new ColdShareMalformedError(`must start with ${SHARE_PREFIX}`, {
      path: [...path, 'version'],
      rule: 'version',
    })
  const int = (value: string, field: string, max: number) => {
    if (!/^[0-9]{1,3}$/.test(value) || Number(value) < 1 || Number(value) > max) {
      throw new ColdShareMalformedError(`must be an integer in [1, ${max}]`, {
        path: [...path, field],
        rule: 'range',
      })
    }
    return Number(value)
  }
  const share = {
    setId: set.replaceAll('.', '-'),
    index: int(index, 'index', 255),
    threshold: int(threshold, 'threshold', 255),
    total: int(total, 'total', 255),
    data: new Uint8Array(0),
    checksum,
  }
  if (!/^[a-z0-9-]{4,64}$/.test(share.setId))
    throw new ColdShareMalformedError('is not a set id', {
      path: [...path, 'setId'],
      rule: 'format',
    })
  if (!/^[0-9a-f]*$/.test(data) || data.length !== SHARE_DATA_BYTES * 2) {
    throw new ColdShareMalformedError(`must be ${SHARE_DATA_BYTES} bytes of hex`, {
      path: [...path, 'data'],
      rule: 'encoding',
    })
  }
  if (!/^[0-9a-f]{16}$/.test(checksum))
    throw new ColdShareMalformedError('must be 8 bytes of hex', {
      path: [...path, 'checksum'],
      rule: 'encoding',
    })
  const parsed = { ...share, data: hexToBytes(data) }
  if (coldShareChecksum(parsed) !== checksum) throw new ColdShareCorruptedError(parsed.index)
  return parsed
}

function* combinations<T>(
  items: readonly T[],
  size: number,
  start = 0,
  prefix: T[] = [],
): Generator<T[]> {
  if (prefix.length === size) {
    yield prefix
    return
  }
  for (let i = start; i <= items.length - (size - prefix.length); i++)
    yield* combinations(items, size, i + 1, [...prefix, items[i]!])
}

/**
 * Recovers the secret from at least `threshold` shares. Checks every share (checksum, set, index,
 * duplicates), recombines the data key, proves it against the vault's commitment, decrypts and
 * checks the secret's commitment. With more shares than the threshold it tolerates and names bad
 * ones. Never returns a wrong secret.
 * @throws one of the cold-storage errors (typed, naming the share).
 */
export async function recoverColdSecret(parameters: {
  vault: ColdVault
  shares: readonly (ColdShare | string)[]
}): Promise<{ secret: Uint8Array; usedIndexes: number[]; badIndexes: number[] }> {
  const { vault } = parameters
  const shares = parameters.shares.map((s, i) =>
    typeof s === 'string' ? parseColdShare(s, ['shares', i]) : s,
  )
  const seen = new Set<number>()
  for (const share of shares) {
    if (coldShareChecksum(share) !== share.checksum || share.data.length !== SHARE_DATA_BYTES)
      throw new ColdShareCorruptedError(share.index)
    if (
      share.setId !== vault.setId ||
      share.threshold !== vault.threshold ||
      share.total !== vault.total
    ) {
      throw new ColdShareForeignError(share.index, share.setId, vault.setId)
    }
    if (share.index < 1 || share.index > vault.total)
      throw new ColdShareForeignError(share.index, share.setId, vault.setId)
    if (seen.has(share.index)) throw new ColdShareDuplicateError(share.index)
    seen.add(share.index)
  }
  const xs = new Set(shares.map((s) => s.data[SHARE_DATA_BYTES - 1]))
  if (xs.size !== shares.length) throw new ColdCommitmentMismatchError([])
  if (shares.length < vault.threshold)
    throw new ColdTooFewSharesError(shares.length, vault.threshold)

  let key: Uint8Array | undefined
  let used: ColdShare[] = []
  for (const subset of combinations(shares, vault.threshold)) {
    const candidate = await combine(subset.map((s) => s.data))
    if (keyCommitment(vault.setId, candidate) === vault.keyCommitment) {
      key = candidate
      used = subset
      break
    }
    if (shares.length === vault.threshold) break
  }
  if (key === undefined) throw new ColdCommitmentMismatchError([])
  // Shares outside the good subset that do not lie on the same polynomial are bad.
  const bad: number[] = []
  for (const share of shares) {
    if (used.includes(share)) continue
    const check = await combine([...used.slice(1), share].map((s) => s.data))
    if (keyCommitment(vault.setId, check) !== vault.keyCommitment) bad.push(share.index)
  }
  const sealed = hexToBytes(vault.ciphertext)
  const decipher = createDecipheriv('aes-256-gcm', key, hexToBytes(vault.nonce))
  decipher.setAAD(aad(vault))
  decipher.setAuthTag(sealed.subarray(sealed.length - 16))
  let secret: Uint8Array
  try {
    secret = new Uint8Array(
      Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]),
    )
  } catch {
    throw new ColdShareMalformedError('does not decrypt under the recovered key', {
      path: ['vault', 'ciphertext'],
      rule: 'encoding',
    })
  } finally {
    key.fill(0)
  }
  if (secretCommitment(vault.setId, secret) !== vault.secretCommitment) {
    throw new ColdShareMalformedError('does not match the secret commitment', {
      path: ['vault', 'secretCommitment'],
      rule: 'encoding',
    })
  }
  return {
    secret,
    usedIndexes: used.map((s) => s.index).sort((a, b) => a - b),
    badIndexes: bad.sort((a, b) => a - b),
  }
}
