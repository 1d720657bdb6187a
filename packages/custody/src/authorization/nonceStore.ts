import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs'
import { CustodyError } from '../custodyErrors.js'

/**
 * Remembers consumed authorization nonces so that an authorization is used at most once. A
 * backend consumes the nonce only after every other check passed.
 */
export type AuthorizationNonceStore = {
  /**
   * Marks `nonce` as used until `expiresAt`; false when it was already used (a replay).
   * Entries may be forgotten after `expiresAt`, since an expired authorization is refused anyway.
   */
  consume(nonce: string, expiresAt: number, now: number): boolean | Promise<boolean>
}

/** An {@link AuthorizationNonceStore} in memory; forgets nonces once they expire. */
export function createMemoryNonceStore(): AuthorizationNonceStore & { readonly size: number } {
  const used = new Map<string, number>()
  let nextSweep = 0
  return {
    get size() {
      return used.size
    },
    consume(nonce, expiresAt, now) {
      if (now >= nextSweep) {
        for (const [key, expiry] of used) if (expiry < now) used.delete(key)
        nextSweep = now + 1_000
      }
      if (used.has(nonce)) return false
      used.set(nonce, expiresAt)
      return true
    },
  }
}

/** Options of {@link openAuthorizationNonceLog}. */
export type AuthorizationNonceLogOptions = {
  /** The append-only file (created with mode 0600 when missing). */
  readonly path: string
  /** Current time in epoch ms, used to drop expired entries when the file is opened. */
  readonly now: number
  /** Rewrite the file without expired entries once it holds this many lines (default 100,000). */
  readonly compactAfter?: number
}

/**
 * An {@link AuthorizationNonceStore} that survives restarts: each consumed nonce is appended and
 * fsync'ed before `consume` answers, so an authorization used before a crash is refused after it
 * (the in-memory store forgets on restart and would accept a replay until the authorization
 * expires). Opening replays the file, ignoring a torn last line; expired entries are dropped by
 * rewriting the file (to a temporary file, fsync, rename) when it grows past `compactAfter`.
 *
 * @throws {CustodyError} `CUSTODY_NONCE_STORE_FAILED` when the file cannot be read or written, or a
 *   line other than the last is corrupt.
 */
export function openAuthorizationNonceLog(
  options: AuthorizationNonceLogOptions,
): AuthorizationNonceStore & { readonly size: number; close(): void } {
  const { path } = options
  const compactAfter = options.compactAfter ?? 100_000
  const fail = (message: string, cause?: unknown) =>
    new CustodyError(message, {
      code: 'CUSTODY_NONCE_STORE_FAILED',
      cause,
      metaMessages: [`path: ${path}`],
    })
  const used = new Map<string, number>()
  let lines = 0
  if (existsSync(path)) {
    const text = readFileSync(path, 'utf8')
    const rows = text.split('\n')
    // A line without its newline is the torn tail of a crashed append: that consume never answered.
    const complete = rows.length - 1
    for (let i = 0; i < complete; i++) {
      const entry = parseEntry(rows[i]!)
      if (entry === undefined) throw fail(`The nonce store is corrupt at line ${i + 1}.`)
      if (entry.expiresAt >= options.now) used.set(entry.nonce, entry.expiresAt)
      lines++
    }
  }
  let fd: number
  const rewrite = () => {
    const temporary = `${path}.tmp`
    const out = openSync(temporary, 'w', 0o600)
    try {
      let body = ''
      for (const [nonce, expiresAt] of used) body += `${JSON.stringify({ nonce, expiresAt })}\n`
      writeSync(out, body)
      fsyncSync(out)
    } finally {
      closeSync(out)
    }
    renameSync(temporary, path)
    lines = used.size
  }
  try {
    // Start from a clean file: drops expired entries and a torn tail in one step.
    rewrite()
    fd = openSync(path, 'a', 0o600)
  } catch (cause) {
    throw fail('The nonce store could not be opened.', cause)
  }
  return {
    get size() {
      return used.size
    },
    consume(nonce, expiresAt, now) {
      if (used.has(nonce)) return false
      try {
        writeSync(fd, `${JSON.stringify({ nonce, expiresAt })}\n`)
        fsyncSync(fd)
      } catch (cause) {
        throw fail('The nonce store could not be written.', cause)
      }
      used.set(nonce, expiresAt)
      if (++lines >= compactAfter) {
        for (const [key, expiry] of used) if (expiry < now) used.delete(key)
        try {
          closeSync(fd)
          rewrite()
          fd = openSync(path, 'a', 0o600)
        } catch (cause) {
          throw fail('The nonce store could not be compacted.', cause)
        }
      }
      return true
    },
    close() {
      closeSync(fd)
    },
  }
}

function parseEntry(line: string): { nonce: string; expiresAt: number } | undefined {
  try {
    const value = JSON.parse(line) as { nonce?: unknown; expiresAt?: unknown }
    if (typeof value.nonce !== 'string' || !Number.isSafeInteger(value.expiresAt)) return undefined
    return { nonce: value.nonce, expiresAt: value.expiresAt as number }
  } catch {
    return undefined
  }
}
