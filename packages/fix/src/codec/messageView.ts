import { copyBytes, latin1 } from './bytes.js'

/**
 * A lazy, typed view of one tokenized FIX message: field positions over the original bytes,
 * nothing copied or decoded until asked. Produced by {@link tokenizeFixMessage} (or
 * `parseFixMessage`). A view taken from a reused parser is valid until the next parse; call
 * {@link FixMessageView.clone} to keep it.
 */
export class FixMessageView {
  /** The bytes the view points into. */
  bytes: Uint8Array = new Uint8Array(0)
  /** Offset of the first byte of the message (`8=`). */
  start = 0
  /** Offset just past the message (after the CheckSum's SOH). */
  end = 0
  /** Number of fields, BeginString, BodyLength and CheckSum included. */
  count = 0
  /** `[tag, valueStart, valueEnd]` per field, in wire order. */
  table: Int32Array
  /** Offset of the first byte after the BodyLength field (where BodyLength starts counting). */
  bodyStart = 0

  constructor(capacity = 64) {
    this.table = new Int32Array(capacity * 3)
  }

  /** Tag of field `i` (wire order). */
  tagAt(i: number): number {
    return this.table[i * 3]!
  }

  /** Value of field `i` as a Latin-1 string. */
  valueAt(i: number): string {
    return latin1(this.bytes, this.table[i * 3 + 1]!, this.table[i * 3 + 2]!)
  }

  /** Value length in bytes of field `i`. */
  valueLengthAt(i: number): number {
    return this.table[i * 3 + 2]! - this.table[i * 3 + 1]!
  }

  /** Index (wire order) of the first field with `tag`, or -1. */
  indexOf(tag: number, from = 0): number {
    const t = this.table
    for (let i = from, n = this.count; i < n; i++) if (t[i * 3] === tag) return i
    return -1
  }

  /** True when the message has a field `tag`. */
  has(tag: number): boolean {
    return this.indexOf(tag) >= 0
  }

  /** Value of the first field `tag`, or undefined. */
  get(tag: number): string | undefined {
    const i = this.indexOf(tag)
    return i < 0 ? undefined : this.valueAt(i)
  }

  /** Integer value of field `i`, or NaN when it is not `-?[0-9]+` (at most 15 digits). */
  intAt(i: number): number {
    const b = this.bytes
    let p = this.table[i * 3 + 1]!
    const e = this.table[i * 3 + 2]!
    let negative = false
    if (p < e && b[p] === 45) {
      negative = true
      p++
    }
    if (p >= e || e - p > 15) return Number.NaN
    let n = 0
    for (; p < e; p++) {
      const c = b[p]! - 48
      if (c < 0 || c > 9) return Number.NaN
      n = n * 10 + c
    }
    return negative ? -n : n
  }

  /** Integer value of the first field `tag`; undefined when absent, NaN when not an integer. */
  getInt(tag: number): number | undefined {
    const i = this.indexOf(tag)
    return i < 0 ? undefined : this.intAt(i)
  }

  /** True when the first field `tag` is exactly the one byte `code` (e.g. `Y`, `1`). */
  isByte(tag: number, code: number): boolean {
    const i = this.indexOf(tag)
    if (i < 0) return false
    const s = this.table[i * 3 + 1]!
    return this.table[i * 3 + 2]! - s === 1 && this.bytes[s] === code
  }

  /** True when the value of field `i` equals the ASCII `text`. */
  valueEquals(i: number, text: string): boolean {
    const s = this.table[i * 3 + 1]!
    const e = this.table[i * 3 + 2]!
    if (e - s !== text.length) return false
    for (let k = 0; k < text.length; k++) if (this.bytes[s + k] !== text.charCodeAt(k)) return false
    return true
  }

  /** MsgType (35): always the third field of a tokenized message. */
  get msgType(): string {
    return this.count > 2 ? this.valueAt(2) : ''
  }

  /** BeginString (8). */
  get beginString(): string {
    return this.count > 0 ? this.valueAt(0) : ''
  }

  /** MsgSeqNum (34), or undefined when absent; NaN when malformed. */
  get msgSeqNum(): number | undefined {
    return this.getInt(34)
  }

  /** The raw message bytes (a subarray, no copy). */
  raw(): Uint8Array {
    return this.bytes.subarray(this.start, this.end)
  }

  /** The message as text with `|` for SOH (for logs and tests). */
  toString(): string {
    return latin1(this.bytes, this.start, this.end).replaceAll('\x01', '|')
  }

  /** A copy that owns its bytes and table, independent of the parser that made this view. */
  clone(): FixMessageView {
    const copy = new FixMessageView(Math.max(1, this.count))
    const length = this.end - this.start
    copy.bytes = copyBytes(this.bytes, this.start, this.end)
    copy.start = 0
    copy.end = length
    copy.count = this.count
    copy.bodyStart = this.bodyStart - this.start
    const shift = this.start
    for (let i = 0; i < this.count; i++) {
      copy.table[i * 3] = this.table[i * 3]!
      copy.table[i * 3 + 1] = this.table[i * 3 + 1]! - shift
      copy.table[i * 3 + 2] = this.table[i * 3 + 2]! - shift
    }
    return copy
  }

  /** Makes room for `fields` fields. */
  ensureCapacity(fields: number): void {
    if (this.table.length < fields * 3) {
      const next = new Int32Array(Math.max(fields * 3, this.table.length * 2))
      next.set(this.table)
      this.table = next
    }
  }
}
