import { InvalidFixFieldError } from '../errors.js'

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`)
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`)

let cachedSecond = Number.NaN
let cachedPrefix = ''
const prefixBytes = new Uint8Array(17)
/** Sum of `prefixBytes` (for CheckSum). */
let prefixSum = 0

function prefixFor(second: number): string {
  if (second !== cachedSecond) {
    const d = new Date(second * 1000)
    cachedPrefix = `${d.getUTCFullYear()}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}-${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`
    prefixSum = 0
    for (let i = 0; i < 17; i++) {
      prefixBytes[i] = cachedPrefix.charCodeAt(i)
      prefixSum += prefixBytes[i]!
    }
    cachedSecond = second
  }
  return cachedPrefix
}

/**
 * Formats milliseconds since the epoch as a FIX UTCTimestamp with milliseconds,
 * `YYYYMMDD-HH:MM:SS.sss`.
 */
export function formatUtcTimestamp(ms: number): string {
  const second = Math.floor(ms / 1000)
  return `${prefixFor(second)}.${pad3(ms - second * 1000)}`
}

/** Writes `YYYYMMDD-HH:MM:SS.sss` (21 bytes) at `offset`; returns the offset after it. */
export function writeUtcTimestamp(target: Uint8Array, offset: number, ms: number): number {
  writeUtcTimestampSum(target, offset, ms)
  return offset + 21
}

/**
 * Writes `YYYYMMDD-HH:MM:SS.sss` (21 bytes) at `offset`; returns the sum of the bytes written
 * (for CheckSum; the date and time up to the second are summed once per second).
 */
export function writeUtcTimestampSum(target: Uint8Array, offset: number, ms: number): number {
  const second = Math.floor(ms / 1000)
  prefixFor(second)
  // A loop beats TypedArray#set for 17 bytes (the native call dominates).
  for (let i = 0; i < 17; i++) target[offset + i] = prefixBytes[i]!
  const milli = ms - second * 1000
  const a = 48 + Math.floor(milli / 100)
  const b = 48 + (Math.floor(milli / 10) % 10)
  const c = 48 + (milli % 10)
  target[offset + 17] = 46
  target[offset + 18] = a
  target[offset + 19] = b
  target[offset + 20] = c
  return prefixSum + 46 + a + b + c
}

/** The last `YYYYMMDD-HH:MM:SS` parsed (a message's timestamps repeat within a second). */
const parsedPrefix = new Uint8Array(17)
let parsedPrefixMs = Number.NaN

function two(b: Uint8Array, p: number): number {
  const a = b[p]! - 48
  const c = b[p + 1]! - 48
  if (a < 0 || a > 9 || c < 0 || c > 9) return -1
  return a * 10 + c
}

/** Milliseconds of `YYYYMMDD-HH:MM:SS` at `start` (separators already checked), or NaN. */
function parsePrefix(b: Uint8Array, start: number): number {
  const y = two(b, start) * 100 + two(b, start + 2)
  const m = two(b, start + 4)
  const d = two(b, start + 6)
  if (y < 0 || m < 1 || m > 12 || d < 1 || d > 31) return Number.NaN
  const h = two(b, start + 9)
  const mi = two(b, start + 12)
  const se = two(b, start + 15)
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60) return Number.NaN
  return Date.UTC(y, m - 1, d) + ((h * 60 + mi) * 60 + se) * 1000
}

/**
 * Parses a UTCTimestamp (`YYYYMMDD-HH:MM:SS` with an optional fraction of 1-9 digits) from bytes
 * `[start, end)`; returns milliseconds since the epoch (fraction truncated to ms), or NaN.
 */
export function parseUtcTimestampBytes(b: Uint8Array, start: number, end: number): number {
  const length = end - start
  if (length < 17 || b[start + 8] !== 45 || b[start + 11] !== 58 || b[start + 14] !== 58) {
    return Number.NaN
  }
  let same = true
  for (let i = 0; i < 17; i++) {
    if (parsedPrefix[i] !== b[start + i]) {
      same = false
      break
    }
  }
  let secondMs = parsedPrefixMs
  if (!same || Number.isNaN(secondMs)) {
    secondMs = parsePrefix(b, start)
    if (Number.isNaN(secondMs)) return Number.NaN
    for (let i = 0; i < 17; i++) parsedPrefix[i] = b[start + i]!
    parsedPrefixMs = secondMs
  }
  let ms = 0
  if (length > 17) {
    if (b[start + 17] !== 46 || length < 19 || length > 27) return Number.NaN
    let scale = 100
    for (let i = start + 18; i < end; i++) {
      const c = b[i]! - 48
      if (c < 0 || c > 9) return Number.NaN
      ms += c * scale
      scale /= 10
    }
    ms = Math.floor(ms)
  }
  return secondMs + ms
}

/**
 * Parses a UTCTimestamp string; returns milliseconds since the epoch.
 *
 * @throws {InvalidFixFieldError} when the text is not a UTCTimestamp.
 */
export function parseUtcTimestamp(text: string, tag = 52): number {
  const bytes = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 255
  const ms = parseUtcTimestampBytes(bytes, 0, bytes.length)
  if (Number.isNaN(ms)) {
    throw new InvalidFixFieldError(`is not a UTCTimestamp (YYYYMMDD-HH:MM:SS[.sss]): "${text}".`, {
      code: 'FIX_INVALID_FIELD',
      path: [tag],
      rule: 'utc_timestamp',
    })
  }
  return ms
}
