import { describe, expect, it } from 'vitest'
import { show } from '../../test/support/frame.js'
import { FixEncoder } from './encoder.js'
import { parseFixMessage } from './parse.js'
import { formatUtcTimestamp, parseUtcTimestamp } from './timestamp.js'

describe('FixEncoder', () => {
  it('writes BeginString, BodyLength and CheckSum around the body', () => {
    const encoder = new FixEncoder()
    const bytes = encoder
      .begin('0')
      .int(34, 2)
      .str(49, 'ISLD')
      .timestamp(52, Date.UTC(2024, 0, 2, 3, 4, 5, 6))
      .str(56, 'TW44')
      .finish()
    const text = show(bytes)
    expect(text).toBe(
      `8=FIX.4.4|9=51|35=0|34=2|49=ISLD|52=20240102-03:04:05.006|56=TW44|10=${text.slice(-4)}`,
    )
    let sum = 0
    for (const b of bytes.subarray(0, bytes.length - 7)) sum += b
    expect(text.slice(-4, -1)).toBe(String(sum % 256).padStart(3, '0'))
    expect(parseFixMessage(bytes).get(52)).toBe('20240102-03:04:05.006')
  })

  it('reuses its buffer, grows for large bodies and skips undefined values', () => {
    const encoder = new FixEncoder({ capacity: 256 })
    const big = 'x'.repeat(10_000)
    const bytes = encoder
      .begin('B')
      .str(148, big)
      .str(58, undefined)
      .int(1000, 123456789)
      .bool(141, true)
      .finish()
    const view = parseFixMessage(bytes)
    expect(view.get(148)).toBe(big)
    expect(view.has(58)).toBe(false)
    expect(view.get(1000)).toBe('123456789')
    expect(view.get(141)).toBe('Y')
    const again = encoder.begin('0').int(34, 1).finish()
    expect(show(again).startsWith('8=FIX.4.4|9=10|35=0|34=1|')).toBe(true)
  })

  it('writes negative, large and bigint integers', () => {
    const bytes = new FixEncoder()
      .begin('0')
      .int(1, -5)
      .int(2, 2n ** 70n)
      .int(3, 0)
      .finish()
    const view = parseFixMessage(bytes)
    expect(view.get(1)).toBe('-5')
    expect(view.get(2)).toBe(String(2n ** 70n))
    expect(view.get(3)).toBe('0')
  })

  it('writes every integer width, both sides of 2^31, and timestamps across seconds (CheckSum checked)', () => {
    const encoder = new FixEncoder()
    const ints = [
      9,
      10,
      99,
      100,
      101,
      999_999,
      1_000_000,
      2_147_483_647,
      2_147_483_648,
      4_294_967_296,
      Number.MAX_SAFE_INTEGER,
    ]
    const times = [
      0,
      999,
      1000,
      Date.UTC(2026, 10, 22, 1, 2, 3, 45),
      Date.UTC(2099, 11, 31, 23, 59, 59, 999),
    ]
    for (const n of ints) {
      for (const ms of times) {
        // parseFixMessage checks BodyLength and CheckSum.
        const view = parseFixMessage(
          encoder
            .begin('0')
            .int(34, n)
            .timestamp(52, ms)
            .raw(Buffer.from('49=A\x0156=B\x01'))
            .finish(),
        )
        expect([view.get(34), view.get(52), view.get(49), view.get(56)]).toEqual([
          String(n),
          formatUtcTimestamp(ms),
          'A',
          'B',
        ])
      }
    }
    expect(formatUtcTimestamp(999)).toBe('19700101-00:00:00.999')
  })
})

describe('UTCTimestamp', () => {
  it('formats with milliseconds and parses back', () => {
    const ms = Date.UTC(2026, 10, 21, 23, 59, 59, 7)
    expect(formatUtcTimestamp(ms)).toBe('20261121-23:59:59.007')
    expect(parseUtcTimestamp('20261121-23:59:59.007')).toBe(ms)
    expect(parseUtcTimestamp('20261121-23:59:59')).toBe(ms - 7)
    expect(parseUtcTimestamp('20261121-23:59:59.007123')).toBe(ms)
  })
  it('parses alternating seconds and days, and a bad fraction after a good prefix', () => {
    const a = Date.UTC(2026, 10, 21, 23, 59, 59, 7)
    const b = Date.UTC(2026, 10, 22, 0, 0, 0, 999)
    for (let i = 0; i < 3; i++) {
      expect(parseUtcTimestamp(formatUtcTimestamp(a))).toBe(a)
      expect(parseUtcTimestamp(formatUtcTimestamp(b))).toBe(b)
    }
    expect(() => parseUtcTimestamp('20261122-00:00:00.9x9')).toThrowError(
      expect.objectContaining({ code: 'FIX_INVALID_FIELD' }),
    )
    expect(() => parseUtcTimestamp('20261122-00:00:0x')).toThrowError(
      expect.objectContaining({ code: 'FIX_INVALID_FIELD' }),
    )
    expect(parseUtcTimestamp('20261122-00:00:00')).toBe(b - 999)
  })
  it('rejects malformed timestamps with a typed error', () => {
    for (const bad of [
      '20261321-00:00:00',
      '2026112-00:00:00',
      '20261121 00:00:00',
      '20261121-24:00:00',
      '20261121-00:00:00.',
    ]) {
      expect(() => parseUtcTimestamp(bad)).toThrowError(
        expect.objectContaining({ code: 'FIX_INVALID_FIELD', rule: 'utc_timestamp' }),
      )
    }
  })
})
