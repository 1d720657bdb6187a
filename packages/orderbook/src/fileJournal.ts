import { type FileHandle, open } from 'node:fs/promises'
import { crc32 } from 'node:zlib'
import {
  createGroupCommit,
  type Journal,
  type JournalAppendResult,
  type JournalReadOptions,
  type JournalRecord,
  type JournalRecordKind,
} from '@strongroom/core'
import {
  JournalClosedError,
  JournalCorruptError,
  JournalWriteError,
  OrderbookInputError,
} from './errors.js'
import { checkJournalAppend, JOURNAL_KINDS } from './journalAppend.js'

// File layout: a sequence of frames, one per group commit.
//   frame  = magic u32 | bodyLength u32 | crc32(body) u32 | body
//   body   = firstSeq f64 | count u32 | head * count | (messageId utf-8, payload) * count
//   head   = kind u8 | timestamp f64 | messageIdLength u16 (0xffff: none) | payloadLength u32
// A frame is written and fdatasync'ed before any of its records is acknowledged, so a crash can
// only tear the last frame. On open, a last frame that is incomplete or fails its checksum (a torn
// or corrupt tail) is cut off; a bad frame with more data after it is corruption in the middle
// and is reported with its offset, never skipped.

const MAGIC = 0x314a5253 // 'SRJ1' little-endian
const HEADER = 12
const BODY_HEADER = 12
const RECORD_HEAD = 15
const encoder = new TextEncoder()
/** `messageIdLength` is a u16 and 0xffff means none. */
const MAX_MESSAGE_ID_BYTES = 0xfffe
const decoder = new TextDecoder('utf-8', { fatal: true })

/** Options of {@link openFileJournal}. */
export type OpenFileJournalParameters = {
  /** The journal file; created when missing. */
  path: string
  /**
   * Longest time in ms an append waits for others to share its fsync. Default 0: a write starts
   * when the previous one finishes and takes everything appended meanwhile.
   */
  maxDelayMs?: number | undefined
  /** Most payload bytes in one frame before it is written. Default 8 MiB. */
  maxFrameBytes?: number | undefined
}

/** What opening found at the end of the file. */
export type FileJournalRecovery = {
  /** Offset where the torn or corrupt tail started (the new file length). */
  readonly offset: number
  /** Bytes cut off. */
  readonly truncatedBytes: number
  /** `torn`: incomplete frame; `corrupt`: complete frame failing its checksum. */
  readonly reason: 'torn' | 'corrupt'
}

/**
 * An optional fast path a journal may offer (the file journal does): `count` records of one kind,
 * without message ids, whose payloads lie back to back in `bytes` (record i ends at `ends[i]`).
 * Resolves with the first record's sequence number once durable. The journal may write `bytes`
 * in place, so the caller must leave them unchanged until the promise settles. The sequencer uses
 * it when present: no object per record and no copy of the encoded commands.
 */
export type PackedAppend = {
  appendPacked(
    kind: JournalRecordKind,
    count: number,
    timestamps: Float64Array,
    ends: Float64Array,
    bytes: Uint8Array,
  ): Promise<number>
}

/** The embedded {@link Journal}: one append-only file with checksummed frames and group commit. */
export type FileJournal = Journal &
  PackedAppend & {
    readonly path: string
    /** Set when opening cut off a torn or corrupt tail. */
    readonly recovered: FileJournalRecovery | undefined
    /** Number of fdatasyncs so far (benchmarks, tests of batching). */
    readonly syncCount: number
    /** File length in bytes of what is durable. */
    readonly size: number
  }

type Waiter = {
  resolve: (value: JournalAppendResult) => void
  reject: (error: unknown) => void
  seqs: number[]
  /** Resolved once the journal is durable up to here. */
  maxSeq: number
}

type FrameIndex = { firstSeq: number; count: number; offset: number }

/** A growable byte buffer. */
class Bytes {
  buffer = Buffer.allocUnsafe(1 << 16)
  view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.length)
  length = 0

  ensure(extra: number): void {
    if (this.length + extra <= this.buffer.length) return
    let size = this.buffer.length * 2
    while (size < this.length + extra) size *= 2
    const next = Buffer.allocUnsafe(size)
    this.buffer.copy(next, 0, 0, this.length)
    this.buffer = next
    this.view = new DataView(next.buffer, next.byteOffset, next.length)
  }
}

/**
 * Builds one frame: a table of fixed-size record heads and the payloads (with message ids), kept
 * as a list of segments and written with one `writev` at `seal()`: no copy into a frame buffer,
 * and the checksum runs over the segments in turn. Single records are copied into a blob; a
 * packed batch's bytes are referenced, not copied (see {@link PackedAppend}).
 */
class FrameBuilder {
  private readonly heads = new Bytes()
  private readonly blob = new Bytes()
  /** Start in `blob` of what no segment covers yet. */
  private blobStart = 0
  private readonly segments: Uint8Array[] = []
  private readonly header = Buffer.alloc(HEADER + BODY_HEADER)
  private payloadBytes = 0
  count = 0
  firstSeq = 0

  /** Bytes of the frame so far (for the size limit). */
  get length(): number {
    return HEADER + BODY_HEADER + this.heads.length + this.payloadBytes
  }

  private head(
    at: number,
    kind: number,
    timestamp: number,
    idLength: number,
    payloadLength: number,
  ): void {
    const v = this.heads.view
    v.setUint8(at, kind)
    v.setFloat64(at + 1, timestamp, true)
    v.setUint16(at + 9, idLength, true)
    v.setUint32(at + 11, payloadLength, true)
  }

  add(
    kind: number,
    timestamp: number,
    messageId: Uint8Array | undefined,
    payload: Uint8Array,
  ): void {
    const h = this.heads
    h.ensure(RECORD_HEAD)
    this.head(h.length, kind, timestamp, messageId ? messageId.length : 0xffff, payload.length)
    h.length += RECORD_HEAD
    this.count++
    const blob = this.blob
    const n = (messageId?.length ?? 0) + payload.length
    blob.ensure(n)
    if (messageId) {
      blob.buffer.set(messageId, blob.length)
      blob.length += messageId.length
    }
    blob.buffer.set(payload, blob.length)
    blob.length += payload.length
    this.payloadBytes += n
  }

  /**
   * `count` records of `kind` without message ids whose payloads are `bytes`, record i ending at
   * `ends[i]`. `bytes` is referenced until the frame is written.
   */
  addPacked(
    kind: number,
    count: number,
    timestamps: Float64Array,
    ends: Float64Array,
    bytes: Uint8Array,
  ): void {
    const h = this.heads
    h.ensure(count * RECORD_HEAD)
    let at = h.length
    let start = 0
    for (let i = 0; i < count; i++) {
      const end = ends[i]!
      this.head(at, kind, timestamps[i]!, 0xffff, end - start)
      at += RECORD_HEAD
      start = end
    }
    h.length = at
    this.count += count
    this.cutBlob()
    this.segments.push(bytes.subarray(0, start))
    this.payloadBytes += start
  }

  /** Ends the blob's current segment (later writes may move the blob; the segment keeps its bytes). */
  private cutBlob(): void {
    const blob = this.blob
    if (blob.length > this.blobStart) {
      this.segments.push(blob.buffer.subarray(this.blobStart, blob.length))
      this.blobStart = blob.length
    }
  }

  /** Fills the headers and returns the frame as buffers to write in order (valid until `reset`). */
  seal(): Uint8Array[] {
    this.cutBlob()
    const header = this.header
    const heads = this.heads.buffer.subarray(0, this.heads.length)
    header.writeDoubleLE(this.firstSeq, HEADER)
    header.writeUInt32LE(this.count, HEADER + 8)
    const bodyHeader = header.subarray(HEADER)
    let crc = crc32(heads, crc32(bodyHeader))
    for (const segment of this.segments) crc = crc32(segment, crc)
    header.writeUInt32LE(MAGIC, 0)
    header.writeUInt32LE(this.length - HEADER, 4)
    header.writeUInt32LE(crc, 8)
    return [header, heads, ...this.segments]
  }

  reset(firstSeq: number): void {
    this.heads.length = 0
    this.blob.length = 0
    this.blobStart = 0
    this.segments.length = 0
    this.payloadBytes = 0
    this.count = 0
    this.firstSeq = firstSeq
  }
}

/** Writes `buffers` in order at the end of the file, whatever the kernel takes per call. */
async function writeAll(handle: FileHandle, buffers: Uint8Array[]): Promise<number> {
  let total = 0
  for (const b of buffers) total += b.length
  let { bytesWritten } = await handle.writev(buffers)
  if (bytesWritten === total) return total
  // A short write (rare on files): the rest, buffer by buffer.
  let skip = bytesWritten
  for (const b of buffers) {
    if (skip >= b.length) {
      skip -= b.length
      continue
    }
    let written = skip
    skip = 0
    while (written < b.length) {
      ;({ bytesWritten } = await handle.write(b, written, b.length - written, null))
      if (bytesWritten <= 0) throw new Error('write made no progress')
      written += bytesWritten
    }
  }
  return total
}

function parseBody(body: Buffer, offset: number, location: string): JournalRecord[] {
  try {
    const firstSeq = body.readDoubleLE(0)
    const count = body.readUInt32LE(8)
    const records: JournalRecord[] = []
    let head = BODY_HEADER
    let at = BODY_HEADER + count * RECORD_HEAD
    if (at > body.length) throw new RangeError('record table overruns its frame')
    for (let i = 0; i < count; i++) {
      const kind = JOURNAL_KINDS[body[head]!]
      if (kind === undefined) throw new RangeError('unknown record kind')
      const timestamp = body.readDoubleLE(head + 1)
      const idLength = body.readUInt16LE(head + 9)
      const payloadLength = body.readUInt32LE(head + 11)
      head += RECORD_HEAD
      let messageId: string | undefined
      if (idLength !== 0xffff) {
        messageId = decoder.decode(body.subarray(at, at + idLength))
        at += idLength
      }
      if (at + payloadLength > body.length) throw new RangeError('record overruns its frame')
      const payload = new Uint8Array(body.subarray(at, at + payloadLength))
      at += payloadLength
      records.push(
        messageId === undefined
          ? { seq: firstSeq + i, kind, timestamp, payload }
          : { seq: firstSeq + i, kind, timestamp, payload, messageId },
      )
    }
    if (at !== body.length) throw new RangeError('trailing bytes in frame')
    return records
  } catch (cause) {
    throw new JournalCorruptError({
      location,
      offset,
      reason: `frame body does not parse: ${(cause as Error).message}`,
      cause,
    })
  }
}

/** Reads and checks the frame at `offset`: its records, or why it is bad. */
async function readFrame(
  handle: FileHandle,
  offset: number,
  size: number,
  location: string,
): Promise<
  | { ok: true; records: JournalRecord[]; end: number; firstSeq: number; count: number }
  | { ok: false; reason: 'torn' | 'corrupt' | 'garbage' }
> {
  if (size - offset < HEADER) return { ok: false, reason: 'torn' }
  const header = Buffer.alloc(HEADER)
  await handle.read(header, 0, HEADER, offset)
  if (header.readUInt32LE(0) !== MAGIC) return { ok: false, reason: 'garbage' }
  const length = header.readUInt32LE(4)
  if (length < BODY_HEADER) return { ok: false, reason: 'garbage' }
  const end = offset + HEADER + length
  if (end > size) return { ok: false, reason: 'torn' }
  const body = Buffer.alloc(length)
  await handle.read(body, 0, length, offset + HEADER)
  if (crc32(body) !== header.readUInt32LE(8)) return { ok: false, reason: 'corrupt' }
  const records = parseBody(body, offset, location)
  return { ok: true, records, end, firstSeq: body.readDoubleLE(0), count: records.length }
}

/** True when every byte from `offset` to the end is zero (space a crash left unwritten). */
async function allZero(handle: FileHandle, offset: number, size: number): Promise<boolean> {
  const chunk = Buffer.alloc(1 << 16)
  for (let at = offset; at < size; at += chunk.length) {
    const n = Math.min(chunk.length, size - at)
    await handle.read(chunk, 0, n, at)
    for (let i = 0; i < n; i++) if (chunk[i] !== 0) return false
  }
  return true
}

/**
 * Opens (or creates) a file journal. Every frame is checked on open: a torn or corrupt tail (the
 * unacknowledged last group commit of a crashed writer) is truncated and reported in
 * `recovered`; a bad frame before the end throws {@link JournalCorruptError} with its offset.
 *
 * @throws {JournalCorruptError} when a frame in the middle of the file is corrupt.
 */
export async function openFileJournal(parameters: OpenFileJournalParameters): Promise<FileJournal> {
  const { path } = parameters
  const maxDelayMs = parameters.maxDelayMs ?? 0
  const maxFrameBytes = parameters.maxFrameBytes ?? 8 << 20
  const handle = await open(path, 'a+')
  const frames: FrameIndex[] = []
  const messageIds = new Map<string, number>()
  let latestSnapshot: { seq: number; offset: number } | undefined
  let size = 0
  let lastSeq = 0
  let recovered: FileJournalRecovery | undefined
  try {
    const fileSize = (await handle.stat()).size
    let offset = 0
    while (offset < fileSize) {
      const frame = await readFrame(handle, offset, fileSize, path)
      if (!frame.ok) {
        let tail = frame.reason === 'torn'
        if (frame.reason === 'corrupt') {
          const header = Buffer.alloc(HEADER)
          await handle.read(header, 0, HEADER, offset)
          tail = offset + HEADER + header.readUInt32LE(4) === fileSize
        } else if (frame.reason === 'garbage') {
          tail = await allZero(handle, offset, fileSize)
        }
        if (!tail) {
          throw new JournalCorruptError({
            location: path,
            offset,
            reason:
              frame.reason === 'corrupt'
                ? 'checksum mismatch with more frames after it'
                : 'bad frame header with data after it',
          })
        }
        await handle.truncate(offset)
        await handle.datasync()
        recovered = {
          offset,
          truncatedBytes: fileSize - offset,
          reason: frame.reason === 'corrupt' ? 'corrupt' : 'torn',
        }
        break
      }
      if (frame.firstSeq !== lastSeq + 1) {
        throw new JournalCorruptError({
          location: path,
          offset,
          reason: `frame starts at sequence ${frame.firstSeq}, expected ${lastSeq + 1}`,
        })
      }
      frames.push({ firstSeq: frame.firstSeq, count: frame.count, offset })
      for (const record of frame.records) {
        if (record.messageId !== undefined) messageIds.set(record.messageId, record.seq)
        if (record.kind === 'snapshot') latestSnapshot = { seq: record.seq, offset }
      }
      lastSeq += frame.count
      offset = frame.end
    }
    size = offset
  } catch (error) {
    await handle.close()
    throw error
  }

  let pending = new FrameBuilder()
  pending.reset(lastSeq + 1)
  let waiters: Waiter[] = []
  let pendingSnapshot: number | undefined
  let nextSeq = lastSeq + 1
  let spare = new FrameBuilder()
  let failure: unknown
  let closed = false
  let syncCount = 0
  const commits = createGroupCommit({
    maxDelayMs,
    hasPending: () => pending.count > 0,
    full: () => pending.length >= maxFrameBytes,
    write: () => flush(),
    failed: () => failure !== undefined,
  })

  const flush = async () => {
    const frame = pending
    const snapshotSeq = pendingSnapshot
    pending = spare
    pending.reset(nextSeq)
    pendingSnapshot = undefined
    const buffers = frame.seal()
    const offset = size
    try {
      const length = await writeAll(handle, buffers)
      await handle.datasync()
      syncCount++
      size += length
      frames.push({ firstSeq: frame.firstSeq, count: frame.count, offset })
      lastSeq = frame.firstSeq + frame.count - 1
      if (snapshotSeq !== undefined) latestSnapshot = { seq: snapshotSeq, offset }
      let done = 0
      while (done < waiters.length && waiters[done]!.maxSeq <= lastSeq) done++
      const ready = waiters.slice(0, done)
      waiters = waiters.slice(done)
      for (const waiter of ready) waiter.resolve({ seqs: waiter.seqs })
    } catch (cause) {
      failure = cause
      await handle.truncate(size).catch(() => {})
      const frameEnd = frame.firstSeq + frame.count - 1
      const error = new JournalWriteError({ location: path, cause })
      const refused = new JournalClosedError({ reason: 'failed', cause })
      for (const waiter of waiters) waiter.reject(waiter.maxSeq <= frameEnd ? error : refused)
      waiters = []
      pending.reset(nextSeq)
    } finally {
      spare = frame
    }
  }

  async function* read(options: JournalReadOptions): AsyncGenerator<JournalRecord> {
    const from = options.fromSeq
    const to = Math.min(options.toSeq ?? lastSeq, lastSeq)
    if (!Number.isSafeInteger(from) || from < 1) {
      throw new OrderbookInputError('must be a positive integer.', {
        path: ['fromSeq'],
        rule: 'integer',
      })
    }
    if (from > to) return
    // Binary search for the frame holding `from`.
    let lo = 0
    let hi = frames.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if (frames[mid]!.firstSeq <= from) lo = mid
      else hi = mid - 1
    }
    for (let i = lo; i < frames.length; i++) {
      const index = frames[i]!
      if (index.firstSeq > to) return
      const frame = await readFrame(handle, index.offset, size, path)
      if (!frame.ok) {
        throw new JournalCorruptError({
          location: path,
          offset: index.offset,
          reason: `frame is ${frame.reason} on read`,
        })
      }
      for (const record of frame.records) {
        if (record.seq > to) return
        if (record.seq >= from) yield record
      }
    }
  }

  return {
    path,
    recovered,
    get syncCount() {
      return syncCount
    },
    get size() {
      return size
    },
    lastSeq: () => lastSeq,
    append(records) {
      if (closed) return Promise.reject(new JournalClosedError({ reason: 'closed' }))
      if (failure !== undefined) {
        return Promise.reject(new JournalClosedError({ reason: 'failed', cause: failure }))
      }
      for (let i = 0; i < records.length; i++)
        checkJournalAppend(records[i]!, i, MAX_MESSAGE_ID_BYTES)
      const seqs: number[] = []
      let maxSeq = 0
      for (const record of records) {
        const id = record.messageId
        if (id !== undefined) {
          const known = messageIds.get(id)
          if (known !== undefined) {
            seqs.push(known)
            if (known > maxSeq) maxSeq = known
            continue
          }
        }
        const seq = nextSeq++
        pending.add(
          JOURNAL_KINDS.indexOf(record.kind),
          record.timestamp,
          id === undefined ? undefined : encoder.encode(id),
          record.payload,
        )
        if (id !== undefined) messageIds.set(id, seq)
        if (record.kind === 'snapshot') pendingSnapshot = seq
        seqs.push(seq)
        maxSeq = seq
      }
      if (maxSeq <= lastSeq) return Promise.resolve({ seqs })
      return new Promise<JournalAppendResult>((resolve, reject) => {
        waiters.push({ resolve, reject, seqs, maxSeq })
        commits.schedule()
      })
    },
    appendPacked(kind, count, timestamps, ends, bytes) {
      if (closed) return Promise.reject(new JournalClosedError({ reason: 'closed' }))
      if (failure !== undefined) {
        return Promise.reject(new JournalClosedError({ reason: 'failed', cause: failure }))
      }
      const kindCode = JOURNAL_KINDS.indexOf(kind)
      if (kindCode < 0) {
        throw new OrderbookInputError('must be command, event or snapshot.', {
          path: ['kind'],
          rule: 'enum',
        })
      }
      for (let i = 0; i < count; i++) {
        const t = timestamps[i]!
        if (!Number.isSafeInteger(t) || t < 0) {
          throw new OrderbookInputError('must be a non-negative safe integer (epoch ms).', {
            path: ['timestamps', i],
            rule: 'integer',
          })
        }
      }
      const first = nextSeq
      if (count === 0) return Promise.resolve(first)
      pending.addPacked(kindCode, count, timestamps, ends, bytes)
      nextSeq += count
      const maxSeq = nextSeq - 1
      if (kind === 'snapshot') pendingSnapshot = maxSeq
      return new Promise<number>((resolve, reject) => {
        waiters.push({ resolve: () => resolve(first), reject, seqs: [], maxSeq })
        commits.schedule()
      })
    },
    read,
    async latestSnapshot() {
      if (!latestSnapshot) return undefined
      for await (const record of read({ fromSeq: latestSnapshot.seq, toSeq: latestSnapshot.seq })) {
        return record
      }
      return undefined
    },
    async close() {
      if (closed) return
      closed = true
      await commits.drain()
      await handle.close()
    },
  }
}
