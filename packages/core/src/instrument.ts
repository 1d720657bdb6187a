import { z } from 'zod'
import { type AssetSpec, parseSpecDecimal } from './asset.js'
import {
  InvalidAmountError,
  InvalidPriceError,
  InvalidQuantityError,
  InvalidSpecError,
} from './coreErrors.js'
import { type DecimalRounding, formatDecimal, parseDecimal, pow10 } from './decimal.js'
import type { IssuePath } from './issue.js'
import { divRound } from './rounding.js'

/**
 * A tradable pair with its integer grids. Prices are integer ticks, quantities integer lots:
 *
 * - one lot is `lotUnits` minor units of the base asset;
 * - a price of `p` ticks means `p * tickSize` quote per one whole base unit;
 * - the quote amount of `q` lots at `p` ticks is exactly `p * q * notionalUnitsPerTickLot`
 *   minor units of the quote asset (the grids are chosen so that this is an integer).
 *
 * Every tick and lot value the instrument allows fits in 2^53, so matching engines may keep them
 * in plain numbers or typed arrays.
 */
export type Instrument<base extends string = string, quote extends string = string> = {
  /** `BASE-QUOTE`, e.g. `BTC-USDC`. */
  readonly symbol: string
  readonly base: AssetSpec<base>
  readonly quote: AssetSpec<quote>
  /** Price increment in quote per one whole base unit, as a decimal string (`"0.01"`). */
  readonly tickSize: string
  /** Quantity increment in whole base units, as a decimal string (`"0.00001"`). */
  readonly lotSize: string
  /** Decimal places of `tickSize`: prices are shown with this many decimals. */
  readonly priceDecimals: number
  /** Decimal places of `lotSize`: quantities are shown with this many decimals. */
  readonly quantityDecimals: number
  /** Minor units of the base asset in one lot. */
  readonly lotUnits: bigint
  /** Minor units of the quote asset that one lot at one tick costs. */
  readonly notionalUnitsPerTickLot: bigint
  /** Smallest order size in lots. */
  readonly minQuantityLots: number
  /** Largest order size in lots. */
  readonly maxQuantityLots: number
  /** Lowest price accepted, in ticks (at least 1). */
  readonly minPriceTicks: number
  /** Highest price accepted, in ticks. */
  readonly maxPriceTicks: number
  /**
   * Orders priced further than this from the reference price (last trade or an operator-set
   * price), in basis points, are rejected. `undefined`: no band.
   */
  readonly priceBandBps: number | undefined
}

/** The zod schema of {@link DefineInstrumentParameters}, minus the asset objects. */
export const instrumentSpecSchema = z.strictObject({
  symbol: z.string().regex(/^[A-Z0-9.]{1,16}-[A-Z0-9.]{1,16}$/, 'must be BASE-QUOTE in upper case'),
  tickSize: z.string(),
  lotSize: z.string(),
  minQuantityLots: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  maxQuantityLots: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  minPriceTicks: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  maxPriceTicks: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  priceBandBps: z.number().int().min(1).max(1_000_000).optional(),
})

/** Input accepted by {@link defineInstrument}. */
export type DefineInstrumentParameters<base extends string, quote extends string> = {
  symbol?: string | undefined
  base: AssetSpec<base>
  quote: AssetSpec<quote>
  tickSize: string
  lotSize: string
  minQuantityLots?: number | undefined
  maxQuantityLots: number
  minPriceTicks?: number | undefined
  maxPriceTicks: number
  priceBandBps?: number | undefined
}

function decimalsOf(decimal: string): number {
  const dot = decimal.indexOf('.')
  return dot < 0 ? 0 : decimal.length - dot - 1
}

function specError(path: IssuePath, rule: string, message: string): InvalidSpecError {
  return new InvalidSpecError(message, { code: 'CORE_INVALID_SPEC', path, rule })
}

/**
 * Validates an instrument and derives its integer grids.
 *
 * @example
 * ```ts
 * const BTC_USDC = defineInstrument({
 *   base: BTC, quote: USDC, tickSize: '0.01', lotSize: '0.0001',
 *   maxQuantityLots: 100_000_000, maxPriceTicks: 1_000_000_000, priceBandBps: 1_000,
 * })
 * ```
 * @throws {InvalidSpecError} naming the field when a value is invalid or the grids do not give
 * whole minor units.
 */
export function defineInstrument<const base extends string, const quote extends string>(
  parameters: DefineInstrumentParameters<base, quote>,
): Instrument<base, quote> {
  const { base, quote } = parameters
  const symbol = parameters.symbol ?? `${base.code}-${quote.code}`
  const { base: _b, quote: _q, ...rest } = parameters
  const parsed = instrumentSpecSchema.safeParse({ ...rest, symbol })
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw specError(
      issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
      issue.code,
      issue.message,
    )
  }
  const spec = parsed.data
  const tick = parseSpecDecimal(spec.tickSize, ['tickSize'], 36, 'a positive decimal')
  const lot = parseSpecDecimal(spec.lotSize, ['lotSize'], 36, 'a positive decimal')
  if (tick === 0n) throw specError(['tickSize'], 'positive', 'must be greater than zero.')
  if (lot === 0n) throw specError(['lotSize'], 'positive', 'must be greater than zero.')
  const priceDecimals = decimalsOf(spec.tickSize)
  const quantityDecimals = decimalsOf(spec.lotSize)
  if (quantityDecimals > base.decimals) {
    throw specError(['lotSize'], 'grid', `has more decimals than ${base.code} (${base.decimals}).`)
  }
  // lotUnits = lotSize * 10^baseDecimals; notional per tick-lot = tickSize * lotSize * 10^quoteDecimals.
  const lotUnits = (lot * pow10(base.decimals)) / pow10(36)
  const notionalScaled = tick * lot * pow10(quote.decimals)
  const scale = pow10(72)
  if (notionalScaled % scale !== 0n) {
    throw specError(
      ['tickSize'],
      'grid',
      `tickSize × lotSize must be a whole number of ${quote.code} minor units (10^-${quote.decimals}).`,
    )
  }
  const minQuantityLots = spec.minQuantityLots ?? 1
  const minPriceTicks = spec.minPriceTicks ?? 1
  if (minQuantityLots > spec.maxQuantityLots) {
    throw specError(['minQuantityLots'], 'range', 'must not exceed maxQuantityLots.')
  }
  if (minPriceTicks > spec.maxPriceTicks) {
    throw specError(['minPriceTicks'], 'range', 'must not exceed maxPriceTicks.')
  }
  return Object.freeze({
    symbol,
    base,
    quote,
    tickSize: spec.tickSize,
    lotSize: spec.lotSize,
    priceDecimals,
    quantityDecimals,
    lotUnits,
    notionalUnitsPerTickLot: notionalScaled / scale,
    minQuantityLots,
    maxQuantityLots: spec.maxQuantityLots,
    minPriceTicks,
    maxPriceTicks: spec.maxPriceTicks,
    priceBandBps: spec.priceBandBps,
  })
}

/** Options for the price and quantity converters. */
export type GridOptions = {
  /** `exact` (default) rejects values off the grid; other modes round onto it. */
  rounding?: DecimalRounding | undefined
  /** Path of the field, used in errors. */
  path?: IssuePath | undefined
}

const GRID_SCALE = 36

/** An instrument's step sizes, parsed once (instruments are frozen). */
type ParsedSteps = {
  /** Tick and lot at 36 decimals (grid checks). */
  tickGrid: bigint
  lotGrid: bigint
  /** Tick in price decimals, lot in quantity decimals (formatting). */
  tick: bigint
  lot: bigint
}
const parsedSteps = new WeakMap<Instrument, ParsedSteps>()
function stepsOf(instrument: Instrument): ParsedSteps {
  let steps = parsedSteps.get(instrument)
  if (steps === undefined) {
    steps = {
      tickGrid: parseDecimal(instrument.tickSize, { decimals: GRID_SCALE }),
      lotGrid: parseDecimal(instrument.lotSize, { decimals: GRID_SCALE }),
      tick: parseDecimal(instrument.tickSize, { decimals: instrument.priceDecimals }),
      lot: parseDecimal(instrument.lotSize, { decimals: instrument.quantityDecimals }),
    }
    parsedSteps.set(instrument, steps)
  }
  return steps
}

/** Parses `value` exactly at 36 decimals and counts whole `step`s in it, rounding as asked. */
function countSteps(
  value: string,
  step: string,
  stepScaled: bigint,
  options: GridOptions,
  path: IssuePath,
  fail: (rule: string, message: string, cause?: unknown) => Error,
): bigint {
  let scaled: bigint
  try {
    scaled = parseDecimal(value, { decimals: GRID_SCALE, path })
  } catch (error) {
    const rule = error instanceof InvalidAmountError ? error.rule : 'format'
    throw fail(rule, `"${String(value)}" is not a valid decimal (${rule}).`, error)
  }
  const rounding = options.rounding ?? 'exact'
  if (rounding === 'exact') {
    if (scaled % stepScaled !== 0n) throw fail('off_grid', `${value} is not a multiple of ${step}.`)
    return scaled / stepScaled
  }
  return divRound(scaled, stepScaled, rounding)
}

/**
 * Converts a decimal price (`"65000.25"`) to ticks, checking the grid and the instrument's range.
 *
 * @throws {InvalidPriceError} rule `format`, `negative`, `off_grid` or `out_of_range`.
 */
export function priceToTicks(
  instrument: Instrument,
  price: string,
  options: GridOptions = {},
): number {
  const path = options.path ?? ['price']
  const fail = (rule: string, message: string, cause?: unknown) =>
    new InvalidPriceError(message, { code: 'CORE_INVALID_PRICE', path, rule, cause })
  const ticks = countSteps(
    price,
    instrument.tickSize,
    stepsOf(instrument).tickGrid,
    options,
    path,
    fail,
  )
  if (ticks < BigInt(instrument.minPriceTicks) || ticks > BigInt(instrument.maxPriceTicks)) {
    const low = ticksToPrice(instrument, instrument.minPriceTicks)
    const high = ticksToPrice(instrument, instrument.maxPriceTicks)
    throw fail('out_of_range', `${price} is outside ${low}..${high}.`)
  }
  return Number(ticks)
}

/** Formats a price in ticks as a decimal string with the instrument's price decimals. */
export function ticksToPrice(instrument: Instrument, ticks: number): string {
  return formatDecimal(BigInt(ticks) * stepsOf(instrument).tick, instrument.priceDecimals)
}

/**
 * Converts a decimal quantity in whole base units (`"0.125"`) to lots, checking the grid and the
 * instrument's order-size range.
 *
 * @throws {InvalidQuantityError} rule `format`, `negative`, `off_grid` or `out_of_range`.
 */
export function quantityToLots(
  instrument: Instrument,
  quantity: string,
  options: GridOptions = {},
): number {
  const path = options.path ?? ['quantity']
  const fail = (rule: string, message: string, cause?: unknown) =>
    new InvalidQuantityError(message, { code: 'CORE_INVALID_QUANTITY', path, rule, cause })
  const lots = countSteps(
    quantity,
    instrument.lotSize,
    stepsOf(instrument).lotGrid,
    options,
    path,
    fail,
  )
  if (lots < BigInt(instrument.minQuantityLots) || lots > BigInt(instrument.maxQuantityLots)) {
    const low = lotsToQuantity(instrument, instrument.minQuantityLots)
    const high = lotsToQuantity(instrument, instrument.maxQuantityLots)
    throw fail('out_of_range', `${quantity} is outside ${low}..${high}.`)
  }
  return Number(lots)
}

/** Formats a quantity in lots as a decimal string in whole base units. */
export function lotsToQuantity(instrument: Instrument, lots: number): string {
  return formatDecimal(BigInt(lots) * stepsOf(instrument).lot, instrument.quantityDecimals)
}

/** Base-asset minor units in `lots` lots. */
export function lotsToBaseUnits(instrument: Instrument, lots: number): bigint {
  return BigInt(lots) * instrument.lotUnits
}

/** Quote-asset minor units that `lots` lots cost at `ticks` ticks. Exact by construction. */
export function notionalUnits(instrument: Instrument, ticks: number, lots: number): bigint {
  return BigInt(ticks) * BigInt(lots) * instrument.notionalUnitsPerTickLot
}

/**
 * True when `ticks` is within the instrument's price band around `referenceTicks`
 * (always true when the instrument has no band).
 */
export function isWithinPriceBand(
  instrument: Instrument,
  ticks: number,
  referenceTicks: number,
): boolean {
  if (instrument.priceBandBps === undefined) return true
  // |ticks - ref| * 10_000 <= ref * bps, in exact integers.
  const deviation = BigInt(Math.abs(ticks - referenceTicks)) * 10_000n
  return deviation <= BigInt(referenceTicks) * BigInt(instrument.priceBandBps)
}
