import { copyBytes } from '../codec/bytes.js'
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
   * Keeps an outbound message. The bytes are copied unless `owned` is true, which promises that
   * nobody will ever write to them again (the store may then keep the reference).
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

/** An in-memory {@link FixMessageStore} (tests, benchmarks, sessions that reset on every logon). */
export function createMemoryStore(parameters: { creationTime?: number } = {}): FixMessageStore {
  let sender = 1
  let target = 1
  let created = parameters.creationTime ?? 0
  // Dense by sequence number (faster than a Map for the append-only pattern).
  let messages: (Uint8Array | undefined)[] = []
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
    put(seqNum, bytes, owned) {
      messages[seqNum] = owned ? bytes : copyBytes(bytes)
    },
    getRange(begin, end, limit) {
      const out: StoredFixMessage[] = []
      for (let seq = begin; seq <= end && out.length < limit; seq++) {
        const bytes = messages[seq]
        if (bytes) out.push({ seqNum: seq, bytes })
      }
      return out
    },
    reset(creationTime) {
      sender = 1
      target = 1
      created = creationTime
      messages = []
    },
    flush() {},
    close() {},
  }
}
