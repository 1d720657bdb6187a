/** What velocity windows are keyed by. */
export type VelocityScope = 'wallet' | 'initiator' | 'destination' | 'venue' | 'global'

/** One signed request, as velocity windows count it. */
export type VelocityEvent = {
  readonly time: number
  readonly asset: string
  readonly amount: bigint
  readonly wallet: string
  readonly initiator: string
  readonly destination: string
  readonly venue: string
}

/** Totals of one window. */
export type VelocityTotals = { readonly amount: bigint; readonly count: number }

/** Sliding-window totals per scope key and asset. */
export type VelocityTracker = {
  /** Counts a signed request in every scope. Times must not go backwards (they are clamped). */
  record(event: VelocityEvent): void
  /** Totals of the requests with `now - windowMs < time <= now` for `scope`/`key`/`asset`. */
  totals(
    scope: VelocityScope,
    key: string,
    asset: string,
    windowMs: number,
    now: number,
  ): VelocityTotals
}

/** Options of {@link createVelocityTracker}. */
export type CreateVelocityTrackerParameters = {
  /** Events older than this are forgotten; must cover the longest window. Default 31 days. */
  retentionMs?: number | undefined
}

type Series = { times: number[]; sums: bigint[]; head: number; before: bigint }

const SCOPES: readonly VelocityScope[] = ['wallet', 'initiator', 'destination', 'venue', 'global']

/**
 * Creates a {@link VelocityTracker}. Each (scope, key, asset) keeps its events in time order with
 * running sums, so a window total is a binary search and a subtraction, however busy the window.
 */
export function createVelocityTracker(
  parameters: CreateVelocityTrackerParameters = {},
): VelocityTracker {
  const retention = parameters.retentionMs ?? 31 * 86_400_000
  const series = new Map<string, Series>()
  let lastTime = Number.NEGATIVE_INFINITY
  const keyOf = (scope: VelocityScope, key: string, asset: string) =>
    `${scope}\u0000${key}\u0000${asset}`

  function prune(s: Series, now: number) {
    const cutoff = now - retention
    while (s.head < s.times.length && s.times[s.head]! <= cutoff) s.head++
    if (s.head > 1024 && s.head * 2 > s.times.length) {
      s.before = s.sums[s.head - 1]!
      s.times = s.times.slice(s.head)
      s.sums = s.sums.slice(s.head)
      s.head = 0
    }
  }

  return {
    record(event) {
      const time = Math.max(event.time, lastTime)
      lastTime = time
      const keys: Record<VelocityScope, string> = {
        wallet: event.wallet,
        initiator: event.initiator,
        destination: event.destination,
        venue: event.venue,
        global: '',
      }
      for (const scope of SCOPES) {
        const id = keyOf(scope, keys[scope], event.asset)
        let s = series.get(id)
        if (s === undefined) {
          s = { times: [], sums: [], head: 0, before: 0n }
          series.set(id, s)
        }
        const previous = s.sums.length > 0 ? s.sums[s.sums.length - 1]! : s.before
        s.times.push(time)
        s.sums.push(previous + event.amount)
        prune(s, time)
      }
    },
    totals(scope, key, asset, windowMs, now) {
      const s = series.get(keyOf(scope, key, asset))
      if (s === undefined || s.times.length === s.head) return { amount: 0n, count: 0 }
      const from = now - windowMs
      // First index with time > from.
      let lo = s.head
      let hi = s.times.length
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if (s.times[mid]! > from) hi = mid
        else lo = mid + 1
      }
      // Last index with time <= now.
      let end = s.times.length
      if (s.times[end - 1]! > now) {
        let a = lo
        let b = end
        while (a < b) {
          const mid = (a + b) >>> 1
          if (s.times[mid]! > now) b = mid
          else a = mid + 1
        }
        end = a
      }
      if (end <= lo) return { amount: 0n, count: 0 }
      const startSum = lo === 0 ? s.before : s.sums[lo - 1]!
      return { amount: s.sums[end - 1]! - startSum, count: end - lo }
    },
  }
}
