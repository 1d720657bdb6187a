import { InvalidAmountError } from './coreErrors.js'
import type { IssuePath } from './issue.js'
import { divRound, type RoundingMode } from './rounding.js'

/** How a decimal string with more fractional digits than allowed is treated. */
export type DecimalRounding = 'exact' | RoundingMode

/** Options for {@link parseDecimal}. */
export type ParseDecimalOptions = {
  /** Number of fractional digits of the result's unit (e.g. 8 for satoshis of BTC). */
  decimals: number
  /** `exact` (the default) rejects extra digits; any other mode rounds them. */
  rounding?: DecimalRounding | undefined
  /** Accept a leading minus sign. Default false. */
  allowNegative?: boolean | undefined
  /** Path of the field, used in errors. Default `[]`. */
  path?: IssuePath | undefined
  /** Longest string accepted, to bound work on hostile input. Default 128. */
  maxLength?: number | undefined
}

const DECIMAL = /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?$/

const POW10: bigint[] = []
/** 10^n as a bigint (cached up to 10^255). */
export function pow10(n: number): bigint {
  if (n < POW10.length) return POW10[n]!
  if (n > 255) return 10n ** BigInt(n)
  for (let i = POW10.length; i <= n; i++) POW10.push(i === 0 ? 1n : POW10[i - 1]! * 10n)
  return POW10[n]!
}

/**
 * Parses a plain decimal string (`"12.345"`, `"-0.5"`, `"100"`) into an integer count of
 * `10^-decimals` units. No exponents, no `+`, no spaces, no leading zeros, no bare `.5` or `5.`.
 *
 * @throws {InvalidAmountError} naming the field and rule: `format`, `too_long`, `negative`,
 * `too_many_decimals`.
 */
export function parseDecimal(value: string, options: ParseDecimalOptions): bigint {
  const path = options.path ?? []
  const maxLength = options.maxLength ?? 128
  if (typeof value !== 'string') {
    throw new InvalidAmountError('expected a decimal string.', {
      code: 'CORE_INVALID_AMOUNT',
      path,
      rule: 'format',
    })
  }
  if (value.length > maxLength) {
    throw new InvalidAmountError(`is longer than ${maxLength} characters.`, {
      code: 'CORE_INVALID_AMOUNT',
      path,
      rule: 'too_long',
    })
  }
  const match = DECIMAL.exec(value)
  if (!match) {
    throw new InvalidAmountError(`"${value}" is not a plain decimal number (e.g. "12.34").`, {
      code: 'CORE_INVALID_AMOUNT',
      path,
      rule: 'format',
    })
  }
  const negative = match[1] === '-'
  if (negative && !options.allowNegative) {
    throw new InvalidAmountError(`"${value}" is negative; only zero or more is allowed.`, {
      code: 'CORE_INVALID_AMOUNT',
      path,
      rule: 'negative',
    })
  }
  const whole = match[2]!
  const fraction = match[3] ?? ''
  const { decimals } = options
  let units: bigint
  if (fraction.length <= decimals) {
    units = BigInt(whole + fraction.padEnd(decimals, '0'))
  } else {
    const rounding = options.rounding ?? 'exact'
    const extra = fraction.length - decimals
    const raw = BigInt(whole + fraction)
    if (rounding === 'exact') {
      if (raw % pow10(extra) !== 0n) {
        throw new InvalidAmountError(`"${value}" has more than ${decimals} decimal places.`, {
          code: 'CORE_INVALID_AMOUNT',
          path,
          rule: 'too_many_decimals',
        })
      }
      units = raw / pow10(extra)
    } else {
      units = divRound(negative ? -raw : raw, pow10(extra), rounding)
      return units
    }
  }
  return negative ? -units : units
}

/**
 * Formats an integer count of `10^-decimals` units as a plain decimal string with exactly
 * `decimals` fractional digits (`formatDecimal(1500n, 3) === "1.500"`), or with trailing zeros
 * removed when `trim` is set (`"1.5"`).
 */
export function formatDecimal(units: bigint, decimals: number, trim = false): string {
  const negative = units < 0n
  const digits = (negative ? -units : units).toString()
  let out: string
  if (decimals === 0) {
    out = digits
  } else {
    const padded = digits.padStart(decimals + 1, '0')
    const whole = padded.slice(0, padded.length - decimals)
    let fraction = padded.slice(padded.length - decimals)
    if (trim) fraction = fraction.replace(/0+$/, '')
    out = fraction === '' ? whole : `${whole}.${fraction}`
  }
  return negative ? `-${out}` : out
}
