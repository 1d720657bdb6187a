import {
  closeSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readSync,
  writeSync,
} from 'node:fs'
import { join } from 'node:path'
import { FixStoreCorruptError, FixStoreIoError } from '../errors.js'
import type { FixMessageStore, StoredFixMessage } from './messageStore.js'
import { SeqNumIndex } from './seqNumIndex.js'

/** Parameters of {@link openFileStore}. */
export type OpenFileStoreParameters = {
  /** Directory of the store files (created when missing). */
  directory: string
  /** File name prefix, one per session, e.g. `FIX.4.4-ISLD-TW44`. */
  name: string
  /** Creation time to record when the store is new (epoch ms). */
  now: number
  /** `fsync` on every flush (default false: QuickFIX's FileStore writes without fsync). */
  fsync?: boolean
}

/** A {@link FixMessageStore} on files, surviving restarts. */
export type FileStore = FixMessageStore & {
  /** Number of messages held. */
  readonly size: number
}

const RECORD_HEADER = 8
const MAX_RECORD = 64 << 20
/** Initial size of the buffer of records waiting for `flush()` (grows when a batch needs it). */
const PENDING_BUFFER = 1 << 16

function io<T>(what: string, fn: () => T): T {
  try {
    return fn()
  } catch (cause) {
    throw new FixStoreIoError(`FIX file store: could not ${what}.`, { cause })
  }
}

/**
 * Opens (or creates) a file message store: `<name>.body` holds the sent messages as framed
 * records (`u32 seqNum, u32 length, bytes`), `<name>.seqnums` the next sender and target
 * sequence numbers, `<name>.session` the creation time. A record torn by a crash at the end of
 * the body file is cut off on open. Writes are buffered and written at `flush()`.
 *
 * @throws {FixStoreCorruptError} when a record in the middle of the body file is malformed.
 * @throws {FixStoreIoError} when the files cannot be read or written.
 */
export function openFileStore(parameters: OpenFileStoreParameters): FileStore {
  const { directory, name } = parameters
  io('create its directory', () => mkdirSync(directory, { recursive: true }))
  const bodyFd = io('open the body file', () => openSync(join(directory, `${name}.body`), 'a+'))
  const openRw = (path: string) => {
    closeSync(openSync(path, 'a'))
    return openSync(path, 'r+')
  }
  const seqFd = io('open the seqnums file', () => openRw(join(directory, `${name}.seqnums`)))
  const sessionPath = join(directory, `${name}.session`)
  const sessionFd = io('open the session file', () => openRw(sessionPath))

  const readAll = (fd: number): Buffer => {
    const size = fstatSync(fd).size
    const buf = Buffer.alloc(size)
    let off = 0
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off)
      if (n <= 0) break
      off += n
    }
    return buf
  }

  let sender = 1
  let target = 1
  let created = parameters.now
  const seqText = io('read the seqnums file', () => readAll(seqFd)).toString('latin1')
  const seqMatch = /^(\d+):(\d+)/.exec(seqText)
  if (seqMatch) {
    sender = Number(seqMatch[1])
    target = Number(seqMatch[2])
  } else if (seqText.length > 0) {
    throw new FixStoreCorruptError(`FIX file store: ${name}.seqnums is unreadable.`)
  }
  const sessionText = io('read the session file', () => readAll(sessionFd)).toString('latin1')
  if (/^\d+/.test(sessionText)) created = Number.parseInt(sessionText, 10)

  // Index the body file.
  const index = new SeqNumIndex()
  let bodySize = io('stat the body file', () => fstatSync(bodyFd).size)
  {
    const header = Buffer.alloc(RECORD_HEADER)
    let offset = 0
    while (offset < bodySize) {
      if (bodySize - offset < RECORD_HEADER) break
      io('read the body file', () => readSync(bodyFd, header, 0, RECORD_HEADER, offset))
      const seq = header.readUInt32LE(0)
      const length = header.readUInt32LE(4)
      if (seq === 0 || length > MAX_RECORD) {
        throw new FixStoreCorruptError(`FIX file store: ${name}.body has a malformed record.`, {
          metaMessages: [`Offset: ${offset}`],
        })
      }
      if (offset + RECORD_HEADER + length > bodySize) break
      index.set(seq, offset + RECORD_HEADER, length)
      offset += RECORD_HEADER + length
    }
    if (offset < bodySize) {
      // A torn last record: cut it off.
      io('truncate the body file', () => ftruncateSync(bodyFd, offset))
      bodySize = offset
    }
  }
  // A sender number behind what the body holds (seqnums lost) would reuse numbers: never.
  if (index.maxSeqNum >= sender) sender = index.maxSeqNum + 1

  const writeSession = () =>
    io('write the session file', () => {
      writeSync(sessionFd, `${String(created).padStart(16, '0')}\n`, 0)
    })
  if (sessionText.length === 0) writeSession()

  // Records not yet written, one after the other (one copy of each message).
  let pending = Buffer.allocUnsafe(PENDING_BUFFER)
  let pendingBytes = 0
  let seqDirty = !seqMatch
  const seqBuf = Buffer.alloc(22)
  let closed = false

  const store: FileStore = {
    get nextSenderSeqNum() {
      return sender
    },
    get nextTargetSeqNum() {
      return target
    },
    get creationTime() {
      return created
    },
    get size() {
      return index.size
    },
    setNextSenderSeqNum(seqNum) {
      if (seqNum !== sender) {
        sender = seqNum
        seqDirty = true
      }
    },
    setNextTargetSeqNum(seqNum) {
      if (seqNum !== target) {
        target = seqNum
        seqDirty = true
      }
    },
    put(seqNum, bytes) {
      const size = RECORD_HEADER + bytes.length
      if (pendingBytes + size > pending.length) {
        const next = Buffer.allocUnsafe(Math.max(pending.length * 2, pendingBytes + size))
        pending.copy(next, 0, 0, pendingBytes)
        pending = next
      }
      pending.writeUInt32LE(seqNum, pendingBytes)
      pending.writeUInt32LE(bytes.length, pendingBytes + 4)
      pending.set(bytes, pendingBytes + RECORD_HEADER)
      index.set(seqNum, bodySize + pendingBytes + RECORD_HEADER, bytes.length)
      pendingBytes += size
    },
    getRange(begin, end, limit) {
      store.flush()
      const out: StoredFixMessage[] = []
      for (let seq = begin; seq <= end && out.length < limit; seq++) {
        const offset = index.offsetOf(seq)
        if (offset < 0) continue
        const length = index.lengthOf(seq)
        const bytes = Buffer.allocUnsafe(length)
        io('read the body file', () => readSync(bodyFd, bytes, 0, length, offset))
        out.push({ seqNum: seq, bytes })
      }
      return out
    },
    reset(creationTime) {
      pendingBytes = 0
      index.clear()
      io('truncate the body file', () => ftruncateSync(bodyFd, 0))
      bodySize = 0
      sender = 1
      target = 1
      seqDirty = true
      created = creationTime
      writeSession()
      store.flush()
    },
    flush() {
      if (closed) return
      if (pendingBytes > 0) {
        const data = pending
        const length = pendingBytes
        io('append to the body file', () => {
          let off = 0
          while (off < length) off += writeSync(bodyFd, data, off, length - off)
        })
        bodySize += pendingBytes
        pendingBytes = 0
        if (parameters.fsync) io('sync the body file', () => fsyncSync(bodyFd))
      }
      if (seqDirty) {
        const text = `${String(sender).padStart(10, '0')}:${String(target).padStart(10, '0')}\n`
        seqBuf.write(text, 0, 'latin1')
        // Fixed-size record rewritten in place: never truncated, so never seen empty.
        io('write the seqnums file', () => writeSync(seqFd, seqBuf, 0, 22, 0))
        if (parameters.fsync) io('sync the seqnums file', () => fsyncSync(seqFd))
        seqDirty = false
      }
    },
    close() {
      if (closed) return
      store.flush()
      closed = true
      closeSync(bodyFd)
      closeSync(seqFd)
      closeSync(sessionFd)
    },
  }
  return store
}
