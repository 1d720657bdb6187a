import type { Clock, Journal, JournalAppend } from '@strongroom/core'
import { type ExchangeCommand, encodeExchangeCommand } from '../core/commands.js'
import type { ExchangeEvent } from '../core/events.js'
import type { CommandResult, CoreSnapshot, ExchangeCore } from '../core/exchangeCore.js'

/** What a submitter learns once its command is durable and applied. */
export type Applied = {
  readonly seq: number
  readonly time: number
  readonly result: CommandResult
}

type Queued = {
  command: ExchangeCommand
  payload: Uint8Array
  time: number
  resolve: (a: Applied) => void
  reject: (e: unknown) => void
}

/** Options of {@link createExchangeSequencer}. */
export type CreateExchangeSequencerParameters = {
  journal: Journal
  core: ExchangeCore
  clock: Clock
  /** Receives the events of each applied batch, after the batch is durable. */
  publish: (events: readonly ExchangeEvent[]) => void
  /** Events the core emitted are appended here by the caller's `emit`; the sequencer drains it. */
  outbox: ExchangeEvent[]
  /** Write a snapshot record after this many commands (default 50,000; 0: never). */
  snapshotEvery?: number | undefined
  /**
   * State kept beside the core's in each snapshot record, taken at the same point (read models
   * such as the order views, which would otherwise lose what happened before the snapshot).
   * Outside the state hash. Recovery hands it back through `onSnapshot`.
   */
  attachment?: (() => unknown) | undefined
  /**
   * A periodic snapshot could not be written (e.g. larger than the NATS server's max_payload).
   * Snapshots only shorten recovery, so the sequencer carries on; the next one is tried after
   * another `snapshotEvery` commands. Default: ignored.
   */
  onSnapshotError?: ((error: unknown) => void) | undefined
}

/**
 * Orders the exchange's commands: each gets the journal's next sequence number and the clock's
 * time, is appended with everything submitted meanwhile (one group commit), and is applied to
 * the core only once the journal has acknowledged it. No acknowledgement, fill or market-data
 * event leaves before the command that caused it is durable.
 */
export type ExchangeSequencer = {
  submit(command: ExchangeCommand): Promise<Applied>
  /** Appends a snapshot of the core as applied now. */
  snapshot(): Promise<number>
  /** Resolves when everything submitted so far is applied. */
  flush(): Promise<void>
  readonly appliedSeq: number
  close(): Promise<void>
}

export function createExchangeSequencer(
  parameters: CreateExchangeSequencerParameters,
): ExchangeSequencer {
  const { journal, core, clock, publish, outbox } = parameters
  const snapshotEvery = parameters.snapshotEvery ?? 50_000
  let queue: Queued[] = []
  let inFlight: Promise<void> | undefined
  let lastTime = 0
  let sinceSnapshot = 0
  let failure: unknown
  let closed = false

  const stamp = () => {
    const now = clock.now()
    if (now > lastTime) lastTime = now
    return lastTime
  }

  const run = async () => {
    while (queue.length > 0 && failure === undefined) {
      const batch = queue
      queue = []
      const records: JournalAppend[] = batch.map((q) => ({
        kind: 'command',
        timestamp: q.time,
        payload: q.payload,
      }))
      let seqs: readonly number[]
      try {
        seqs = (await journal.append(records)).seqs
      } catch (error) {
        failure = error
        for (const q of batch) q.reject(error)
        for (const q of queue) q.reject(error)
        queue = []
        return
      }
      const applied: Applied[] = []
      for (let i = 0; i < batch.length; i++) {
        const q = batch[i]!
        const seq = seqs[i]!
        applied.push({ seq, time: q.time, result: core.apply(q.command, seq, q.time) })
      }
      const events = outbox.splice(0)
      publish(events)
      for (let i = 0; i < batch.length; i++) batch[i]!.resolve(applied[i]!)
      sinceSnapshot += batch.length
      if (snapshotEvery > 0 && sinceSnapshot >= snapshotEvery) {
        sinceSnapshot = 0
        await writeSnapshot().catch((error: unknown) => parameters.onSnapshotError?.(error))
      }
    }
  }

  const writeSnapshot = async () => {
    const attachment = parameters.attachment?.()
    const record = attachment === undefined ? core.snapshot() : { ...core.snapshot(), attachment }
    const payload = new TextEncoder().encode(JSON.stringify(record))
    const { seqs } = await journal.append([{ kind: 'snapshot', timestamp: stamp(), payload }])
    return seqs[0]!
  }

  const pump = () => {
    if (inFlight) return
    inFlight = run().finally(() => {
      inFlight = undefined
      if (queue.length > 0 && failure === undefined) pump()
    })
  }

  return {
    submit(command) {
      if (closed) return Promise.reject(new Error('the sequencer is closed'))
      if (failure !== undefined) return Promise.reject(failure)
      const payload = encodeExchangeCommand(command)
      return new Promise<Applied>((resolve, reject) => {
        queue.push({ command, payload, time: stamp(), resolve, reject })
        if (queue.length === 1) queueMicrotask(pump)
      })
    },
    async snapshot() {
      await this.flush()
      return writeSnapshot()
    },
    async flush() {
      while (inFlight) await inFlight
    },
    get appliedSeq() {
      return core.appliedSeq
    },
    async close() {
      closed = true
      await this.flush()
    },
  }
}

/** Decodes a snapshot record written by the sequencer: the core's state and the attachment. */
export function decodeCoreSnapshot(payload: Uint8Array): {
  core: CoreSnapshot
  attachment: unknown
} {
  const { attachment, ...core } = JSON.parse(new TextDecoder().decode(payload)) as CoreSnapshot & {
    attachment?: unknown
  }
  if (core.version !== 1) throw new Error(`unknown snapshot version ${String(core.version)}`)
  return { core, attachment }
}
