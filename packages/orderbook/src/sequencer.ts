import type { Clock, Journal, JournalAppend, Logger } from '@strongroom/core'
import { noopLogger } from '@strongroom/core'
import { ByteWriter } from './bytes.js'
import { decodeCommand, writeCommand } from './commandCodec.js'
import {
  type CreateMatchingEngineParameters,
  createMatchingEngine,
  decodeEngineSnapshot,
  encodeEngineSnapshot,
  type MatchingEngine,
} from './engine.js'
import { JournalClosedError, JournalSequenceGapError } from './errors.js'
import type { BookEventSink } from './events.js'
import { noopEventSink } from './events.js'
import type { PackedAppend } from './fileJournal.js'
import type { BookCommand, CommandStatus } from './types.js'

/** Options of {@link createSequencer}. */
export type CreateSequencerParameters = {
  journal: Journal
  engine: MatchingEngine
  clock: Clock
  logger?: Logger | undefined
  /** Called for each command once it is durable and applied, in sequence order. */
  onApplied?:
    | ((seq: number, command: BookCommand, status: CommandStatus, time: number) => void)
    | undefined
}

/**
 * Orders commands: each gets the next sequence number and the clock's time, is journaled, and is
 * applied to the engine only after the journal acknowledged it (group commit), so no effect —
 * no event — is released before the command is durable.
 */
export type Sequencer = {
  /**
   * Stamps and queues a command; returns its sequence number. It is journaled with the others
   * queued meanwhile and applied after the journal's acknowledgement.
   *
   * @throws {OrderbookInputError} when a field cannot be journaled (nothing is queued).
   * @throws {JournalClosedError} after a journal failure or `close()`.
   */
  submit(command: BookCommand): number
  /** Queues a snapshot record of the engine as applied now; resolves with its sequence number once durable. */
  snapshot(): Promise<number>
  /** Resolves once everything submitted so far is durable and applied. */
  flush(): Promise<void>
  /** Sequence number of the last command applied to the engine. */
  readonly appliedSeq: number
  /** Sequence number of the last command submitted. */
  readonly submittedSeq: number
  /** Flushes and stops accepting commands (the journal stays open). */
  close(): Promise<void>
}

/** Creates a {@link Sequencer} continuing after the journal's last record. */
export function createSequencer(parameters: CreateSequencerParameters): Sequencer {
  const { journal, engine, clock } = parameters
  const logger = parameters.logger ?? noopLogger
  const onApplied = parameters.onApplied
  const packed =
    typeof (journal as Partial<PackedAppend>).appendPacked === 'function'
      ? (journal as Journal & PackedAppend)
      : undefined
  let nextSeq = journal.lastSeq() + 1
  let appliedSeq = journal.lastSeq()
  let lastTime = 0
  // The queued batch holds no object per command: the commands themselves (undefined for a
  // snapshot), their times and encodings in reusable buffers. Two batches alternate: one being
  // journaled, one filling.
  let filling = new Batch()
  let spare = new Batch()
  let inFlight = false
  let failure: unknown
  let closed = false
  let waiters: { seq: number; resolve: () => void; reject: (e: unknown) => void }[] = []

  const settle = () => {
    let done = 0
    while (done < waiters.length && waiters[done]!.seq <= appliedSeq) done++
    if (done === 0) return
    const ready = waiters.slice(0, done)
    waiters = waiters.slice(done)
    for (const w of ready) w.resolve()
  }

  const apply = (batch: Batch, firstSeq: number) => {
    for (let i = 0; i < batch.count; i++) {
      const seq = firstSeq + i
      const command = batch.commands[i]
      const time = batch.times[i]!
      if (command !== undefined) {
        const status = engine.execute(command, time)
        onApplied?.(seq, command, status, time)
      }
      appliedSeq = seq
    }
    batch.clear()
    spare = batch
    inFlight = false
    settle()
    pump()
  }

  const fail = (error: unknown) => {
    failure = error
    inFlight = false
    logger.error('sequencer stopped: journal append failed', { error: String(error) })
    const list = waiters
    waiters = []
    for (const w of list) w.reject(error)
  }

  const pump = () => {
    if (inFlight || filling.count === 0 || failure !== undefined) return
    inFlight = true
    const batch = filling
    filling = spare
    const firstSeq = appliedSeq + 1
    const check = (seq: number, got: number) => {
      if (got !== seq)
        throw new JournalSequenceGapError({ expected: seq, got, location: 'sequencer' })
    }
    let appended: Promise<void>
    if (packed && batch.snapshots.length === 0) {
      appended = packed
        .appendPacked(
          'command',
          batch.count,
          batch.times,
          batch.ends,
          batch.bytes.subarray(0, batch.bytes.length),
        )
        .then((first) => check(firstSeq, first))
    } else {
      const records: JournalAppend[] = new Array(batch.count)
      let start = 0
      let nextSnapshot = 0
      for (let i = 0; i < batch.count; i++) {
        const end = batch.ends[i]!
        records[i] =
          batch.commands[i] === undefined
            ? {
                kind: 'snapshot',
                timestamp: batch.times[i]!,
                payload: batch.snapshots[nextSnapshot++]!,
              }
            : {
                kind: 'command',
                timestamp: batch.times[i]!,
                payload: batch.bytes.subarray(start, end),
              }
        start = end
      }
      appended = journal.append(records).then((result) => {
        for (let i = 0; i < batch.count; i++) check(firstSeq + i, result.seqs[i] ?? -1)
      })
    }
    appended.then(() => apply(batch, firstSeq)).catch(fail)
  }

  const check = () => {
    if (closed) throw new JournalClosedError({ reason: 'closed' })
    if (failure !== undefined) throw new JournalClosedError({ reason: 'failed', cause: failure })
  }

  const stamp = () => {
    const now = clock.now()
    if (now > lastTime) lastTime = now
    return lastTime
  }

  const queued = () => {
    if (!inFlight && filling.count === 1) queueMicrotask(pump)
    return nextSeq++
  }

  const waitFor = (seq: number) =>
    new Promise<void>((resolve, reject) => {
      if (failure !== undefined) reject(failure)
      else if (seq <= appliedSeq) resolve()
      else waiters.push({ seq, resolve, reject })
    })

  return {
    submit(command) {
      check()
      filling.addCommand(command, stamp())
      return queued()
    },
    snapshot() {
      check()
      const payload = encodeEngineSnapshot({ appliedSeq, state: engine.exportState() })
      filling.addSnapshot(payload, stamp())
      const seq = queued()
      return waitFor(seq).then(() => seq)
    },
    flush() {
      return waitFor(nextSeq - 1)
    },
    get appliedSeq() {
      return appliedSeq
    },
    get submittedSeq() {
      return nextSeq - 1
    },
    async close() {
      if (closed) return
      await waitFor(nextSeq - 1)
      closed = true
    },
  }
}

/** A batch of queued commands in reusable buffers. */
class Batch {
  count = 0
  commands: (BookCommand | undefined)[] = []
  times = new Float64Array(1024)
  /** End offset of each record's encoding in `bytes` (snapshots take no bytes there). */
  ends = new Float64Array(1024)
  readonly bytes = new ByteWriter(1 << 16)
  snapshots: Uint8Array[] = []

  private grow(): void {
    const times = new Float64Array(this.times.length * 2)
    times.set(this.times)
    this.times = times
    const ends = new Float64Array(this.ends.length * 2)
    ends.set(this.ends)
    this.ends = ends
  }

  /**
   * @throws {OrderbookInputError} when the command cannot be encoded (nothing is added).
   */
  addCommand(command: BookCommand, time: number): void {
    const start = this.bytes.length
    try {
      writeCommand(this.bytes, command)
    } catch (error) {
      this.bytes.length = start
      throw error
    }
    if (this.count === this.times.length) this.grow()
    this.commands[this.count] = command
    this.times[this.count] = time
    this.ends[this.count] = this.bytes.length
    this.count++
  }

  addSnapshot(payload: Uint8Array, time: number): void {
    if (this.count === this.times.length) this.grow()
    this.commands[this.count] = undefined
    this.snapshots.push(payload)
    this.times[this.count] = time
    this.ends[this.count] = this.bytes.length
    this.count++
  }

  /** Empties the batch, keeping its storage (a batch of 250,000 commands would be garbage). */
  clear(): void {
    this.commands.fill(undefined, 0, this.count)
    this.count = 0
    this.snapshots.length = 0
    this.bytes.reset()
  }
}

/** Options of {@link recoverMatchingEngine}. */
export type RecoverMatchingEngineParameters = Omit<
  CreateMatchingEngineParameters,
  'state' | 'sinkFor'
> & {
  journal: Journal
  /** Sinks for after recovery; replay itself emits nothing. */
  sinkFor?: ((symbol: string) => BookEventSink) | undefined
}

/** What {@link recoverMatchingEngine} returns. */
export type RecoveredMatchingEngine = {
  engine: MatchingEngine
  /** The journal's last sequence number: the engine has applied every command up to it. */
  lastSeq: number
  /** Sequence number of the snapshot record started from (0: none). */
  snapshotSeq: number
  /** Commands replayed after the snapshot. */
  replayed: number
}

/**
 * Recovery: loads the latest snapshot (if any) and replays every command journaled after it. The
 * result's `engine.stateHash()` equals the hash the writer had after the same sequence number.
 *
 * @throws {CorruptPayloadError} when a snapshot or command cannot be decoded.
 * @throws {JournalCorruptError} when the journal is corrupt.
 */
export async function recoverMatchingEngine(
  parameters: RecoverMatchingEngineParameters,
): Promise<RecoveredMatchingEngine> {
  const { journal } = parameters
  const record = await journal.latestSnapshot()
  const snapshot = record ? decodeEngineSnapshot(record.payload, record.seq) : undefined
  const engine = createMatchingEngine({
    ...parameters,
    sinkFor: () => noopEventSink,
    state: snapshot?.state,
  })
  const from = (snapshot?.appliedSeq ?? 0) + 1
  const lastSeq = journal.lastSeq()
  let expected = from
  let replayed = 0
  for await (const r of journal.read({ fromSeq: from, toSeq: lastSeq })) {
    if (r.seq !== expected) {
      throw new JournalSequenceGapError({ expected, got: r.seq, location: 'recovery' })
    }
    expected++
    if (r.kind !== 'command') continue
    engine.execute(decodeCommand(r.payload, r.seq), r.timestamp)
    replayed++
  }
  if (expected !== Math.max(from, lastSeq + 1)) {
    throw new JournalSequenceGapError({ expected, got: lastSeq + 1, location: 'recovery' })
  }
  if (parameters.sinkFor) engine.setSinks(parameters.sinkFor)
  return { engine, lastSeq, snapshotSeq: record?.seq ?? 0, replayed }
}
