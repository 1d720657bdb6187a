import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CsvSyntaxError, parseCsv } from './csv.js'

const quote = (field: string) => `"${field.replaceAll('"', '""')}"`

describe('CSV parser', () => {
  it('round-trips quoted fields with commas, quotes and line breaks (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ maxLength: 12 }), { minLength: 2, maxLength: 5 }), {
          minLength: 1,
          maxLength: 6,
        }),
        (rows) => {
          const text = `${rows.map((r) => r.map(quote).join(',')).join('\r\n')}\r\n\u001a`
          expect(parseCsv(text).map((r) => r.fields)).toEqual(rows)
        },
      ),
    )
  })

  it('counts lines across embedded line breaks and reports broken quoting', () => {
    const records = parseCsv('1,"a\nb"\n2,c\n')
    expect(records).toEqual([
      { line: 1, fields: ['1', 'a\nb'] },
      { line: 3, fields: ['2', 'c'] },
    ])
    expect(() => parseCsv('1,"open\n2,x')).toThrow(CsvSyntaxError)
    expect(() => parseCsv('1,"a"b,2')).toThrow(/text after a closing quote \(line 1\)/)
  })
})
