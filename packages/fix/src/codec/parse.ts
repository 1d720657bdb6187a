import type { FixDictionary } from '../dictionary/dictionary.js'
import { GarbledFixMessageError, InvalidFixMessageError } from '../errors.js'
import { FixMessageView } from './messageView.js'
import { sessionRejectText } from './rejectReasons.js'
import { type FixGarbledReason, type TokenizeOptions, tokenizeFixMessage } from './tokenize.js'
import { type FixLevel, FixValidator, type FixValidatorOptions } from './validate.js'

const GARBLED_TEXT: Record<FixGarbledReason, string> = {
  begin_string_not_first: 'BeginString (8) must be the first field',
  begin_string_mismatch: 'BeginString (8) is not the expected version',
  body_length_not_second: 'BodyLength (9) must be the second field',
  msg_type_not_third: 'MsgType (35) must be the third field',
  field_syntax: 'a field is not tag=value',
  unterminated_field: 'a field is not terminated by SOH',
  body_length_mismatch: 'BodyLength (9) does not match the body',
  checksum_missing: 'CheckSum (10) is missing',
  checksum_not_last: 'CheckSum (10) is not the last field',
  checksum_mismatch: 'CheckSum (10) is wrong',
  too_many_fields: 'too many fields',
}

const GARBLED_TAG: Partial<Record<FixGarbledReason, number>> = {
  begin_string_not_first: 8,
  begin_string_mismatch: 8,
  body_length_not_second: 9,
  msg_type_not_third: 35,
  body_length_mismatch: 9,
  checksum_missing: 10,
  checksum_not_last: 10,
  checksum_mismatch: 10,
}

/**
 * A reusable parser for hot paths: `parse()` fills and returns the same view each time (valid
 * until the next call), or returns why the bytes are garbled. No allocation per message.
 */
export class FixParser {
  readonly view = new FixMessageView()
  private readonly options: TokenizeOptions | undefined
  constructor(options?: TokenizeOptions) {
    this.options = options
  }
  /** Tokenizes `bytes[start, end)`; the view on success, the garbled reason otherwise. */
  parse(bytes: Uint8Array, start = 0, end = bytes.length): FixMessageView | FixGarbledReason {
    const garbled = tokenizeFixMessage(bytes, start, end, this.view, this.options)
    return garbled ?? this.view
  }
}

/**
 * Parses one complete FIX message into a lazy {@link FixMessageView} (no copy of the bytes).
 *
 * @throws {GarbledFixMessageError} naming the offending field and the rule when the bytes are
 *   not one well-formed message (header order, field syntax, BodyLength, CheckSum).
 */
export function parseFixMessage(bytes: Uint8Array, options?: TokenizeOptions): FixMessageView {
  const view = new FixMessageView(32)
  const garbled = tokenizeFixMessage(bytes, 0, bytes.length, view, options)
  if (garbled) {
    const tag = GARBLED_TAG[garbled]
    throw new GarbledFixMessageError(`${GARBLED_TEXT[garbled]}.`, {
      code: 'FIX_GARBLED_MESSAGE',
      path: tag === undefined ? [] : [tag],
      rule: garbled,
    })
  }
  return view
}

/** Field values by field name; repeating groups are arrays of entries. */
export type FixFieldMap = { [name: string]: string | FixFieldMap[] }

/** A message decoded with the dictionary: header, body (with groups) and trailer. */
export type DecodedFixMessage = {
  readonly msgType: string
  /** The dictionary's name for the message type (`NewOrderSingle`). */
  readonly name: string
  readonly header: FixFieldMap
  readonly body: FixFieldMap
  readonly trailer: FixFieldMap
}

/** Options of {@link decodeFixMessage}. */
export type DecodeFixMessageOptions = FixValidatorOptions & {
  /** Skip dictionary validation (default false). */
  skipValidation?: boolean
}

const validators = new WeakMap<object, FixValidator>()
let defaultValidator: FixValidator | undefined

function validatorFor(options: DecodeFixMessageOptions | undefined): FixValidator {
  if (!options || Object.keys(options).every((k) => k === 'skipValidation')) {
    defaultValidator ??= new FixValidator()
    return defaultValidator
  }
  const cached = validators.get(options)
  if (cached) return cached
  const validator = new FixValidator(options)
  validators.set(options, validator)
  return validator
}

function levelToMap(view: FixMessageView, level: FixLevel, dictionary: FixDictionary): FixFieldMap {
  const map: FixFieldMap = {}
  for (const index of level.indices) {
    const tag = view.tagAt(index)
    const name = dictionary.field(tag)?.name ?? String(tag)
    const group = level.groups?.get(index)
    map[name] = group
      ? group.entries.map((e) => levelToMap(view, e, dictionary))
      : view.valueAt(index)
  }
  return map
}

/**
 * Fully decodes a message with the data dictionary: validates it (QuickFIX's rules) and returns
 * header, body with repeating groups and component fields, and trailer, keyed by field name.
 *
 * @throws {GarbledFixMessageError} when bytes are given and they are garbled.
 * @throws {InvalidFixMessageError} with the SessionRejectReason (373) and RefTagID (371) when a
 *   dictionary rule is broken.
 */
export function decodeFixMessage(
  message: Uint8Array | FixMessageView,
  options?: DecodeFixMessageOptions,
): DecodedFixMessage {
  const view = message instanceof FixMessageView ? message : parseFixMessage(message)
  const validator = validatorFor(options)
  const structure = validator.structure(view)
  if (!options?.skipValidation) {
    const failure = validator.validate(view, structure)
    if (failure) {
      throw new InvalidFixMessageError(
        `${sessionRejectText[failure.reason] ?? 'Invalid message'}.`,
        {
          code: 'FIX_INVALID_MESSAGE',
          path: failure.tag === undefined ? [] : [failure.tag],
          rule: `session_reject_reason_${failure.reason}`,
          sessionRejectReason: failure.reason,
          refTagId: failure.tag,
        },
      )
    }
  }
  const d = validator.dictionary
  return {
    msgType: view.msgType,
    name: structure.messageDef?.name ?? view.msgType,
    header: levelToMap(view, structure.header, d),
    body: levelToMap(view, structure.body, d),
    trailer: levelToMap(view, structure.trailer, d),
  }
}
