import { InvalidFixConfigError } from '../errors.js'

/**
 * When a session may be logged on, in UTC: every day (or the listed weekdays) from `start` to
 * `end` (`HH:MM:SS`). `end` before `start` spans midnight; `start === end` is a 24-hour session
 * that rolls over at `start`. At each new period the sequence numbers are reset, as QuickFIX does.
 */
export type FixSessionSchedule = {
  readonly start: string
  readonly end: string
  /** Days the period may start on, 0 = Sunday … 6 = Saturday (default every day). */
  readonly weekdays?: readonly number[]
}

const DAY = 86_400_000

function parseTime(text: string, field: 'start' | 'end'): number {
  const match = /^(\d{2}):(\d{2}):(\d{2})$/.exec(text)
  const h = Number(match?.[1])
  const m = Number(match?.[2])
  const s = Number(match?.[3])
  if (!match || h > 23 || m > 59 || s > 59) {
    throw new InvalidFixConfigError(`must be HH:MM:SS in UTC, got "${text}".`, {
      code: 'FIX_INVALID_CONFIG',
      path: ['schedule', field],
      rule: 'time_of_day',
    })
  }
  return ((h * 60 + m) * 60 + s) * 1000
}

/** A compiled schedule: is a time inside a session period, and when did that period start. */
export type CompiledSchedule = {
  /** Start (epoch ms) of the period containing `now`, or undefined when `now` is outside. */
  periodStart(now: number): number | undefined
}

/**
 * Compiles a {@link FixSessionSchedule}.
 *
 * @throws {InvalidFixConfigError} when a time is not `HH:MM:SS` or a weekday is not 0-6.
 */
export function compileSchedule(schedule: FixSessionSchedule): CompiledSchedule {
  const start = parseTime(schedule.start, 'start')
  const end = parseTime(schedule.end, 'end')
  const weekdays = schedule.weekdays
  if (weekdays?.some((d) => !Number.isInteger(d) || d < 0 || d > 6)) {
    throw new InvalidFixConfigError('weekdays must be integers 0 (Sunday) to 6.', {
      code: 'FIX_INVALID_CONFIG',
      path: ['schedule', 'weekdays'],
      rule: 'weekday',
    })
  }
  const length = end > start ? end - start : end === start ? DAY : DAY - start + end
  return {
    periodStart(now) {
      const dayStart = Math.floor(now / DAY) * DAY
      // The period containing `now` started today or yesterday.
      for (const candidate of [dayStart + start, dayStart - DAY + start]) {
        if (now >= candidate && now < candidate + length) {
          const weekday = new Date(candidate).getUTCDay()
          if (!weekdays || weekdays.includes(weekday)) return candidate
        }
      }
      return undefined
    },
  }
}
