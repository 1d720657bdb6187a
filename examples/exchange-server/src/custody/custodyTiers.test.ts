import { describe, expect, it } from 'vitest'
import { coldBand, tierStatus } from './custodyTiers.js'

describe('custody tier bands', () => {
  it('cold gets what the hot and warm bands leave', () => {
    expect(coldBand({ minBps: 200, maxBps: 500 }, { minBps: 1_000, maxBps: 1_500 })).toEqual({
      minBps: 8_000,
      maxBps: 8_800,
    })
  })

  it('places a balance against its band exactly, to the minor unit (no rounded share)', () => {
    const band = { minBps: 200, maxBps: 500 }
    const total = 1_000_000_000_000_000_001n
    // 2 % of the total is 20_000_000_000_000_000.02: one unit more is inside, the floor is not.
    expect(tierStatus(20_000_000_000_000_000n, total, band)).toBe('below')
    expect(tierStatus(20_000_000_000_000_001n, total, band)).toBe('within')
    // 5 % is 50_000_000_000_000_000.05: the floor is inside, one unit more is above.
    expect(tierStatus(50_000_000_000_000_000n, total, band)).toBe('within')
    expect(tierStatus(50_000_000_000_000_001n, total, band)).toBe('above')
    expect(tierStatus(0n, 0n, band)).toBe('empty')
    expect(tierStatus(0n, 1n, { minBps: 0, maxBps: 0 })).toBe('within')
  })
})
