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
  let nextSeq = journal.lastSeq() + 1
  let appliedSeq = journal.lastSeq()
  let lastTime = 0
  // The queued batch without an object per command: the commands (undefined for a snapshot),
  // their times, and their encodings back to back in one buffer (`ends[i]` = end offset). The
  // journal records are built just before the append and die young. Two buffers alternate: one
  // being journaled, one filling.
  let pending: (BookCommand | undefined)[] = []
  let times: number[] = []
  let ends: number[] = []
  let snapshots: Uint8Array[] = []
  let bytes = new ByteWriter(1 << 16)
  let spareBytes = new ByteWriter(1 << 16)
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

  const pump = () => {
    if (inFlight || pending.length === 0 || failure !== undefined) return
    inFlight = true
    const batch = pending
    const batchTimes = times
    const batchBytes = bytes
    const batchRecords: JournalAppend[] = new Array(batch.length)
    let start = 0
    let nextSnapshot = 0
    for (let i = 0; i < batch.length; i++) {
      const end = ends[i]!
      batchRecords[i] =
        batch[i] === undefined
          ? { kind: 'snapshot', timestamp: times[i]!, payload: snapshots[nextSnapshot++]! }
          : { kind: 'command', timestamp: times[i]!, payload: batchBytes.subarray(start, end) }
      start = end
    }
    const firstSeq = appliedSeq + 1
    pending = []
    times = []
    ends = []
    snapshots = []
    bytes = spareBytes
    bytes.reset()
    spareBytes = batchBytes
    journal
      .append(batchRecords)
      .then((result) => {
        for (let i = 0; i < batch.length; i++) {
          const seq = firstSeq + i
          if (result.seqs[i] !== seq) {
            throw new JournalSequenceGapError({
              expected: seq,
              got: result.seqs[i] ?? -1,
              location: 'sequencer',
            })
          }
          const command = batch[i]
          const time = batchTimes[i]!
          if (command !== undefined) {
            const status = engine.execute(command, time)
            onApplied?.(seq, command, status, time)
          }
          appliedSeq = seq
        }
        inFlight = false
        settle()
        pump()
      })
      .catch((error: unknown) => {
        failure = error
        inFlight = false
        logger.error('sequencer stopped: journal append failed', { error: String(error) })
        const list = waiters
        waiters = []
        for (const w of list) w.reject(error)
      })
  }

  const check = () => {
    if (closed) throw new JournalClosedError({ reason: 'closed' })
    if (failure !== undefined) throw new JournalClosedError({ reason: 'failed', cause: failure })
  }

  const enqueue = (command: BookCommand | undefined, time: number): number => {
    pending.push(command)
    times.push(time)
    ends.push(bytes.length)
    if (!inFlight && pending.length === 1) queueMicrotask(pump)
    return nextSeq++
  }

  const stamp = () => {
    const now = clock.now()
    if (now > lastTime) lastTime = now
    return lastTime
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
      const start = bytes.length
      try {
        writeCommand(bytes, command)
      } catch (error) {
        bytes.length = start
        throw error
      }
      return enqueue(command, stamp())
    },
    snapshot() {
      const time = stamp()
      const payload = encodeEngineSnapshot({ appliedSeq, state: engine.exportState() })
      check()
      snapshots.push(payload)
      const seq = enqueue(undefined, time)
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
