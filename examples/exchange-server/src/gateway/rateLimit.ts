/** A token bucket: `burst` tokens, refilled at `perSecond`. */
export type RateLimit = { readonly perSecond: number; readonly burst: number }

/**
 * Per-key token buckets. `take` spends one token and says whether the request may proceed and,
 * when not, how long to wait. Buckets of idle keys are dropped so memory stays bounded.
 */
export function createRateLimiter(options: {
  limit: RateLimit
  now: () => number
  maxKeys?: number
}) {
  const { perSecond, burst } = options.limit
  const maxKeys = options.maxKeys ?? 100_000
  const buckets = new Map<string, { tokens: number; updated: number }>()
  return {
    take(key: string, cost = 1): { allowed: true } | { allowed: false; retryAfterMs: number } {
      const now = options.now()
      let bucket = buckets.get(key)
      if (!bucket) {
        if (buckets.size >= maxKeys) {
          // Drop the oldest entry (Map keeps insertion order): a full bucket costs nothing to recreate.
          const oldest = buckets.keys().next().value
          if (oldest !== undefined) buckets.delete(oldest)
        }
        bucket = { tokens: burst, updated: now }
        buckets.set(key, bucket)
      } else {
        bucket.tokens = Math.min(
          burst,
          bucket.tokens + ((now - bucket.updated) / 1_000) * perSecond,
        )
        bucket.updated = now
      }
      if (bucket.tokens >= cost) {
        bucket.tokens -= cost
        return { allowed: true }
      }
      return {
        allowed: false,
        retryAfterMs: Math.ceil(((cost - bucket.tokens) / perSecond) * 1_000),
      }
    },
  }
}
