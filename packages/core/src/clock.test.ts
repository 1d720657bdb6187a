import { describe, expect, it } from 'vitest'
import { createManualClock, createSystemClock } from './clock.js'

describe('clocks', () => {
  it('the manual clock moves only when told and never backwards', () => {
    const clock = createManualClock(1_000)
    expect(clock.now()).toBe(1_000)
    clock.advance(250)
    expect(clock.now()).toBe(1_250)
    expect(clock.monotonicNs()).toBe(250_000_000n)
    clock.set(2_000)
    expect(clock.now()).toBe(2_000)
    expect(() => clock.set(1_999)).toThrow(RangeError)
    expect(() => clock.set(2_000.5)).toThrow(RangeError)
    expect(clock.now()).toBe(2_000)
  })

  it('the system clock reads the wall clock and a monotonic counter', () => {
    const clock = createSystemClock()
    const before = Date.now()
    const now = clock.now()
    expect(now).toBeGreaterThanOrEqual(before)
    expect(Number.isInteger(now)).toBe(true)
    const a = clock.monotonicNs()
    const b = clock.monotonicNs()
    expect(b >= a).toBe(true)
  })
})
