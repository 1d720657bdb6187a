import { describe, expect, it } from 'vitest'
import { createRateLimiter } from './rateLimit.js'

describe('token bucket rate limiter', () => {
  it('allows a burst, then refills at the configured rate, per key', () => {
    let now = 0
    const limiter = createRateLimiter({ limit: { perSecond: 10, burst: 3 }, now: () => now })
    expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, true])
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterMs: 100 })
    expect(limiter.take('b').allowed).toBe(true) // another key has its own bucket
    now += 100
    expect(limiter.take('a').allowed).toBe(true)
    expect(limiter.take('a').allowed).toBe(false)
    now += 10_000
    expect([1, 2, 3, 4].map(() => limiter.take('a').allowed)).toEqual([true, true, true, false])
  })

  it('keeps memory bounded', () => {
    const limiter = createRateLimiter({
      limit: { perSecond: 1, burst: 1 },
      now: () => 0,
      maxKeys: 2,
    })
    limiter.take('a')
    limiter.take('b')
    limiter.take('c') // evicts a
    expect(limiter.take('a').allowed).toBe(true) // a starts with a full bucket again
  })
})
