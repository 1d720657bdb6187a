import { randomBytes } from 'node:crypto'
import { createManualClock, type JournalRecord } from '@strongroom/core'
import { requireServices, serviceEndpoints } from '@strongroom/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import {
  type BookCommand,
  createMatchingEngine,
  createSequencer,
  type NatsJournal,
  openNatsJournal,
  recoverMatchingEngine,
} from '../src/index.js'
import { testInstrument } from './support/fixtures.js'
import { randomStream } from './support/streams.js'

const nats = await requireServices('orderbook: NATS JetStream journal', ['nats'])

const opened: NatsJournal[] = []
afterEach(async () => {
  const [first] = opened
  for (const j of opened.splice(0)) await j.close()
  // Delete the stream with a fresh connection (the journals above are closed).
  if (first) {
    const cleanup = await openNatsJournal({
      servers: serviceEndpoints.natsUrl,
      stream: first.stream,
      subject: 'x',
    })
    await cleanup.destroy()
    await cleanup.close()
  }
})

function names() {
  const suffix = randomBytes(6).toString('hex')
  return { stream: `SR_ORDERBOOK_TEST_${suffix}`, subject: `strongroom.test.orderbook.${suffix}` }
}

async function open(n: { stream: string; subject: string }): Promise<NatsJournal> {
  const journal = await openNatsJournal({ servers: serviceEndpoints.natsUrl, ...n })
  opened.push(journal)
  return journal
}

async function collect(iterable: AsyncIterable<JournalRecord>): Promise<JournalRecord[]> {
  const out: JournalRecord[] = []
  for await (const r of iterable) out.push(r)
  return out
}

const bytes = (...v: number[]) => new Uint8Array(v)

describe.skipIf(!nats.available)('NATS JetStream journal (127.0.0.1:4222)', () => {
  it('appends in order with gap-free sequence numbers and reads back what was written', async () => {
    const journal = await open(names())
    expect(journal.lastSeq()).toBe(0)
    expect(await collect(journal.read({ fromSeq: 1 }))).toEqual([])
    const result = await journal.append([
      { kind: 'command', timestamp: 10, payload: bytes(1, 2) },
      { kind: 'event', timestamp: 11, payload: bytes(3) },
      { kind: 'snapshot', timestamp: 12, payload: bytes(4), messageId: 'snap-a' },
      { kind: 'command', timestamp: 13, payload: bytes(5) },
    ])
    expect(result.seqs).toEqual([1, 2, 3, 4])
    expect(journal.lastSeq()).toBe(4)
    const records = await collect(journal.read({ fromSeq: 1 }))
    expect(records.map((r) => [r.seq, r.kind, r.timestamp, [...r.payload]])).toEqual([
      [1, 'command', 10, [1, 2]],
      [2, 'event', 11, [3]],
      [3, 'snapshot', 12, [4]],
      [4, 'command', 13, [5]],
    ])
    expect(records[2]!.messageId).toBe('snap-a')
    // A consumer resumes from any sequence number.
    expect((await collect(journal.read({ fromSeq: 3 }))).map((r) => r.seq)).toEqual([3, 4])
    expect((await collect(journal.read({ fromSeq: 2, toSeq: 2 }))).map((r) => r.seq)).toEqual([2])
    expect(await journal.latestSnapshot()).toMatchObject({
      seq: 3,
      kind: 'snapshot',
      timestamp: 12,
    })
  })

  it('de-duplicates publishes by message id: the original sequence number, stored once', async () => {
    const n = names()
    const journal = await open(n)
    const first = await journal.append([
      { kind: 'command', timestamp: 1, payload: bytes(1), messageId: 'cmd-1' },
    ])
    const again = await journal.append([
      { kind: 'command', timestamp: 2, payload: bytes(9), messageId: 'cmd-1' },
      { kind: 'command', timestamp: 3, payload: bytes(2), messageId: 'cmd-2' },
    ])
    expect(first.seqs).toEqual([1])
    expect(again.seqs).toEqual([1, 2])
    const records = await collect(journal.read({ fromSeq: 1 }))
    expect(records.map((r) => [...r.payload])).toEqual([[1], [2]])
    // A second writer (a restarted gateway) re-sending the same id is de-duplicated too.
    const other = await open(n)
    expect(other.lastSeq()).toBe(2)
    expect(
      (
        await other.append([
          { kind: 'command', timestamp: 4, payload: bytes(7), messageId: 'cmd-2' },
        ])
      ).seqs,
    ).toEqual([2])
    expect(other.lastSeq()).toBe(2)
  })

  it('follows the stream from a sequence number and sees new records as they arrive', async () => {
    const journal = await open(names())
    await journal.append(
      [1, 2, 3].map((i) => ({ kind: 'command' as const, timestamp: i, payload: bytes(i) })),
    )
    const controller = new AbortController()
    const seen: number[] = []
    const following = (async () => {
      for await (const r of journal.follow({ fromSeq: 2, signal: controller.signal })) {
        seen.push(r.seq)
        if (r.seq === 5) controller.abort()
      }
    })()
    await journal.append(
      [4, 5].map((i) => ({ kind: 'command' as const, timestamp: i, payload: bytes(i) })),
    )
    await following
    expect(seen).toEqual([2, 3, 4, 5])
  })

  it('recovers a matching engine from the stream (snapshot + replay) to the same state hash', async () => {
    const n = names()
    const instrument = testInstrument()
    const journal = await open(n)
    const clock = createManualClock(1_700_000_000_000)
    const engine = createMatchingEngine({ instruments: [instrument] })
    const sequencer = createSequencer({ journal, engine, clock })
    const stream = randomStream(99, 1_500, 'everything')
    for (const [i, { command }] of stream.entries()) {
      clock.advance(1)
      sequencer.submit({ ...command, symbol: command.symbol ?? instrument.symbol } as BookCommand)
      if (i === 700) {
        await sequencer.flush()
        await sequencer.snapshot()
      }
    }
    await sequencer.flush()
    const standby = await open(n)
    const recovered = await recoverMatchingEngine({ journal: standby, instruments: [instrument] })
    expect(recovered.lastSeq).toBe(1_501)
    expect(recovered.snapshotSeq).toBe(702)
    expect(recovered.replayed).toBe(1_500 - 701)
    expect(recovered.engine.stateHash()).toBe(engine.stateHash())
  })
})
