const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })
const stringCache = new Map<string, Uint8Array>()

/** Little-endian binary writer that grows as needed. */
export class ByteWriter {
  private buffer: Uint8Array
  private view: DataView
  length = 0

  constructor(initialSize = 256) {
    this.buffer = new Uint8Array(initialSize)
    this.view = new DataView(this.buffer.buffer)
  }

  private ensure(extra: number): void {
    const needed = this.length + extra
    if (needed <= this.buffer.length) return
    let size = this.buffer.length * 2
    while (size < needed) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buffer.subarray(0, this.length))
    this.buffer = next
    this.view = new DataView(next.buffer)
  }

  reset(): void {
    this.length = 0
  }

  /**
   * Makes room for `n` more bytes and returns the view to write them through, from `length` on;
   * the caller then advances `length` by what it wrote. For encoders that size a record first.
   */
  room(n: number): DataView {
    this.ensure(n)
    return this.view
  }

  u8(value: number): void {
    this.ensure(1)
    this.buffer[this.length++] = value
  }

  u32(value: number): void {
    this.ensure(4)
    this.view.setUint32(this.length, value, true)
    this.length += 4
  }

  /** A number (safe integers and everything else) as a float64. */
  f64(value: number): void {
    this.ensure(8)
    this.view.setFloat64(this.length, value, true)
    this.length += 8
  }

  bytes(value: Uint8Array): void {
    const n = value.length
    this.u32(n)
    this.ensure(n)
    if (n <= 16) {
      // A loop beats TypedArray#set for the short strings commands carry.
      const b = this.buffer
      const at = this.length
      for (let i = 0; i < n; i++) b[at + i] = value[i]!
    } else this.buffer.set(value, this.length)
    this.length += n
  }

  /** A string or undefined (length 0xffffffff). */
  string(value: string | undefined): void {
    if (value === undefined) {
      this.u32(0xffffffff)
      return
    }
    let encoded = stringCache.get(value)
    if (encoded === undefined) {
      encoded = encoder.encode(value)
      // Symbols and other short strings repeat: keep a bounded cache of their bytes.
      if (value.length <= 32) {
        if (stringCache.size >= 4096) stringCache.clear()
        stringCache.set(value, encoded)
      }
    }
    this.bytes(encoded)
  }

  /** A view (not a copy) of bytes `start..end` written so far; valid until the next write or reset. */
  subarray(start: number, end: number): Uint8Array {
    return this.buffer.subarray(start, end)
  }

  /** A copy of what was written. */
  toBytes(): Uint8Array {
    return this.buffer.slice(0, this.length)
  }
}

/** Thrown by {@link ByteReader} when the bytes end early or hold an impossible value. */
export class ByteReaderError extends Error {
  override name = 'ByteReaderError'
}

/** Reads what {@link ByteWriter} wrote. */
export class ByteReader {
  private readonly view: DataView
  private readonly bytesIn: Uint8Array
  offset = 0

  constructor(bytesIn: Uint8Array) {
    this.bytesIn = bytesIn
    this.view = new DataView(bytesIn.buffer, bytesIn.byteOffset, bytesIn.byteLength)
  }

  get remaining(): number {
    return this.bytesIn.length - this.offset
  }

  private need(n: number): void {
    if (this.offset + n > this.bytesIn.length) {
      throw new ByteReaderError(`unexpected end of data at byte ${this.offset}`)
    }
  }

  u8(): number {
    this.need(1)
    return this.bytesIn[this.offset++]!
  }

  u32(): number {
    this.need(4)
    const value = this.view.getUint32(this.offset, true)
    this.offset += 4
    return value
  }

  f64(): number {
    this.need(8)
    const value = this.view.getFloat64(this.offset, true)
    this.offset += 8
    return value
  }

  bytes(): Uint8Array {
    const length = this.u32()
    this.need(length)
    const value = this.bytesIn.slice(this.offset, this.offset + length)
    this.offset += length
    return value
  }

  string(): string | undefined {
    const length = this.u32()
    if (length === 0xffffffff) return undefined
    this.need(length)
    const value = decoder.decode(this.bytesIn.subarray(this.offset, this.offset + length))
    this.offset += length
    return value
  }
}
