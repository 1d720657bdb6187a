// The differential property test: the reference book and the fast book get the same random
// command streams (every order type and action) and must produce the same status, the same
// events in the same order for every command, and the same state hash.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type BookEvent, createEventCollector, createOrderBook } from '../src/index.js'
import { recordingBook, testInstrument } from './support/fixtures.js'
import { randomStream, type StreamMix } from './support/streams.js'

const RUNS = 20
const OPS_PER_RUN = 10_000
const MIXES: StreamMix[] = [
  'limit',
  'iceberg',
  'stops',
  'selfTrade',
  'timeInForce',
  'admin',
  'everything',
]

function describeMismatch(index: number, command: unknown, a: BookEvent[], b: BookEvent[]): string {
  return [
    `command #${index}: ${JSON.stringify(command)}`,
    `reference: ${JSON.stringify(a, null, 1)}`,
    `fast:      ${JSON.stringify(b, null, 1)}`,
  ].join('\n')
}

/** Runs one stream through the reference and two fast books; returns counters for the report. */
function runStream(seed: number, mix: StreamMix) {
  const instrument = testInstrument(
    mix === 'admin' || mix === 'everything' ? { priceBandBps: 100 } : {},
  )
  const ref = recordingBook('reference', instrument)
  // A tiny dense window makes the fast book use its far-price path and re-centre often.
  let fastSmall = recordingBook('fast', instrument, { priceWindow: 64 })
  const fast = recordingBook('fast', instrument)
  const counts = { commands: 0, events: 0, fills: 0, rejected: 0 }
  const stream = randomStream(seed, OPS_PER_RUN, mix)
  for (let i = 0; i < stream.length; i++) {
    const { command, time } = stream[i]!
    const s1 = ref.book.execute(command, time)
    const s2 = fastSmall.book.execute(command, time)
    const s3 = fast.book.execute(command, time)
    const e1 = ref.take()
    const e2 = fastSmall.take()
    const e3 = fast.take()
    const j1 = JSON.stringify(e1)
    if (s1 !== s2 || s1 !== s3 || j1 !== JSON.stringify(e2) || j1 !== JSON.stringify(e3)) {
      throw new Error(
        `seed ${seed} (${mix}) status ${s1}/${s2}/${s3}\n${describeMismatch(i, command, e1, JSON.stringify(e2) !== j1 ? e2 : e3)}`,
      )
    }
    counts.commands++
    counts.events += e1.length
    for (const e of e1) {
      if (e.type === 'fill') counts.fills++
      else if (e.type === 'rejected') counts.rejected++
    }
    if (i % 2_000 === 1_999 || i === stream.length - 1) {
      const h1 = ref.book.stateHash()
      if (h1 !== fastSmall.book.stateHash() || h1 !== fast.book.stateHash()) {
        expect(fast.book.exportState()).toEqual(ref.book.exportState())
        expect(fastSmall.book.exportState()).toEqual(ref.book.exportState())
        throw new Error(`seed ${seed} (${mix}): state hashes differ after command #${i}`)
      }
      // Restore the small-window fast book from the reference's state: loading a snapshot must
      // give a book that behaves identically from here on.
      const events: BookEvent[] = []
      fastSmall = {
        events,
        take: () => events.splice(0, events.length),
        book: createOrderBook({
          instrument,
          implementation: 'fast',
          priceWindow: 64,
          state: ref.book.exportState(),
          sink: createEventCollector((e) => events.push(e)),
        }),
      }
      expect(fastSmall.book.stateHash()).toBe(h1)
      expect(fast.book.l2Snapshot()).toEqual(ref.book.l2Snapshot())
      expect(fast.book.l3Snapshot()).toEqual(ref.book.l3Snapshot())
      expect(fast.book.orderCount()).toBe(ref.book.orderCount())
    }
  }
  return counts
}

describe(`reference and fast books agree (${RUNS} seeds × ${OPS_PER_RUN} commands per mix)`, () => {
  for (const mix of MIXES) {
    it(`${mix}: every status, event and state hash is the same`, { timeout: 300_000 }, () => {
      const totals = { commands: 0, events: 0, fills: 0, rejected: 0 }
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
          const c = runStream(seed, mix)
          totals.commands += c.commands
          totals.events += c.events
          totals.fills += c.fills
          totals.rejected += c.rejected
        }),
        { numRuns: RUNS },
      )
      expect(totals.commands).toBe(RUNS * OPS_PER_RUN)
      // The streams must actually exercise matching and rejection.
      expect(totals.fills).toBeGreaterThan(RUNS * 100)
      expect(totals.rejected).toBeGreaterThan(RUNS * 10)
      process.stdout.write(
        `[differential] ${mix}: ${totals.commands} commands, ${totals.events} events, ${totals.fills} fills, ${totals.rejected} rejections — identical\n`,
      )
    })
  }
})

describe('reference and fast books agree on mass GTD expiry after many cancels', () => {
  it('10,000 GTD orders, most cancelled early (the fast book compacts its expiry heap), then expiry', () => {
    const instrument = testInstrument()
    const ref = recordingBook('reference', instrument)
    const fast = recordingBook('fast', instrument)
    const run = (command: Parameters<typeof ref.book.execute>[0], time: number) => {
      const a = ref.book.execute(command, time)
      const b = fast.book.execute(command, time)
      expect(b).toBe(a)
      const ea = ref.take()
      expect(fast.take()).toEqual(ea)
      return ea
    }
    for (let i = 1; i <= 10_000; i++) {
      run(
        {
          type: 'place',
          orderId: i,
          account: i % 7,
          side: i % 2 ? 'buy' : 'sell',
          orderType: 'limit',
          price: i % 2 ? 100 - (i % 50) : 200 + (i % 50),
          quantity: 1 + (i % 5),
          timeInForce: 'GTD',
          expireAt: 5_000 + (i % 97),
        },
        1_000,
      )
      if (i % 10 !== 0) run({ type: 'cancel', orderId: i, account: i % 7 }, 1_000)
    }
    const expired = run({ type: 'tick' }, 10_000).filter((e) => e.type === 'expired')
    expect(expired).toHaveLength(1_000)
    expect(fast.book.stateHash()).toBe(ref.book.stateHash())
  })
})
