import { writeUtcTimestampSum } from './timestamp.js'

/** What a message body (or a group entry) is written with. */
export type FixFieldWriter = {
  /** A string field (Latin-1). Skipped when `value` is undefined. */
  str(tag: number, value: string | undefined): FixFieldWriter
  /** An integer field. Skipped when `value` is undefined. */
  int(tag: number, value: number | bigint | undefined): FixFieldWriter
  /** A single-character field (CHAR, BOOLEAN as `Y`/`N`). Skipped when undefined. */
  char(tag: number, value: string | undefined): FixFieldWriter
  /** A BOOLEAN field. Skipped when undefined. */
  bool(tag: number, value: boolean | undefined): FixFieldWriter
  /** A UTCTimestamp field with milliseconds from epoch milliseconds. Skipped when undefined. */
  timestamp(tag: number, ms: number | undefined): FixFieldWriter
  /** A field whose value is raw bytes (DATA). */
  bytes(tag: number, value: Uint8Array): FixFieldWriter
  /** Already encoded fields (`tag=value<SOH>`…), copied verbatim. */
  raw(fields: Uint8Array): FixFieldWriter
}

const HEAD_ROOM = 32

/**
 * Encodes FIX messages into one reusable buffer: the body is written after a reserved head
 * room, then `8=<BeginString><SOH>9=<length><SOH>` (precomputed bytes plus the length digits)
 * is placed right before it and the CheckSum appended, so nothing is copied. The bytes returned
 * by {@link FixEncoder.finish} are valid until the next {@link FixEncoder.begin}.
 *
 * @example
 * ```ts
 * const encoder = new FixEncoder()
 * const bytes = encoder.begin('0').int(34, 2).str(49, 'ISLD').timestamp(52, Date.now()).str(56, 'TW44').finish()
 * ```
 */
export class FixEncoder implements FixFieldWriter {
  private buf: Uint8Array
  private pos = HEAD_ROOM
  /** Sum of the body bytes written so far (for CheckSum). */
  private sum = 0
  private readonly prefix: Uint8Array
  private readonly prefixSum: number

  constructor(options: { beginString?: string; capacity?: number } = {}) {
    const begin = options.beginString ?? 'FIX.4.4'
    this.prefix = new Uint8Array(begin.length + 5)
    const text = `8=${begin}\x019=`
    for (let i = 0; i < text.length; i++) this.prefix[i] = text.charCodeAt(i)
    this.prefixSum = this.prefix.reduce((a, b) => a + b, 0)
    this.buf = new Uint8Array(Math.max(256, options.capacity ?? 8192))
  }

  /** Starts a message of type `msgType` (writes MsgType, 35). */
  begin(msgType: string): this {
    this.pos = HEAD_ROOM
    this.sum = 0
    return this.str(35, msgType)
  }

  private ensure(extra: number): void {
    if (this.pos + extra > this.buf.length) {
      let size = this.buf.length * 2
      while (this.pos + extra > size) size *= 2
      const next = new Uint8Array(size)
      next.set(this.buf.subarray(0, this.pos))
      this.buf = next
    }
  }

  private tag(tag: number): void {
    const b = this.buf
    const start = this.pos
    let p = start
    if (tag < 10) b[p++] = 48 + tag
    else if (tag < 100) {
      b[p++] = 48 + ((tag / 10) | 0)
      b[p++] = 48 + (tag % 10)
    } else if (tag < 1000) {
      b[p++] = 48 + ((tag / 100) | 0)
      b[p++] = 48 + (((tag / 10) | 0) % 10)
      b[p++] = 48 + (tag % 10)
    } else {
      const s = String(tag)
      for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i)
    }
    b[p++] = 61
    let sum = this.sum
    for (let i = start; i < p; i++) sum += b[i]!
    this.sum = sum
    this.pos = p
  }

  str(tag: number, value: string | undefined): this {
    if (value === undefined) return this
    const length = value.length
    this.ensure(length + 16)
    this.tag(tag)
    const b = this.buf
    let p = this.pos
    let sum = this.sum + 1
    for (let i = 0; i < length; i++) {
      let c = value.charCodeAt(i)
      if (c > 255) c = 63
      b[p++] = c
      sum += c
    }
    b[p++] = 1
    this.sum = sum
    this.pos = p
    return this
  }

  char(tag: number, value: string | undefined): this {
    return this.str(tag, value)
  }

  bool(tag: number, value: boolean | undefined): this {
    if (value === undefined) return this
    return this.str(tag, value ? 'Y' : 'N')
  }

  int(tag: number, value: number | bigint | undefined): this {
    if (value === undefined) return this
    if (typeof value === 'bigint' || !Number.isSafeInteger(value) || value < 0) {
      return this.str(
        tag,
        typeof value === 'number' && !Number.isFinite(value) ? '0' : String(value),
      )
    }
    this.ensure(32)
    this.tag(tag)
    const b = this.buf
    const start = this.pos
    let p = start
    if (value < 10) b[p++] = 48 + value
    else if (value <= 0x7fffffff) {
      // Sequence numbers, counts, quantities: 32-bit integer division is much cheaper.
      let digits = 1
      for (let v = value; v >= 10; v = (v / 10) | 0) digits++
      let v = value
      for (let i = digits - 1; i >= 0; i--) {
        const q = (v / 10) | 0
        b[p + i] = 48 + v - q * 10
        v = q
      }
      p += digits
    } else {
      let digits = 1
      for (let v = value; v >= 10; v = Math.floor(v / 10)) digits++
      let v = value
      for (let i = digits - 1; i >= 0; i--) {
        b[p + i] = 48 + (v % 10)
        v = Math.floor(v / 10)
      }
      p += digits
    }
    b[p++] = 1
    let sum = this.sum
    for (let i = start; i < p; i++) sum += b[i]!
    this.sum = sum
    this.pos = p
    return this
  }

  timestamp(tag: number, ms: number | undefined): this {
    if (ms === undefined) return this
    this.ensure(32)
    this.tag(tag)
    const start = this.pos
    this.sum += writeUtcTimestampSum(this.buf, start, ms) + 1
    this.buf[start + 21] = 1
    this.pos = start + 22
    return this
  }

  bytes(tag: number, value: Uint8Array): this {
    this.ensure(value.length + 16)
    this.tag(tag)
    this.buf.set(value, this.pos)
    this.pos += value.length
    this.buf[this.pos++] = 1
    let sum = this.sum + 1
    for (let i = 0; i < value.length; i++) sum += value[i]!
    this.sum = sum
    return this
  }

  raw(fields: Uint8Array): this {
    const length = fields.length
    this.ensure(length)
    const b = this.buf
    const p = this.pos
    let sum = this.sum
    if (length <= 64) {
      // Short runs (a header field or two): one loop copies and sums, no native call.
      for (let i = 0; i < length; i++) {
        const c = fields[i]!
        b[p + i] = c
        sum += c
      }
    } else {
      b.set(fields, p)
      for (let i = 0; i < length; i++) sum += fields[i]!
    }
    this.pos = p + length
    this.sum = sum
    return this
  }

  /** Length of the body written so far (what BodyLength will say). */
  get bodyLength(): number {
    return this.pos - HEAD_ROOM
  }

  /** Completes the message: BeginString, BodyLength and CheckSum. Returns a view of the buffer. */
  finish(): Uint8Array {
    const b = this.buf
    const length = this.pos - HEAD_ROOM
    let digits = 1
    for (let v = length; v >= 10; v = Math.floor(v / 10)) digits++
    const start = HEAD_ROOM - 1 - digits - this.prefix.length
    b.set(this.prefix, start)
    let v = length
    for (let i = HEAD_ROOM - 2; i >= HEAD_ROOM - 1 - digits; i--) {
      b[i] = 48 + (v % 10)
      v = Math.floor(v / 10)
    }
    b[HEAD_ROOM - 1] = 1
    let sum = this.prefixSum + this.sum + 1
    for (let i = HEAD_ROOM - 1 - digits; i < HEAD_ROOM - 1; i++) sum += b[i]!
    sum &= 255
    this.ensure(8)
    const out = this.buf
    let p = this.pos
    out[p++] = 49
    out[p++] = 48
    out[p++] = 61
    out[p++] = 48 + ((sum / 100) | 0)
    out[p++] = 48 + (((sum / 10) | 0) % 10)
    out[p++] = 48 + (sum % 10)
    out[p++] = 1
    this.pos = p
    return out.subarray(start, p)
  }
}
