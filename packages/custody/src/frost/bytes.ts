import {
  concatBytes,
  hexToBytes,
  randomBytes as nobleRandomBytes,
  bytesToHex as toHex,
  utf8ToBytes,
} from '@noble/hashes/utils.js'
import type { IssuePath } from '@strongroom/core'
import { FrostInputError } from './frostErrors.js'

/** A source of cryptographically secure random bytes (injected in tests for determinism). */
export type RandomBytes = (length: number) => Uint8Array

/** The default random source: the platform CSPRNG (`crypto.getRandomValues`). */
export const secureRandomBytes: RandomBytes = (length) => nobleRandomBytes(length)

export { concatBytes, toHex, utf8ToBytes }

/**
 * Parses a lower- or upper-case hex string of an exact byte length.
 * @throws {FrostInputError} `encoding` or `length`, naming `path`.
 */
export function parseHex(value: unknown, path: IssuePath, length?: number): Uint8Array {
  if (typeof value !== 'string')
    throw new FrostInputError('must be a hex string', { path, rule: 'type' })
  if (value.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(value)) {
    throw new FrostInputError('is not valid hex', { path, rule: 'encoding' })
  }
  const bytes = hexToBytes(value)
  if (length !== undefined && bytes.length !== length) {
    throw new FrostInputError(`must be ${length} bytes, got ${bytes.length}`, {
      path,
      rule: 'length',
    })
  }
  return bytes
}

/** Constant-length equality for byte arrays (lengths are public). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}
