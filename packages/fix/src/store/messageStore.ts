import { SeqNumIndex } from './seqNumIndex.js'

/** One stored outbound message. */
export type StoredFixMessage = {
  readonly seqNum: number
  readonly bytes: Uint8Array
}

/**
 * Port: where a session keeps its sequence numbers and the messages it sent (to serve
 * ResendRequests). Calls are synchronous; writes become durable at {@link FixMessageStore.flush},
 * which the session calls before it writes the same messages to the network.
 */
export type FixMessageStore = {
  /** The next MsgSeqNum this side will send. */
  readonly nextSenderSeqNum: number
  /** The next MsgSeqNum expected from the counterparty. */
  readonly nextTargetSeqNum: number
  /** When the store was created or last reset (epoch ms): drives scheduled resets. */
  readonly creationTime: number
  setNextSenderSeqNum(seqNum: number): void
  setNextTargetSeqNum(seqNum: number): void
  /**
   * Keeps an outbound message (a copy: the caller may reuse `bytes` afterwards). `owned` is
   * accepted for compatibility and ignored: the stores copy into their own buffers.
   */
  put(seqNum: number, bytes: Uint8Array, owned?: boolean): void
  /** Stored messages with `begin <= seqNum <= end`, ascending; at most `limit`. */
  getRange(begin: number, end: number, limit: number): StoredFixMessage[]
  /** Forgets every message and sets both sequence numbers to 1. */
  reset(creationTime: number): void
  /** Makes the writes so far durable (file store: written to the files). */
  flush(): void
  /** Flushes and releases resources. */
  close(): void
}

/** Largest arena chunk of the memory store (a larger message gets a chunk of its own). */
const ARENA_CHUNK = 1 << 20
/** First arena chunk: chunks double up to {@link ARENA_CHUNK}, so a quiet session stays small. */
const FIRST_CHUNK = 1 << 16

/**
 * An in-memory {@link FixMessageStore} (tests, benchmarks, sessions that reset on every logon).
 * Messages are copied into chunks (64 KiB doubling to 1 MiB) and indexed by typed arrays, so
 * holding a day of messages costs the garbage collector a few objects, not one per message.
 */
export function createMemoryStore(parameters: { creationTime?: number } = {}): FixMessageStore {
  let sender = 1
  let target = 1
  let created = parameters.creationTime ?? 0
  let chunks: Uint8Array[] = []
  let chunk = new Uint8Array(0)
  let used = 0
  // Offsets are `chunk number * ARENA_CHUNK + offset in the chunk`.
  const index = new SeqNumIndex()
  return {
    get nextSenderSeqNum() {
      return sender
    },
    get nextTargetSeqNum() {
      return target
    },
    get creationTime() {
      return created
    },
    setNextSenderSeqNum(seqNum) {
      sender = seqNum
    },
    setNextTargetSeqNum(seqNum) {
      target = seqNum
    },
    put(seqNum, bytes) {
      const length = bytes.length
      if (used + length > chunk.length) {
        const size = Math.min(ARENA_CHUNK, FIRST_CHUNK * 2 ** chunks.length)
        chunk = new Uint8Array(Math.max(size, length))
        chunks.push(chunk)
        used = 0
      }
      chunk.set(bytes, used)
      index.set(seqNum, (chunks.length - 1) * ARENA_CHUNK + used, length)
      used += length
    },
    getRange(begin, end, limit) {
      const out: StoredFixMessage[] = []
      for (let seq = begin; seq <= end && out.length < limit; seq++) {
        const at = index.offsetOf(seq)
        if (at < 0) continue
        const from = at % ARENA_CHUNK
        const bytes = chunks[(at - from) / ARENA_CHUNK]!.subarray(from, from + index.lengthOf(seq))
        out.push({ seqNum: seq, bytes })
      }
      return out
    },
    reset(creationTime) {
      sender = 1
      target = 1
      created = creationTime
      chunks = []
      chunk = new Uint8Array(0)
      used = 0
      index.clear()
    },
    flush() {},
    close() {},
  }
}
