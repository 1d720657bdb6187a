import type { AssetSpec } from './asset.js'
import type { Brand } from './brand.js'
import { InvalidAmountError } from './coreErrors.js'
import { type DecimalRounding, formatDecimal, parseDecimal } from './decimal.js'
import type { IssuePath } from './issue.js'

/**
 * An amount of asset `code` in minor units. A plain `bigint` at run time; the brand stops an
 * amount of one asset from being passed where another asset's amount is expected.
 */
export type Amount<code extends string = string> = Brand<bigint, `amount:${code}`>

/** Options for {@link toAmount} and {@link parseAmount}. */
export type AmountOptions = {
  /** Accept negative amounts (ledger deltas). Default false. */
  allowNegative?: boolean | undefined
  /** Path of the field, used in errors. Default `[]`. */
  path?: IssuePath | undefined
}

/**
 * Brands a minor-unit `bigint` as an amount of `asset`, after checking it lies in the asset's
 * range (and is not negative unless allowed).
 *
 * @throws {InvalidAmountError} `negative` or `out_of_range`.
 */
export function toAmount<code extends string>(
  asset: AssetSpec<code>,
  units: bigint,
  options: AmountOptions = {},
): Amount<code> {
  assertAmountInRange(asset, units, options)
  return units as Amount<code>
}

/**
 * Checks that `units` is within `asset`'s range.
 *
 * @throws {InvalidAmountError} `negative` or `out_of_range`, naming the field.
 */
export function assertAmountInRange(
  asset: AssetSpec,
  units: bigint,
  options: AmountOptions = {},
): void {
  const path = options.path ?? []
  if (typeof units !== 'bigint') {
    throw new InvalidAmountError('expected a bigint amount in minor units.', {
      code: 'CORE_INVALID_AMOUNT',
      path,
      rule: 'format',
    })
  }
  if (units < 0n && !options.allowNegative) {
    throw new InvalidAmountError(`is negative; only zero or more ${asset.code} is allowed.`, {
      code: 'CORE_INVALID_AMOUNT',
      path,
      rule: 'negative',
    })
  }
  if (units > asset.maxAmount || -units > asset.maxAmount) {
    throw new InvalidAmountError(
      `is outside the range of ${asset.code} (at most ${formatDecimal(asset.maxAmount, asset.decimals, true)}).`,
      { code: 'CORE_AMOUNT_OUT_OF_RANGE', path, rule: 'out_of_range' },
    )
  }
}

/** Options for {@link parseAmount}. */
export type ParseAmountParameters<code extends string> = AmountOptions & {
  asset: AssetSpec<code>
  value: string
  /** `exact` (default) rejects digits beyond the asset's decimals; other modes round them. */
  rounding?: DecimalRounding | undefined
}

/**
 * Parses a decimal string in whole units (`"0.015"` BTC) into an amount in minor units
 * (`1_500_000n` satoshi).
 *
 * @throws {InvalidAmountError} naming the field and rule: `format`, `too_long`, `negative`,
 * `too_many_decimals`, `out_of_range`.
 */
export function parseAmount<code extends string>(
  parameters: ParseAmountParameters<code>,
): Amount<code> {
  const { asset } = parameters
  const units = parseDecimal(parameters.value, {
    decimals: asset.decimals,
    rounding: parameters.rounding,
    allowNegative: parameters.allowNegative,
    path: parameters.path,
    // Long enough for any in-range value of the asset, short enough to bound hostile input.
    maxLength: asset.maxAmount.toString().length + asset.decimals + 4,
  })
  return toAmount(asset, units, parameters)
}

/**
 * Formats an amount in whole units with every decimal of the asset (`"0.01500000"`), or with
 * trailing zeros trimmed when `trim` is true (`"0.015"`).
 */
export function formatAmount(asset: AssetSpec, amount: bigint, trim = false): string {
  return formatDecimal(amount, asset.decimals, trim)
}
