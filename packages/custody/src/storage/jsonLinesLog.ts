// An append-only file of JSON lines, shared by the durable stores of this package (consumed
// authorization nonces, orchestrator requests, signer-node nonces). Each append is written and
// fsync'ed before it returns, so a caller answers only once its change is durable.
import {
  closeSync,
  existsSync,
  fsync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  renameSync,
  write,
  writeSync,
} from 'node:fs'
import { dirname } from 'node:path'

/** Parameters of {@link openJsonLinesLog}. */
export type OpenJsonLinesLogParameters<entry> = {
  /** The file (created with mode 0600 when missing). */
  readonly path: string
  /** What the file holds, for error messages: `nonce store`, `request log`. */
  readonly name: string
  /** Turns one line's JSON value into an entry; `undefined` when the line is not one. */
  readonly parse: (value: unknown) => entry | undefined
  /** The error to throw (each store has its own code). */
  readonly fail: (message: string, cause?: unknown) => Error
}

/** An open {@link openJsonLinesLog} file. */
export type JsonLinesLog<entry> = {
  /** The entries read when the file was opened, in file order. */
  readonly entries: readonly entry[]
  /** Lines in the file now. */
  readonly lines: number
  /** Appends one JSON line per value (one write, one fsync). */
  append(values: readonly unknown[]): void
  /**
   * Appends one JSON line per value with group commit: written and fsync'ed on the thread pool,
   * sharing one write and one fsync with the calls made while a write is in flight; resolves
   * once durable. After a failed write or fsync the log refuses every later append (the process
   * must reopen it, reading back what is really on disk).
   */
  appendDurably(values: readonly unknown[]): Promise<void>
  /** Replaces the whole file with these values (temporary file, fsync, rename, directory fsync). */
  rewrite(values: readonly unknown[]): void
  close(): void
}

/**
 * Opens (or creates) an append-only JSON-lines file and reads it. A last line without its newline
 * is the torn tail of an append that never returned (a crash mid-write): it is ignored and cut
 * off, so the next append starts on a clean line. Any complete line that is not valid JSON, or
 * that `parse` refuses, is corruption and an error naming the line.
 *
 * @throws the error made by `fail` when the file cannot be read, opened or is corrupt.
 */
export function openJsonLinesLog<entry>(
  parameters: OpenJsonLinesLogParameters<entry>,
): JsonLinesLog<entry> {
  const { path, name, parse, fail } = parameters
  const entries: entry[] = []
  let validBytes = 0
  let lines = 0
  if (existsSync(path)) {
    let text: string
    try {
      text = readFileSync(path, 'utf8')
    } catch (cause) {
      throw fail(`The ${name} could not be read.`, cause)
    }
    const rows = text.split('\n')
    // rows[rows.length - 1] is '' after a final newline, or the torn tail of a crashed append.
    for (let i = 0; i < rows.length - 1; i++) {
      const row = rows[i]!
      let value: unknown
      try {
        value = JSON.parse(row)
      } catch (cause) {
        throw fail(`The ${name} is corrupt at line ${i + 1}.`, cause)
      }
      const parsed = parse(value)
      if (parsed === undefined) throw fail(`The ${name} is corrupt at line ${i + 1}.`)
      entries.push(parsed)
      validBytes += Buffer.byteLength(row, 'utf8') + 1
      lines++
    }
  }
  let fd: number
  try {
    fd = openSync(path, 'a', 0o600)
    ftruncateSync(fd, validBytes)
  } catch (cause) {
    throw fail(`The ${name} could not be opened.`, cause)
  }
  let failure: unknown
  let closing = false
  let writing = false
  let queued: { text: string; count: number; done: (error?: Error) => void }[] = []
  const flush = () => {
    const batch = queued
    queued = []
    writing = true
    const bytes = Buffer.from(batch.map((q) => q.text).join(''), 'utf8')
    const settle = (cause?: unknown) => {
      if (cause !== undefined) failure ??= cause
      else lines += batch.reduce((n, q) => n + q.count, 0)
      for (const q of batch)
        q.done(cause === undefined ? undefined : fail(`The ${name} could not be written.`, cause))
      writing = false
      if (queued.length > 0) {
        if (failure === undefined) flush()
        else
          for (const q of queued.splice(0))
            q.done(fail(`The ${name} could not be written.`, failure))
      }
      if (!writing && closing) closeSync(fd)
    }
    const writeFrom = (offset: number) =>
      write(fd, bytes, offset, bytes.length - offset, null, (error, written) => {
        if (error) return settle(error)
        if (offset + written < bytes.length) return writeFrom(offset + written)
        fsync(fd, (synced) => settle(synced ?? undefined))
      })
    writeFrom(0)
  }
  return {
    entries,
    get lines() {
      return lines
    },
    appendDurably(values) {
      return new Promise<void>((resolve, reject) => {
        if (failure !== undefined || closing)
          return reject(fail(`The ${name} could not be written.`, failure ?? 'closed'))
        if (values.length === 0) return resolve()
        queued.push({
          text: `${values.map((v) => JSON.stringify(v)).join('\n')}\n`,
          count: values.length,
          done: (error) => (error === undefined ? resolve() : reject(error)),
        })
        if (!writing) flush()
      })
    },
    append(values) {
      if (values.length === 0) return
      if (failure !== undefined) throw fail(`The ${name} could not be written.`, failure)
      try {
        writeSync(fd, `${values.map((v) => JSON.stringify(v)).join('\n')}\n`)
        fsyncSync(fd)
      } catch (cause) {
        throw fail(`The ${name} could not be written.`, cause)
      }
      lines += values.length
    },
    rewrite(values) {
      if (writing || failure !== undefined)
        throw fail(`The ${name} cannot be rewritten while a write is in flight or after a failure.`)
      const temporary = `${path}.tmp`
      try {
        const out = openSync(temporary, 'w', 0o600)
        try {
          writeSync(out, values.map((v) => `${JSON.stringify(v)}\n`).join(''))
          fsyncSync(out)
        } finally {
          closeSync(out)
        }
        renameSync(temporary, path)
        const directory = openSync(dirname(path), 'r')
        try {
          fsyncSync(directory)
        } finally {
          closeSync(directory)
        }
        const next = openSync(path, 'a', 0o600)
        closeSync(fd)
        fd = next
      } catch (cause) {
        throw fail(`The ${name} could not be rewritten.`, cause)
      }
      lines = values.length
    },
    close() {
      if (closing) return
      closing = true
      if (!writing) closeSync(fd) // else once the write in flight settles
    },
  }
}
