import type { Logger } from '@strongroom/core'
import type { SettlementEvent, Settler } from '@strongroom/settlement'

/** Options of {@link createSettlementPump}. */
export type CreateSettlementPumpParameters = {
  settler: Settler
  stream: string
  logger: Logger
  /** Most events per ledger transaction (default 5,000). */
  maxBatch?: number | undefined
  /**
   * How long events wait for others to share their ledger transaction (default 20 ms), unless a
   * full batch is queued or someone waits for the ledger (`drainTo`). A transaction has a fixed
   * cost of a few hundred microseconds, so at a few thousand orders per second one transaction
   * per applied batch would cost the event loop more than the orders do.
   */
  coalesceMs?: number | undefined
  /** Events already applied (from `settler.lastApplied`): skipped when replayed. */
  lastApplied: number
}

/**
 * Brings the ledger up to date with the core's settlement events, off the hot path: events are
 * queued as the core emits them and applied in batches, one database transaction each
 * (delivery versus payment), exactly once by sequence number. A batch that fails is retried
 * with backoff; nothing is dropped.
 */
export function createSettlementPump(parameters: CreateSettlementPumpParameters) {
  const { settler, stream, logger } = parameters
  const maxBatch = parameters.maxBatch ?? 5_000
  const coalesceMs = parameters.coalesceMs ?? 20
  let timer: NodeJS.Timeout | undefined
  let queue: SettlementEvent[] = []
  let applied = parameters.lastApplied
  let running: Promise<void> | undefined
  let waiters: { seq: number; resolve: () => void }[] = []
  let failures = 0
  let stopped = false

  const wake = () => {
    waiters = waiters.filter((w) => {
      if (w.seq > applied) return true
      w.resolve()
      return false
    })
  }

  /** Applies what is queued, one full batch after another; a partial batch ends the run. */
  const run = async () => {
    while (queue.length > 0 && !stopped) {
      const batch = queue.slice(0, maxBatch)
      const result = await settler
        .apply({ stream, events: batch })
        .catch((error: unknown) => ({ ok: false as const, error }))
      if (result.ok) {
        queue = queue.slice(batch.length)
        applied = result.lastSeq
        failures = 0
        wake()
        if (queue.length < maxBatch && waiters.length === 0) return
        continue
      }
      failures++
      const reason =
        'rejection' in result ? result.rejection.code : String((result as { error: unknown }).error)
      logger.error('settlement batch failed; retrying', {
        stream,
        first: batch[0]?.seq,
        reason,
        failures,
      })
      await new Promise((r) => setTimeout(r, Math.min(5_000, 50 * 2 ** failures)))
    }
  }

  const kick = () => {
    clearTimeout(timer)
    timer = undefined
    if (running || stopped) return
    running = run().finally(() => {
      running = undefined
      if (queue.length > 0) schedule()
    })
  }
  /** Starts a transaction now when one is due, else after `coalesceMs`. */
  const schedule = () => {
    if (running || stopped) return
    if (queue.length >= maxBatch || waiters.length > 0 || coalesceMs <= 0) {
      clearTimeout(timer)
      timer = setTimeout(kick, 0)
      return
    }
    if (timer === undefined) timer = setTimeout(kick, coalesceMs)
  }

  return {
    /** Queues an event (ignored when the ledger already has it). */
    push(event: SettlementEvent) {
      if (event.seq <= applied || (queue.length > 0 && event.seq <= queue[queue.length - 1]!.seq))
        return
      queue.push(event)
      if (queue.length === 1 || queue.length === maxBatch) schedule()
    },
    /** Resolves once every event up to `seq` is in the ledger. */
    drainTo(seq: number): Promise<void> {
      if (seq <= applied) return Promise.resolve()
      const drained = new Promise<void>((resolve) => waiters.push({ seq, resolve }))
      if (!running) kick()
      return drained
    },
    get lastApplied() {
      return applied
    },
    get lag() {
      return queue.length
    },
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
    },
  }
}

export type SettlementPump = ReturnType<typeof createSettlementPump>
