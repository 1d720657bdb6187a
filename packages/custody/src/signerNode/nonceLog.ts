// Persistent single-use records for a signer node: FROST signing nonces (sealed) and consumed
// authorization nonces. Every change is appended and fsync'ed before it takes effect, so after a
// crash and restart a nonce that may have been used is never used again.
import type { AuthorizationNonceStore } from '../authorization/nonceStore.js'
import type { SigningCommitments } from '../frost/signing.js'
import { openJsonLinesLog } from '../storage/jsonLinesLog.js'
import type { SealingKey } from './sealedStore.js'
import { SignerNodeError } from './signerNodeErrors.js'
import type { WireCommitment } from './wire.js'

type Line =
  | { op: 'nonce'; id: string; groupId: string; generation: number; sealed: string }
  | { op: 'use'; id: string }
  | { op: 'auth'; nonce: string; expiresAt: number; sessionId: string }

/** A stored signing nonce pair (the secrets stay sealed on disk). */
export type StoredNonce = {
  readonly id: string
  readonly groupId: string
  readonly generation: number
  readonly hiding: bigint
  readonly binding: bigint
  /**
   * The public commitments to the pair and their wire form, kept in memory only (computed when
   * the pair is created; after a restart they are recomputed from the scalars when needed).
   */
  readonly commitment?: { readonly points: SigningCommitments; readonly wire: WireCommitment }
}

/** The node's append-only log of nonces and consumed authorizations. */
export type NonceLog = {
  /** Persists new nonce pairs (one fsync for the batch) before they can be committed to. */
  add(nonces: readonly StoredNonce[]): void
  /** The unused nonce with this id, or undefined (never created, or already used). */
  get(id: string): StoredNonce | undefined
  /** True once `id` was marked used (before or after a restart). */
  isUsed(id: string): boolean
  /** Marks nonces used, durably, before any signature share is computed with them. */
  markUsed(ids: readonly string[]): void
  /** Unused nonces held. */
  readonly available: number
  /**
   * An {@link AuthorizationNonceStore} whose consumption is durable and bound to one signing
   * session: the coordinator may retry the rounds of one session (after a node fails) with the
   * same authorization, a few times at most; any other session presenting it is a replay.
   */
  authorizationsFor(sessionId: string): AuthorizationNonceStore
  /**
   * One signature-share request with one durable write: `authorizations` consumes like
   * {@link NonceLog.authorizationsFor} but only stages the record, and `commit(ids)` marks the
   * nonces used at once (in memory, so no concurrent request can take them) and appends their
   * use together with the staged consumption in one write and one fsync, shared with concurrent
   * commits. Compute no share before `commit` resolves. After a failed write the log refuses
   * every later write (the node refuses until restarted).
   */
  beginSigning(sessionId: string): {
    authorizations: AuthorizationNonceStore
    commit(ids: readonly string[]): Promise<void>
  }
  close(): void
}

/** Rounds of one signing session that may present the same authorization (retries after a node fails). */
export const MAX_ROUNDS_PER_SESSION = 3

const bigintToHex = (v: bigint) => v.toString(16).padStart(64, '0')

/**
 * Opens (or creates) the log at `path`, replaying it. A torn last line (a crash mid-write) is
 * ignored and cut off; any other unreadable line is an error.
 * @throws {SignerNodeError} `CUSTODY_NODE_STORE_FAILED`
 */
export function openNonceLog(path: string, key: SealingKey): NonceLog {
  const unused = new Map<string, StoredNonce>()
  const used = new Set<string>()
  const auths = new Map<string, { expiresAt: number; sessionId: string; uses: number }>()
  const log = openJsonLinesLog({
    path,
    name: 'nonce log',
    parse: (value) => (typeof value === 'object' && value !== null ? (value as Line) : undefined),
    fail: (message, cause) =>
      new SignerNodeError(message, { code: 'CUSTODY_NODE_STORE_FAILED', cause }),
  })
  for (const line of log.entries) {
    if (line.op === 'nonce') {
      if (used.has(line.id)) continue
      const secret = key.open('nonce', line.sealed)
      const hex = Buffer.from(secret).toString('hex')
      unused.set(line.id, {
        id: line.id,
        groupId: line.groupId,
        generation: line.generation,
        hiding: BigInt(`0x${hex.slice(0, 64)}`),
        binding: BigInt(`0x${hex.slice(64, 128)}`),
      })
    } else if (line.op === 'use') {
      used.add(line.id)
      unused.delete(line.id)
    } else if (line.op === 'auth') {
      const prior = auths.get(line.nonce)
      auths.set(line.nonce, {
        expiresAt: line.expiresAt,
        sessionId: line.sessionId,
        uses: (prior?.uses ?? 0) + 1,
      })
    }
  }
  const append = (lines: readonly Line[]) => log.append(lines)
  /** Whether `sessionId` may use the authorization nonce (again); false on a replay. */
  const admits = (sessionId: string, nonce: string, now: number): boolean => {
    for (const [k, v] of auths) if (v.expiresAt < now - 86_400_000) auths.delete(k)
    const prior = auths.get(nonce)
    return (
      prior === undefined || (prior.sessionId === sessionId && prior.uses < MAX_ROUNDS_PER_SESSION)
    )
  }
  const remember = (sessionId: string, nonce: string, expiresAt: number) => {
    const prior = auths.get(nonce)
    auths.set(nonce, { expiresAt, sessionId, uses: (prior?.uses ?? 0) + 1 })
  }
  const markUsedInMemory = (ids: readonly string[]) => {
    for (const id of ids) {
      used.add(id)
      unused.delete(id)
    }
  }
  return {
    add(nonces) {
      append(
        nonces.map((n) => ({
          op: 'nonce' as const,
          id: n.id,
          groupId: n.groupId,
          generation: n.generation,
          sealed: key.seal(
            'nonce',
            Buffer.from(bigintToHex(n.hiding) + bigintToHex(n.binding), 'hex'),
          ),
        })),
      )
      for (const n of nonces) unused.set(n.id, n)
    },
    get: (id) => unused.get(id),
    isUsed: (id) => used.has(id),
    markUsed(ids) {
      append(ids.map((id) => ({ op: 'use' as const, id })))
      markUsedInMemory(ids)
    },
    get available() {
      return unused.size
    },
    authorizationsFor(sessionId) {
      return {
        consume(nonce, expiresAt, now) {
          if (!admits(sessionId, nonce, now)) return false
          append([{ op: 'auth', nonce, expiresAt, sessionId }])
          remember(sessionId, nonce, expiresAt)
          return true
        },
      }
    },
    beginSigning(sessionId) {
      const staged: Line[] = []
      return {
        authorizations: {
          consume(nonce, expiresAt, now) {
            if (!admits(sessionId, nonce, now)) return false
            remember(sessionId, nonce, expiresAt)
            staged.push({ op: 'auth', nonce, expiresAt, sessionId })
            return true
          },
        },
        commit(ids) {
          markUsedInMemory(ids)
          return log.appendDurably([
            ...staged.splice(0),
            ...ids.map((id) => ({ op: 'use' as const, id })),
          ])
        },
      }
    },
    close() {
      log.close()
    },
  }
}
