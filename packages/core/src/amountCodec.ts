import { z } from 'zod'
import type { Amount } from './amount.js'
import { assertAmountInRange, formatAmount } from './amount.js'
import type { AssetSpec } from './asset.js'
import { InvalidAmountError } from './coreErrors.js'
import { type DecimalRounding, parseDecimal } from './decimal.js'

/** Options for {@link amountCodec}. */
export type AmountCodecOptions = {
  /** `exact` (default) rejects digits beyond the asset's decimals; other modes round them. */
  rounding?: DecimalRounding | undefined
  /** Accept negative amounts. Default false. */
  allowNegative?: boolean | undefined
  /** Trim trailing zeros when encoding. Default false (always every decimal). */
  trim?: boolean | undefined
}

/**
 * A zod 4 codec between a decimal string in whole units and an {@link Amount} in minor units.
 * Decoding validates format, sign, decimals and range, and reports failures as zod issues on the
 * field being decoded (`issue.path`), with `params.rule` set to the broken rule.
 *
 * @example
 * ```ts
 * const Withdrawal = z.object({ amount: amountCodec(BTC) })
 * Withdrawal.decode({ amount: '0.5' })  // { amount: 50_000_000n }
 * Withdrawal.encode({ amount: 50_000_000n as Amount<'BTC'> }) // { amount: '0.50000000' }
 * ```
 */
export function amountCodec<code extends string>(
  asset: AssetSpec<code>,
  options: AmountCodecOptions = {},
) {
  return z.codec(
    z.string(),
    z.custom<Amount<code>>((value) => typeof value === 'bigint'),
    {
      decode(value, context) {
        try {
          const units = parseDecimal(value, {
            decimals: asset.decimals,
            rounding: options.rounding,
            allowNegative: options.allowNegative,
            maxLength: asset.maxAmount.toString().length + asset.decimals + 4,
          })
          assertAmountInRange(asset, units, { allowNegative: options.allowNegative })
          return units as Amount<code>
        } catch (error) {
          if (!(error instanceof InvalidAmountError)) throw error
          context.issues.push({
            code: 'custom',
            input: value,
            message: error.issue.message,
            params: { rule: error.rule, errorCode: error.code },
          })
          return z.NEVER
        }
      },
      encode(amount) {
        return formatAmount(asset, amount, options.trim ?? false)
      },
    },
  )
}
