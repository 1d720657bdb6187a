/** The field separator, SOH (0x01). */
export const SOH = 1
/** `=` */
export const EQUALS = 61

const latin1Slice = (
  Buffer.prototype as unknown as { latin1Slice(start: number, end: number): string }
).latin1Slice

/** Decodes bytes `[start, end)` as Latin-1 (one character per byte, so every byte round-trips). */
export function latin1(bytes: Uint8Array, start: number, end: number): string {
  // Short values (most FIX fields): an explicit String.fromCharCode call is about twice as fast
  // as the native slice, whose call overhead dominates below a dozen bytes.
  const b = bytes
  const s = start
  const f = String.fromCharCode
  switch (end - start) {
    case 0:
      return ''
    case 1:
      return f(b[s]!)
    case 2:
      return f(b[s]!, b[s + 1]!)
    case 3:
      return f(b[s]!, b[s + 1]!, b[s + 2]!)
    case 4:
      return f(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!)
    case 5:
      return f(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!)
    case 6:
      return f(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!)
    case 7:
      return f(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!)
    case 8:
      return f(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!)
    case 9:
      return f(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
        b[s + 8]!,
      )
    case 10:
      return f(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
        b[s + 8]!,
        b[s + 9]!,
      )
    case 11:
      return f(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
        b[s + 8]!,
        b[s + 9]!,
        b[s + 10]!,
      )
    case 12:
      return f(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
        b[s + 8]!,
        b[s + 9]!,
        b[s + 10]!,
        b[s + 11]!,
      )
  }
  return latin1Slice.call(bytes, start, end)
}

/** Encodes a string as Latin-1 bytes (characters above 0xFF are not representable and become `?`). */
export function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    out[i] = c > 255 ? 63 : c
  }
  return out
}

/** Index of the two-byte sequence `a b` in `bytes[from, end)`, or -1. */
export function indexOf2(
  bytes: Uint8Array,
  a: number,
  b: number,
  from: number,
  end: number,
): number {
  for (let i = from; i < end - 1; i++) if (bytes[i] === a && bytes[i + 1] === b) return i
  return -1
}

/** Index of the three-byte sequence `a b c` in `bytes[from, end)`, or -1. */
export function indexOf3(
  bytes: Uint8Array,
  a: number,
  b: number,
  c: number,
  from: number,
  end: number,
): number {
  for (let i = from; i < end - 2; i++) {
    if (bytes[i] === a && bytes[i + 1] === b && bytes[i + 2] === c) return i
  }
  return -1
}

/** Index of byte `a` in `bytes[from, end)`, or -1. */
export function indexOfByte(bytes: Uint8Array, a: number, from: number, end: number): number {
  for (let i = from; i < end; i++) if (bytes[i] === a) return i
  return -1
}

/** A copy of `bytes[start, end)` (a real copy even for a Node.js Buffer, whose `slice` aliases). */
export function copyBytes(bytes: Uint8Array, start = 0, end = bytes.length): Uint8Array {
  return Uint8Array.prototype.slice.call(bytes, start, end)
}
