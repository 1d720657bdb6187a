import {
  FIX44_FIELDS,
  FIX44_HEADER,
  FIX44_MESSAGES,
  FIX44_TRAILER,
  FIX44_VERSION,
} from './fix44Data.js'

/** Field types of the FIX 4.4 data dictionary. */
export type FixFieldType =
  | 'STRING'
  | 'CHAR'
  | 'PRICE'
  | 'INT'
  | 'AMT'
  | 'QTY'
  | 'CURRENCY'
  | 'MULTIPLEVALUESTRING'
  | 'EXCHANGE'
  | 'UTCTIMESTAMP'
  | 'BOOLEAN'
  | 'LOCALMKTDATE'
  | 'DATA'
  | 'FLOAT'
  | 'PRICEOFFSET'
  | 'MONTHYEAR'
  | 'DAYOFMONTH'
  | 'UTCDATEONLY'
  | 'UTCTIMEONLY'
  | 'NUMINGROUP'
  | 'PERCENTAGE'
  | 'SEQNUM'
  | 'LENGTH'
  | 'COUNTRY'

/** How a field's value is checked (`format` in {@link FixFieldDef}). */
export const FieldFormat = {
  any: 0,
  int: 1,
  float: 2,
  char: 3,
  boolean: 4,
  utcTimestamp: 5,
  utcDateOnly: 6,
  utcTimeOnly: 7,
} as const

/** One of the values of {@link FieldFormat}. */
export type FieldFormat = (typeof FieldFormat)[keyof typeof FieldFormat]

/** A field of the dictionary. */
export type FixFieldDef = {
  readonly tag: number
  readonly name: string
  readonly type: FixFieldType
  /** How the value's syntax is checked. */
  readonly format: FieldFormat
  /** Allowed values, when the field is an enumeration. */
  readonly enums: ReadonlySet<string> | undefined
  /** The one-byte allowed values as a 256-entry membership table (fast path), if there are any. */
  readonly byteEnums: Uint8Array | undefined
  /** True for MULTIPLEVALUESTRING: each space-separated value must be one of `enums`. */
  readonly multiple: boolean
  /** For DATA fields: the tag of the LENGTH field that precedes it. */
  readonly lengthTag: number | undefined
}

/** One level of a message layout: the body, a group entry, the header or the trailer. */
export type FixLayout = {
  /** Every tag at this level (fields and group count tags), in dictionary order. */
  readonly tags: readonly number[]
  /** Membership by tag. */
  readonly has: (tag: number) => boolean
  /** Membership for tags below 1024 as a dense table (hot path); larger tags use `has`. */
  readonly table: Uint8Array
  /** Required tags at this level, ascending. */
  readonly required: readonly number[]
  /** Groups at this level by NumInGroup tag. */
  readonly groups: ReadonlyMap<number, FixGroupDef>
}

/** A repeating group: its NumInGroup tag, delimiter (first field of each entry) and entry layout. */
export type FixGroupDef = FixLayout & {
  readonly countTag: number
  readonly delimiter: number
}

/** A message type of the dictionary. */
export type FixMessageDef = FixLayout & {
  readonly msgType: string
  readonly name: string
  readonly category: 'admin' | 'app'
}

/** A parsed data dictionary (FIX 4.4 from {@link getFix44Dictionary}). */
export type FixDictionary = {
  readonly version: string
  /** Field definitions by tag. */
  readonly field: (tag: number) => FixFieldDef | undefined
  /** Field definitions indexed by tag for tags below 10 000 (hot path). */
  readonly fieldByTag: readonly (FixFieldDef | undefined)[]
  /** Header (1) and trailer (2) membership for tags below 1024. */
  readonly sectionTable: Uint8Array
  /** Field tag by name (`ClOrdID` → 11). */
  readonly tagOf: (name: string) => number | undefined
  readonly fields: readonly FixFieldDef[]
  readonly messages: ReadonlyMap<string, FixMessageDef>
  readonly header: FixLayout
  readonly trailer: FixLayout
  /** True when `tag` belongs to the standard header. */
  readonly isHeaderTag: (tag: number) => boolean
  /** True when `tag` belongs to the standard trailer. */
  readonly isTrailerTag: (tag: number) => boolean
  /** For a DATA field, the LENGTH tag that gives its size (used by the tokenizer). */
  readonly dataLengthTag: (tag: number) => number | undefined
}

const FORMAT_OF: Record<string, FieldFormat> = {
  INT: FieldFormat.int,
  NUMINGROUP: FieldFormat.int,
  SEQNUM: FieldFormat.int,
  LENGTH: FieldFormat.int,
  DAYOFMONTH: FieldFormat.int,
  PRICE: FieldFormat.float,
  AMT: FieldFormat.float,
  QTY: FieldFormat.float,
  FLOAT: FieldFormat.float,
  PRICEOFFSET: FieldFormat.float,
  PERCENTAGE: FieldFormat.float,
  CHAR: FieldFormat.char,
  BOOLEAN: FieldFormat.boolean,
  UTCTIMESTAMP: FieldFormat.utcTimestamp,
  UTCDATEONLY: FieldFormat.utcDateOnly,
  UTCTIMEONLY: FieldFormat.utcTimeOnly,
}

/** Parses the compact layout grammar (see scripts/generateDictionary.ts) into nested layouts. */
function parseLayout(text: string): {
  tags: number[]
  required: number[]
  groups: Map<number, FixGroupDef>
} {
  let pos = 0
  const level = (): { tags: number[]; required: number[]; groups: Map<number, FixGroupDef> } => {
    const tags: number[] = []
    const required: number[] = []
    const groups = new Map<number, FixGroupDef>()
    while (pos < text.length && text[pos] !== '}') {
      let end = pos
      while (end < text.length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++
      const tag = Number(text.slice(pos, end))
      pos = end
      tags.push(tag)
      if (text[pos] === '!') {
        required.push(tag)
        pos++
      }
      if (text[pos] === '{') {
        pos++
        const inner = level()
        pos++ // '}'
        groups.set(tag, makeGroup(tag, inner))
      }
      if (text[pos] === ',') pos++
    }
    required.sort((a, b) => a - b)
    return { tags, required, groups }
  }
  return level()
}

function membership(tags: readonly number[]): (tag: number) => boolean {
  const set = new Set(tags)
  return (tag) => set.has(tag)
}

function denseTable(tags: readonly number[]): Uint8Array {
  const table = new Uint8Array(1024)
  for (const tag of tags) if (tag >= 0 && tag < 1024) table[tag] = 1
  return table
}

function makeGroup(
  countTag: number,
  inner: { tags: number[]; required: number[]; groups: Map<number, FixGroupDef> },
): FixGroupDef {
  return {
    countTag,
    delimiter: inner.tags[0]!,
    tags: inner.tags,
    has: membership(inner.tags),
    table: denseTable(inner.tags),
    required: inner.required,
    groups: inner.groups,
  }
}

/**
 * Builds a {@link FixDictionary} from the compact text form produced by
 * `scripts/generateDictionary.ts`.
 */
export function parseCompactDictionary(source: {
  version: string
  fields: string
  messages: string
  header: string
  trailer: string
}): FixDictionary {
  const byTag = new Map<number, FixFieldDef>()
  const byName = new Map<string, number>()
  const rows = source.fields.split('\n').map((line) => line.split(' '))
  for (const [tagText, name] of rows) byName.set(name!, Number(tagText))
  const fields: FixFieldDef[] = []
  for (const [tagText, name, type, ...enumValues] of rows) {
    const tag = Number(tagText)
    let byteEnums: Uint8Array | undefined
    if (enumValues.some((v) => v.length === 1)) {
      byteEnums = new Uint8Array(256)
      for (const v of enumValues) if (v.length === 1) byteEnums[v.charCodeAt(0)] = 1
    }
    let lengthTag: number | undefined
    if (type === 'DATA') {
      lengthTag =
        byName.get(`${name}Length`) ?? byName.get(`${name}Len`) ?? (tag === 89 ? 93 : tag - 1)
    }
    const def: FixFieldDef = {
      tag,
      name: name!,
      type: type as FixFieldType,
      format: FORMAT_OF[type!] ?? FieldFormat.any,
      enums: enumValues.length > 0 ? new Set(enumValues) : undefined,
      byteEnums,
      multiple: type === 'MULTIPLEVALUESTRING',
      lengthTag,
    }
    byTag.set(tag, def)
    fields.push(def)
  }
  const maxTag = fields.reduce((m, f) => (f.tag < 10_000 && f.tag > m ? f.tag : m), 0)
  const dense: (FixFieldDef | undefined)[] = Array.from({ length: maxTag + 1 }, () => undefined)
  for (const def of fields) if (def.tag >= 0 && def.tag < 10_000) dense[def.tag] = def
  const dataLength = new Map<number, number>()
  for (const def of fields) if (def.lengthTag !== undefined) dataLength.set(def.tag, def.lengthTag)

  const messages = new Map<string, FixMessageDef>()
  for (const line of source.messages.split('\n')) {
    const [msgType, name, category, layoutText] = line.split(' ')
    const layout = parseLayout(layoutText ?? '')
    messages.set(msgType!, {
      msgType: msgType!,
      name: name!,
      category: category === 'admin' ? 'admin' : 'app',
      tags: layout.tags,
      has: membership(layout.tags),
      table: denseTable(layout.tags),
      required: layout.required,
      groups: layout.groups,
    })
  }
  const toLayout = (text: string): FixLayout => {
    const l = parseLayout(text)
    return {
      tags: l.tags,
      has: membership(l.tags),
      table: denseTable(l.tags),
      required: l.required,
      groups: l.groups,
    }
  }
  const header = toLayout(source.header)
  const trailer = toLayout(source.trailer)
  const headerTable = new Uint8Array(1024)
  const trailerTable = new Uint8Array(1024)
  const mark = (table: Uint8Array, layout: FixLayout) => {
    for (const tag of layout.tags) {
      if (tag < 1024) table[tag] = 1
      const group = layout.groups.get(tag)
      if (group) for (const t of group.tags) if (t < 1024) table[t] = 1
    }
  }
  mark(headerTable, header)
  mark(trailerTable, trailer)
  const sectionTable = new Uint8Array(1024)
  for (let tag = 0; tag < 1024; tag++)
    sectionTable[tag] = headerTable[tag] ? 1 : trailerTable[tag] ? 2 : 0
  return {
    version: source.version,
    field: (tag) => (tag >= 0 && tag <= maxTag ? dense[tag] : byTag.get(tag)),
    fieldByTag: dense,
    sectionTable,
    tagOf: (name) => byName.get(name),
    fields,
    messages,
    header,
    trailer,
    isHeaderTag: (tag) => tag >= 0 && tag < 1024 && headerTable[tag] === 1,
    isTrailerTag: (tag) => tag >= 0 && tag < 1024 && trailerTable[tag] === 1,
    dataLengthTag: (tag) => dataLength.get(tag),
  }
}

let fix44: FixDictionary | undefined

/**
 * The FIX 4.4 data dictionary (QuickFIX 1.15.1's `FIX44.xml`, generated into
 * `fix44Data.ts`). Parsed on first use and shared afterwards.
 */
export function getFix44Dictionary(): FixDictionary {
  fix44 ??= parseCompactDictionary({
    version: FIX44_VERSION,
    fields: FIX44_FIELDS,
    messages: FIX44_MESSAGES,
    header: FIX44_HEADER,
    trailer: FIX44_TRAILER,
  })
  return fix44
}
