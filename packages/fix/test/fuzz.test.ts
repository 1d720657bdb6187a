// Bad input never crashes, hangs or grows memory without bound: every input ends as a dropped
// message, a Reject with a reason, a BusinessMessageReject or a Logout, as the FIX session rules
// require. Runs the real framer and session (acceptor side) over an in-memory transport.
import { createManualClock } from '@strongroom/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FixEncoder } from '../src/codec/encoder.js'
import { FixFramer } from '../src/codec/framer.js'
import { FixMessageView } from '../src/codec/messageView.js'
import { formatUtcTimestamp } from '../src/codec/timestamp.js'
import { tokenizeFixMessage } from '../src/codec/tokenize.js'
import { FixValidator } from '../src/codec/validate.js'
import { FixSession } from '../src/session/session.js'
import { createMemoryStore } from '../src/store/messageStore.js'
import { createEchoApplication } from './support/echoApplication.js'

const validator = new FixValidator()
const MAX_BODY = 16_384
const MAX_TRAILER = 4_096
const START = Date.UTC(2026, 0, 5, 12, 0, 0)

/** A logged-on acceptor session fed through a framer, with everything it writes parsed back. */
function harness() {
  const clock = createManualClock(START)
  const written: Uint8Array[] = []
  let open = true
  const session = new FixSession(
    {
      senderCompId: 'ISLD',
      targetCompId: 'TW44',
      store: createMemoryStore(),
      maxQueuedMessages: 1000,
    },
    { role: 'acceptor', clock, application: createEchoApplication() },
  )
  const framer = new FixFramer({ maxBodyLength: MAX_BODY, maxTrailerSearch: MAX_TRAILER })
  const transport = {
    write: (bytes: Uint8Array) => written.push(Uint8Array.prototype.slice.call(bytes)),
    end: () => {
      open = false
    },
  }
  session.attach(transport)
  let maxPending = 0
  const feed = (bytes: Uint8Array) => {
    framer.push(bytes)
    for (;;) {
      const r = framer.next()
      if (r === 'more') break
      if (r === 'frame' && open)
        session.receive(framer.frameBytes, framer.frameStart, framer.frameEnd)
    }
    maxPending = Math.max(maxPending, framer.pending)
    session.flush()
  }
  const encoder = new FixEncoder()
  let seq = 1
  const message = (msgType: string, body: string, options: { seq?: number } = {}) => {
    encoder
      .begin(msgType)
      .int(34, options.seq ?? seq++)
      .str(49, 'TW44')
      .str(52, formatUtcTimestamp(clock.now()))
      .str(56, 'ISLD')
    const b = body.replaceAll('|', '\x01')
    const bytes = new Uint8Array(b.length)
    for (let i = 0; i < b.length; i++) bytes[i] = b.charCodeAt(i) & 255
    encoder.raw(bytes)
    return encoder.finish().slice()
  }
  feed(message('A', '98=0|108=30|'))
  /** Messages written since the last call, as views. */
  const drain = (): FixMessageView[] => {
    const views: FixMessageView[] = []
    const out = new FixFramer()
    for (const chunk of written.splice(0)) {
      out.push(chunk)
      for (;;) {
        const r = out.next()
        if (r === 'more') break
        expect(r).toBe('frame')
        const view = new FixMessageView()
        expect(
          tokenizeFixMessage(out.frameBytes, out.frameStart, out.frameEnd, view),
        ).toBeUndefined()
        // Whatever came in, what goes out is a valid FIX 4.4 message.
        expect(validator.validate(view), view.toString()).toBeUndefined()
        views.push(view.clone())
      }
    }
    return views
  }
  const logon = drain()
  expect(logon.map((v) => v.msgType)).toEqual(['A'])
  return {
    session,
    feed,
    message,
    drain,
    clock,
    get open() {
      return open
    },
    get maxPending() {
      return maxPending
    },
    nextSeq: () => seq,
  }
}

const ALLOWED_REPLIES = new Set(['0', '2', '3', '4', '5', 'j', 'D', 'd', 'C'])

describe('fuzz: bad input is dropped, rejected or ends the session — never a crash', () => {
  it('random bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 2048 }), { maxLength: 8 }), (chunks) => {
        const h = harness()
        for (const chunk of chunks) h.feed(chunk)
        for (const view of h.drain()) expect(ALLOWED_REPLIES.has(view.msgType)).toBe(true)
        expect(h.maxPending).toBeLessThanOrEqual(MAX_BODY + MAX_TRAILER + 2048 + 64)
      }),
      { numRuns: 300 },
    )
  })

  it('random bytes around "8=FIX.4.4<SOH>9=" prefixes (framing paths)', () => {
    const prefix = fc.constantFrom(
      '8=FIX.4.4\x019=',
      '8=FIX.4.4\x019=12\x0135=0\x01',
      '\x0110=',
      '8=',
      '\x01',
    )
    const piece = fc.oneof(prefix, fc.string({ maxLength: 40 }), fc.nat({ max: 99999 }).map(String))
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const h = harness()
        h.feed(Buffer.from(pieces.join(''), 'latin1'))
        for (const view of h.drain()) expect(ALLOWED_REPLIES.has(view.msgType)).toBe(true)
        expect(h.maxPending).toBeLessThanOrEqual(MAX_BODY + MAX_TRAILER + 4096)
      }),
      { numRuns: 300 },
    )
  })

  it('truncated messages are dropped without side effects', () => {
    fc.assert(
      fc.property(fc.nat(), (cut) => {
        const h = harness()
        const valid = h.message('1', '112=PING|')
        const truncated = valid.subarray(0, cut % valid.length)
        h.feed(truncated)
        expect(h.drain()).toEqual([])
        expect(h.session.nextTargetSeqNum).toBe(2)
        expect(h.open).toBe(true)
      }),
      { numRuns: 200 },
    )
  })

  it('wrong checksums are dropped silently and the sequence does not move', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 255 }), (delta) => {
        const h = harness()
        const valid = h.message('1', '112=PING|', { seq: 2 })
        const text = Buffer.from(valid).toString('latin1')
        const sum = Number(text.slice(-4, -1))
        const bad = `${text.slice(0, -4)}${String((sum + delta) % 256).padStart(3, '0')}\x01`
        h.feed(Buffer.from(bad, 'latin1'))
        expect(h.drain()).toEqual([])
        expect(h.session.nextTargetSeqNum).toBe(2)
        h.feed(valid)
        expect(h.drain().map((v) => [v.msgType, v.get(112)])).toEqual([['0', 'PING']])
      }),
      { numRuns: 200 },
    )
  })

  it('oversized or malformed BodyLength never makes the framer wait for it', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: MAX_BODY + 1, max: 2 ** 31 }),
          fc.string({ minLength: 1, maxLength: 12 }),
        ),
        (length) => {
          const h = harness()
          h.feed(Buffer.from(`8=FIX.4.4\x019=${length}\x0135=0\x0134=2\x01`, 'latin1'))
          h.feed(new Uint8Array(MAX_BODY).fill(65))
          expect(h.maxPending).toBeLessThanOrEqual(MAX_BODY + MAX_TRAILER + MAX_BODY + 64)
          h.feed(h.message('1', '112=AFTER|', { seq: 2 }))
          const replies = h.drain()
          expect(replies.map((v) => v.get(112))).toEqual(['AFTER'])
        },
      ),
      { numRuns: 100 },
    )
  })

  it('unterminated fields are dropped', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 30 }).filter((s) => !s.includes('\x01')),
        (value) => {
          const h = harness()
          const body = `35=1\x0134=2\x0149=TW44\x0152=${formatUtcTimestamp(START)}\x0156=ISLD\x01112=${value}`
          let sum = 0
          const text = `8=FIX.4.4\x019=${body.length}\x01${body}10=`
          for (const c of Buffer.from(text, 'latin1')) sum += c
          h.feed(Buffer.from(`${text}${String(sum % 256).padStart(3, '0')}\x01`, 'latin1'))
          expect(h.drain()).toEqual([])
          expect(h.session.nextTargetSeqNum).toBe(2)
        },
      ),
      { numRuns: 100 },
    )
  })

  it('huge repeating-group counts get a Reject 16 without allocating by the count', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 2 ** 31 - 1 }),
        fc.integer({ min: 0, max: 2 }),
        (count, entries) => {
          const h = harness()
          const group = Array.from({ length: entries }, (_, i) => `336=S${i}|`).join('')
          h.feed(
            h.message(
              'D',
              `11=A|21=1|38=1|40=1|54=1|55=X|386=${count}|${group}60=${formatUtcTimestamp(START).slice(0, 17)}|`,
            ),
          )
          const [reject, ...rest] = h.drain()
          expect(rest).toEqual([])
          expect([reject?.msgType, reject?.get(373), reject?.get(371), reject?.get(45)]).toEqual([
            '3',
            '16',
            '386',
            '2',
          ])
          expect(h.session.nextTargetSeqNum).toBe(3)
        },
      ),
      { numRuns: 100 },
    )
  })

  it('random field edits on valid messages: every outcome is a typed FIX answer', () => {
    const tag = fc.oneof(
      fc.constantFrom(
        8,
        9,
        10,
        34,
        35,
        43,
        49,
        52,
        56,
        97,
        122,
        11,
        38,
        40,
        54,
        386,
        336,
        453,
        448,
      ),
      fc.integer({ min: -5, max: 6000 }),
    )
    const value = fc.oneof(
      fc.constantFrom(
        '',
        'Y',
        'N',
        '1',
        '0',
        'D',
        '-1',
        '999999999999',
        '20260105-12:00:00',
        'x\x01y',
      ),
      fc.string({ maxLength: 10 }),
    )
    fc.assert(
      fc.property(
        fc.array(fc.tuple(tag, value), { maxLength: 6 }),
        fc.constantFrom('0', '1', 'D', '4', '2', '3', '5', 'A', '8', 'ZZ'),
        (edits, msgType) => {
          const h = harness()
          const extra = edits.map(([t, v]) => `${t}=${v}|`).join('')
          h.feed(h.message(msgType, `${extra}`))
          h.clock.advance(1000)
          h.session.tick()
          h.session.flush()
          for (const view of h.drain()) expect(ALLOWED_REPLIES.has(view.msgType)).toBe(true)
          expect(h.session.nextTargetSeqNum).toBeLessThanOrEqual(3)
        },
      ),
      { numRuns: 400 },
    )
  })

  it('a flood of too-high sequence numbers queues at most maxQueuedMessages', () => {
    const h = harness()
    for (let seq = 10; seq < 3000; seq++) h.feed(h.message('0', '', { seq }))
    const queue = (h.session as unknown as { queue: Map<number, unknown> }).queue
    expect(queue.size).toBeLessThanOrEqual(1000)
    expect(h.drain().filter((v) => v.msgType === '2')).toHaveLength(1)
  })
})
