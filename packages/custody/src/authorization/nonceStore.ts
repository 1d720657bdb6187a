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
