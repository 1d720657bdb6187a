import { describe, expect, it } from 'vitest'
import { frame, NOS, show } from '../../test/support/frame.js'
import { FixMessageView } from './messageView.js'
import { FixParser, parseFixMessage } from './parse.js'
import { tokenizeFixMessage } from './tokenize.js'

describe('tokenizeFixMessage', () => {
  it('gives a lazy view of every field without copying', () => {
    const bytes = frame(NOS)
    const view = parseFixMessage(bytes)
    expect(view.bytes).toBe(bytes)
    expect(view.msgType).toBe('D')
    expect(view.beginString).toBe('FIX.4.4')
    expect(view.msgSeqNum).toBe(2)
    expect(view.get(11)).toBe('ORD-1')
    expect(view.get(44)).toBe('42000.5')
    expect(view.getInt(34)).toBe(2)
    expect(view.getInt(11)).toBeNaN()
    expect(view.get(999)).toBeUndefined()
    expect(view.isByte(54, 49)).toBe(true)
    expect(view.tagAt(view.count - 1)).toBe(10)
    expect(view.count).toBe(17)
    expect(show(view.raw())).toBe(show(bytes))
  })

  it('checks BodyLength and CheckSum', () => {
    const view = new FixMessageView()
    const wrongSum = frame('35=0|34=2|49=A|52=20240101-00:00:00|56=B|', { checksum: '000' })
    expect(tokenizeFixMessage(wrongSum, 0, wrongSum.length, view)).toBe('checksum_mismatch')
    const wrongLength = frame('35=0|34=2|49=A|52=20240101-00:00:00|56=B|', { bodyLength: 7 })
    expect(tokenizeFixMessage(wrongLength, 0, wrongLength.length, view)).toBe(
      'body_length_mismatch',
    )
    expect(
      tokenizeFixMessage(wrongLength, 0, wrongLength.length, view, {
        validateLengthAndChecksum: false,
      }),
    ).toBeUndefined()
  })

  it('requires 8, 9, 35 first and CheckSum last', () => {
    const view = new FixMessageView()
    const cases: [string, string][] = [
      ['9=5\x018=FIX.4.4\x0135=0\x0110=000\x01', 'begin_string_not_first'],
      ['8=FIX.4.4\x0135=0\x019=5\x0110=000\x01', 'body_length_not_second'],
      ['8=FIX.4.4\x019=5\x0134=1\x0135=0\x0110=000\x01', 'msg_type_not_third'],
      ['8=FIX.4.4\x019=5\x0135=0\x0110=000\x0134=1\x01', 'checksum_not_last'],
      ['8=FIX.4.4\x019=5\x0135=0\x0134=1\x01', 'checksum_missing'],
      ['8=FIX.4.4\x019=5\x0135=0\x01x4=1\x0110=000\x01', 'field_syntax'],
      ['8=FIX.4.4\x019=5\x0135=0\x0134=1', 'unterminated_field'],
      ['8=FIX.4.4\x019=5\x0135=0\x0134\x0110=000\x01', 'field_syntax'],
    ]
    for (const [text, reason] of cases) {
      const bytes = Buffer.from(text, 'latin1')
      expect(tokenizeFixMessage(bytes, 0, bytes.length, view), text).toBe(reason)
    }
  })

  it('reads DATA fields by their length, SOH included', () => {
    const bytes = frame('35=B|34=2|49=A|52=20240101-00:00:00|56=B|148=hi|95=5|96=a\x01b\x01c|')
    const view = parseFixMessage(bytes)
    expect(view.get(96)).toBe('a\x01b\x01c')
    expect(view.get(95)).toBe('5')
  })

  it('accepts negative and zero tags as numbers (the validator rejects them)', () => {
    const view = parseFixMessage(frame('35=0|34=2|49=A|52=20240101-00:00:00|56=B|-1=HI|0=X|'))
    expect(view.indexOf(-1)).toBeGreaterThan(0)
    expect(view.get(0)).toBe('X')
  })

  it('parseFixMessage throws a typed error naming the field and rule', () => {
    const bytes = frame('35=0|34=2|', { checksum: '001' })
    expect(() => parseFixMessage(bytes)).toThrowError(
      expect.objectContaining({
        code: 'FIX_GARBLED_MESSAGE',
        rule: 'checksum_mismatch',
        path: [10],
      }),
    )
  })

  it('FixParser reuses one view; clone() keeps a copy', () => {
    const parser = new FixParser()
    const a = parser.parse(frame(NOS))
    if (typeof a === 'string') throw new Error(a)
    const kept = a.clone()
    const b = parser.parse(frame('35=0|34=9|49=A|52=20240101-00:00:00|56=B|'))
    expect(b).toBe(a)
    expect(kept.get(11)).toBe('ORD-1')
    expect(kept.msgType).toBe('D')
    expect(parser.parse(frame('35=0|', { checksum: '999' }))).toBe('checksum_mismatch')
  })

  it('checks the BeginString value when asked', () => {
    const bytes = frame('35=0|34=2|49=A|52=20240101-00:00:00|56=B|', { beginString: 'FIX.4.2' })
    const view = new FixMessageView()
    expect(tokenizeFixMessage(bytes, 0, bytes.length, view)).toBeUndefined()
    expect(tokenizeFixMessage(bytes, 0, bytes.length, view, { beginString: 'FIX.4.4' })).toBe(
      'begin_string_mismatch',
    )
    expect(
      tokenizeFixMessage(bytes, 0, bytes.length, view, { beginString: 'FIX.4.2' }),
    ).toBeUndefined()
  })
})
