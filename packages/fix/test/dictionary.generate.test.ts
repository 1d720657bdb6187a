// The committed dictionary module must be exactly what the generator makes from QuickFIX's
// FIX44.xml in ../shared (read there at test time, never copied).
import { readFileSync } from 'node:fs'
import { requireSharedTestdata } from '@strongroom/testkit'
import { describe, expect, it } from 'vitest'
import { generateDictionaryModule, outputPath } from '../scripts/generateDictionary.js'
import { getFix44Dictionary } from '../src/dictionary/dictionary.js'

const data = requireSharedTestdata('fix: FIX44.xml data dictionary', 'fix44-acceptance/FIX44.xml')

describe.skipIf(!data.available)('generated FIX 4.4 dictionary', () => {
  it('regenerating from ../shared gives the committed module byte for byte', () => {
    const generated = generateDictionaryModule(readFileSync(data.path, 'utf8'))
    expect(generated).toBe(readFileSync(outputPath, 'utf8'))
  })

  it('holds every field and message of the XML', () => {
    const xml = readFileSync(data.path, 'utf8')
    const d = getFix44Dictionary()
    expect(d.fields).toHaveLength([...xml.matchAll(/<field number=/g)].length)
    expect(d.messages.size).toBe([...xml.matchAll(/<message name=/g)].length)
  })
})

describe('FIX 4.4 dictionary content', () => {
  const d = getFix44Dictionary()
  it('knows fields, enums and types', () => {
    expect(d.field(11)?.name).toBe('ClOrdID')
    expect(d.tagOf('OrdType')).toBe(40)
    expect([...(d.field(54)?.enums ?? [])]).toContain('1')
    expect(d.field(60)?.type).toBe('UTCTIMESTAMP')
    expect(d.dataLengthTag(96)).toBe(95)
    expect(d.dataLengthTag(89)).toBe(93)
  })
  it('expands components and keeps groups with their delimiter', () => {
    const nos = d.messages.get('D')!
    expect(nos.name).toBe('NewOrderSingle')
    expect(nos.category).toBe('app')
    expect(nos.required).toEqual([11, 40, 54, 60])
    expect(nos.has(55)).toBe(true)
    const parties = nos.groups.get(453)!
    expect(parties.delimiter).toBe(448)
    expect(parties.groups.get(802)?.delimiter).toBe(523)
    expect(d.messages.get('X')!.groups.get(268)!.delimiter).toBe(279)
    expect(d.header.required).toEqual([8, 9, 34, 35, 49, 52, 56])
    expect(d.isHeaderTag(115)).toBe(true)
    expect(d.isTrailerTag(10)).toBe(true)
    expect(d.isHeaderTag(11)).toBe(false)
  })
})
