import { describe, expect, it } from 'vitest'
import { compileSchedule } from './schedule.js'

const at = (iso: string) => Date.parse(iso)

describe('session schedule (UTC)', () => {
  it('a daytime window', () => {
    const s = compileSchedule({ start: '08:00:00', end: '17:00:00' })
    expect(s.periodStart(at('2026-01-05T09:00:00Z'))).toBe(at('2026-01-05T08:00:00Z'))
    expect(s.periodStart(at('2026-01-05T17:00:00Z'))).toBeUndefined()
    expect(s.periodStart(at('2026-01-05T07:59:59Z'))).toBeUndefined()
  })
  it('a window across midnight, on weekdays only', () => {
    const s = compileSchedule({ start: '22:00:00', end: '06:00:00', weekdays: [1, 2, 3, 4, 5] })
    expect(s.periodStart(at('2026-01-06T02:00:00Z'))).toBe(at('2026-01-05T22:00:00Z')) // Monday night
    expect(s.periodStart(at('2026-01-04T23:00:00Z'))).toBeUndefined() // Sunday night
  })
  it('start = end is a 24-hour session rolling over at start', () => {
    const s = compileSchedule({ start: '00:00:00', end: '00:00:00' })
    expect(s.periodStart(at('2026-01-05T12:00:00Z'))).toBe(at('2026-01-05T00:00:00Z'))
  })
  it('refuses malformed times with a typed error', () => {
    expect(() => compileSchedule({ start: '8:00', end: '17:00:00' })).toThrowError(
      expect.objectContaining({ code: 'FIX_INVALID_CONFIG', path: ['schedule', 'start'] }),
    )
    expect(() =>
      compileSchedule({ start: '08:00:00', end: '17:00:00', weekdays: [7] }),
    ).toThrowError(expect.objectContaining({ path: ['schedule', 'weekdays'] }))
  })
})
