import type { OrderType, SelfTradePrevention, Side, TimeInForce } from '@strongroom/orderbook'

/**
 * Everything that changes the exchange's deterministic state. Commands are journaled before they
 * are applied; replaying the journal rebuilds the state exactly. Amounts are decimal strings of
 * minor units (JSON has no bigint); prices are ticks, quantities lots.
 */
export type ExchangeCommand =
  | { readonly type: 'openAccount'; readonly account: string }
  | {
      readonly type: 'placeOrder'
      readonly account: string
      readonly symbol: string
      readonly clientOrderId?: string | undefined
      readonly side: Side
      readonly orderType: OrderType
      readonly price?: number | undefined
      readonly quantity?: number | undefined
      /** Market and stop-market buys: most notional to spend, in tick-lots. */
      readonly quoteBudget?: number | undefined
      readonly stopPrice?: number | undefined
      readonly timeInForce?: TimeInForce | undefined
      readonly expireAt?: number | undefined
      readonly postOnly?: boolean | undefined
      readonly peakQuantity?: number | undefined
      readonly selfTradePrevention?: SelfTradePrevention | undefined
    }
  | {
      readonly type: 'cancelOrder'
      readonly account: string
      readonly symbol: string
      readonly orderId: number
    }
  | {
      readonly type: 'amendOrder'
      readonly account: string
      readonly symbol: string
      readonly orderId: number
      readonly price?: number | undefined
      readonly quantity?: number | undefined
    }
  | {
      readonly type: 'massCancel'
      readonly account?: string | undefined
      readonly symbol?: string | undefined
    }
  /** A deposit reached its confirmation depth (the ledger already posted it). */
  | {
      readonly type: 'credit'
      readonly account: string
      readonly asset: string
      readonly amount: string
      readonly reference: string
    }
  /** A withdrawal was requested: its amount leaves the tradable balance. */
  | {
      readonly type: 'withdrawHold'
      readonly account: string
      readonly asset: string
      readonly amount: string
      readonly withdrawalId: string
    }
  /** A withdrawal failed or was refused: its amount returns to the tradable balance. */
  | { readonly type: 'withdrawRelease'; readonly withdrawalId: string }
  /** A withdrawal reached final confirmation: its amount leaves the venue. */
  | { readonly type: 'withdrawComplete'; readonly withdrawalId: string }
  | { readonly type: 'halt'; readonly symbol?: string | undefined }
  | { readonly type: 'resume'; readonly symbol?: string | undefined }
  | { readonly type: 'setReferencePrice'; readonly symbol: string; readonly price: number }
  /** Advances journaled time (expires GTD orders). */
  | { readonly type: 'tick' }

/** The `type` of an {@link ExchangeCommand}. */
export type ExchangeCommandType = ExchangeCommand['type']

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

/** Journal payload of a command: its JSON. */
export function encodeExchangeCommand(command: ExchangeCommand): Uint8Array {
  return encoder.encode(JSON.stringify(command))
}

const TYPES = new Set<string>([
  'openAccount',
  'placeOrder',
  'cancelOrder',
  'amendOrder',
  'massCancel',
  'credit',
  'withdrawHold',
  'withdrawRelease',
  'withdrawComplete',
  'halt',
  'resume',
  'setReferencePrice',
  'tick',
])

/**
 * Decodes a journaled command.
 *
 * @throws {Error} when the payload is not a command (the journal's checksums make this a bug,
 * not a torn write).
 */
export function decodeExchangeCommand(payload: Uint8Array, seq: number): ExchangeCommand {
  const value = JSON.parse(decoder.decode(payload)) as { type?: unknown }
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof value.type !== 'string' ||
    !TYPES.has(value.type)
  ) {
    throw new Error(`journal record ${seq} is not an exchange command`)
  }
  return value as ExchangeCommand
}
