import type { Logger } from '@strongroom/core'
import type { SettlementEvent, Settler } from '@strongroom/settlement'

/** Options of {@link createSettlementPump}. */
export type CreateSettlementPumpParameters = {
  settler: Settler
  stream: string
  logger: Logger
  /** Most events per ledger transaction (default 5,000). */
  maxBatch?: number | undefined
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
    if (running || stopped) return
    running = run().finally(() => {
      running = undefined
      if (queue.length > 0) kick()
    })
  }

  return {
    /** Queues an event (ignored when the ledger already has it). */
    push(event: SettlementEvent) {
      if (event.seq <= applied || (queue.length > 0 && event.seq <= queue[queue.length - 1]!.seq))
        return
      queue.push(event)
      if (queue.length === 1) setImmediate(kick)
    },
    /** Resolves once every event up to `seq` is in the ledger. */
    drainTo(seq: number): Promise<void> {
      if (seq <= applied) return Promise.resolve()
      return new Promise((resolve) => waiters.push({ seq, resolve }))
    },
    get lastApplied() {
      return applied
    },
    get lag() {
      return queue.length
    },
    async stop() {
      stopped = true
      await running
    },
  }
}

export type SettlementPump = ReturnType<typeof createSettlementPump>
