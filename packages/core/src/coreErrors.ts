import { registerErrorCodes } from './errorCodes.js'
import { StrongroomError } from './errors.js'
import { formatIssuePath, type Issue, type IssuePath } from './issue.js'
import { version } from './version.js'

/** Error codes owned by `@strongroom/core`. */
export const CoreErrorCode = registerErrorCodes('@strongroom/core', {
  CORE_ERROR_CODE_CONFLICT:
    'An error code was malformed or registered twice with different meanings.',
  CORE_INVALID_AMOUNT:
    'A decimal amount was malformed, negative where not allowed, or had more decimals than the asset allows.',
  CORE_AMOUNT_OUT_OF_RANGE: "An amount lies outside its asset's allowed range.",
  CORE_INVALID_SPEC: 'An asset or instrument specification failed validation.',
  CORE_INVALID_PRICE: "A price is malformed or off the instrument's tick grid or range.",
  CORE_INVALID_QUANTITY: "A quantity is malformed or off the instrument's lot grid or range.",
  CORE_DIVISION_BY_ZERO: 'mulDiv or a rounding division was asked to divide by zero.',
  CORE_INVALID_ID:
    'An identifier is empty, too long or contains characters outside [A-Za-z0-9_.:-].',
  CORE_CANONICAL_JSON_UNSUPPORTED:
    'A value given to canonical JSON is not representable (function, symbol, NaN, Infinity, cycle).',
  CORE_AUDIT_WRITE_FAILED:
    'The audit sink could not durably write a record; the record was not appended.',
  CORE_AUDIT_CLOSED:
    'The audit log or sink refuses appends after an earlier write failure or after close().',
  CORE_AUDIT_TORN_TAIL: 'The audit file ends with an incomplete record (a write torn by a crash).',
  CORE_AUDIT_CORRUPT_RECORD: 'A record in the middle of the audit file cannot be parsed.',
  CORE_AUDIT_CHAIN_BROKEN: 'The audit chain failed verification when it was opened.',
})

/** One of the codes in {@link CoreErrorCode}. */
export type CoreErrorCode = (typeof CoreErrorCode)[keyof typeof CoreErrorCode]

/** Options of {@link CoreError} and its subclasses. */
export type CoreErrorOptions = {
  cause?: unknown
  details?: string
  metaMessages?: readonly string[]
  /**
   * `<package>@<version>` of the package raising the error, for packages that reuse
   * {@link InputError} with their own registered codes. Default `@strongroom/core@<version>`.
   */
  version?: string | undefined
}

/**
 * Base class of the errors raised by `@strongroom/core`. Other packages may subclass
 * {@link InputError} with their own registered codes (hence `code extends string`).
 */
export class CoreError<code extends string = CoreErrorCode> extends StrongroomError<code> {
  override name = 'CoreError'
  constructor(shortMessage: string, options: CoreErrorOptions & { code: code }) {
    super(shortMessage, { ...options, version: options.version ?? `@strongroom/core@${version}` })
  }
}

/**
 * Bad input: a value from outside (HTTP, WebSocket, FIX, files, config) broke a rule.
 * Names the field (`path`) and the rule (`rule`); nothing was changed.
 */
export class InputError<
  code extends string = CoreErrorCode,
  rule extends string = string,
> extends CoreError<code> {
  override name = 'InputError'
  /** Path of the offending field. */
  readonly path: IssuePath
  /** The rule that was broken, a stable snake_case word such as `too_many_decimals`. */
  readonly rule: rule
  /** The same problem as a data {@link Issue}. */
  readonly issue: Issue
  constructor(
    shortMessage: string,
    options: CoreErrorOptions & { code: code; path: IssuePath; rule: rule },
  ) {
    const field = formatIssuePath(options.path)
    super(`${field}: ${shortMessage}`, {
      ...options,
      metaMessages: [`Field: ${field}`, `Rule: ${options.rule}`, ...(options.metaMessages ?? [])],
    })
    this.path = options.path
    this.rule = options.rule
    this.issue = { code: options.rule, path: options.path, message: shortMessage }
  }
}

/** Rules an amount can break. */
export type AmountRule = 'format' | 'too_long' | 'negative' | 'too_many_decimals' | 'out_of_range'

/** A decimal amount string or amount value broke a rule (see {@link AmountRule}). */
export class InvalidAmountError extends InputError<
  'CORE_INVALID_AMOUNT' | 'CORE_AMOUNT_OUT_OF_RANGE',
  AmountRule
> {
  override name = 'InvalidAmountError'
}

/** An asset or instrument specification is invalid. */
export class InvalidSpecError extends InputError<'CORE_INVALID_SPEC'> {
  override name = 'InvalidSpecError'
}

/** A price is malformed, off the tick grid or out of range. */
export class InvalidPriceError extends InputError<'CORE_INVALID_PRICE'> {
  override name = 'InvalidPriceError'
}

/** A quantity is malformed, off the lot grid or out of range. */
export class InvalidQuantityError extends InputError<'CORE_INVALID_QUANTITY'> {
  override name = 'InvalidQuantityError'
}

/** An identifier does not have the form of an id. */
export class InvalidIdError extends InputError<'CORE_INVALID_ID'> {
  override name = 'InvalidIdError'
}

/** `mulDiv` or a rounding division was asked to divide by zero (a programmer error). */
export class DivisionByZeroError extends CoreError<'CORE_DIVISION_BY_ZERO'> {
  override name = 'DivisionByZeroError'
  constructor() {
    super('Division by zero.', { code: 'CORE_DIVISION_BY_ZERO' })
  }
}

/** A value cannot be written as canonical JSON. */
export class CanonicalJsonError extends InputError<'CORE_CANONICAL_JSON_UNSUPPORTED'> {
  override name = 'CanonicalJsonError'
}
