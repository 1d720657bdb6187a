import { describe, expect, it } from 'vitest'
import {
  createNameScreen,
  jaroWinkler,
  parseUnConsolidatedXml,
  transliterate,
} from '../src/index.js'
import { parseCsv } from '../src/util/csv.js'
import { compliance, fixture } from './shared.js'

describe('Jaro-Winkler', () => {
  it('matches the published reference values', () => {
    // Winkler (1990) / common reference pairs.
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.9611, 4)
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 4)
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.8133, 4)
    expect(jaroWinkler('abc', 'abc')).toBe(1)
    expect(jaroWinkler('abc', 'xyz')).toBe(0)
    expect(jaroWinkler('', 'a')).toBe(0)
  })
})

describe('transliteration', () => {
  it('maps scripts to Latin and says which it could not', () => {
    expect(transliterate('Владимир Путин').latin).toBe('vladimir putin')
    expect(transliterate('Νικόλαος').latin).toBe('nikolaos')
    expect(transliterate('José Müller-Lüdenscheidt').latin).toBe('jose muller ludenscheidt')
    expect(transliterate("O'Brien Straße").latin).toBe('obrien strasse')
    expect(transliterate('김정은').latin).toBe('kim jong un')
    expect(transliterate('محمد').script.abjad).toBe(true)
    expect(transliterate('习近平').script.untransliterated).toBe(true)
  })
})

describe('name screening', () => {
  const parties = [
    {
      entityId: 'p1',
      type: 'individual',
      name: 'ABDUL RAHMAN YASIN',
      aliases: ['ABDULRAHMAN YASIN'],
      programs: ['SDGT'],
    },
    {
      entityId: 'p2',
      type: 'individual',
      name: 'PUTIN, Vladimir Vladimirovich',
      aliases: [],
      programs: ['RUSSIA-EO14024'],
    },
    {
      entityId: 'p3',
      type: 'entity',
      name: 'LAZARUS GROUP',
      aliases: ['HIDDEN COBRA'],
      programs: ['DPRK3'],
    },
  ]
  const screen = createNameScreen({ threshold: 0.88 })
  screen.load({ source: 'test', parties })

  it('finds typos, reordering, joined words and other scripts, and explains each match', () => {
    const [typo] = screen.screen({ name: 'Abdul Rahmn Yassin' })
    expect(typo?.party.entityId).toBe('p1')
    expect(typo!.explanation.tokens.map((t) => t.listedToken)).toEqual(['abdul', 'rahman', 'yasin'])
    expect(typo!.explanation.unmatchedListedTokens).toEqual([])
    const reordered = screen.screen({ name: 'Vladimir Putin' })[0]!
    expect(reordered.party.entityId).toBe('p2')
    expect(reordered.explanation.unmatchedListedTokens).toEqual(['vladimirovich'])
    expect(reordered.explanation.penalty).toBeGreaterThan(0)
    expect(reordered.score).toBeCloseTo(
      reordered.explanation.tokenScore - reordered.explanation.penalty,
      10,
    )
    expect(screen.screen({ name: 'Владимир Путин' })[0]?.party.entityId).toBe('p2')
    expect(screen.screen({ name: 'Abdulrahman Yasin' })[0]?.score).toBe(1)
    expect(screen.screen({ name: 'Hidden Cobra' })[0]?.matchedName).toBe('HIDDEN COBRA')
  })

  it('the threshold decides; near misses stay below it', () => {
    expect(screen.screen({ name: 'Lazarus Holdings' })).toEqual([])
    const low = screen.screen({ name: 'Lazarus Holdings', threshold: 0.4 })
    expect(low[0]?.party.entityId).toBe('p3')
    expect(low[0]!.score).toBeLessThan(0.88)
    expect(low[0]!.explanation.tokens).toEqual([
      { queryToken: 'lazarus', listedToken: 'lazarus', score: 1 },
      { queryToken: 'holdings', listedToken: undefined, score: 0 },
    ])
    expect(screen.screen({ name: 'John Smith' })).toEqual([])
    expect(screen.screen({ name: '' })).toEqual([])
  })

  it('a list update replaces the source', () => {
    const s = createNameScreen()
    s.load({ source: 'a', parties: parties.slice(0, 1) })
    expect(s.size).toBe(2)
    s.load({ source: 'a', parties: parties.slice(2) })
    expect(s.screen({ name: 'Abdul Rahman Yasin' })).toEqual([])
    expect(s.screen({ name: 'Lazarus Group' })).toHaveLength(1)
    s.unload('a')
    expect(s.size).toBe(0)
  })
})

describe.skipIf(!compliance.available)('name screening against the UN consolidated list', () => {
  const screen = createNameScreen({ threshold: 0.88 })
  if (compliance.available)
    screen.load(parseUnConsolidatedXml(fixture('name_matching/un_consolidated_2026-02-27.xml')))
  const rows = (file: string, limit = Number.POSITIVE_INFINITY) =>
    parseCsv(fixture(`name_matching/${file}`))
      .slice(1, limit + 1)
      .map((r) => r.fields[0]!)

  // Baseline in NOTES.md (token best-pair JW without transliteration): recall 99.7 % / 99.6 %
  // at 0.88. We require at least 99 % with transliteration on.
  it('recalls ≥ 99 % of the yente UN positives, untreated and treated (typos, reordering)', () => {
    for (const file of ['yente_positives_un_untreated.csv', 'yente_positives_un_treated.csv']) {
      const names = rows(file)
      expect(names).toHaveLength(683)
      const hits = names.filter((name) => screen.screen({ name }).length > 0).length
      expect(hits / names.length).toBeGreaterThanOrEqual(0.99)
    }
  })

  it('keeps false hits on 1,500 synthetic non-matching people under 2 %', () => {
    for (const file of [
      'yente_negatives_global_head10000.csv',
      'yente_negatives_us_head10000.csv',
    ]) {
      const names = rows(file, 1500)
      const hits = names.filter((name) => screen.screen({ name }).length > 0).length
      expect(hits / names.length).toBeLessThan(0.02)
    }
  })

  it('cross-script pairs: Arabic, Cyrillic, Greek, Hebrew and Korean reach the published minimum score', () => {
    const supported: [string, string, number][] = []
    const unsupported: string[] = []
    for (const line of fixture('name_matching/watchman_cross_script_pairs.csv').split('\n')) {
      if (!line || line.startsWith('#')) continue
      const [query, expected, min] = line.split(',')
      if (transliterate(query!).script.untransliterated) unsupported.push(query!)
      else supported.push([query!, expected!, Number(min)])
    }
    // Han, Kana and Thai need dictionaries: out of scope (listed so a change shows here).
    expect(unsupported).toEqual([
      '金正恩',
      '李明',
      '习近平',
      '王伟',
      '山田太郎',
      '田中花子',
      'สมชาย',
    ])
    expect(supported).toHaveLength(15)
    for (const [query, expected, min] of supported) {
      const one = createNameScreen({ threshold: 0 })
      one.load({
        source: 'x',
        parties: [{ entityId: '1', type: 'individual', name: expected, aliases: [], programs: [] }],
      })
      const score = one.screen({ name: query })[0]?.score ?? 0
      expect(score, `${query} vs ${expected}`).toBeGreaterThanOrEqual(min)
    }
  })

  it('pruning by the threshold never changes a match: the same as a screen at 0.6 cut at 0.88', () => {
    // Names made of common tokens (Arabic-script and Arabic names in Latin) nominate hundreds of
    // listed names that the bounds must discard without losing one that reaches the threshold.
    const queries = [
      ...rows('yente_negatives_global_head10000.csv', 400),
      ...rows('yente_positives_un_treated.csv', 200),
      'Hussein Mohammadi',
      'حسین محمدی',
      'AL-MUHAMAD, Muhammad',
      'Muhammad Abdallah al-Ali',
    ]
    let compared = 0
    for (const name of queries) {
      const strict = screen.screen({ name })
      const loose = screen
        .screen({ name, threshold: 0.6, limit: 10_000 })
        .filter((m) => m.score >= 0.88)
        .slice(0, 10)
      expect(strict, name).toEqual(loose)
      compared += strict.length
    }
    expect(compared).toBeGreaterThan(150)
  })
})
