import { mulDiv, parseDecimal, pow10 } from '@strongroom/core'
import { ComplianceInputError } from '../errors.js'

/**
 * Port: values an asset amount in a fiat currency, in the currency's minor units (cents), or
 * `undefined` when the asset or currency is unknown. Rule thresholds are in fiat; events carry
 * asset minor units.
 */
export type Valuator = {
  /** Minor-unit decimals of a fiat currency (`USD` → 2, `JPY` → 0), or `undefined` if unknown. */
  currencyDecimals(currency: string): number | undefined
  value(parameters: {
    asset: string
    amount: bigint
    currency: string
    timestamp: number
  }): bigint | undefined
}

/** Parameters of {@link createStaticValuator}. */
export type StaticValuatorParameters = {
  /** Minor-unit decimals of each fiat currency (`{ USD: 2, EUR: 2, JPY: 0 }`). */
  readonly currencies: Readonly<Record<string, number>>
  /** Per asset: its decimals and its price per whole unit in each currency, as decimal strings. */
  readonly assets: Readonly<
    Record<string, { decimals: number; prices: Readonly<Record<string, string>> }>
  >
}

/**
 * A {@link Valuator} over a fixed price table (replace it as prices move). Values round down to
 * the currency's minor unit; integer arithmetic only.
 *
 * @throws {ComplianceInputError} `COMPLIANCE_INVALID_RULE_SET` naming a malformed price.
 */
export function createStaticValuator(parameters: StaticValuatorParameters): Valuator {
  const table = new Map<string, { numerator: bigint; denominator: bigint }>()
  for (const [asset, spec] of Object.entries(parameters.assets)) {
    for (const [currency, price] of Object.entries(spec.prices)) {
      const currencyDecimals = parameters.currencies[currency]
      if (currencyDecimals === undefined) {
        throw new ComplianceInputError(`currency ${currency} has no decimals.`, {
          code: 'COMPLIANCE_INVALID_RULE_SET',
          path: ['assets', asset, 'prices', currency],
          rule: 'unknown_currency',
        })
      }
      let scaled: bigint
      try {
        // price in currency minor units per whole asset unit, with 8 extra decimals of precision
        scaled = parseDecimal(price, { decimals: currencyDecimals + 8 })
      } catch (cause) {
        throw new ComplianceInputError(`"${price}" is not a decimal price.`, {
          code: 'COMPLIANCE_INVALID_RULE_SET',
          path: ['assets', asset, 'prices', currency],
          rule: 'format',
          cause,
        })
      }
      table.set(`${asset}|${currency}`, {
        numerator: scaled,
        denominator: pow10(spec.decimals + 8),
      })
    }
  }
  return {
    currencyDecimals: (currency) => parameters.currencies[currency],
    value({ asset, amount, currency }) {
      const entry = table.get(`${asset}|${currency}`)
      if (!entry) return undefined
      return mulDiv(amount, entry.numerator, entry.denominator, 'floor')
    },
  }
}

/** Converts a decimal string of `currency` (`'3000'`) to its minor units (`300000n`). */
export function fiatToMinor(value: string, decimals: number): bigint {
  return parseDecimal(value, { decimals })
}
