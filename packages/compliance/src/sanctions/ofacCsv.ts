import { ComplianceInputError } from '../errors.js'
import { type CsvRecord, CsvSyntaxError, parseCsv } from '../util/csv.js'
import type { SanctionedAddress, SanctionedParty, SanctionsList } from './listEntry.js'

/** Parameters of {@link parseOfacSdnCsv}: the text of OFAC's legacy CSV files. */
export type ParseOfacSdnCsvParameters = {
  /** `SDN.CSV`: ent_num, name, type, programs, title, call sign, vessel type, tonnage, GRT, flag, owner, remarks. */
  readonly sdn: string
  /** `SDN_COMMENTS.CSV`: ent_num, remarks overflow. Remarks longer than the SDN field continue here. */
  readonly comments?: string | undefined
  /** `ALT.CSV`: ent_num, alt_num, type, alt name, remarks. */
  readonly alt?: string | undefined
  /** Source id (default `ofac-sdn`). */
  readonly source?: string | undefined
}

/** What {@link parseOfacSdnCsv} found besides the list. */
export type OfacCsvList = SanctionsList & {
  /** Overflow rows whose ent_num has no row in `sdn` (a partial file). */
  readonly orphanComments: readonly string[]
}

const NULL = '-0-'
const clean = (field: string | undefined) => {
  const value = (field ?? '').trim()
  return value === NULL ? '' : value
}

/** `Digital Currency Address - XBT 1abc…` (with or without `alt.`), one remark part. */
const DIGITAL_CURRENCY = /^(?:alt\.\s+)?Digital Currency Address\s*-\s*([A-Za-z0-9]+)\s+(\S+)$/
const AKA = /^(?:a\.k\.a\.|f\.k\.a\.|n\.k\.a\.)\s+'(.+)'$/

/**
 * Extracts digital-currency addresses from an OFAC remarks string (`Digital Currency Address -
 * XBT 1abc; alt. Digital Currency Address - ETH 0x…`). A trailing full stop is not part of the
 * address.
 */
export function parseDigitalCurrencyRemarks(
  remarks: string,
): { currency: string; address: string }[] {
  const out: { currency: string; address: string }[] = []
  for (const rawPart of remarks.split(';')) {
    const part = rawPart.trim().replace(/\.$/, '')
    const m = DIGITAL_CURRENCY.exec(part)
    if (m) out.push({ currency: m[1]!.toUpperCase(), address: m[2]! })
  }
  return out
}

function records(text: string, file: string): CsvRecord[] {
  try {
    return parseCsv(text)
  } catch (error) {
    if (error instanceof CsvSyntaxError) {
      throw new ComplianceInputError(error.message, {
        code: 'COMPLIANCE_LIST_PARSE_FAILED',
        path: [file, error.line],
        rule: 'csv_syntax',
        cause: error,
      })
    }
    throw error
  }
}

function entNum(record: CsvRecord, file: string): string {
  const value = clean(record.fields[0])
  if (!/^[0-9]{1,10}$/.test(value)) {
    throw new ComplianceInputError(`ent_num "${value}" is not a number.`, {
      code: 'COMPLIANCE_LIST_PARSE_FAILED',
      path: [file, record.line, 'ent_num'],
      rule: 'ent_num',
    })
  }
  return value
}

/**
 * Loads OFAC's SDN list in its legacy CSV form. Remarks that overflow into `SDN_COMMENTS.CSV` are
 * joined (the split may fall mid-word, e.g. `…Addres` | `s - ETH 0x…`) before digital-currency
 * addresses are extracted; aliases come from `ALT.CSV` and from `a.k.a.` remarks.
 *
 * @throws {ComplianceInputError} `COMPLIANCE_LIST_PARSE_FAILED` naming the file, line and column
 * when a file is not OFAC's CSV (wrong column count, non-numeric ent_num, broken quoting).
 */
export function parseOfacSdnCsv(parameters: ParseOfacSdnCsvParameters): OfacCsvList {
  const rows = records(parameters.sdn, 'sdn')
  if (rows.length === 0) {
    throw new ComplianceInputError('the SDN file has no rows.', {
      code: 'COMPLIANCE_LIST_PARSE_FAILED',
      path: ['sdn'],
      rule: 'empty',
    })
  }
  const entries = new Map<
    string,
    { name: string; type: string; programs: string[]; remarks: string; aliases: string[] }
  >()
  for (const row of rows) {
    if (row.fields.length !== 12) {
      throw new ComplianceInputError(`has ${row.fields.length} columns, expected 12.`, {
        code: 'COMPLIANCE_LIST_PARSE_FAILED',
        path: ['sdn', row.line],
        rule: 'column_count',
      })
    }
    const id = entNum(row, 'sdn')
    const name = clean(row.fields[1])
    if (name === '') {
      throw new ComplianceInputError('has an empty name.', {
        code: 'COMPLIANCE_LIST_PARSE_FAILED',
        path: ['sdn', row.line, 'name'],
        rule: 'required',
      })
    }
    entries.set(id, {
      name,
      type: clean(row.fields[2]) || 'entity',
      programs: clean(row.fields[3])
        .split('] [')
        .map((p) => p.replace(/[[\]]/g, '').trim())
        .filter(Boolean),
      remarks: clean(row.fields[11]),
      aliases: [],
    })
  }
  const orphanComments: string[] = []
  if (parameters.comments !== undefined) {
    for (const row of records(parameters.comments, 'comments')) {
      if (row.fields.length !== 2) {
        throw new ComplianceInputError(`has ${row.fields.length} columns, expected 2.`, {
          code: 'COMPLIANCE_LIST_PARSE_FAILED',
          path: ['comments', row.line],
          rule: 'column_count',
        })
      }
      const id = entNum(row, 'comments')
      const entry = entries.get(id)
      // The overflow continues the remark exactly where it was cut: no separator is added.
      if (entry) entry.remarks += row.fields[1] ?? ''
      else orphanComments.push(id)
    }
  }
  if (parameters.alt !== undefined) {
    for (const row of records(parameters.alt, 'alt')) {
      if (row.fields.length !== 5) {
        throw new ComplianceInputError(`has ${row.fields.length} columns, expected 5.`, {
          code: 'COMPLIANCE_LIST_PARSE_FAILED',
          path: ['alt', row.line],
          rule: 'column_count',
        })
      }
      const entry = entries.get(entNum(row, 'alt'))
      const alias = clean(row.fields[3])
      if (entry && alias) entry.aliases.push(alias)
    }
  }
  const addresses: SanctionedAddress[] = []
  const parties: SanctionedParty[] = []
  for (const [entityId, entry] of entries) {
    const programs = Object.freeze(entry.programs)
    for (const { currency, address } of parseDigitalCurrencyRemarks(entry.remarks)) {
      addresses.push({ address, currency, entityId, name: entry.name, programs })
    }
    const aliases = [...entry.aliases]
    for (const part of entry.remarks.split(';')) {
      const m = AKA.exec(part.trim().replace(/\.$/, ''))
      if (m && !aliases.includes(m[1]!)) aliases.push(m[1]!)
    }
    parties.push({ entityId, type: entry.type, name: entry.name, aliases, programs })
  }
  return { source: parameters.source ?? 'ofac-sdn', addresses, parties, orphanComments }
}
