/** Thrown by {@link parseCsv}; callers wrap it in their own typed error. */
export class CsvSyntaxError extends Error {
  override name = 'CsvSyntaxError'
  readonly line: number
  constructor(message: string, line: number) {
    super(`${message} (line ${line})`)
    this.line = line
  }
}

/** One parsed record and the 1-based line it starts on. */
export type CsvRecord = { readonly line: number; readonly fields: string[] }

/**
 * Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF). A trailing DOS end-of-file
 * mark (0x1A), as OFAC's files carry, and blank lines are ignored.
 *
 * @throws {CsvSyntaxError} on an unterminated quoted field or text after a closing quote.
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = []
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0
  let line = 1
  const n = text.length
  while (i < n) {
    const startLine = line
    const fields: string[] = []
    let atRecordEnd = false
    while (!atRecordEnd) {
      let value = ''
      if (text[i] === '"') {
        i++
        for (;;) {
          const q = text.indexOf('"', i)
          if (q < 0) throw new CsvSyntaxError('unterminated quoted field', startLine)
          const chunk = text.slice(i, q)
          for (let k = chunk.indexOf('\n'); k >= 0; k = chunk.indexOf('\n', k + 1)) line++
          value += chunk
          if (text[q + 1] === '"') {
            value += '"'
            i = q + 2
          } else {
            i = q + 1
            break
          }
        }
        // Only spaces may follow a closing quote before the separator.
        while (text[i] === ' ') i++
        const c = text[i]
        if (c !== undefined && c !== ',' && c !== '\r' && c !== '\n' && c !== '\x1a') {
          throw new CsvSyntaxError('text after a closing quote', line)
        }
      } else {
        let k = i
        while (k < n) {
          const c = text[k]
          if (c === ',' || c === '\n' || c === '\r') break
          k++
        }
        value = text.slice(i, k)
        i = k
      }
      fields.push(value)
      const c = text[i]
      if (c === ',') i++
      else {
        if (c === '\r') i++
        if (text[i] === '\n') {
          i++
          line++
        }
        atRecordEnd = true
      }
    }
    const only = fields.length === 1 ? fields[0]!.replaceAll('\u001a', '').trim() : undefined
    if (only !== '') records.push({ line: startLine, fields })
  }
  return records
}
