import { describe, expect, it } from 'vitest'
import { createNameScreen, parseOfacSdnCsv } from '../src/index.js'
import { parseCsv } from '../src/util/csv.js'
import { createReferenceNameScreen } from './nameScreenReference.js'
import { compliance, fixture } from './shared.js'

/** Deterministic numbers in [0, 1) (xorshift32), so a failure names a reproducible query. */
function createRand(seed: number): () => number {
  let state = seed
  return () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) / 4_294_967_296
  }
}

describe.skipIf(!compliance.available)('name screening against the reference scorer', () => {
  const list = compliance.available
    ? parseOfacSdnCsv({
        sdn: fixture('ofac_sdn_csv_2021/sdn.csv'),
        alt: fixture('ofac_sdn_csv_2021/alt.csv'),
        comments: fixture('ofac_sdn_csv_2021/sdn_comments.csv'),
      })
    : { source: 'none', parties: [] }
  const screen = createNameScreen({ threshold: 0.88 })
  screen.load(list)
  const reference = createReferenceNameScreen({ parties: list.parties })
  const rows = (file: string, count: number) =>
    compliance.available
      ? parseCsv(fixture(`name_matching/${file}`))
          .slice(1, count + 1)
          .map((r) => r.fields[0]!)
      : []

  // The benchmark's kinds of query (listed names with a letter deleted, the UN positives, people
  // not listed in Latin and other scripts) and perturbations: letters inserted, swapped, words
  // split, joined and reordered. Names of common tokens make the bounds and nomination work.
  const rand = createRand(0x5eed1e55)
  const listed = list.parties.flatMap((p) => [p.name, ...p.aliases])
  const perturb = (name: string) => {
    const chars = [...name]
    const at = Math.floor(rand() * chars.length)
    const op = Math.floor(rand() * 6)
    if (op === 0) chars.splice(at, 1)
    else if (op === 1) chars.splice(at, 0, 'aeiouhmdlr'[Math.floor(rand() * 10)]!)
    else if (op === 2 && at + 1 < chars.length)
      [chars[at], chars[at + 1]] = [chars[at + 1]!, chars[at]!]
    else if (op === 3) chars.splice(at, 0, ' ')
    else if (op === 4 && chars[at] === ' ') chars.splice(at, 1)
    else
      return name
        .split(/[\s,]+/)
        .reverse()
        .join(' ')
    return chars.join('')
  }
  const queries = [
    ...Array.from({ length: 1200 }, () => perturb(listed[Math.floor(rand() * listed.length)]!)),
    ...rows('yente_positives_un_treated.csv', 400).map((n, i) => (i % 2 ? perturb(n) : n)),
    ...rows('yente_negatives_global_head10000.csv', 300),
    ...rows('yente_negatives_us_head10000.csv', 100),
    'AL-MUHAMAD, Muhammad',
    'محمد عبدالعلی',
    'حسین محمدی',
    'WALI, Mohamad',
    'ABDUL RAHMAN YASIN',
  ]

  it('returns the same matches, scores and explanations for thousands of queries', () => {
    const mismatches: string[] = []
    let matches = 0
    for (const name of queries) {
      const all = reference.screen({ name, threshold: 0.75 })
      for (const [threshold, limit] of [
        [0.88, 10],
        [0.75, 3],
      ] as const) {
        const fast = screen.screen({ name, threshold, limit })
        const expected = all.filter((p) => p.score >= threshold).slice(0, limit)
        matches += fast.length
        // Scores compare exactly (JSON keeps every bit of a double). Where spellings of one party
        // tie, the screen shows the first it met: any tied spelling, explained exactly, will do.
        const same =
          fast.length === expected.length &&
          fast.every((m, i) => {
            const want = expected[i]!
            return (
              m.score === want.score &&
              want.spellings.some((s) => JSON.stringify(s) === JSON.stringify(m))
            )
          })
        if (!same) mismatches.push(`${threshold} ${name}`)
      }
    }
    expect(mismatches).toEqual([])
    expect(matches).toBeGreaterThan(1500)
  }, 180_000)
})
