import type { Journal, JournalRecord } from '@strongroom/core'
import { PredecessorFailedError, SettlementInputError } from '../errors.js'
import type { SettlementEvent } from './events.js'
import type { ApplyEventsReturnType, Settler } from './settler.js'

/** Parameters of {@link applyJournal}. */
export type ApplyJournalParameters = {
  readonly settler: Settler
  readonly journal: Journal
  /** The stream the journal's events are applied as (its cursor is kept under this name). */
  readonly stream: string
  /**
   * Turns a record into the ledger event it carries (its `seq` must be the record's), or
   * `undefined` for records the ledger does not care about (book deltas, snapshots…).
   */
  readonly decode: (record: JournalRecord) => SettlementEvent | undefined
  /** Events per batch (default 65,536). */
  readonly batchSize?: number | undefined
  /** Last sequence number to apply (default: the journal's last durable record). */
  readonly toSeq?: number | undefined
}

/** What {@link applyJournal} returns: the stream's position, or the first refusal. */
export type ApplyJournalReturnType =
  | { readonly ok: true; readonly applied: number; readonly lastSeq: number }
  | (Extract<ApplyEventsReturnType, { ok: false }> & { readonly applied: number })

/**
 * Brings the ledger up to date with a journal: reads from the record after the stream's last
 * applied sequence number, decodes, and applies the events in batches (each batch netted while
 * the previous one is written). Safe to run again after a crash: applied batches are never
 * applied twice.
 *
 * @throws {SettlementInputError} when a decoded event's `seq` differs from its record's.
 */
export async function applyJournal(
  parameters: ApplyJournalParameters,
): Promise<ApplyJournalReturnType> {
  const { settler, journal, stream, decode } = parameters
  const batchSize = parameters.batchSize ?? 65_536
  const from = (await settler.lastApplied(stream)) + 1
  let applied = 0
  let lastSeq = from - 1
  let refusal: Extract<ApplyEventsReturnType, { ok: false }> | undefined
  let inFlight: Promise<ApplyEventsReturnType> | undefined

  /** Waits for the batch in flight and books its outcome. */
  const drain = async () => {
    const pending = inFlight
    inFlight = undefined
    if (!pending) return
    try {
      const result = await pending
      if (result.ok) {
        applied += result.applied
        lastSeq = Math.max(lastSeq, result.lastSeq)
      } else {
        refusal ??= result
      }
    } catch (error) {
      // Behind a refused batch, the settler refuses the next one too: the refusal is the news.
      if (!(refusal && error instanceof PredecessorFailedError)) throw error
    }
  }

  let batch: SettlementEvent[] = []
  /** Hands the batch to the settler, keeping one batch in flight while the next is read. */
  const flush = async () => {
    if (batch.length === 0) return
    const events = batch
    batch = []
    const previous = inFlight
    const next = settler.apply({ stream, events })
    next.catch(() => undefined) // awaited by drain(); never left unhandled meanwhile
    inFlight = previous
    await drain()
    inFlight = next
  }

  try {
    for await (const record of journal.read({ fromSeq: from, toSeq: parameters.toSeq })) {
      const event = decode(record)
      if (event === undefined) continue
      if (event.seq !== record.seq) {
        throw new SettlementInputError(
          `must equal the journal record's sequence number ${record.seq}.`,
          { path: ['decode', 'seq'], rule: 'format' },
        )
      }
      batch.push(event)
      if (batch.length >= batchSize) {
        await flush()
        if (refusal) break
      }
    }
    if (!refusal) await flush()
  } finally {
    await drain()
  }
  if (refusal) return { ...refusal, applied }
  return { ok: true, applied, lastSeq }
}
