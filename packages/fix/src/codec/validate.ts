import {
  FieldFormat,
  type FixDictionary,
  type FixFieldDef,
  type FixGroupDef,
  type FixLayout,
  type FixMessageDef,
  getFix44Dictionary,
} from '../dictionary/dictionary.js'
import { latin1 } from './bytes.js'
import type { FixMessageView } from './messageView.js'
import { SessionRejectReason } from './rejectReasons.js'

/** A session-level validation failure: the SessionRejectReason and the tag at fault (if any). */
export type FixValidationError = {
  readonly reason: SessionRejectReason
  /** RefTagID (371); undefined when the failure is not about one tag (e.g. Invalid MsgType). */
  readonly tag: number | undefined
}

/** Fields of one level (header, body or a group entry): indices into the view, wire order. */
export type FixLevel = {
  readonly indices: number[]
  /** Parsed groups at this level, by the view index of their NumInGroup field. */
  groups: Map<number, FixGroupNode> | undefined
}

/** A repeating group as parsed: its definition and entries. */
export type FixGroupNode = {
  readonly def: FixGroupDef
  readonly entries: FixLevel[]
}

/** The structure of a message found by {@link FixValidator.structure}. */
export type FixStructure = {
  readonly header: FixLevel
  readonly body: FixLevel
  readonly trailer: FixLevel
  readonly messageDef: FixMessageDef | undefined
}

/** Options of {@link FixValidator}. */
export type FixValidatorOptions = {
  dictionary?: FixDictionary
  /** Reject header fields after body fields, body fields after trailer fields (default true). */
  checkFieldsOutOfOrder?: boolean
  /** Reject empty values (default true). */
  checkFieldsHaveValues?: boolean
  /** Reject tags ≥ 5000 that the dictionary does not define (default true). */
  checkUserDefinedFields?: boolean
}

const err = (reason: SessionRejectReason, tag: number | undefined): FixValidationError => ({
  reason,
  tag,
})

/**
 * Validates tokenized messages against a data dictionary with QuickFIX's rules and order of
 * checks: field order (header, body, trailer), group delimiters, MsgType, required tags,
 * then every field in tag order: repeated, empty, data format, enumeration, defined at all,
 * defined for the message type, NumInGroup counts. Reuses its scratch state: not re-entrant.
 */
export class FixValidator {
  readonly dictionary: FixDictionary
  private readonly checkOrder: boolean
  private readonly checkValues: boolean
  private readonly checkUserDefined: boolean
  private outOfOrderTag = 0
  private groupOrderTag = 0

  constructor(options: FixValidatorOptions = {}) {
    this.dictionary = options.dictionary ?? getFix44Dictionary()
    this.checkOrder = options.checkFieldsOutOfOrder ?? true
    this.checkValues = options.checkFieldsHaveValues ?? true
    this.checkUserDefined = options.checkUserDefinedFields ?? true
  }

  /**
   * Splits the message into header, body (with repeating groups) and trailer following the
   * dictionary. Never fails; problems are found by {@link FixValidator.validate}.
   */
  structure(view: FixMessageView): FixStructure {
    const d = this.dictionary
    const messageDef = d.messages.get(view.msgType)
    const header: FixLevel = { indices: [0, 1, 2], groups: undefined }
    const body: FixLevel = { indices: [], groups: undefined }
    const trailer: FixLevel = { indices: [], groups: undefined }
    this.outOfOrderTag = 0
    this.groupOrderTag = 0
    const sections = d.sectionTable
    const t = view.table
    const headerGroups = d.header.groups
    const bodyGroups = messageDef?.groups
    let section = 0 // 0 header, 1 body, 2 trailer
    const last = view.count
    let i = 3
    while (i < last) {
      const tag = t[i * 3]!
      const kind = tag >= 0 && tag < 1024 ? sections[tag]! : 0
      if (kind === 1) {
        if (section !== 0 && this.outOfOrderTag === 0) this.outOfOrderTag = tag
        header.indices.push(i)
        const group = headerGroups.size > 0 ? headerGroups.get(tag) : undefined
        i = group ? this.parseGroup(view, i, group, header) : i + 1
      } else if (kind === 2) {
        section = 2
        trailer.indices.push(i)
        i++
      } else {
        if (section === 2 && this.outOfOrderTag === 0) this.outOfOrderTag = tag
        if (section === 0) section = 1
        body.indices.push(i)
        const group =
          bodyGroups !== undefined && bodyGroups.size > 0 ? bodyGroups.get(tag) : undefined
        i = group ? this.parseGroup(view, i, group, body) : i + 1
      }
    }
    return { header, body, trailer, messageDef }
  }

  /** Parses the entries of the group whose NumInGroup is field `countIndex`; returns the next index. */
  private parseGroup(
    view: FixMessageView,
    countIndex: number,
    def: FixGroupDef,
    level: FixLevel,
  ): number {
    const entries: FixLevel[] = []
    let current: FixLevel | undefined
    let i = countIndex + 1
    const last = view.count
    while (i < last) {
      const tag = view.tagAt(i)
      if (!def.has(tag)) break
      if (tag === def.delimiter || current === undefined || hasTag(view, current, tag)) {
        if (tag !== def.delimiter && this.groupOrderTag === 0) this.groupOrderTag = tag
        current = { indices: [], groups: undefined }
        entries.push(current)
      }
      current.indices.push(i)
      const nested = def.groups.get(tag)
      i = nested ? this.parseGroup(view, i, nested, current) : i + 1
    }
    level.groups ??= new Map()
    level.groups.set(countIndex, { def, entries })
    return i
  }

  /**
   * Validates a tokenized message. Returns the first failure in QuickFIX's order, or undefined.
   * `structure` may be passed when already computed.
   */
  validate(view: FixMessageView, structure = this.structure(view)): FixValidationError | undefined {
    const d = this.dictionary
    if (this.checkOrder && this.outOfOrderTag !== 0) {
      return err(SessionRejectReason.tagSpecifiedOutOfRequiredOrder, this.outOfOrderTag)
    }
    if (this.groupOrderTag !== 0) {
      return err(SessionRejectReason.repeatingGroupFieldsOutOfOrder, this.groupOrderTag)
    }
    const def = structure.messageDef
    if (!def) return err(SessionRejectReason.invalidMsgType, undefined)
    const missing =
      firstMissing(view, structure.header, d.header) ??
      firstMissing(view, structure.trailer, d.trailer) ??
      firstMissing(view, structure.body, def)
    if (missing !== undefined) return err(SessionRejectReason.requiredTagMissing, missing)
    const groupMissing = this.groupRequired(view, structure.body)
    if (groupMissing !== undefined) return err(SessionRejectReason.requiredTagMissing, groupMissing)
    return (
      this.iterate(view, structure.header, d.header, true) ??
      this.iterate(view, structure.trailer, d.trailer, true) ??
      this.iterate(view, structure.body, def, false)
    )
  }

  private groupRequired(view: FixMessageView, level: FixLevel): number | undefined {
    if (!level.groups) return undefined
    for (const node of level.groups.values()) {
      for (const entry of node.entries) {
        const missing = firstMissing(view, entry, node.def) ?? this.groupRequired(view, entry)
        if (missing !== undefined) return missing
      }
    }
    return undefined
  }

  /**
   * Checks every field of a level. QuickFIX iterates its field map in ascending tag order and
   * reports the first failure; the same answer comes without sorting by checking the fields in
   * wire order and keeping the failure with the lowest tag (the first one found for equal tags,
   * which is what a stable sort would reach first).
   */
  private iterate(
    view: FixMessageView,
    level: FixLevel,
    layout: FixLayout,
    headerOrTrailer: boolean,
  ): FixValidationError | undefined {
    const t = view.table
    const indices = level.indices
    const count = indices.length
    const fields = this.dictionary.fieldByTag
    const maxTag = fields.length
    const membership = layout.table
    const groups = level.groups
    const seen = stamps
    const stamp = nextGeneration()
    let large: Set<number> | undefined
    let bestTag = Number.POSITIVE_INFINITY
    let bestReason = -1
    for (let k = 0; k < count; k++) {
      const index = indices[k]!
      const tag = t[index * 3]!
      if (tag >= bestTag) {
        // Only a lower tag can change the answer; still note the tag as seen.
        if (tag >= 0 && tag < 1024) seen[tag] = stamp
        continue
      }
      let reason = -1
      if (tag >= 0 && tag < 1024) {
        if (seen[tag] === stamp) reason = SessionRejectReason.tagAppearsMoreThanOnce
        seen[tag] = stamp
      } else {
        large ??= new Set()
        if (large.has(tag)) reason = SessionRejectReason.tagAppearsMoreThanOnce
        large.add(tag)
      }
      if (reason < 0)
        reason = this.checkField(
          view,
          index,
          tag,
          fields,
          maxTag,
          membership,
          layout,
          groups,
          headerOrTrailer,
        )
      if (reason >= 0) {
        bestTag = tag
        bestReason = reason
      }
    }
    if (bestReason >= 0) return err(bestReason as SessionRejectReason, bestTag)
    if (groups) {
      for (const node of groups.values()) {
        for (const entry of node.entries) {
          const failure = this.iterate(view, entry, node.def, false)
          if (failure) return failure
        }
      }
    }
    return undefined
  }

  /** The checks of one field in QuickFIX's order; -1 when it passes. */
  private checkField(
    view: FixMessageView,
    index: number,
    tag: number,
    fields: readonly (FixFieldDef | undefined)[],
    maxTag: number,
    membership: Uint8Array,
    layout: FixLayout,
    groups: Map<number, FixGroupNode> | undefined,
    headerOrTrailer: boolean,
  ): number {
    const t = view.table
    const valueStart = t[index * 3 + 1]!
    const valueEnd = t[index * 3 + 2]!
    if (valueEnd === valueStart && this.checkValues)
      return SessionRejectReason.tagSpecifiedWithoutValue
    const field = tag >= 0 && tag < maxTag ? fields[tag] : this.dictionary.field(tag)
    if (field) {
      if (field.format !== FieldFormat.any && !checkFormat(view, index, field.format)) {
        return SessionRejectReason.incorrectDataFormat
      }
      if (field.enums !== undefined) {
        const ok =
          field.byteEnums !== undefined && valueEnd - valueStart === 1 && !field.multiple
            ? field.byteEnums[view.bytes[valueStart]!] === 1
            : checkEnum(view, index, field)
        if (!ok) return SessionRejectReason.valueIsIncorrect
      }
    } else {
      if (tag >= 5000 && !this.checkUserDefined) return -1
      return SessionRejectReason.invalidTagNumber
    }
    if (headerOrTrailer) return -1
    if (tag >= 5000 && !this.checkUserDefined) return -1
    if (tag < 1024 ? membership[tag] !== 1 : !layout.has(tag)) {
      return SessionRejectReason.tagNotDefinedForMessageType
    }
    if (groups !== undefined) {
      const node = groups.get(index)
      if (node && view.intAt(index) !== node.entries.length)
        return SessionRejectReason.incorrectNumInGroupCount
    }
    return -1
  }
}

function hasTag(view: FixMessageView, level: FixLevel, tag: number): boolean {
  for (const index of level.indices) if (view.tagAt(index) === tag) return true
  return false
}

/** Per-tag marks (tags below 1024) for membership checks; a new generation clears them all. */
const stamps = new Uint32Array(1024)
let generation = 0

function nextGeneration(): number {
  generation = (generation + 1) >>> 0
  if (generation === 0) {
    stamps.fill(0)
    generation = 1
  }
  return generation
}

function firstMissing(
  view: FixMessageView,
  level: FixLevel,
  layout: FixLayout,
): number | undefined {
  const required = layout.required
  if (required.length === 0) return undefined
  const stamp = nextGeneration()
  const t = view.table
  const indices = level.indices
  for (let k = 0; k < indices.length; k++) {
    const tag = t[indices[k]! * 3]!
    if (tag >= 0 && tag < 1024) stamps[tag] = stamp
  }
  for (let k = 0; k < required.length; k++) {
    const tag = required[k]!
    if (tag < 1024 ? stamps[tag] !== stamp : !hasTag(view, level, tag)) return tag
  }
  return undefined
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57
}

function digits(b: Uint8Array, p: number, n: number): number {
  let v = 0
  for (let i = 0; i < n; i++) {
    const c = b[p + i]! - 48
    if (c < 0 || c > 9) return -1
    v = v * 10 + c
  }
  return v
}

/** `YYYYMMDD` with month 1-12 and day 1-31. */
function checkDate(b: Uint8Array, p: number): boolean {
  const y = digits(b, p, 4)
  const m = digits(b, p + 4, 2)
  const d = digits(b, p + 6, 2)
  return y >= 0 && m >= 1 && m <= 12 && d >= 1 && d <= 31
}

/** `HH:MM:SS[.f{1,9}]` from p to e. */
function checkTime(b: Uint8Array, p: number, e: number): boolean {
  const length = e - p
  if (length < 8 || b[p + 2] !== 58 || b[p + 5] !== 58) return false
  const h = digits(b, p, 2)
  const m = digits(b, p + 3, 2)
  const s = digits(b, p + 6, 2)
  if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 60) return false
  if (length === 8) return true
  if (b[p + 8] !== 46 || length < 10 || length > 18) return false
  for (let i = p + 9; i < e; i++) if (!isDigit(b[i]!)) return false
  return true
}

/** Checks the syntax of field `index` for its type. */
export function checkFormat(view: FixMessageView, index: number, format: FieldFormat): boolean {
  if (format === FieldFormat.any) return true
  const b = view.bytes
  let p = view.table[index * 3 + 1]!
  const e = view.table[index * 3 + 2]!
  switch (format) {
    case FieldFormat.int: {
      if (p < e && b[p] === 45) p++
      if (p >= e) return false
      for (; p < e; p++) if (!isDigit(b[p]!)) return false
      return true
    }
    case FieldFormat.float: {
      if (p < e && b[p] === 45) p++
      if (p >= e) return false
      let any = false
      while (p < e && isDigit(b[p]!)) {
        p++
        any = true
      }
      if (p < e && b[p] === 46) {
        p++
        while (p < e && isDigit(b[p]!)) {
          p++
          any = true
        }
      }
      return p === e && any
    }
    case FieldFormat.char:
      return e - p === 1
    case FieldFormat.boolean:
      return e - p === 1 && (b[p] === 89 || b[p] === 78)
    case FieldFormat.utcTimestamp:
      return e - p >= 17 && checkDate(b, p) && b[p + 8] === 45 && checkTime(b, p + 9, e)
    case FieldFormat.utcDateOnly:
      return e - p === 8 && checkDate(b, p)
    case FieldFormat.utcTimeOnly:
      return checkTime(b, p, e)
  }
  return true
}

function checkEnum(
  view: FixMessageView,
  index: number,
  field: {
    enums: ReadonlySet<string> | undefined
    byteEnums: Uint8Array | undefined
    multiple: boolean
  },
): boolean {
  const s = view.table[index * 3 + 1]!
  const e = view.table[index * 3 + 2]!
  if (field.byteEnums && e - s === 1 && !field.multiple)
    return field.byteEnums[view.bytes[s]!] === 1
  const value = latin1(view.bytes, s, e)
  if (!field.multiple) return field.enums!.has(value)
  for (const part of value.split(' ')) if (!field.enums!.has(part)) return false
  return true
}
