/** What a journal record holds. Snapshots are markers that recovery starts from. */
export type JournalRecordKind = 'command' | 'event' | 'snapshot'

/** A record to append. The journal assigns its sequence number. */
export type JournalAppend = {
  readonly kind: JournalRecordKind
  /** Journaled time in epoch milliseconds (from the injected `Clock`); replay uses it, not the wall clock. */
  readonly timestamp: number
  /** Opaque bytes (an encoded command, event or snapshot). */
  readonly payload: Uint8Array
  /**
   * Optional de-duplication key: appending a record whose `messageId` the journal has already
   * stored returns the original sequence number and stores nothing (JetStream's `Nats-Msg-Id`).
   */
  readonly messageId?: string | undefined
}

/** A stored record with its sequence number. */
export type JournalRecord = JournalAppend & {
  /** Position in the journal: 1, 2, 3… with no gaps. A safe integer. */
  readonly seq: number
}

/** What {@link Journal.append} resolves to. */
export type JournalAppendResult = {
  /** Sequence number of each appended record, in order (an earlier seq for a duplicate `messageId`). */
  readonly seqs: readonly number[]
}

/** Options for {@link Journal.read}. */
export type JournalReadOptions = {
  /** First sequence number to read (inclusive). */
  readonly fromSeq: number
  /** Last sequence number to read (inclusive); default: the last durable record. */
  readonly toSeq?: number | undefined
}

/**
 * Port: the durable, ordered log of commands and events that the deterministic core is rebuilt
 * from. Implementations: a file journal (embedded default) and NATS JetStream (many machines).
 *
 * Contract:
 * - `append` resolves only once every record is durable (after the group commit's fsync or the
 *   stream's acknowledgement); effects of a command are released only after that.
 * - Sequence numbers start at 1 and have no gaps.
 * - `read` yields records in sequence order; a corrupt record is an error, never skipped.
 */
export type Journal = {
  append(records: readonly JournalAppend[]): Promise<JournalAppendResult>
  read(options: JournalReadOptions): AsyncIterable<JournalRecord>
  /** Sequence number of the last durable record (0 when empty). */
  lastSeq(): number
  /** The most recent record of kind `snapshot`, if any. */
  latestSnapshot(): Promise<JournalRecord | undefined>
  /** Flushes what is pending and releases the journal's resources. */
  close(): Promise<void>
}
