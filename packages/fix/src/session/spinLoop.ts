import { performance } from 'node:perf_hooks'
import { InvalidFixConfigError } from '../errors.js'

/**
 * How a process waits for the next message of a logged-on session.
 *
 * - `sleep` (default): Node's event loop blocks in the kernel (`epoll_wait`) until bytes arrive.
 *   No CPU is used while idle, but each message first has to wake the thread — and, on an idle
 *   machine, the CPU core: on virtual machines a halted vCPU takes tens of microseconds to run
 *   again, which dominates a loopback round trip.
 * - `spin`: while the session is logged on, the process keeps its event loop polling (a
 *   `setImmediate` loop, so libuv polls the sockets with a zero timeout) and never sleeps: one
 *   core per process stays busy, and a message is picked up within one turn of the loop. After
 *   `spinMaxMs` without any message sent or received, the process sleeps again until the next
 *   message. Like Aeron's `BusySpinIdleStrategy` or kernel busy polling: for a dedicated,
 *   latency-sensitive deployment with a core to spare, never on a shared or loaded machine
 *   (spinning takes CPU time the other processes need, and the tail gets worse).
 */
export type FixIdleStrategy = 'sleep' | 'spin'

/** Default of the session option `spinMaxMs`: spin for one second after the last message. */
export const DEFAULT_SPIN_MAX_MS = 1000

/**
 * Checks a session's `idleStrategy` and `spinMaxMs` (they may come from a configuration file).
 *
 * @throws {InvalidFixConfigError} when `idleStrategy` is neither `sleep` nor `spin`, or
 *   `spinMaxMs` is not a number ≥ 0 (`Infinity`: spin as long as the session is logged on).
 */
export function assertFixIdleOptions(options: {
  readonly idleStrategy?: unknown
  readonly spinMaxMs?: unknown
}): void {
  const { idleStrategy, spinMaxMs } = options
  if (idleStrategy !== undefined && idleStrategy !== 'sleep' && idleStrategy !== 'spin') {
    throw new InvalidFixConfigError(`must be 'sleep' or 'spin', got ${String(idleStrategy)}.`, {
      code: 'FIX_INVALID_CONFIG',
      path: ['idleStrategy'],
      rule: 'one_of',
    })
  }
  if (spinMaxMs !== undefined && !(typeof spinMaxMs === 'number' && spinMaxMs >= 0)) {
    throw new InvalidFixConfigError(`must be a number of ms ≥ 0, got ${String(spinMaxMs)}.`, {
      code: 'FIX_INVALID_CONFIG',
      path: ['spinMaxMs'],
      rule: 'non_negative',
    })
  }
}

/** What {@link FixSpinLoop.state} reports. */
export type FixSpinLoopState = {
  /** Holds taken (sessions logged on with the `spin` strategy). */
  readonly holders: number
  /** True while the loop keeps the event loop polling. */
  readonly spinning: boolean
  /** Event-loop turns spun since the loop was created. */
  readonly turns: number
}

/** One session's claim on a {@link FixSpinLoop}; released when the session logs out. */
export type FixSpinHold = {
  /** The holder sent or received a message (same as {@link FixSpinLoop.activity}). */
  activity(): void
  /** Gives the hold back (idempotent); the loop stops when no hold is left. */
  release(): void
}

/**
 * A reference-counted busy-poll loop shared by the sessions of a process: it runs while at least
 * one session holds it and a message was sent or received within the largest `maxIdleMs` of the
 * holders.
 */
export type FixSpinLoop = {
  /** Takes a hold and starts spinning (a logon counts as activity). */
  hold(maxIdleMs: number): FixSpinHold
  /** A message was sent or received: the idle time restarts, and spinning resumes if held. */
  activity(): void
  readonly state: FixSpinLoopState
}

/** Parameters of {@link createFixSpinLoop}. */
export type CreateFixSpinLoopParameters = {
  /** Monotonic time in ms (default `performance.now`). */
  now?: () => number
}

/**
 * Creates a spin loop. Sessions use the process-wide one ({@link getFixSpinLoop}) unless given
 * their own through the session dependency `spinLoop`; one loop per process is enough, however many
 * sessions spin.
 */
export function createFixSpinLoop(parameters: CreateFixSpinLoopParameters = {}): FixSpinLoop {
  const now = parameters.now ?? (() => performance.now())
  const holds = new Set<{ readonly maxIdleMs: number }>()
  let maxIdleMs = 0
  let immediate: NodeJS.Immediate | undefined
  let turns = 0
  let activityCount = 0
  let seen = 0
  let idleSince = 0

  const turn = () => {
    turns++
    if (activityCount !== seen) {
      seen = activityCount
      idleSince = now()
    } else if (now() - idleSince >= maxIdleMs) {
      immediate = undefined
      return
    }
    immediate = setImmediate(turn)
  }
  const start = () => {
    seen = activityCount
    idleSince = now()
    if (!immediate) immediate = setImmediate(turn)
  }
  const stop = () => {
    if (immediate) clearImmediate(immediate)
    immediate = undefined
  }

  const activity = () => {
    activityCount++
    if (!immediate && holds.size > 0) start()
  }

  return {
    hold(ms) {
      const hold = { maxIdleMs: Math.max(0, ms) }
      holds.add(hold)
      maxIdleMs = Math.max(maxIdleMs, hold.maxIdleMs)
      start()
      return {
        activity,
        release() {
          if (!holds.delete(hold)) return
          maxIdleMs = 0
          for (const h of holds) maxIdleMs = Math.max(maxIdleMs, h.maxIdleMs)
          if (holds.size === 0) stop()
        },
      }
    },
    activity,
    get state() {
      return { holders: holds.size, spinning: immediate !== undefined, turns }
    },
  }
}

let processLoop: FixSpinLoop | undefined

/** The process-wide spin loop that sessions with `idleStrategy: 'spin'` share by default. */
export function getFixSpinLoop(): FixSpinLoop {
  processLoop ??= createFixSpinLoop()
  return processLoop
}
