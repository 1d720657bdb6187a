import {
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream'
import { connect, headers, type NatsConnection } from '@nats-io/transport-node'
import type {
  Journal,
  JournalAppendResult,
  JournalReadOptions,
  JournalRecord,
  JournalRecordKind,
} from '@strongroom/core'
import {
  JournalClosedError,
  JournalCorruptError,
  JournalSequenceGapError,
  NatsJournalError,
  OrderbookInputError,
} from './errors.js'
import { checkJournalAppend, JOURNAL_KINDS } from './journalAppend.js'

const TIME_HEADER = 'Strongroom-Time'

/** Options of {@link openNatsJournal}. */
export type OpenNatsJournalParameters = {
  /** NATS server URLs, e.g. `nats://127.0.0.1:4222` (ignored when `connection` is given). */
  servers?: string | string[] | undefined
  /** An existing connection to use (not closed by `close()`). */
  connection?: NatsConnection | undefined
  /** JetStream stream name; created (file storage) when missing. One stream per journal. */
  stream: string
  /** Subject prefix: records go to `<subject>.command`, `.event`, `.snapshot`. */
  subject: string
  /** Replicas when the stream is created (clustered servers). Default 1. */
  replicas?: number | undefined
  /** De-duplication window when the stream is created, ms. Default 2 minutes. */
  duplicateWindowMs?: number | undefined
  /** Ack timeout per publish, ms. Default 5,000. */
  timeoutMs?: number | undefined
}

/** A {@link Journal} on a NATS JetStream stream: journal sequence = stream sequence. */
export type NatsJournal = Journal & {
  readonly stream: string
  /**
   * Follows the stream from `fromSeq` without end (a hot standby or a downstream consumer
   * resuming where it stopped); stops when `signal` aborts.
   */
  follow(options: {
    fromSeq: number
    signal?: AbortSignal | undefined
  }): AsyncIterable<JournalRecord>
  /** Deletes the stream (tests and teardown). */
  destroy(): Promise<void>
}

/**
 * Opens a journal on a JetStream stream (creating it when missing). Appends are published in
 * order and resolve once JetStream acknowledged them (stored, replicated); a record with a
 * `messageId` the stream has seen within its de-duplication window is not stored again and
 * resolves with the original sequence number.
 *
 * @throws {NatsJournalError} when the server cannot be reached or the stream cannot be created.
 */
export async function openNatsJournal(parameters: OpenNatsJournalParameters): Promise<NatsJournal> {
  const { stream, subject } = parameters
  const timeout = parameters.timeoutMs ?? 5_000
  let nc: NatsConnection
  let js: JetStreamClient
  let jsm: JetStreamManager
  let lastSeq = 0
  try {
    nc =
      parameters.connection ??
      (await connect({ servers: parameters.servers ?? 'nats://127.0.0.1:4222' }))
    jsm = await jetstreamManager(nc)
    js = jetstream(nc)
    const info = await jsm.streams.info(stream).catch(() => undefined)
    if (info) lastSeq = info.state.last_seq
    else {
      await jsm.streams.add({
        name: stream,
        subjects: [`${subject}.*`],
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        num_replicas: parameters.replicas ?? 1,
        duplicate_window: (parameters.duplicateWindowMs ?? 120_000) * 1_000_000,
      })
    }
  } catch (cause) {
    throw new NatsJournalError({ operation: `open of stream ${stream}`, cause })
  }
  let closed = false
  const toRecord = (
    m: {
      seq: number
      subject: string
      data: Uint8Array
      headers?: { get(k: string): string } | undefined
    },
    msgId: string | undefined,
  ): JournalRecord => {
    const kind = m.subject.slice(subject.length + 1) as JournalRecordKind
    const time = Number(m.headers?.get(TIME_HEADER))
    if (!JOURNAL_KINDS.includes(kind) || !Number.isSafeInteger(time)) {
      throw new JournalCorruptError({
        location: `stream ${stream}`,
        offset: m.seq,
        reason: 'not a journal record',
      })
    }
    const base = { seq: m.seq, kind, timestamp: time, payload: m.data }
    return msgId ? { ...base, messageId: msgId } : base
  }

  async function* consume(
    from: number,
    to: number,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<JournalRecord> {
    if (from > to) return
    const consumer = await js.consumers.get(stream, {
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: from,
    })
    const messages = await consumer.consume({ max_messages: 512 })
    const stop = () => void messages.stop()
    signal?.addEventListener('abort', stop, { once: true })
    let expected = from
    try {
      for await (const m of messages) {
        const seq = m.seq
        if (seq !== expected) {
          throw new JournalSequenceGapError({ expected, got: seq, location: `stream ${stream}` })
        }
        expected++
        yield toRecord(
          { seq, subject: m.subject, data: m.data, headers: m.headers },
          m.headers?.get('Nats-Msg-Id') || undefined,
        )
        if (seq >= to) return
      }
    } finally {
      signal?.removeEventListener('abort', stop)
      messages.stop()
    }
  }

  return {
    stream,
    lastSeq: () => lastSeq,
    async append(records): Promise<JournalAppendResult> {
      if (closed) throw new JournalClosedError({ reason: 'closed' })
      for (let i = 0; i < records.length; i++) checkJournalAppend(records[i]!, i)
      try {
        // Published back to back on one connection: JetStream stores them in this order.
        const acks = await Promise.all(
          records.map((record) => {
            const h = headers()
            h.set(TIME_HEADER, String(record.timestamp))
            return js.publish(`${subject}.${record.kind}`, record.payload, {
              headers: h,
              timeout,
              ...(record.messageId === undefined ? {} : { msgID: record.messageId }),
            })
          }),
        )
        for (const ack of acks) if (ack.seq > lastSeq) lastSeq = ack.seq
        return { seqs: acks.map((a) => a.seq) }
      } catch (cause) {
        throw new NatsJournalError({ operation: 'publish', cause })
      }
    },
    read(options: JournalReadOptions) {
      if (!Number.isSafeInteger(options.fromSeq) || options.fromSeq < 1) {
        throw new OrderbookInputError('must be a positive integer.', {
          path: ['fromSeq'],
          rule: 'integer',
        })
      }
      return consume(options.fromSeq, Math.min(options.toSeq ?? lastSeq, lastSeq), undefined)
    },
    follow(options) {
      return consume(options.fromSeq, Number.POSITIVE_INFINITY, options.signal)
    },
    async latestSnapshot() {
      try {
        const m = await jsm.streams.getMessage(stream, { last_by_subj: `${subject}.snapshot` })
        if (!m) return undefined
        return toRecord(
          { seq: m.seq, subject: m.subject, data: m.data, headers: m.header },
          m.header?.get('Nats-Msg-Id') || undefined,
        )
      } catch (cause) {
        if (String((cause as Error)?.message ?? cause).includes('no message found'))
          return undefined
        throw new NatsJournalError({ operation: 'get of the latest snapshot', cause })
      }
    },
    async destroy() {
      await jsm.streams.delete(stream)
    },
    async close() {
      if (closed) return
      closed = true
      if (!parameters.connection) await nc.drain()
    },
  }
}
