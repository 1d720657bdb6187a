import { describe, expect, it } from 'vitest'
import { frame, show } from '../../test/support/frame.js'
import { FixFramer } from './framer.js'

function drain(framer: FixFramer): string[] {
  const out: string[] = []
  for (;;) {
    const r = framer.next()
    if (r === 'more') return out
    out.push(
      r === 'frame'
        ? show(framer.frameBytes.subarray(framer.frameStart, framer.frameEnd))
        : `garbled:${framer.garbledReason}`,
    )
  }
}

const A = frame('35=0|34=2|49=A|52=20240101-00:00:00|56=B|')
const B = frame('35=1|34=3|49=A|52=20240101-00:00:00|56=B|112=X|')

describe('FixFramer', () => {
  it('cuts a stream into messages whatever the chunk boundaries', () => {
    const stream = Buffer.concat([Buffer.from('noise'), A, B, A])
    for (const size of [1, 2, 3, 7, 50, stream.length]) {
      const framer = new FixFramer()
      const got: string[] = []
      for (let i = 0; i < stream.length; i += size) {
        framer.push(stream.subarray(i, i + size))
        got.push(...drain(framer))
      }
      expect(got).toEqual([show(A), show(B), show(A)])
      expect(framer.droppedBytes).toBe(5)
      expect(framer.pending).toBe(0)
    }
  })

  it('a too-long BodyLength swallows the next message, as in QuickFIX (test 2m)', () => {
    const framer = new FixFramer()
    const long = frame('35=0|34=2|49=A|52=20240101-00:00:00|56=B|', { bodyLength: 60 })
    framer.push(Buffer.concat([long, B]))
    const got = drain(framer)
    expect(got).toHaveLength(1)
    expect(got[0]).toBe(show(Buffer.concat([long, B])))
  })

  it('a too-short BodyLength still frames at the next CheckSum', () => {
    const framer = new FixFramer()
    const short = frame('35=0|34=2|49=A|52=20240101-00:00:00|56=B|', { bodyLength: 5 })
    framer.push(short)
    expect(drain(framer)).toEqual([show(short)])
  })

  it('bounds memory: an oversized BodyLength is skipped, not awaited', () => {
    const framer = new FixFramer({ maxBodyLength: 1000 })
    framer.push(Buffer.from('8=FIX.4.4\x019=999999999\x0135=0\x01'))
    expect(drain(framer)).toEqual(['garbled:BodyLength too large'])
    framer.push(A)
    expect(drain(framer)).toEqual([show(A)])
  })

  it('bounds memory: a message without CheckSum is dropped after maxTrailerSearch', () => {
    const framer = new FixFramer({ maxTrailerSearch: 100 })
    framer.push(Buffer.from('8=FIX.4.4\x019=5\x0135=0\x01'))
    expect(drain(framer)).toEqual([])
    framer.push(Buffer.alloc(200, 65))
    expect(drain(framer)).toEqual(['garbled:CheckSum not found'])
    expect(framer.pending).toBeLessThan(300)
  })

  it('skips a non-numeric BodyLength', () => {
    const framer = new FixFramer()
    framer.push(Buffer.concat([Buffer.from('8=FIX.4.4\x019=abc\x0135=0\x01'), A]))
    expect(drain(framer)).toEqual(['garbled:BodyLength is not a number', show(A)])
  })
})
