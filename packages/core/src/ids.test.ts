import { describe, expect, it } from 'vitest'
import { createManualClock } from './clock.js'
import { InvalidIdError } from './coreErrors.js'
import { createRandomIdGenerator, createSequentialIdGenerator, isId, parseId } from './ids.js'

describe('ids', () => {
  it('sequential ids are deterministic, per kind, and sort in creation order', () => {
    const a = createSequentialIdGenerator()
    const b = createSequentialIdGenerator()
    const fromA = [a.next('order'), a.next('order'), a.next('trade')]
    const fromB = [b.next('order'), b.next('order'), b.next('trade')]
    expect(fromA).toEqual(fromB)
    expect(fromA).toEqual(['order_000000000001', 'order_000000000002', 'trade_000000000001'])
    expect(a.peek('order')).toBe(3)
    expect(createSequentialIdGenerator({ prefix: 'x-', start: 10 }).next('w')).toBe(
      'x-w_000000000010',
    )
  })

  it('random ids are unique, well-formed and sort by time', () => {
    const clock = createManualClock(1_700_000_000_000)
    const ids = createRandomIdGenerator({ clock })
    const seen = new Set<string>()
    let previous = ''
    for (let i = 0; i < 2_000; i++) {
      if (i % 100 === 0) clock.advance(1)
      const id = ids.next('order')
      expect(id).toMatch(/^order_[0-9A-HJKMNP-TV-Z]{26}$/)
      expect(isId(id)).toBe(true)
      seen.add(id)
      if (i % 100 === 0) {
        expect(id > previous).toBe(true)
        previous = id
      }
    }
    expect(seen.size).toBe(2_000)
  })

  it('random ids use the injected randomness (replayable)', () => {
    const clock = createManualClock(42)
    const zero = (bytes: Uint8Array) => bytes.fill(0)
    const one = createRandomIdGenerator({ clock, random: zero }).next('k')
    const two = createRandomIdGenerator({ clock, random: zero }).next('k')
    expect(one).toBe(two)
    expect(one).toBe('k_000000001A0000000000000000')
  })

  it('parseId validates and names the field', () => {
    expect(parseId('account', 'acc-1')).toBe('acc-1')
    for (const bad of ['', 'a b', 'x'.repeat(129), 'ü', 'a/b']) {
      try {
        parseId('account', bad, ['accountId'])
        expect.unreachable()
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidIdError)
        expect((error as InvalidIdError).path).toEqual(['accountId'])
      }
    }
    expect(isId(5)).toBe(false)
  })
})
