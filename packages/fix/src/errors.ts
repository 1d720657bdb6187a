import { InputError, registerErrorCodes, StrongroomError } from '@strongroom/core'
import { version } from './version.js'

/** Error codes owned by `@strongroom/fix`. */
export const FixErrorCode = registerErrorCodes('@strongroom/fix', {
  FIX_GARBLED_MESSAGE:
    'Bytes given as a FIX message are not one well-formed message (framing, BodyLength, CheckSum or field syntax).',
  FIX_INVALID_MESSAGE:
    'A FIX message broke a data dictionary rule (the session-level reject reason is in the error).',
  FIX_INVALID_FIELD: 'A FIX field value is malformed or outside its allowed values.',
  FIX_MISSING_FIELD: 'A field a typed FIX reader or builder needs is absent.',
  FIX_INVALID_CONFIG: 'A FIX session, acceptor or initiator configuration is invalid.',
  FIX_STORE_CORRUPT: 'A FIX file message store is corrupt beyond a torn last record.',
  FIX_STORE_IO: 'A FIX file message store could not read or write its files.',
})

/** One of the codes in {@link FixErrorCode}. */
export type FixErrorCode = (typeof FixErrorCode)[keyof typeof FixErrorCode]

const packageVersion = `@strongroom/fix@${version}`

/** Options of the input errors below (`path` names the field, `rule` the broken rule). */
export type FixInputErrorOptions<code extends string> = {
  code: code
  path: readonly (string | number)[]
  rule: string
  cause?: unknown
  details?: string
  metaMessages?: readonly string[]
}

function inputOptions<code extends string>(options: FixInputErrorOptions<code>) {
  return { ...options, path: [...options.path], version: packageVersion }
}

/** Bytes are not a well-formed FIX message; `rule` is the garbled reason. Nothing was changed. */
export class GarbledFixMessageError extends InputError<'FIX_GARBLED_MESSAGE'> {
  override name = 'GarbledFixMessageError'
  constructor(shortMessage: string, options: FixInputErrorOptions<'FIX_GARBLED_MESSAGE'>) {
    super(shortMessage, inputOptions(options))
  }
}

/** A message broke a dictionary rule; `sessionRejectReason` is the FIX 373 value. */
export class InvalidFixMessageError extends InputError<'FIX_INVALID_MESSAGE'> {
  override name = 'InvalidFixMessageError'
  /** SessionRejectReason (373). */
  readonly sessionRejectReason: number
  /** RefTagID (371), when one tag is at fault. */
  readonly refTagId: number | undefined
  constructor(
    shortMessage: string,
    options: FixInputErrorOptions<'FIX_INVALID_MESSAGE'> & {
      sessionRejectReason: number
      refTagId: number | undefined
    },
  ) {
    super(shortMessage, inputOptions(options))
    this.sessionRejectReason = options.sessionRejectReason
    this.refTagId = options.refTagId
  }
}

/** A field value is malformed or not allowed. */
export class InvalidFixFieldError extends InputError<'FIX_INVALID_FIELD'> {
  override name = 'InvalidFixFieldError'
  constructor(shortMessage: string, options: FixInputErrorOptions<'FIX_INVALID_FIELD'>) {
    super(shortMessage, inputOptions(options))
  }
}

/** A field a typed reader or builder needs is absent. */
export class MissingFixFieldError extends InputError<'FIX_MISSING_FIELD'> {
  override name = 'MissingFixFieldError'
  constructor(shortMessage: string, options: FixInputErrorOptions<'FIX_MISSING_FIELD'>) {
    super(shortMessage, inputOptions(options))
  }
}

/** A configuration value is invalid. */
export class InvalidFixConfigError extends InputError<'FIX_INVALID_CONFIG'> {
  override name = 'InvalidFixConfigError'
  constructor(shortMessage: string, options: FixInputErrorOptions<'FIX_INVALID_CONFIG'>) {
    super(shortMessage, inputOptions(options))
  }
}

/** The file store is corrupt (not just a torn last record, which is repaired on open). */
export class FixStoreCorruptError extends StrongroomError<'FIX_STORE_CORRUPT'> {
  override name = 'FixStoreCorruptError'
  constructor(
    shortMessage: string,
    options: { cause?: unknown; metaMessages?: readonly string[] } = {},
  ) {
    super(shortMessage, { ...options, code: 'FIX_STORE_CORRUPT', version: packageVersion })
  }
}

/** The file store could not read or write. */
export class FixStoreIoError extends StrongroomError<'FIX_STORE_IO'> {
  override name = 'FixStoreIoError'
  constructor(
    shortMessage: string,
    options: { cause?: unknown; metaMessages?: readonly string[] } = {},
  ) {
    super(shortMessage, { ...options, code: 'FIX_STORE_IO', version: packageVersion })
  }
}
