import { getFix44Dictionary } from '../dictionary/dictionary.js'
import type { FixMessageView } from './messageView.js'

/** Why a byte sequence is not a well-formed FIX message (it is garbled and must be dropped). */
export type FixGarbledReason =
  | 'begin_string_not_first'
  | 'begin_string_mismatch'
  | 'body_length_not_second'
  | 'msg_type_not_third'
  | 'field_syntax'
  | 'unterminated_field'
  | 'body_length_mismatch'
  | 'checksum_missing'
  | 'checksum_not_last'
  | 'checksum_mismatch'
  | 'too_many_fields'

/** Options of {@link tokenizeFixMessage}. */
export type TokenizeOptions = {
  /** Checks BodyLength and CheckSum (default true). */
  validateLengthAndChecksum?: boolean
  /** At most this many fields (default 4096): more is `too_many_fields`. */
  maxFields?: number
  /**
   * The BeginString the message must carry (e.g. `FIX.4.4`); another one is
   * `begin_string_mismatch`. Unchecked by default (a session answers a wrong BeginString with a
   * Logout rather than dropping the message).
   */
  beginString?: string
  /** DATA field → its LENGTH tag (default: the FIX 4.4 dictionary's pairs). */
  dataLengthTag?: (tag: number) => number | undefined
}

let defaultDataTable: Int32Array | undefined
/** Dense table: dataTag → lengthTag (0 when not a data field), for tags below 1024. */
function dataTable(lookup: ((tag: number) => number | undefined) | undefined): Int32Array {
  if (!lookup && defaultDataTable) return defaultDataTable
  const fn = lookup ?? getFix44Dictionary().dataLengthTag
  const table = new Int32Array(1024)
  for (let tag = 0; tag < 1024; tag++) table[tag] = fn(tag) ?? 0
  if (!lookup) defaultDataTable = table
  return table
}

const tables = new WeakMap<object, Int32Array>()

/**
 * Tokenizes one complete FIX message in `bytes[start, end)` into `view` without copying: checks
 * that BeginString, BodyLength and MsgType come first, that every field is `tag=value<SOH>`,
 * that BodyLength and CheckSum are right and that CheckSum is last. DATA fields are read by the
 * length given in their LENGTH field, so they may contain SOH.
 *
 * @returns `undefined` when the message is well formed (the view is filled), else why it is
 *   garbled.
 */
export function tokenizeFixMessage(
  bytes: Uint8Array,
  start: number,
  end: number,
  view: FixMessageView,
  options?: TokenizeOptions,
): FixGarbledReason | undefined {
  const validate = options?.validateLengthAndChecksum ?? true
  const maxFields = options?.maxFields ?? 4096
  let data: Int32Array
  if (options?.dataLengthTag) {
    let cached = tables.get(options.dataLengthTag)
    if (cached === undefined) {
      cached = dataTable(options.dataLengthTag)
      tables.set(options.dataLengthTag, cached)
    }
    data = cached
  } else data = defaultDataTable ?? dataTable(undefined)

  view.bytes = bytes
  view.start = start
  view.end = end
  view.count = 0
  let table = view.table
  let n = 0
  let p = start
  let sum = 0
  let sumBeforeChecksum = 0
  let checksumField = -1
  let bodyLength = -1
  while (p < end) {
    const fieldStart = p
    const sumBefore = sum
    let c = bytes[p]!
    let negative = false
    if (c === 45) {
      negative = true
      sum += c
      p++
    }
    let tag = 0
    let digits = 0
    while (p < end) {
      c = bytes[p]!
      if (c < 48 || c > 57) break
      tag = tag * 10 + (c - 48)
      sum += c
      p++
      digits++
    }
    if (digits === 0 || digits > 9 || p >= end || c !== 61) {
      view.count = n
      return 'field_syntax'
    }
    if (negative) tag = -tag
    sum += 61
    p++
    const valueStart = p
    const dataLengthTag = tag >= 0 && tag < 1024 ? data[tag]! : 0
    // A DATA field right after its LENGTH field is read by length (it may contain SOH).
    const dataLength =
      dataLengthTag !== 0 && n > 0 && table[(n - 1) * 3] === dataLengthTag
        ? parseDigits(bytes, table[(n - 1) * 3 + 1]!, table[(n - 1) * 3 + 2]!)
        : -1
    if (dataLength >= 0) {
      p += dataLength
      if (p >= end || bytes[p] !== 1) {
        view.count = n
        return 'unterminated_field'
      }
      for (let i = valueStart; i < p; i++) sum += bytes[i]!
    } else {
      while (p < end) {
        c = bytes[p]!
        if (c === 1) break
        sum += c
        p++
      }
      if (p >= end) {
        view.count = n
        return 'unterminated_field'
      }
    }
    const valueEnd = p
    sum += 1
    p++
    if (n >= maxFields) {
      view.count = n
      return 'too_many_fields'
    }
    if (n * 3 + 3 > table.length) {
      view.count = n
      view.ensureCapacity(n + 1)
      table = view.table
    }
    table[n * 3] = tag
    table[n * 3 + 1] = valueStart
    table[n * 3 + 2] = valueEnd
    // Field order rules and running checks.
    if (n < 3) {
      if (n === 0) {
        if (tag !== 8) return fail(view, n, 'begin_string_not_first')
        const expected = options?.beginString
        if (expected !== undefined) {
          let same = valueEnd - valueStart === expected.length
          for (let i = 0; same && i < expected.length; i++) {
            if (bytes[valueStart + i] !== expected.charCodeAt(i)) same = false
          }
          if (!same) return fail(view, n, 'begin_string_mismatch')
        }
      } else if (n === 1) {
        if (tag !== 9) return fail(view, n, 'body_length_not_second')
        bodyLength = parseDigits(bytes, valueStart, valueEnd)
        view.bodyStart = p
      } else if (tag !== 35) return fail(view, n, 'msg_type_not_third')
    }
    if (checksumField >= 0) return fail(view, n, 'checksum_not_last')
    if (tag === 10) {
      checksumField = fieldStart
      sumBeforeChecksum = sumBefore
    }
    n++
  }
  view.count = n
  if (n < 3)
    return n === 0
      ? 'begin_string_not_first'
      : n === 1
        ? 'body_length_not_second'
        : 'msg_type_not_third'
  if (checksumField < 0) return 'checksum_missing'
  if (validate) {
    if (bodyLength !== checksumField - view.bodyStart) return 'body_length_mismatch'
    const declared = parseDigits(bytes, table[(n - 1) * 3 + 1]!, table[(n - 1) * 3 + 2]!)
    if (declared !== (sumBeforeChecksum & 255)) return 'checksum_mismatch'
  }
  return undefined
}

function fail(view: FixMessageView, n: number, reason: FixGarbledReason): FixGarbledReason {
  view.count = n + 1
  return reason
}

/** Parses `[0-9]{1,9}`; -1 when empty, too long or not all digits. */
function parseDigits(bytes: Uint8Array, start: number, end: number): number {
  if (end <= start || end - start > 9) return -1
  let v = 0
  for (let i = start; i < end; i++) {
    const c = bytes[i]! - 48
    if (c < 0 || c > 9) return -1
    v = v * 10 + c
  }
  return v
}
