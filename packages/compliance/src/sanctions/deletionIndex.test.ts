import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { buildDeletionIndex, findIds, MAX_VARIANTS, variantHashes } from './deletionIndex.js'

const strings = (text: string, d: number): Set<string> => {
  const out = new Set([text])
  if (d > 0)
    for (let i = 0; i < text.length; i++)
      for (const v of strings(text.slice(0, i) + text.slice(i + 1), d - 1)) out.add(v)
  return out
}
const hashOf = (s: string) => {
  const buf = new Uint32Array(MAX_VARIANTS)
  variantHashes(s, 0, buf)
  return buf[0]!
}

describe('deletion-neighbourhood hashes', () => {
  it('the variant hashes are the hashes of the variant strings (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 3, maxLength: 12 }),
        fc.integer({ min: 0, max: 2 }),
        (text, d) => {
          const buf = new Uint32Array(MAX_VARIANTS)
          const got = new Set(buf.subarray(0, variantHashes(text, d, buf)))
          const expected = [...strings(text, d)].map(hashOf)
          expect(expected.every((h) => got.has(h))).toBe(true)
          expect(new Set(expected).size).toBeLessThanOrEqual(got.size)
        },
      ),
    )
  })

  it('finds every token within one or two deletions', () => {
    const tokens = ['muhammad', 'mohammed', 'ali', 'hassan', 'hasan']
    const index = buildDeletionIndex(tokens, (id) => (tokens[id]!.length >= 8 ? 2 : 1))
    const lookup = (query: string, d: number) => {
      const buf = new Uint32Array(MAX_VARIANTS)
      const found = new Set<string>()
      const count = variantHashes(query, d, buf)
      for (let k = 0; k < count; k++) {
        const run = findIds(index, buf[k]!)
        if (run < 0) continue
        for (let p = run + 1; p <= run + index.ids[run]!; p++) found.add(tokens[index.ids[p]!]!)
      }
      return [...found].sort()
    }
    expect(lookup('mohamad', 2)).toEqual(['mohammed', 'muhammad'])
    expect(lookup('muhamad', 2)).toEqual(['muhammad'])
    expect(lookup('hasan', 1)).toEqual(['hasan', 'hassan'])
    expect(lookup('ali', 0)).toEqual(['ali'])
    expect(lookup('zzz', 1)).toEqual([])
  })
})
