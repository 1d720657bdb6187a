import { createHash } from 'node:crypto'

const HEX = /^(?:[0-9a-f]{2})*$/

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

/** True when `value` is lower-case hex of whole bytes (of `bytes` bytes, when given). */
export function isHex(value: unknown, bytes?: number): value is string {
  return (
    typeof value === 'string' &&
    HEX.test(value) &&
    (bytes === undefined || value.length === bytes * 2)
  )
}

/** Bytes of lower-case hex `value` (no `0x`). The caller checks the form with {@link isHex}. */
export function fromHex(value: string): Uint8Array {
  return new Uint8Array(Buffer.from(value, 'hex'))
}

/** SHA-256 of `data` (bytes, or a string as UTF-8). */
export function sha256(data: Uint8Array | string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest())
}

/** SHA-256 of `data`, lower-case hex. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex')
}

/** Constant-time-enough equality of two byte strings of public data. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}
