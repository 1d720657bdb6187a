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

const isGroup = (spec: FieldSpec | GroupSpec): spec is GroupSpec => 'countTag' in spec

const DECIMAL = /^-?(\d+\.?\d*|\.\d+)$/

function invalid(path: readonly (string | number)[], rule: string, message: string): never {
  throw new InvalidFixFieldError(message, { code: 'FIX_INVALID_FIELD', path, rule })
}

function writeFields(
  w: FixFieldWriter,
  specs: readonly (FieldSpec | GroupSpec)[],
  values: Values,
  path: readonly (string | number)[],
): void {
  for (const spec of specs) {
    const value = values[spec.key]
    const here = (): (string | number)[] => [...path, spec.key]
    if (value === undefined) {
      if (spec.required) {
        throw new MissingFixFieldError(
          `is required (tag ${isGroup(spec) ? spec.countTag : spec.tag}).`,
          {
            code: 'FIX_MISSING_FIELD',
            path: here(),
            rule: 'required',
          },
        )
      }
      continue
    }
    if (isGroup(spec)) {
      if (!Array.isArray(value)) invalid(here(), 'group', 'must be an array of entries.')
      w.int(spec.countTag, value.length)
      value.forEach((entry: Values, i: number) => {
        writeFields(w, spec.fields, entry, [...here(), i])
      })
      continue
    }
    switch (spec.kind) {
      case 'int':
        if (typeof value !== 'number' || !Number.isSafeInteger(value))
          invalid(here(), 'int', 'must be an integer.')
        w.int(spec.tag, value)
        break
      case 'bool':
        if (typeof value !== 'boolean') invalid(here(), 'bool', 'must be a boolean.')
        w.bool(spec.tag, value)
        break
      case 'timestamp':
        if (typeof value !== 'number' || !Number.isFinite(value))
          invalid(here(), 'timestamp', 'must be epoch milliseconds.')
        w.timestamp(spec.tag, value)
        break
      case 'decimal':
        if (typeof value !== 'string' || !DECIMAL.test(value))
          invalid(here(), 'decimal', 'must be a decimal string.')
        w.str(spec.tag, value)
        break
      default:
        if (typeof value !== 'string' || value.length === 0 || value.includes('\x01')) {
          invalid(here(), 'string', 'must be a non-empty string without SOH.')
        }
        if (spec.kind === 'char' && value.length !== 1)
          invalid(here(), 'char', 'must be one character.')
        if (spec.values && !spec.values.includes(value)) {
          invalid(here(), 'enum', `must be one of ${spec.values.join(', ')}.`)
        }
        w.str(spec.tag, value)
    }
  }
}

/**
 * Builds an outbound message from typed values.
 *
 * @throws {MissingFixFieldError} when a required value is absent.
 * @throws {InvalidFixFieldError} when a value has the wrong kind or is not allowed.
 */
export function buildMessage(spec: MessageSpec, values: Values): FixOutboundMessage {
  // Check eagerly (errors surface at the call, not inside the session).
  writeFields(nullWriter, spec.fields, values, [])
  return {
    msgType: spec.msgType,
    writeBody: (w) => writeFields(w, spec.fields, values, []),
  }
}

const nullWriter: FixFieldWriter = {
  str: () => nullWriter,
  int: () => nullWriter,
  char: () => nullWriter,
  bool: () => nullWriter,
  timestamp: () => nullWriter,
  bytes: () => nullWriter,
  raw: () => nullWriter,
}

let structureValidator: FixValidator | undefined

function readLevel(
  view: FixMessageView,
  level: FixLevel,
  specs: readonly (FieldSpec | GroupSpec)[],
  path: readonly (string | number)[],
): Values {
  const out: Values = {}
  for (const spec of specs) {
    const tag = isGroup(spec) ? spec.countTag : spec.tag
    const index = level.indices.find((i) => view.tagAt(i) === tag)
    const here = (): (string | number)[] => [...path, spec.key]
    if (index === undefined) {
      if (spec.required) {
        throw new MissingFixFieldError(`is required (tag ${tag}).`, {
          code: 'FIX_MISSING_FIELD',
          path: here(),
          rule: 'required',
        })
      }
      continue
    }
    if (isGroup(spec)) {
      const node = level.groups?.get(index)
      out[spec.key] = (node?.entries ?? []).map((entry, i) =>
        readLevel(view, entry, spec.fields, [...here(), i]),
      )
      continue
    }
    const text = view.valueAt(index)
    switch (spec.kind) {
      case 'int': {
        const n = view.intAt(index)
        if (Number.isNaN(n)) invalid(here(), 'int', `is not an integer: "${text}".`)
        out[spec.key] = n
        break
      }
      case 'bool':
        if (text !== 'Y' && text !== 'N') invalid(here(), 'bool', `is not Y or N: "${text}".`)
        out[spec.key] = text === 'Y'
        break
      case 'timestamp': {
        const ms = parseUtcTimestampBytes(
          view.bytes,
          view.table[index * 3 + 1]!,
          view.table[index * 3 + 2]!,
        )
        if (Number.isNaN(ms)) invalid(here(), 'timestamp', `is not a UTCTimestamp: "${text}".`)
        out[spec.key] = ms
        break
      }
      case 'decimal':
        if (!DECIMAL.test(text)) invalid(here(), 'decimal', `is not a decimal: "${text}".`)
        out[spec.key] = text
        break
      default:
        if (spec.kind === 'char' && text.length !== 1)
          invalid(here(), 'char', `is not one character: "${text}".`)
        if (spec.values && !spec.values.includes(text)) {
          invalid(here(), 'enum', `must be one of ${spec.values.join(', ')}, got "${text}".`)
        }
        out[spec.key] = text
    }
  }
  return out
}

/**
 * Reads a typed message from a view (structure and groups from the FIX 4.4 dictionary).
 *
 * @throws {InvalidFixFieldError} when the MsgType differs or a value is malformed.
 * @throws {MissingFixFieldError} when a required field is absent.
 */
export function readMessage(spec: MessageSpec, view: FixMessageView): Values {
  if (view.msgType !== spec.msgType) {
    invalid(
      ['MsgType'],
      'msg_type',
      `is "${view.msgType}", expected ${spec.name} (${spec.msgType}).`,
    )
  }
  structureValidator ??= new FixValidator({ dictionary: getFix44Dictionary() })
  const structure = structureValidator.structure(view)
  return readLevel(view, structure.body, spec.fields, [])
}
