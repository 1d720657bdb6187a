import { z } from 'zod'
import { InvalidSpecError } from './coreErrors.js'
import { parseDecimal, pow10 } from './decimal.js'
import type { IssuePath } from './issue.js'

/** Largest unsigned 256-bit integer: the range of an ERC-20 balance. */
export const MAX_UINT256 = (1n << 256n) - 1n

/**
 * An asset: its code, how many decimals its minor unit has, and the largest amount the venue
 * accepts in one value. Amounts of the asset are `bigint` counts of minor units.
 */
export type AssetSpec<code extends string = string> = {
  /** Ticker, upper case: `BTC`, `ETH`, `USDC`. */
  readonly code: code
  /** Decimals of the minor unit: 8 for BTC (satoshi), 18 for ETH (wei), 6 for USDC. */
  readonly decimals: number
  /** Largest absolute amount in minor units accepted for one value. Default 2^256 - 1. */
  readonly maxAmount: bigint
}

/** Input accepted by {@link defineAsset}. `maxAmount` may be given as a decimal string in whole units. */
export type DefineAssetParameters<code extends string = string> = {
  code: code
  decimals: number
  /** Largest amount in minor units (bigint) or in whole units (decimal string). */
  maxAmount?: bigint | string | undefined
}

/** The zod schema of {@link DefineAssetParameters} (for configuration files). */
export const assetSpecSchema = z.strictObject({
  code: z
    .string()
    .regex(/^[A-Z0-9][A-Z0-9.]{0,15}$/, 'must be 1-16 upper-case letters, digits or dots'),
  decimals: z.number().int().min(0).max(36),
  maxAmount: z.union([z.bigint().positive(), z.string()]).optional(),
})

/**
 * Validates and freezes an asset specification.
 *
 * @example
 * ```ts
 * const BTC = defineAsset({ code: 'BTC', decimals: 8, maxAmount: '21000000' })
 * ```
 * @throws {InvalidSpecError} naming the field when the specification is invalid.
 */
export function defineAsset<const code extends string>(
  parameters: DefineAssetParameters<code>,
): AssetSpec<code> {
  const parsed = assetSpecSchema.safeParse(parameters)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new InvalidSpecError(issue.message, {
      code: 'CORE_INVALID_SPEC',
      path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
      rule: issue.code,
    })
  }
  const { decimals } = parameters
  let maxAmount = MAX_UINT256
  if (typeof parameters.maxAmount === 'string') {
    maxAmount =
      parseSpecDecimal(parameters.maxAmount, ['maxAmount'], 0, 'a whole number of units') *
      pow10(decimals)
  } else if (typeof parameters.maxAmount === 'bigint') {
    maxAmount = parameters.maxAmount
  }
  if (maxAmount <= 0n || maxAmount > MAX_UINT256) {
    throw new InvalidSpecError('must be positive and at most 2^256 - 1 minor units.', {
      code: 'CORE_INVALID_SPEC',
      path: ['maxAmount'],
      rule: 'out_of_range',
    })
  }
  return Object.freeze({ code: parameters.code, decimals, maxAmount })
}

/**
 * Parses a decimal field of a specification, reporting failures as {@link InvalidSpecError}.
 * @internal
 */
export function parseSpecDecimal(
  value: string,
  path: IssuePath,
  decimals: number,
  expected: string,
): bigint {
  try {
    return parseDecimal(value, { decimals, path })
  } catch (cause) {
    throw new InvalidSpecError(`"${value}" is not ${expected}.`, {
      code: 'CORE_INVALID_SPEC',
      path,
      rule: 'format',
      cause,
    })
  }
}
