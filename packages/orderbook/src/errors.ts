import {
  formatIssuePath,
  type Issue,
  type IssuePath,
  registerErrorCodes,
  StrongroomError,
} from '@strongroom/core'
import { version } from './version.js'

/** Error codes owned by `@strongroom/orderbook`. */
export const OrderbookErrorCode = registerErrorCodes('@strongroom/orderbook', {
  ORDERBOOK_INVALID_INPUT:
    'A value given to the order book package (a command to journal, a journal record, an option) broke a rule.',
  ORDERBOOK_JOURNAL_CORRUPT:
    'A journal record in the middle of the journal failed its checksum or framing; nothing after it is applied.',
  ORDERBOOK_JOURNAL_WRITE_FAILED:
    'The journal could not durably write a batch; none of its records was acknowledged.',
  ORDERBOOK_JOURNAL_CLOSED: 'The journal refuses appends after close() or after a write failure.',
  ORDERBOOK_JOURNAL_SEQUENCE_GAP:
    'A journal returned records out of sequence or with a gap (a broken store or a foreign writer).',
  ORDERBOOK_CORRUPT_PAYLOAD: 'A journaled command or snapshot payload could not be decoded.',
  ORDERBOOK_NATS_FAILED: 'A NATS JetStream request of the journal failed.',
})

/** One of the codes in {@link OrderbookErrorCode}. */
export type OrderbookErrorCode = (typeof OrderbookErrorCode)[keyof typeof OrderbookErrorCode]

/** Base class of the errors `@strongroom/orderbook` throws. */
export class OrderbookError<
  code extends OrderbookErrorCode = OrderbookErrorCode,
> extends StrongroomError<code> {
  override name = 'OrderbookError'
  constructor(
    shortMessage: string,
    options: { code: code; cause?: unknown; details?: string; metaMessages?: readonly string[] },
  ) {
    super(shortMessage, { ...options, version: `@strongroom/orderbook@${version}` })
  }
}

/**
 * Bad input from outside: names the field (`path`) and the rule (`rule`); nothing was changed.
 * Same shape as core's `InputError`.
 */
export class OrderbookInputError extends OrderbookError<'ORDERBOOK_INVALID_INPUT'> {
  override name = 'OrderbookInputError'
  readonly path: IssuePath
  readonly rule: string
  readonly issue: Issue
  constructor(shortMessage: string, options: { path: IssuePath; rule: string; cause?: unknown }) {
    const field = formatIssuePath(options.path)
    super(`${field}: ${shortMessage}`, {
      code: 'ORDERBOOK_INVALID_INPUT',
      cause: options.cause,
      metaMessages: [`Field: ${field}`, `Rule: ${options.rule}`],
    })
    this.path = options.path
    this.rule = options.rule
    this.issue = { code: options.rule, path: options.path, message: shortMessage }
  }
}

/** A journal record failed its checksum or framing before the end of the journal. */
export class JournalCorruptError extends OrderbookError<'ORDERBOOK_JOURNAL_CORRUPT'> {
  override name = 'JournalCorruptError'
  /** Where: a file path or a stream name. */
  readonly location: string
  /** Byte offset of the bad frame in a file, or the sequence number in a stream. */
  readonly offset: number
  constructor(parameters: { location: string; offset: number; reason: string; cause?: unknown }) {
    super(`Corrupt journal record at offset ${parameters.offset} of ${parameters.location}.`, {
      code: 'ORDERBOOK_JOURNAL_CORRUPT',
      cause: parameters.cause,
      details: parameters.reason,
      metaMessages: [`Location: ${parameters.location}`, `Offset: ${parameters.offset}`],
    })
    this.location = parameters.location
    this.offset = parameters.offset
  }
}

/** A journal write or fsync failed; the batch was not acknowledged. */
export class JournalWriteError extends OrderbookError<'ORDERBOOK_JOURNAL_WRITE_FAILED'> {
  override name = 'JournalWriteError'
  constructor(parameters: { location: string; cause: unknown }) {
    super(`Could not write to the journal ${parameters.location}.`, {
      code: 'ORDERBOOK_JOURNAL_WRITE_FAILED',
      cause: parameters.cause,
    })
  }
}

/** The journal was closed or failed earlier. */
export class JournalClosedError extends OrderbookError<'ORDERBOOK_JOURNAL_CLOSED'> {
  override name = 'JournalClosedError'
  constructor(parameters: { reason: 'closed' | 'failed'; cause?: unknown }) {
    super(
      parameters.reason === 'closed'
        ? 'The journal is closed.'
        : 'The journal refuses appends after a write failure; reopen it.',
      { code: 'ORDERBOOK_JOURNAL_CLOSED', cause: parameters.cause },
    )
  }
}

/** Records came back out of sequence. */
export class JournalSequenceGapError extends OrderbookError<'ORDERBOOK_JOURNAL_SEQUENCE_GAP'> {
  override name = 'JournalSequenceGapError'
  constructor(parameters: { expected: number; got: number; location: string }) {
    super(`Expected journal sequence ${parameters.expected}, got ${parameters.got}.`, {
      code: 'ORDERBOOK_JOURNAL_SEQUENCE_GAP',
      metaMessages: [`Location: ${parameters.location}`],
    })
  }
}

/** A command or snapshot payload could not be decoded. */
export class CorruptPayloadError extends OrderbookError<'ORDERBOOK_CORRUPT_PAYLOAD'> {
  override name = 'CorruptPayloadError'
  /** Sequence number of the record, when known. */
  readonly seq: number | undefined
  constructor(parameters: { what: string; seq?: number | undefined; cause?: unknown }) {
    super(
      `Could not decode the ${parameters.what}${parameters.seq === undefined ? '' : ` of record ${parameters.seq}`}.`,
      { code: 'ORDERBOOK_CORRUPT_PAYLOAD', cause: parameters.cause },
    )
    this.seq = parameters.seq
  }
}

/** A NATS request failed. */
export class NatsJournalError extends OrderbookError<'ORDERBOOK_NATS_FAILED'> {
  override name = 'NatsJournalError'
  constructor(parameters: { operation: string; cause: unknown }) {
    super(`NATS JetStream ${parameters.operation} failed.`, {
      code: 'ORDERBOOK_NATS_FAILED',
      cause: parameters.cause,
    })
  }
}
