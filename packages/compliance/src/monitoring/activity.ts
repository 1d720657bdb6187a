/** One past event of an account, as monitoring keeps it. */
export type ActivityEntry = {
  readonly id: string
  readonly kind: 'deposit' | 'withdrawal' | 'trade' | 'transfer-in' | 'transfer-out'
  readonly t: number
  /** Value in reference-currency minor units (0n when it could not be valued). */
  readonly value: bigint
}

/** Funds that arrived in an account and how many internal hops they had made. */
export type HopEntry = {
  readonly t: number
  readonly hops: number
  /** Accounts the funds passed through, oldest first, ending with this account. */
  readonly path: readonly string[]
  readonly eventIds: readonly string[]
}

type AccountState = {
  entries: ActivityEntry[]
  hops: HopEntry[]
  lastActivity: number | undefined
}

/**
 * Per-account activity windows for the monitoring typologies. Time is the events' own
 * timestamps, never the wall clock, so replaying the same events gives the same alerts. Entries
 * older than `retentionMs` before an account's newest event are dropped.
 */
export type ActivityStore = {
  /** Entries of `accountId` within `windowMs` before (and at) `t`, oldest first. */
  window(accountId: string, t: number, windowMs: number): readonly ActivityEntry[]
  /** Hop entries of `accountId` within `windowMs` before (and at) `t`. */
  hopWindow(accountId: string, t: number, windowMs: number): readonly HopEntry[]
  /** Last activity of the account before now, if any. */
  lastActivity(accountId: string): number | undefined
  record(accountId: string, entry: ActivityEntry): void
  recordHop(accountId: string, entry: HopEntry): void
  /** Seeds an account's last activity (accounts imported with history). */
  seedLastActivity(accountId: string, t: number): void
  /** Changes how long entries are kept (rule windows changed). */
  setRetention(ms: number): void
  readonly accounts: number
}

/** Creates an {@link ActivityStore}. */
export function createActivityStore(options: {
  retentionMs: number
  maxEntriesPerAccount?: number
}): ActivityStore {
  const accounts = new Map<string, AccountState>()
  let retentionMs = options.retentionMs
  const max = options.maxEntriesPerAccount ?? 10_000
  const state = (accountId: string) => {
    let s = accounts.get(accountId)
    if (!s) {
      s = { entries: [], hops: [], lastActivity: undefined }
      accounts.set(accountId, s)
    }
    return s
  }
  const prune = <T extends { t: number }>(list: T[], newest: number) => {
    let drop = 0
    while (drop < list.length && list[drop]!.t < newest - retentionMs) drop++
    if (list.length - drop > max) drop = list.length - max
    if (drop > 0) list.splice(0, drop)
  }
  const since = <T extends { t: number }>(list: readonly T[], from: number, to: number): T[] => {
    const out: T[] = []
    for (let i = list.length - 1; i >= 0; i--) {
      const e = list[i]!
      if (e.t > to) continue
      if (e.t < from) break
      out.push(e)
    }
    return out.reverse()
  }
  return {
    window(accountId, t, windowMs) {
      const s = accounts.get(accountId)
      return s ? since(s.entries, t - windowMs, t) : []
    },
    hopWindow(accountId, t, windowMs) {
      const s = accounts.get(accountId)
      return s ? since(s.hops, t - windowMs, t) : []
    },
    lastActivity(accountId) {
      return accounts.get(accountId)?.lastActivity
    },
    record(accountId, entry) {
      const s = state(accountId)
      // Keep entries ordered by time even when events arrive slightly out of order.
      let i = s.entries.length
      while (i > 0 && s.entries[i - 1]!.t > entry.t) i--
      s.entries.splice(i, 0, entry)
      if (s.lastActivity === undefined || entry.t > s.lastActivity) s.lastActivity = entry.t
      prune(s.entries, s.lastActivity)
    },
    recordHop(accountId, entry) {
      const s = state(accountId)
      let i = s.hops.length
      while (i > 0 && s.hops[i - 1]!.t > entry.t) i--
      s.hops.splice(i, 0, entry)
      prune(s.hops, s.lastActivity ?? entry.t)
    },
    seedLastActivity(accountId, t) {
      const s = state(accountId)
      if (s.lastActivity === undefined || t > s.lastActivity) s.lastActivity = t
    },
    setRetention(ms) {
      retentionMs = ms
    },
    get accounts() {
      return accounts.size
    },
  }
}
