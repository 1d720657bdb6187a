import type { Journal } from '@strongroom/core'
import { decodeExchangeCommand } from '../core/commands.js'
import type { ExchangeEvent } from '../core/events.js'
import {
  type CoreSnapshot,
  createExchangeCore,
  type ExchangeCore,
  type Market,
} from '../core/exchangeCore.js'
import { decodeCoreSnapshot } from './exchangeSequencer.js'

/** What {@link recoverExchangeCore} rebuilt. */
export type RecoveredExchange = {
  readonly core: ExchangeCore
  /** Events the core emits from now on land here (the sequencer drains it). */
  readonly outbox: ExchangeEvent[]
  /** Sequence number of the snapshot recovery started from (0: none). */
  readonly snapshotSeq: number
  /** Commands replayed after the snapshot. */
  readonly replayed: number
}

/**
 * Rebuilds the core from the journal: the latest snapshot, then every command after it, in
 * order. During the replay, events go to `onReplayEvent` (the settlement pump uses it to catch
 * the ledger up; everything else is already out). With `untilSeq`, stops after that command (to
 * compare a state hash recorded at that point).
 */
export async function recoverExchangeCore(parameters: {
  journal: Journal
  markets: readonly Market[]
  onReplayEvent?: ((event: ExchangeEvent) => void) | undefined
  /** Receives the snapshot's attachment (see the sequencer's `attachment`) before the replay. */
  onSnapshot?: ((attachment: unknown) => void) | undefined
  untilSeq?: number | undefined
}): Promise<RecoveredExchange> {
  const { journal } = parameters
  const outbox: ExchangeEvent[] = []
  let replaying = true
  const emit = (event: ExchangeEvent) => {
    if (replaying) parameters.onReplayEvent?.(event)
    else outbox.push(event)
  }
  let snapshot: CoreSnapshot | undefined
  let snapshotSeq = 0
  const marker = parameters.untilSeq === undefined ? await journal.latestSnapshot() : undefined
  if (marker) {
    const decoded = decodeCoreSnapshot(marker.payload)
    snapshot = decoded.core
    snapshotSeq = marker.seq
    parameters.onSnapshot?.(decoded.attachment)
  }
  const core = createExchangeCore({ markets: parameters.markets, emit, snapshot })
  let replayed = 0
  const last = parameters.untilSeq ?? journal.lastSeq()
  if (last > snapshotSeq) {
    for await (const record of journal.read({ fromSeq: snapshotSeq + 1, toSeq: last })) {
      if (record.kind !== 'command') continue
      core.apply(decodeExchangeCommand(record.payload, record.seq), record.seq, record.timestamp)
      replayed++
    }
  }
  replaying = false
  return { core, outbox, snapshotSeq, replayed }
}
