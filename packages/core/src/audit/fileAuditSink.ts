import { createReadStream } from 'node:fs'
import { type FileHandle, open } from 'node:fs/promises'
import { createGroupCommit } from '../groupCommit.js'
import type { AuditSink } from '../ports/audit.js'
import {
  AuditClosedError,
  AuditCorruptRecordError,
  AuditTornTailError,
  AuditWriteError,
} from './auditErrors.js'
import { type AuditRecord, encodeAuditRecord, isAuditRecord } from './auditRecord.js'

/** Options for {@link openFileAuditSink}. */
export type OpenFileAuditSinkParameters = {
  /** The JSON-lines file; created if missing. */
  path: string
  /**
   * What to do when the file ends with an incomplete line (a write torn by a crash; it was never
   * acknowledged): `error` (default) refuses to open with {@link AuditTornTailError}, `truncate`
   * cuts it off and reports it in `FileAuditSink.recovered`.
   */
  onTornTail?: 'error' | 'truncate' | undefined
  /**
   * Longest time an append waits for others to share its fsync, in ms. Default 0: a write starts
   * as soon as the previous fsync finishes, and everything appended meanwhile shares the next one.
   */
  maxDelayMs?: number | undefined
  /** Most records written in one batch. Default 8192. */
  maxBatchRecords?: number | undefined
}

/** A file-backed {@link AuditSink}. */
export type FileAuditSink = AuditSink & {
  readonly path: string
  /** Set when opening cut off a torn last line. */
  readonly recovered: { readonly offset: number; readonly truncatedBytes: number } | undefined
  /** Number of fsyncs so far (for benchmarks and tests of batching). */
  readonly syncCount: number
}

type Waiter = { resolve: () => void; reject: (error: unknown) => void }

const NEWLINE = 0x0a
const TAIL_CHUNK = 64 * 1024

/**
 * Opens (or creates) an append-only JSON-lines audit file with group commit: appends made while
 * a write is in flight share the next `fdatasync`, and each `append` resolves only after the
 * fsync that covers it.
 *
 * A write or fsync that fails rejects every append in that batch with {@link AuditWriteError},
 * cuts the file back to its last acknowledged length, and makes the sink refuse further appends
 * with {@link AuditClosedError}. Nothing is dropped silently.
 *
 * @throws {AuditTornTailError} when the file ends with an incomplete line and `onTornTail` is `error`.
 * @throws {AuditCorruptRecordError} when the last complete line is not a record.
 */
export async function openFileAuditSink(
  parameters: OpenFileAuditSinkParameters,
): Promise<FileAuditSink> {
  const { path } = parameters
  const maxDelayMs = parameters.maxDelayMs ?? 0
  const maxBatchRecords = parameters.maxBatchRecords ?? 8192
  const handle = await open(path, 'a+')
  let size: number
  let recovered: FileAuditSink['recovered']
  try {
    const stat = await handle.stat()
    size = stat.isFile() ? stat.size : 0
    const tail = await readTail(handle, size)
    if (tail.tornOffset !== undefined) {
      const length = size - tail.tornOffset
      if (parameters.onTornTail !== 'truncate') {
        throw new AuditTornTailError({ path, offset: tail.tornOffset, length })
      }
      await handle.truncate(tail.tornOffset)
      await handle.datasync()
      recovered = { offset: tail.tornOffset, truncatedBytes: length }
      size = tail.tornOffset
    }
    // The last complete line must be a record: a corrupt tail is reported now, not at the next read.
    if (tail.lastLine !== undefined)
      parseLine(tail.lastLine.text, path, tail.lastLine.offset, undefined)
  } catch (error) {
    await handle.close()
    throw error
  }

  let pending: { chunks: string[]; waiters: Waiter[]; count: number } = {
    chunks: [],
    waiters: [],
    count: 0,
  }
  let failure: unknown
  let closed = false
  let syncCount = 0
  const commits = createGroupCommit({
    maxDelayMs,
    hasPending: () => pending.count > 0,
    full: () => pending.count >= maxBatchRecords,
    write: () => flush(),
    failed: () => failure !== undefined,
  })

  const flush = async () => {
    const batch = pending
    pending = { chunks: [], waiters: [], count: 0 }
    const bytes = Buffer.from(batch.chunks.join(''), 'utf8')
    try {
      let written = 0
      while (written < bytes.length) {
        const { bytesWritten } = await handle.write(bytes, written, bytes.length - written, null)
        if (bytesWritten <= 0) throw new Error('write made no progress')
        written += bytesWritten
      }
      await handle.datasync()
      syncCount++
      size += bytes.length
      for (const waiter of batch.waiters) waiter.resolve()
    } catch (cause) {
      failure = cause
      // Leave no partial line behind: the file keeps exactly the acknowledged records.
      await handle.truncate(size).catch(() => {})
      const error = new AuditWriteError({ cause, path })
      for (const waiter of batch.waiters) waiter.reject(error)
      const refused = new AuditClosedError({ reason: 'failed', cause })
      for (const waiter of pending.waiters) waiter.reject(refused)
      pending = { chunks: [], waiters: [], count: 0 }
    }
  }

  return {
    path,
    recovered,
    get syncCount() {
      return syncCount
    },
    append(records) {
      if (closed) return Promise.reject(new AuditClosedError({ reason: 'closed' }))
      if (failure !== undefined) {
        return Promise.reject(new AuditClosedError({ reason: 'failed', cause: failure }))
      }
      if (records.length === 0) return Promise.resolve()
      let text = ''
      for (const record of records) text += `${encodeAuditRecord(record, true)}\n`
      return new Promise<void>((resolve, reject) => {
        pending.chunks.push(text)
        pending.waiters.push({ resolve, reject })
        pending.count += records.length
        commits.schedule()
      })
    },
    read() {
      return readRecords(path, size)
    },
    async last() {
      if (size === 0) return undefined
      const tail = await readTail(handle, size)
      return tail.lastLine
        ? parseLine(tail.lastLine.text, path, tail.lastLine.offset, undefined)
        : undefined
    },
    async close() {
      if (closed) return
      closed = true
      await commits.drain()
      await handle.close()
    },
  }
}

function parseLine(
  text: string,
  path: string,
  offset: number,
  line: number | undefined,
): AuditRecord {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (cause) {
    throw new AuditCorruptRecordError({ path, offset, line: line ?? 0, cause })
  }
  if (!isAuditRecord(value)) throw new AuditCorruptRecordError({ path, offset, line: line ?? 0 })
  return value
}

/** Finds the last complete line and whether an incomplete one follows it, reading backwards. */
async function readTail(
  handle: FileHandle,
  size: number,
): Promise<{
  lastLine: { text: string; offset: number } | undefined
  tornOffset: number | undefined
}> {
  if (size === 0) return { lastLine: undefined, tornOffset: undefined }
  let end = size
  let chunks: Buffer[] = []
  let tornOffset: number | undefined
  let lineEnd: number | undefined // offset of the newline ending the last complete line
  // Walk backwards until we have seen the newline that ends the last complete line and the one before it.
  while (end > 0) {
    const start = Math.max(0, end - TAIL_CHUNK)
    const buffer = Buffer.alloc(end - start)
    await handle.read(buffer, 0, buffer.length, start)
    chunks = [buffer, ...chunks]
    const joined = Buffer.concat(chunks)
    const base = start
    if (lineEnd === undefined) {
      const lastNewline = joined.lastIndexOf(NEWLINE, size - 1 - base)
      if (lastNewline === -1) {
        if (start === 0) return { lastLine: undefined, tornOffset: 0 }
        end = start
        continue
      }
      lineEnd = base + lastNewline
      if (lineEnd !== size - 1) tornOffset = lineEnd + 1
    }
    const before = lineEnd - base - 1 >= 0 ? joined.lastIndexOf(NEWLINE, lineEnd - base - 1) : -1
    if (before !== -1 || start === 0) {
      const lineStart = before === -1 ? base : base + before + 1
      const text = joined.subarray(lineStart - base, lineEnd - base).toString('utf8')
      return { lastLine: { text, offset: lineStart }, tornOffset }
    }
    end = start
  }
  return { lastLine: undefined, tornOffset }
}

/** Streams the records of the first `size` bytes of the file, failing on the first corrupt line. */
async function* readRecords(path: string, size: number): AsyncGenerator<AuditRecord> {
  if (size === 0) return
  const stream = createReadStream(path, { start: 0, end: size - 1, highWaterMark: 1 << 20 })
  let carry: Buffer = Buffer.alloc(0)
  let offset = 0
  let line = 0
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const buffer = carry.length ? Buffer.concat([carry, chunk]) : chunk
    let start = 0
    for (let nl = buffer.indexOf(NEWLINE, start); nl !== -1; nl = buffer.indexOf(NEWLINE, start)) {
      line++
      yield parseLine(buffer.subarray(start, nl).toString('utf8'), path, offset, line)
      offset += nl - start + 1
      start = nl + 1
    }
    carry = buffer.subarray(start)
  }
  if (carry.length > 0) {
    throw new AuditTornTailError({ path, offset, length: carry.length })
  }
}
