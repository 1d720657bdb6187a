// The fast book addresses an order's fields by number (`(slot << 4) + 3 /* visible */`): named
// constants cost a load each in optimised code. This test keeps those numbers honest: every offset
// in the fast book's sources carries its field's name, and each name has the one offset that the
// layout documented at ORDER_STRIDE gives it.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const dir = new URL('.', import.meta.url).pathname
const sources = readdirSync(dir)
  .filter((f) => /^fastBook.*\.ts$/.test(f) && !f.endsWith('.test.ts'))
  .map((f) => ({ file: f, text: readFileSync(join(dir, f), 'utf8') }))

/** `name → offset` from the layout comment ("Doubles, at …: 0 id, 1 account, …"). */
function documentedLayout(): { doubles: Map<string, number>; ints: Map<string, number> } {
  const store = sources.find((s) => s.file === 'fastBookStore.ts')!.text
  const comment = store.slice(
    store.indexOf('Layout. Doubles'),
    store.indexOf('export const ORDER_STRIDE'),
  )
  const flat = comment.replace(/\s*\*\s*/g, ' ')
  const parse = (part: string) =>
    new Map([...part.matchAll(/(\d+) ([a-zA-Z]+)/g)].map((m) => [m[2]!, Number(m[1])]))
  const doublesPart = flat.slice(flat.indexOf('of `pool`:'), flat.indexOf('Int32, at'))
  const intsPart = flat.slice(flat.indexOf('(after the doubles'), flat.indexOf('The offsets are'))
  return { doubles: parse(doublesPart), ints: parse(intsPart.slice(intsPart.indexOf(')') + 1)) }
}

describe('fast book record layout', () => {
  const layout = documentedLayout()

  it('documents distinct offsets inside the 128-byte record, the int32 fields after the doubles', () => {
    expect(layout.doubles.size).toBe(10)
    expect(layout.ints.size).toBe(10)
    const doubleOffsets = [...layout.doubles.values()]
    const intOffsets = [...layout.ints.values()]
    expect(new Set(doubleOffsets).size).toBe(doubleOffsets.length)
    expect(new Set(intOffsets).size).toBe(intOffsets.length)
    expect(Math.max(...doubleOffsets)).toBeLessThan(16)
    expect(Math.min(...intOffsets)).toBeGreaterThanOrEqual(2 * (Math.max(...doubleOffsets) + 1))
    expect(Math.max(...intOffsets)).toBeLessThan(32)
  })

  it('every offset in the sources names its field, and the name has the documented offset', () => {
    const wrong: string[] = []
    let seen = 0
    for (const { file, text } of sources) {
      for (const m of text.matchAll(/<< ([45])\) \+ (\d+)( \/\* ([a-zA-Z]+) \*\/)?/g)) {
        seen++
        const [, shift, offset, , name] = m
        const table = shift === '4' ? layout.doubles : layout.ints
        const line = text.slice(0, m.index).split('\n').length
        if (name === undefined) wrong.push(`${file}:${line}: offset ${offset} has no field name`)
        else if (table.get(name) !== Number(offset))
          wrong.push(`${file}:${line}: ${name} at ${offset}, documented at ${table.get(name)}`)
      }
    }
    expect(seen).toBeGreaterThan(100)
    expect(wrong).toEqual([])
  })
})
