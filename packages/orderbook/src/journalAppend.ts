import type { JournalAppend, JournalRecordKind } from '@strongroom/core'
import { OrderbookInputError } from './errors.js'

/** The record kinds a journal stores, in the order their one-byte codes use. */
export const JOURNAL_KINDS: readonly JournalRecordKind[] = ['command', 'event', 'snapshot']

const encoder = new TextEncoder()

/**
 * Checks one record handed to `Journal.append` before anything is written: a bad record rejects
 * the whole append with an {@link OrderbookInputError} naming `records[index].<field>`.
 * `maxMessageIdBytes` bounds the UTF-8 length of `messageId` where the storage format limits it.
 */
export function checkJournalAppend(
  record: JournalAppend,
  index: number,
  maxMessageIdBytes = Number.POSITIVE_INFINITY,
): void {
  const path = ['records', index]
  if (!JOURNAL_KINDS.includes(record?.kind)) {
    throw new OrderbookInputError('must be command, event or snapshot.', {
      path: [...path, 'kind'],
      rule: 'enum',
    })
  }
  if (!Number.isSafeInteger(record.timestamp) || record.timestamp < 0) {
    throw new OrderbookInputError('must be a non-negative safe integer (epoch ms).', {
      path: [...path, 'timestamp'],
      rule: 'integer',
    })
  }
  if (!(record.payload instanceof Uint8Array)) {
    throw new OrderbookInputError('must be a Uint8Array.', {
      path: [...path, 'payload'],
      rule: 'bytes',
    })
  }
  const { messageId } = record
  if (messageId === undefined) return
  const bounded = Number.isFinite(maxMessageIdBytes)
  if (
    typeof messageId !== 'string' ||
    messageId === '' ||
    (bounded && encoder.encode(messageId).length > maxMessageIdBytes)
  ) {
    const limit = bounded ? ` of at most ${maxMessageIdBytes} UTF-8 bytes` : ''
    throw new OrderbookInputError(`must be a non-empty string${limit}.`, {
      path: [...path, 'messageId'],
      rule: 'string',
    })
  }
}
