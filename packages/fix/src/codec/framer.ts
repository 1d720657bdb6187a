import { indexOf2, indexOf3, indexOfByte } from './bytes.js'

/** Options of {@link FixFramer}. */
export type FixFramerOptions = {
  /** Largest BodyLength accepted (default 1 MiB); a larger one is garbled and skipped. */
  maxBodyLength?: number
  /**
   * How far past the declared body the framer looks for the CheckSum field before giving up
   * (default 64 KiB): bounds the memory a peer can make us hold.
   */
  maxTrailerSearch?: number
}

/** What {@link FixFramer.next} found. */
export type FrameResult = 'frame' | 'garbled' | 'more'

/**
 * Cuts a TCP byte stream into FIX messages the way QuickFIX does: find `8=`, read BodyLength
 * from the `<SOH>9=` field, skip that many bytes, and end the message at the first
 * `<SOH>10=…<SOH>` from there. Anything before `8=` is dropped. Memory is bounded: a BodyLength
 * above `maxBodyLength`, a malformed BodyLength, or a missing CheckSum within `maxTrailerSearch`
 * bytes makes the framer report `garbled` and skip ahead.
 *
 * Frames are subarrays of an internal buffer (or of the pushed chunk): valid until the next
 * {@link FixFramer.push}.
 */
export class FixFramer {
  /** The buffer holding the current frame (after `next()` returned `frame`). */
  frameBytes: Uint8Array = new Uint8Array(0)
  frameStart = 0
  frameEnd = 0
  /** Why the last `garbled` happened. */
  garbledReason = ''
  /** Bytes dropped so far (garbage before `8=` and skipped garbled frames). */
  droppedBytes = 0

  private buf: Uint8Array = new Uint8Array(0)
  private start = 0
  private end = 0
  private own: Uint8Array = new Uint8Array(4096)
  private readonly maxBodyLength: number
  private readonly maxTrailerSearch: number

  constructor(options: FixFramerOptions = {}) {
    this.maxBodyLength = options.maxBodyLength ?? 1 << 20
    this.maxTrailerSearch = options.maxTrailerSearch ?? 1 << 16
  }

  /** Bytes buffered and not yet framed. */
  get pending(): number {
    return this.end - this.start
  }

  /** Adds received bytes. Call `next()` until it returns `more` before pushing again. */
  push(chunk: Uint8Array): void {
    if (this.start === this.end) {
      // Nothing pending: frame straight out of the chunk (no copy).
      this.buf = chunk
      this.start = 0
      this.end = chunk.length
      return
    }
    const pending = this.end - this.start
    const needed = pending + chunk.length
    if (this.buf !== this.own || this.end + chunk.length > this.own.length) {
      let target = this.own
      if (needed > target.length) {
        let size = target.length
        while (size < needed) size *= 2
        target = new Uint8Array(size)
      }
      target.set(this.buf.subarray(this.start, this.end), 0)
      this.own = target
      this.buf = target
      this.start = 0
      this.end = pending
    }
    this.buf.set(chunk, this.end)
    this.end += chunk.length
  }

  /** Looks for the next message. */
  next(): FrameResult {
    const b = this.buf
    for (;;) {
      const avail = this.end - this.start
      if (avail < 2) return this.keep()
      const s = indexOf2(b, 56, 61, this.start, this.end) // "8="
      if (s < 0) {
        // Keep a trailing '8' that may start "8=".
        const keepFrom = b[this.end - 1] === 56 ? this.end - 1 : this.end
        this.droppedBytes += keepFrom - this.start
        this.start = keepFrom
        return this.keep()
      }
      this.droppedBytes += s - this.start
      this.start = s
      const nine = indexOf3(b, 1, 57, 61, s, this.end) // "<SOH>9="
      if (nine < 0) {
        if (this.end - s > this.maxBodyLength + this.maxTrailerSearch)
          return this.skip(s + 2, 'no BodyLength')
        return this.keep()
      }
      const lengthStart = nine + 3
      const lengthEnd = indexOfByte(b, 1, lengthStart, Math.min(this.end, lengthStart + 12))
      if (lengthEnd < 0) {
        if (this.end - lengthStart >= 12)
          return this.skip(lengthStart, 'BodyLength is not a number')
        return this.keep()
      }
      let length = 0
      let ok = lengthEnd > lengthStart && lengthEnd - lengthStart <= 10
      for (let i = lengthStart; ok && i < lengthEnd; i++) {
        const c = b[i]! - 48
        if (c < 0 || c > 9) ok = false
        else length = length * 10 + c
      }
      if (!ok) return this.skip(lengthEnd + 1, 'BodyLength is not a number')
      if (length > this.maxBodyLength) return this.skip(lengthEnd + 1, 'BodyLength too large')
      const bodyStart = lengthEnd + 1
      const declaredEnd = bodyStart + length
      if (this.end < declaredEnd) return this.keep()
      const ten = indexOf3(b, 1, 49, 48, declaredEnd - 1, this.end) // "<SOH>10"
      let tenEq = ten
      // Require "=" after "10".
      while (tenEq >= 0 && (tenEq + 3 >= this.end || b[tenEq + 3] !== 61)) {
        if (tenEq + 3 >= this.end) {
          tenEq = -1
          break
        }
        tenEq = indexOf3(b, 1, 49, 48, tenEq + 1, this.end)
      }
      if (tenEq < 0) {
        if (this.end - declaredEnd > this.maxTrailerSearch)
          return this.skip(declaredEnd, 'CheckSum not found')
        return this.keep()
      }
      const sohAfter = indexOfByte(b, 1, tenEq + 4, Math.min(this.end, tenEq + 4 + 16))
      if (sohAfter < 0) {
        if (this.end - (tenEq + 4) >= 16) return this.skip(tenEq + 4, 'CheckSum not terminated')
        return this.keep()
      }
      this.frameBytes = b
      this.frameStart = s
      this.frameEnd = sohAfter + 1
      this.start = sohAfter + 1
      return 'frame'
    }
  }

  private skip(to: number, reason: string): FrameResult {
    this.droppedBytes += to - this.start
    this.start = to
    this.garbledReason = reason
    return 'garbled'
  }

  /** Called when more bytes are needed: move a pending tail out of a caller's chunk. */
  private keep(): FrameResult {
    if (this.buf !== this.own && this.start < this.end) {
      const pending = this.end - this.start
      if (pending > this.own.length) this.own = new Uint8Array(Math.max(pending * 2, 4096))
      this.own.set(this.buf.subarray(this.start, this.end), 0)
      this.buf = this.own
      this.start = 0
      this.end = pending
    } else if (this.start === this.end) {
      this.start = 0
      this.end = 0
      this.buf = this.own
    }
    return 'more'
  }
}
