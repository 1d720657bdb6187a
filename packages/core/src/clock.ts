/**
 * Port: the time. Library code never calls `Date.now()`; it is handed a `Clock`, so that tests
 * control time and replays see the journaled time.
 */
export type Clock = {
  /** Milliseconds since the Unix epoch (an integer). */
  now(): number
  /** A monotonic reading in nanoseconds for measuring durations; never goes backwards. */
  monotonicNs(): bigint
}

/** The wall clock of the machine (`Date.now()` and `process.hrtime.bigint()`). */
export function createSystemClock(): Clock {
  const hr = globalThis.process?.hrtime?.bigint
  const perf = globalThis.performance
  return {
    now: () => Date.now(),
    monotonicNs: hr ? () => hr() : () => BigInt(Math.round(perf.now() * 1e6)),
  }
}

/** A {@link Clock} that only moves when told to: for tests and for replaying journaled time. */
export type ManualClock = Clock & {
  /** Moves the clock to `ms` (must not go backwards). */
  set(ms: number): void
  /** Moves the clock forward by `ms`. */
  advance(ms: number): void
}

/**
 * Creates a {@link ManualClock} starting at `startMs` (default `0`).
 *
 * @throws {RangeError} when asked to go backwards or to a non-integer time.
 */
export function createManualClock(startMs = 0): ManualClock {
  let current = startMs
  let mono = 0n
  const check = (ms: number) => {
    if (!Number.isSafeInteger(ms)) throw new RangeError(`Clock time must be an integer, got ${ms}.`)
    if (ms < current) throw new RangeError(`Clock cannot go backwards (${ms} < ${current}).`)
  }
  check(startMs)
  return {
    now: () => current,
    monotonicNs: () => mono,
    set(ms) {
      check(ms)
      mono += BigInt(ms - current) * 1_000_000n
      current = ms
    },
    advance(ms) {
      this.set(current + ms)
    },
  }
}
