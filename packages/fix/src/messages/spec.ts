import type { FixFieldWriter } from '../codec/encoder.js'
import type { FixMessageView } from '../codec/messageView.js'
import { parseUtcTimestampBytes } from '../codec/timestamp.js'
import { type FixLevel, FixValidator } from '../codec/validate.js'
import { getFix44Dictionary } from '../dictionary/dictionary.js'
import { InvalidFixFieldError, MissingFixFieldError } from '../errors.js'
import type { FixOutboundMessage } from '../session/types.js'

/** How a typed field is written and read. */
export type FieldKind = 'string' | 'int' | 'decimal' | 'char' | 'bool' | 'timestamp'

/** A field of a typed message: property name, tag, kind, required. */
export type FieldSpec = {
  readonly key: string
  readonly tag: number
  readonly kind: FieldKind
  readonly required?: boolean
  /** Allowed values (for `char`/`string` enumerations). */
  readonly values?: readonly string[]
}

/** A repeating group of a typed message: property name, NumInGroup tag, entry fields. */
export type GroupSpec = {
  readonly key: string
  readonly countTag: number
  readonly required?: boolean
  readonly fields: readonly (FieldSpec | GroupSpec)[]
}

/** A typed message: its MsgType and fields in wire order. */
export type MessageSpec = {
  readonly msgType: string
  readonly name: string
  readonly fields: readonly (FieldSpec | GroupSpec)[]
}

type Values = Record<string, unknown>
type Path = readonly (string | number)[]

const isGroup = (spec: FieldSpec | GroupSpec): spec is GroupSpec => 'countTag' in spec

/** `-?(digits[.digits?] | .digits)`: a FIX decimal (what the DoubleConvertor accepts, no exponent). */
function isDecimal(text: string): boolean {
  let i = text.charCodeAt(0) === 45 ? 1 : 0
  let digits = 0
  let c = text.charCodeAt(i)
  while (c >= 48 && c <= 57) {
    digits++
    c = text.charCodeAt(++i)
  }
  if (c === 46) {
    c = text.charCodeAt(++i)
    while (c >= 48 && c <= 57) {
      digits++
      c = text.charCodeAt(++i)
    }
  }
  return digits > 0 && i === text.length
}

/** A spec prepared for the hot path: allowed values as sets, tag → position table. */
type Compiled = {
  readonly specs: readonly (FieldSpec | GroupSpec)[]
  readonly values: readonly (ReadonlySet<string> | undefined)[]
  readonly byTag: Int16Array
  readonly hasGroups: boolean
  readonly groups: readonly (Compiled | undefined)[]
  /** Scratch: view index of each spec's field in the level being read (-1: absent). */
  readonly found: Int32Array
}

const compiled = new WeakMap<object, Compiled>()

function compile(specs: readonly (FieldSpec | GroupSpec)[]): Compiled {
  const cached = compiled.get(specs)
  if (cached) return cached
  const byTag = new Int16Array(1024).fill(-1)
  specs.forEach((spec, i) => {
    const tag = isGroup(spec) ? spec.countTag : spec.tag
    if (tag < 1024) byTag[tag] = i
  })
  const result: Compiled = {
    specs,
    values: specs.map((s) => (!isGroup(s) && s.values ? new Set(s.values) : undefined)),
    byTag,
    hasGroups: specs.some(isGroup),
    groups: specs.map((s) => (isGroup(s) ? compile(s.fields) : undefined)),
    found: new Int32Array(specs.length),
  }
  compiled.set(specs, result)
  return result
}

function invalid(path: Path, key: string | number, rule: string, message: string): never {
  throw new InvalidFixFieldError(message, { code: 'FIX_INVALID_FIELD', path: [...path, key], rule })
}

function missing(path: Path, key: string, tag: number): never {
  throw new MissingFixFieldError(`is required (tag ${tag}).`, {
    code: 'FIX_MISSING_FIELD',
    path: [...path, key],
    rule: 'required',
  })
}

/** Checks values against the spec; throws naming the first bad field. */
/**
 * Checks values against the spec and returns them in spec order (groups as arrays of such
 * arrays): a snapshot, so later changes to the caller's object do not alter the message.
 */
function checkFields(c: Compiled, values: Values, path: Path): unknown[] {
  const specs = c.specs
  const out: unknown[] = new Array(specs.length)
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i]!
    const value = values[spec.key]
    out[i] = value
    if (value === undefined) {
      if (spec.required) missing(path, spec.key, isGroup(spec) ? spec.countTag : spec.tag)
      continue
    }
    if (isGroup(spec)) {
      if (!Array.isArray(value)) invalid(path, spec.key, 'group', 'must be an array of entries.')
      const inner = c.groups[i]!
      const entries: unknown[][] = []
      for (let k = 0; k < value.length; k++) {
        entries.push(checkFields(inner, value[k] as Values, [...path, spec.key, k]))
      }
      out[i] = entries
      continue
    }
    switch (spec.kind) {
      case 'int':
        if (typeof value !== 'number' || !Number.isSafeInteger(value))
          invalid(path, spec.key, 'int', 'must be an integer.')
        break
      case 'bool':
        if (typeof value !== 'boolean') invalid(path, spec.key, 'bool', 'must be a boolean.')
        break
      case 'timestamp':
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          invalid(path, spec.key, 'timestamp', 'must be epoch milliseconds.')
        }
        break
      case 'decimal':
        if (typeof value !== 'string' || !isDecimal(value))
          invalid(path, spec.key, 'decimal', 'must be a decimal string.')
        break
      default: {
        if (typeof value !== 'string' || value.length === 0 || value.includes('\x01')) {
          invalid(path, spec.key, 'string', 'must be a non-empty string without SOH.')
        }
        if (spec.kind === 'char' && value.length !== 1)
          invalid(path, spec.key, 'char', 'must be one character.')
        const allowed = c.values[i]
        if (allowed && !allowed.has(value))
          invalid(path, spec.key, 'enum', `must be one of ${[...allowed].join(', ')}.`)
      }
    }
  }
  return out
}

/** Writes checked values. */
function writeFields(w: FixFieldWriter, c: Compiled, values: readonly unknown[]): void {
  const specs = c.specs
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i]!
    const value = values[i]
    if (value === undefined) continue
    if (isGroup(spec)) {
      const entries = value as unknown[][]
      w.int(spec.countTag, entries.length)
      const inner = c.groups[i]!
      for (let k = 0; k < entries.length; k++) writeFields(w, inner, entries[k]!)
      continue
    }
    switch (spec.kind) {
      case 'int':
        w.int(spec.tag, value as number)
        break
      case 'bool':
        w.bool(spec.tag, value as boolean)
        break
      case 'timestamp':
        w.timestamp(spec.tag, value as number)
        break
      default:
        w.str(spec.tag, value as string)
    }
  }
}

/**
 * Builds an outbound message from typed values (checked now, written when sent).
 *
 * @throws {MissingFixFieldError} when a required value is absent.
 * @throws {InvalidFixFieldError} when a value has the wrong kind or is not allowed.
 */
export function buildMessage(spec: MessageSpec, values: Values): FixOutboundMessage {
  const c = compile(spec.fields)
  return new TypedOutbound(spec.msgType, c, checkFields(c, values, []))
}

/** An outbound message from checked typed values (a class: no closure per message). */
class TypedOutbound implements FixOutboundMessage {
  readonly msgType: string
  private readonly compiled: Compiled
  private readonly values: readonly unknown[]
  constructor(msgType: string, compiled: Compiled, values: readonly unknown[]) {
    this.msgType = msgType
    this.compiled = compiled
    this.values = values
  }
  writeBody(w: FixFieldWriter): void {
    writeFields(w, this.compiled, this.values)
  }
}

let structureValidator: FixValidator | undefined

/** Reads the value of field `index` as `spec` says. */
function readValue(
  view: FixMessageView,
  index: number,
  spec: FieldSpec,
  allowed: ReadonlySet<string> | undefined,
  path: Path,
): unknown {
  switch (spec.kind) {
    case 'int': {
      const n = view.intAt(index)
      if (Number.isNaN(n))
        invalid(path, spec.key, 'int', `is not an integer: "${view.valueAt(index)}".`)
      return n
    }
    case 'bool': {
      if (view.valueLengthAt(index) === 1) {
        const b = view.bytes[view.table[index * 3 + 1]!]
        if (b === 89) return true
        if (b === 78) return false
      }
      return invalid(path, spec.key, 'bool', `is not Y or N: "${view.valueAt(index)}".`)
    }
    case 'timestamp': {
      const ms = parseUtcTimestampBytes(
        view.bytes,
        view.table[index * 3 + 1]!,
        view.table[index * 3 + 2]!,
      )
      if (Number.isNaN(ms))
        invalid(path, spec.key, 'timestamp', `is not a UTCTimestamp: "${view.valueAt(index)}".`)
      return ms
    }
    case 'decimal': {
      const text = view.valueAt(index)
      if (!isDecimal(text)) invalid(path, spec.key, 'decimal', `is not a decimal: "${text}".`)
      return text
    }
    default: {
      const text = view.valueAt(index)
      if (spec.kind === 'char' && text.length !== 1)
        invalid(path, spec.key, 'char', `is not one character: "${text}".`)
      if (allowed && !allowed.has(text)) {
        invalid(path, spec.key, 'enum', `must be one of ${[...allowed].join(', ')}, got "${text}".`)
      }
      return text
    }
  }
}

/** Reads the fields of `indices` (one level) into an object. */
function readLevel(
  view: FixMessageView,
  indices: ArrayLike<number>,
  from: number,
  to: number,
  level: FixLevel | undefined,
  c: Compiled,
  path: Path,
): Values {
  const t = view.table
  const specs = c.specs
  const found = c.found
  found.fill(-1)
  // First pass: where each field is (the first occurrence counts).
  for (let k = from; k < to; k++) {
    const index = indices[k]!
    const tag = t[index * 3]!
    const i = tag >= 0 && tag < 1024 ? c.byTag[tag]! : -1
    if (i >= 0 && found[i] === -1) found[i] = index
  }
  // Second pass, in spec order (the same property order every time): read the values.
  const out: Values = {}
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i]!
    const index = found[i]!
    if (index < 0) {
      if (spec.required) missing(path, spec.key, isGroup(spec) ? spec.countTag : spec.tag)
      continue
    }
    if (isGroup(spec)) {
      const entries = level?.groups?.get(index)?.entries ?? []
      const inner = c.groups[i]!
      const values: Values[] = []
      for (let n = 0; n < entries.length; n++) {
        const entry = entries[n]!
        values.push(
          readLevel(view, entry.indices, 0, entry.indices.length, entry, inner, [
            ...path,
            spec.key,
            n,
          ]),
        )
      }
      out[spec.key] = values
    } else out[spec.key] = readValue(view, index, spec, c.values[i], path)
  }
  return out
}

/**
 * Reads a typed message from a view (groups found with the FIX 4.4 dictionary).
 *
 * @throws {InvalidFixFieldError} when the MsgType differs or a value is malformed.
 * @throws {MissingFixFieldError} when a required field is absent.
 */
export function readMessage(spec: MessageSpec, view: FixMessageView): Values {
  if (view.msgType !== spec.msgType) {
    invalid(
      [],
      'MsgType',
      'msg_type',
      `is "${view.msgType}", expected ${spec.name} (${spec.msgType}).`,
    )
  }
  const c = compile(spec.fields)
  if (!c.hasGroups) {
    // No groups: one pass over the body fields in wire order (header fields are never in specs).
    return readLevel(view, identityIndices(view.count), 3, view.count - 1, undefined, c, [])
  }
  structureValidator ??= new FixValidator({ dictionary: getFix44Dictionary() })
  const structure = structureValidator.structure(view)
  const body = structure.body
  return readLevel(view, body.indices, 0, body.indices.length, body, c, [])
}

let identityCache = new Int32Array(0)
function identityIndices(count: number): Int32Array {
  if (identityCache.length < count) {
    identityCache = new Int32Array(Math.max(count, 64) * 2)
    for (let i = 0; i < identityCache.length; i++) identityCache[i] = i
  }
  return identityCache
}
