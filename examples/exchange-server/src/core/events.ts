import type {
  BookCommandType,
  BookOrderAction,
  CancelReason,
  OrderType,
  Side,
  TradingStatus,
} from '@strongroom/orderbook'
import type { SettlementEvent } from '@strongroom/settlement'

type At = { readonly seq: number; readonly time: number }

/** What the deterministic core emits while applying a command. */
export type ExchangeEvent =
  | (At & {
      readonly kind: 'orderAccepted'
      readonly account: string
      readonly symbol: string
      readonly orderId: number
      readonly clientOrderId: string | undefined
      readonly side: Side
      readonly orderType: OrderType
      readonly price: number
      readonly quantity: number
      readonly quoteBudget: number
      readonly stopPrice: number
    })
  | (At & {
      readonly kind: 'orderRejected'
      readonly account: string
      readonly symbol: string
      readonly orderId: number
      readonly clientOrderId: string | undefined
      readonly action: BookCommandType | 'withdrawHold'
      readonly code: string
    })
  | (At & {
      readonly kind: 'fill'
      readonly symbol: string
      readonly tradeId: number
      readonly price: number
      readonly quantity: number
      readonly aggressorSide: Side
      readonly makerOrderId: number
      readonly makerAccount: string
      readonly takerOrderId: number
      readonly takerAccount: string
      readonly makerRemaining: number
      readonly takerRemaining: number
      readonly makerClientOrderId: string | undefined
      readonly takerClientOrderId: string | undefined
      /** Fee in base minor units taken from the buyer, and in quote minor units from the seller. */
      readonly buyerFee: bigint
      readonly sellerFee: bigint
    })
  | (At & {
      readonly kind: 'orderCancelled'
      readonly account: string
      readonly symbol: string
      readonly orderId: number
      readonly clientOrderId: string | undefined
      readonly cancelledQuantity: number
      readonly remainingQuantity: number
      readonly reason: CancelReason
    })
  | (At & {
      readonly kind: 'orderExpired'
      readonly account: string
      readonly symbol: string
      readonly orderId: number
      readonly clientOrderId: string | undefined
      readonly quantity: number
    })
  | (At & {
      readonly kind: 'orderTriggered'
      readonly account: string
      readonly symbol: string
      readonly orderId: number
      readonly clientOrderId: string | undefined
      readonly lastTradePrice: number
    })
  | (At & {
      readonly kind: 'orderAmended'
      readonly account: string
      readonly symbol: string
      readonly orderId: number
      readonly clientOrderId: string | undefined
      readonly price: number
      readonly quantity: number
      readonly keptPriority: boolean
    })
  | (At & {
      readonly kind: 'level'
      readonly symbol: string
      /** The book's gap-free L2 sequence number. */
      readonly mdSeq: number
      readonly side: Side
      readonly price: number
      readonly quantity: number
      readonly orders: number
    })
  | (At & {
      readonly kind: 'l3'
      readonly symbol: string
      readonly mdSeq: number
      readonly action: BookOrderAction
      readonly orderId: number
      readonly side: Side
      readonly price: number
      readonly quantity: number
    })
  | (At & {
      readonly kind: 'bbo'
      readonly symbol: string
      readonly bidPrice: number
      readonly bidQuantity: number
      readonly askPrice: number
      readonly askQuantity: number
    })
  | (At & {
      readonly kind: 'status'
      readonly symbol: string
      readonly status: TradingStatus
      readonly referencePrice: number
    })
  | (At & {
      readonly kind: 'balance'
      readonly account: string
      readonly asset: string
      readonly available: bigint
      readonly locked: bigint
    })
  /** For the ledger: holds, releases and trades, with their own gap-free `event.seq`. */
  | (At & { readonly kind: 'settlement'; readonly event: SettlementEvent })
  /** Deposits credited and withdrawals held, released or completed. */
  | (At & {
      readonly kind: 'funds'
      readonly action: 'credit' | 'withdrawHold' | 'withdrawRelease' | 'withdrawComplete'
      readonly account: string
      readonly asset: string
      readonly amount: bigint
      readonly reference: string
    })
