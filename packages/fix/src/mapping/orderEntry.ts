import {
  type ClientOrderId,
  type Instrument,
  lotsToQuantity,
  type OrderId,
  parseId,
  priceToTicks,
  quantityToLots,
  ticksToPrice,
} from '@strongroom/core'
import type { FixMessageView } from '../codec/messageView.js'
import { InvalidFixFieldError } from '../errors.js'
import {
  buildExecutionReport,
  buildOrderCancelReject,
  type ExecutionReport,
  type FixExecType,
  type FixOrdStatus,
  type FixOrdType,
  type FixSide,
  type FixTimeInForce,
  readNewOrderSingle,
  readOrderCancelReplaceRequest,
  readOrderCancelRequest,
  readOrderStatusRequest,
} from '../messages/orders.js'
import type { FixOutboundMessage } from '../session/types.js'

/** Order side. */
export type OrderSide = 'buy' | 'sell'
/** Order type. */
export type OrderType = 'market' | 'limit' | 'stop' | 'stop_limit'
/** How long an order rests. */
export type TimeInForce = 'day' | 'gtc' | 'ioc' | 'fok' | 'gtd'

/** A new order, from NewOrderSingle (35=D). Prices in ticks, quantities in lots. */
export type NewOrderCommand = {
  readonly kind: 'new_order'
  readonly clientOrderId: ClientOrderId
  readonly account: string | undefined
  readonly instrument: Instrument
  readonly side: OrderSide
  readonly type: OrderType
  readonly priceTicks: number | undefined
  readonly stopPriceTicks: number | undefined
  readonly quantityLots: number
  readonly timeInForce: TimeInForce
  readonly expireTime: number | undefined
  readonly transactTime: number
}

/** A cancel, from OrderCancelRequest (35=F). */
export type CancelOrderCommand = {
  readonly kind: 'cancel_order'
  readonly clientOrderId: ClientOrderId
  readonly origClientOrderId: ClientOrderId
  readonly orderId: OrderId | undefined
  readonly account: string | undefined
  readonly instrument: Instrument
  readonly side: OrderSide
  readonly transactTime: number
}

/** A cancel/replace, from OrderCancelReplaceRequest (35=G). */
export type ReplaceOrderCommand = Omit<NewOrderCommand, 'kind'> & {
  readonly kind: 'replace_order'
  readonly origClientOrderId: ClientOrderId
  readonly orderId: OrderId | undefined
}

/** A status query, from OrderStatusRequest (35=H). */
export type OrderStatusCommand = {
  readonly kind: 'order_status'
  readonly clientOrderId: ClientOrderId
  readonly orderId: OrderId | undefined
  readonly account: string | undefined
  readonly instrument: Instrument
  readonly side: OrderSide
}

/** Any order-entry command. */
export type OrderEntryCommand =
  | NewOrderCommand
  | CancelOrderCommand
  | ReplaceOrderCommand
  | OrderStatusCommand

/** How symbols map to instruments. */
export type InstrumentLookup = (symbol: string) => Instrument | undefined

const SIDE_FROM_FIX: Record<FixSide, OrderSide> = { '1': 'buy', '2': 'sell' }
const SIDE_TO_FIX: Record<OrderSide, FixSide> = { buy: '1', sell: '2' }
const TYPE_FROM_FIX: Record<FixOrdType, OrderType> = {
  '1': 'market',
  '2': 'limit',
  '3': 'stop',
  '4': 'stop_limit',
}
const TYPE_TO_FIX: Record<OrderType, FixOrdType> = {
  market: '1',
  limit: '2',
  stop: '3',
  stop_limit: '4',
}
const TIF_FROM_FIX: Record<FixTimeInForce, TimeInForce> = {
  '0': 'day',
  '1': 'gtc',
  '3': 'ioc',
  '4': 'fok',
  '6': 'gtd',
}
const TIF_TO_FIX: Record<TimeInForce, FixTimeInForce> = {
  day: '0',
  gtc: '1',
  ioc: '3',
  fok: '4',
  gtd: '6',
}

function instrumentFor(symbol: string, lookup: InstrumentLookup): Instrument {
  const instrument = lookup(symbol)
  if (!instrument) {
    throw new InvalidFixFieldError(`"${symbol}" is not a listed instrument.`, {
      code: 'FIX_INVALID_FIELD',
      path: ['Symbol(55)'],
      rule: 'unknown_symbol',
    })
  }
  return instrument
}

function orderShape(
  fields: {
    symbol: string
    side: FixSide
    ordType: FixOrdType
    price?: string
    stopPx?: string
    orderQty: string
    timeInForce?: FixTimeInForce
    expireTime?: number
  },
  lookup: InstrumentLookup,
) {
  const instrument = instrumentFor(fields.symbol, lookup)
  const type = TYPE_FROM_FIX[fields.ordType]
  const needsPrice = type === 'limit' || type === 'stop_limit'
  const needsStop = type === 'stop' || type === 'stop_limit'
  if (needsPrice !== (fields.price !== undefined)) {
    throw new InvalidFixFieldError(
      needsPrice ? 'is required for this OrdType.' : 'is not allowed for this OrdType.',
      {
        code: 'FIX_INVALID_FIELD',
        path: ['Price(44)'],
        rule: needsPrice ? 'required_for_ord_type' : 'not_allowed_for_ord_type',
      },
    )
  }
  if (needsStop !== (fields.stopPx !== undefined)) {
    throw new InvalidFixFieldError(
      needsStop ? 'is required for this OrdType.' : 'is not allowed for this OrdType.',
      {
        code: 'FIX_INVALID_FIELD',
        path: ['StopPx(99)'],
        rule: needsStop ? 'required_for_ord_type' : 'not_allowed_for_ord_type',
      },
    )
  }
  const timeInForce = TIF_FROM_FIX[fields.timeInForce ?? '0']
  if ((timeInForce === 'gtd') !== (fields.expireTime !== undefined)) {
    throw new InvalidFixFieldError('ExpireTime is required with TimeInForce GTD and only then.', {
      code: 'FIX_INVALID_FIELD',
      path: ['ExpireTime(126)'],
      rule: 'expire_time_with_gtd',
    })
  }
  return {
    instrument,
    side: SIDE_FROM_FIX[fields.side],
    type,
    priceTicks:
      fields.price === undefined
        ? undefined
        : priceToTicks(instrument, fields.price, { path: ['Price(44)'] }),
    stopPriceTicks:
      fields.stopPx === undefined
        ? undefined
        : priceToTicks(instrument, fields.stopPx, { path: ['StopPx(99)'] }),
    quantityLots: quantityToLots(instrument, fields.orderQty, { path: ['OrderQty(38)'] }),
    timeInForce,
    expireTime: fields.expireTime,
  }
}

const clientId = (value: string, tag: string): ClientOrderId => parseId('clientOrder', value, [tag])

/**
 * Maps an order-entry message (NewOrderSingle, OrderCancelRequest, OrderCancelReplaceRequest,
 * OrderStatusRequest) to a plain command: prices in ticks and quantities in lots of the
 * instrument, checked against its grids and ranges.
 *
 * @throws {InvalidFixFieldError} for an unsupported MsgType, an unknown symbol, a field not
 *   allowed with the OrdType; {@link MissingFixFieldError} for a missing field; core's
 *   `InvalidPriceError`/`InvalidQuantityError`/`InvalidIdError` for values off the grid.
 */
export function parseOrderEntryCommand(
  view: FixMessageView,
  parameters: { instruments: InstrumentLookup },
): OrderEntryCommand {
  switch (view.msgType) {
    case 'D': {
      const m = readNewOrderSingle(view)
      return {
        kind: 'new_order',
        clientOrderId: clientId(m.clOrdId, 'ClOrdID(11)'),
        account: m.account,
        ...orderShape(m, parameters.instruments),
        transactTime: m.transactTime,
      }
    }
    case 'G': {
      const m = readOrderCancelReplaceRequest(view)
      return {
        kind: 'replace_order',
        clientOrderId: clientId(m.clOrdId, 'ClOrdID(11)'),
        origClientOrderId: clientId(m.origClOrdId, 'OrigClOrdID(41)'),
        orderId: m.orderId === undefined ? undefined : parseId('order', m.orderId, ['OrderID(37)']),
        account: m.account,
        ...orderShape(m, parameters.instruments),
        transactTime: m.transactTime,
      }
    }
    case 'F': {
      const m = readOrderCancelRequest(view)
      return {
        kind: 'cancel_order',
        clientOrderId: clientId(m.clOrdId, 'ClOrdID(11)'),
        origClientOrderId: clientId(m.origClOrdId, 'OrigClOrdID(41)'),
        orderId: m.orderId === undefined ? undefined : parseId('order', m.orderId, ['OrderID(37)']),
        account: m.account,
        instrument: instrumentFor(m.symbol, parameters.instruments),
        side: SIDE_FROM_FIX[m.side],
        transactTime: m.transactTime,
      }
    }
    case 'H': {
      const m = readOrderStatusRequest(view)
      return {
        kind: 'order_status',
        clientOrderId: clientId(m.clOrdId, 'ClOrdID(11)'),
        orderId: m.orderId === undefined ? undefined : parseId('order', m.orderId, ['OrderID(37)']),
        account: m.account,
        instrument: instrumentFor(m.symbol, parameters.instruments),
        side: SIDE_FROM_FIX[m.side],
      }
    }
  }
  throw new InvalidFixFieldError(`MsgType "${view.msgType}" is not an order-entry message.`, {
    code: 'FIX_INVALID_FIELD',
    path: ['MsgType(35)'],
    rule: 'not_order_entry',
  })
}

/** What happened to an order, to report in an ExecutionReport. */
export type OrderEvent = {
  readonly kind: 'accepted' | 'rejected' | 'fill' | 'canceled' | 'replaced' | 'expired' | 'status'
  readonly execId: string
  readonly orderId: string
  readonly clientOrderId: string
  readonly origClientOrderId?: string | undefined
  readonly account?: string | undefined
  readonly instrument: Instrument
  readonly side: OrderSide
  readonly type?: OrderType | undefined
  readonly priceTicks?: number | undefined
  readonly timeInForce?: TimeInForce | undefined
  readonly quantityLots: number
  readonly cumLots: number
  readonly leavesLots: number
  /** Average fill price as a decimal string (may lie between ticks). */
  readonly avgPrice: string
  /** For `fill`: this fill. */
  readonly lastLots?: number | undefined
  readonly lastPriceTicks?: number | undefined
  /** For `status`: the order's state. */
  readonly status?:
    | 'new'
    | 'partially_filled'
    | 'filled'
    | 'canceled'
    | 'rejected'
    | 'expired'
    | undefined
  readonly transactTime: number
  readonly text?: string | undefined
  /** OrdRejReason (103) for `rejected`. */
  readonly rejectReason?: number | undefined
}

const EXEC_TYPE: Record<OrderEvent['kind'], FixExecType> = {
  accepted: '0',
  rejected: '8',
  fill: 'F',
  canceled: '4',
  replaced: '5',
  expired: 'C',
  status: 'I',
}
const STATUS_TO_FIX: Record<NonNullable<OrderEvent['status']>, FixOrdStatus> = {
  new: '0',
  partially_filled: '1',
  filled: '2',
  canceled: '4',
  rejected: '8',
  expired: 'C',
}

function ordStatusOf(event: OrderEvent): FixOrdStatus {
  switch (event.kind) {
    case 'rejected':
      return '8'
    case 'canceled':
      return '4'
    case 'expired':
      return 'C'
    case 'status':
      return STATUS_TO_FIX[event.status ?? 'new']
    default:
      return event.leavesLots === 0 && event.cumLots > 0 ? '2' : event.cumLots > 0 ? '1' : '0'
  }
}

/** Maps an order event to an ExecutionReport (35=8): ticks and lots back to decimal strings. */
export function formatExecutionReport(event: OrderEvent): FixOutboundMessage {
  const i = event.instrument
  const report: ExecutionReport = {
    orderId: event.orderId,
    clOrdId: event.clientOrderId,
    execId: event.execId,
    execType: EXEC_TYPE[event.kind],
    ordStatus: ordStatusOf(event),
    symbol: i.symbol,
    side: SIDE_TO_FIX[event.side],
    orderQty: lotsToQuantity(i, event.quantityLots),
    leavesQty: lotsToQuantity(i, event.leavesLots),
    cumQty: lotsToQuantity(i, event.cumLots),
    avgPx: event.avgPrice,
    transactTime: event.transactTime,
  }
  if (event.origClientOrderId !== undefined) report.origClOrdId = event.origClientOrderId
  if (event.account !== undefined) report.account = event.account
  if (event.type !== undefined) report.ordType = TYPE_TO_FIX[event.type]
  if (event.priceTicks !== undefined) report.price = ticksToPrice(i, event.priceTicks)
  if (event.timeInForce !== undefined) report.timeInForce = TIF_TO_FIX[event.timeInForce]
  if (event.kind === 'fill') {
    if (event.lastLots !== undefined) report.lastQty = lotsToQuantity(i, event.lastLots)
    if (event.lastPriceTicks !== undefined) report.lastPx = ticksToPrice(i, event.lastPriceTicks)
  }
  if (event.rejectReason !== undefined) report.ordRejReason = event.rejectReason
  if (event.text !== undefined) report.text = event.text
  return buildExecutionReport(report)
}

/** A cancel or cancel/replace that cannot be done. */
export type CancelRejectEvent = {
  readonly orderId: string
  readonly clientOrderId: string
  readonly origClientOrderId: string
  readonly responseTo: 'cancel' | 'replace'
  readonly status: NonNullable<OrderEvent['status']>
  /** CxlRejReason (102): 0 too late, 1 unknown order, 3 already pending, 99 other. */
  readonly reason: 0 | 1 | 2 | 3 | 99
  readonly transactTime: number
  readonly text?: string | undefined
}

/** Maps a cancel rejection to an OrderCancelReject (35=9). */
export function formatOrderCancelReject(event: CancelRejectEvent): FixOutboundMessage {
  return buildOrderCancelReject({
    orderId: event.orderId,
    clOrdId: event.clientOrderId,
    origClOrdId: event.origClientOrderId,
    ordStatus: STATUS_TO_FIX[event.status],
    cxlRejResponseTo: event.responseTo === 'cancel' ? '1' : '2',
    cxlRejReason: event.reason,
    transactTime: event.transactTime,
    ...(event.text === undefined ? {} : { text: event.text }),
  })
}
