import { CustodyError } from '../custodyErrors.js'
import { openJsonLinesLog } from '../storage/jsonLinesLog.js'

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
  const log = openJsonLinesLog({
    path,
    name: 'nonce store',
    parse: parseEntry,
    fail: (message, cause) =>
      new CustodyError(message, {
        code: 'CUSTODY_NONCE_STORE_FAILED',
        cause,
        metaMessages: [`path: ${path}`],
      }),
  })
  const used = new Map<string, number>()
  for (const entry of log.entries) {
    if (entry.expiresAt >= options.now) used.set(entry.nonce, entry.expiresAt)
  }
  const rewrite = () => log.rewrite([...used].map(([nonce, expiresAt]) => ({ nonce, expiresAt })))
  // Start from a clean file without expired entries.
  rewrite()
  return {
    get size() {
      return used.size
    },
    consume(nonce, expiresAt, now) {
      if (used.has(nonce)) return false
      log.append([{ nonce, expiresAt }])
      used.set(nonce, expiresAt)
      if (log.lines >= compactAfter) {
        for (const [key, expiry] of used) if (expiry < now) used.delete(key)
        rewrite()
      }
      return true
    },
    close() {
      log.close()
    },
  }
}

function parseEntry(value: unknown): { nonce: string; expiresAt: number } | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const { nonce, expiresAt } = value as { nonce?: unknown; expiresAt?: unknown }
  if (typeof nonce !== 'string' || !Number.isSafeInteger(expiresAt)) return undefined
  return { nonce, expiresAt: expiresAt as number }
}
