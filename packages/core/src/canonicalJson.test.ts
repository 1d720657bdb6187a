import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type CanonicalValue, canonicalJson } from './canonicalJson.js'
import { CanonicalJsonError } from './coreErrors.js'

describe('canonicalJson', () => {
  it('sorts keys, drops undefined, writes bigint as a string', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: undefined, d: 10n ** 30n })).toBe(
      '{"a":[true,null,"x"],"b":1,"d":"1000000000000000000000000000000"}',
    )
  })

  it('gives equal strings for equal values regardless of key order (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const shuffled = JSON.parse(JSON.stringify(value), (_key, v) => {
          if (v && typeof v === 'object' && !Array.isArray(v)) {
            return Object.fromEntries(Object.entries(v).reverse())
          }
          return v
        })
        const text = canonicalJson(value as CanonicalValue)
        expect(canonicalJson(shuffled as CanonicalValue)).toBe(text)
        // Canonical JSON is JSON, and re-encoding its parse is a fixed point.
        expect(canonicalJson(JSON.parse(text) as CanonicalValue)).toBe(text)
      }),
    )
  })

  it.each([
    [{ a: Number.NaN }, ['a']],
    [{ a: [1, Number.POSITIVE_INFINITY] }, ['a', 1]],
    [{ f: () => 1 }, ['f']],
    [{ d: new Date(0) }, ['d']],
    [{ s: Symbol('x') }, ['s']],
  ])('refuses %o naming the path', (value, path) => {
    try {
      canonicalJson(value as unknown as CanonicalValue)
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(CanonicalJsonError)
      expect((error as CanonicalJsonError).path).toEqual(path)
    }
  })

  it('refuses cycles', () => {
    const value: Record<string, unknown> = {}
    value.self = value
    expect(() => canonicalJson(value as CanonicalValue)).toThrow(/cycle/)
  })
})
