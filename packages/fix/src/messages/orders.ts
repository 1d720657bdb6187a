// Typed builders and readers for order entry: NewOrderSingle, OrderCancelRequest,
// OrderCancelReplaceRequest, OrderStatusRequest, ExecutionReport, OrderCancelReject.
// Prices and quantities are decimal strings (never floating point).
import type { FixMessageView } from '../codec/messageView.js'
import type { FixOutboundMessage } from '../session/types.js'
import { buildMessage, type MessageSpec, readMessage } from './spec.js'

/** Side (54): 1 buy, 2 sell. */
export type FixSide = '1' | '2'
/** OrdType (40): 1 market, 2 limit, 3 stop, 4 stop limit. */
export type FixOrdType = '1' | '2' | '3' | '4'
/** TimeInForce (59): 0 day, 1 GTC, 3 IOC, 4 FOK, 6 GTD. */
export type FixTimeInForce = '0' | '1' | '3' | '4' | '6'
/** ExecType (150). */
export type FixExecType = '0' | '4' | '5' | '6' | '8' | 'A' | 'C' | 'E' | 'F' | 'I'
/** OrdStatus (39). */
export type FixOrdStatus = '0' | '1' | '2' | '4' | '6' | '8' | 'A' | 'C' | 'E'

/** NewOrderSingle (35=D). */
export type NewOrderSingle = {
  clOrdId: string
  account?: string
  handlInst?: string
  execInst?: string
  minQty?: string
  symbol: string
  side: FixSide
  transactTime: number
  orderQty: string
  ordType: FixOrdType
  price?: string
  stopPx?: string
  timeInForce?: FixTimeInForce
  expireTime?: number
  text?: string
}

/** OrderCancelRequest (35=F). */
export type OrderCancelRequest = {
  origClOrdId: string
  orderId?: string
  clOrdId: string
  account?: string
  symbol: string
  side: FixSide
  transactTime: number
  orderQty?: string
  text?: string
}

/** OrderCancelReplaceRequest (35=G). */
export type OrderCancelReplaceRequest = {
  orderId?: string
  origClOrdId: string
  clOrdId: string
  account?: string
  handlInst?: string
  symbol: string
  side: FixSide
  transactTime: number
  orderQty: string
  ordType: FixOrdType
  price?: string
  stopPx?: string
  timeInForce?: FixTimeInForce
  expireTime?: number
  text?: string
}

/** OrderStatusRequest (35=H). */
export type OrderStatusRequest = {
  orderId?: string
  clOrdId: string
  ordStatusReqId?: string
  account?: string
  symbol: string
  side: FixSide
}

/** ExecutionReport (35=8). */
export type ExecutionReport = {
  orderId: string
  clOrdId?: string
  origClOrdId?: string
  execId: string
  execType: FixExecType
  ordStatus: FixOrdStatus
  ordRejReason?: number
  account?: string
  symbol: string
  side: FixSide
  orderQty?: string
  ordType?: FixOrdType
  price?: string
  stopPx?: string
  timeInForce?: FixTimeInForce
  lastQty?: string
  lastPx?: string
  leavesQty: string
  cumQty: string
  avgPx: string
  transactTime?: number
  text?: string
}

/** OrderCancelReject (35=9). */
export type OrderCancelReject = {
  orderId: string
  clOrdId: string
  origClOrdId: string
  ordStatus: FixOrdStatus
  account?: string
  transactTime?: number
  /** CxlRejResponseTo (434): 1 cancel request, 2 cancel/replace request. */
  cxlRejResponseTo: '1' | '2'
  /** CxlRejReason (102): 0 too late, 1 unknown order, 2 broker option, 3 already pending, 99 other. */
  cxlRejReason?: number
  text?: string
}

const SIDES = ['1', '2']
const ORD_TYPES = ['1', '2', '3', '4']
const TIFS = ['0', '1', '3', '4', '6']
const EXEC_TYPES = ['0', '4', '5', '6', '8', 'A', 'C', 'E', 'F', 'I']
const ORD_STATUSES = ['0', '1', '2', '4', '6', '8', 'A', 'C', 'E']

export const newOrderSingleSpec: MessageSpec = {
  msgType: 'D',
  name: 'NewOrderSingle',
  fields: [
    { key: 'clOrdId', tag: 11, kind: 'string', required: true },
    { key: 'account', tag: 1, kind: 'string' },
    { key: 'handlInst', tag: 21, kind: 'char' },
    { key: 'execInst', tag: 18, kind: 'string' },
    { key: 'minQty', tag: 110, kind: 'decimal' },
    { key: 'symbol', tag: 55, kind: 'string', required: true },
    { key: 'side', tag: 54, kind: 'char', required: true, values: SIDES },
    { key: 'transactTime', tag: 60, kind: 'timestamp', required: true },
    { key: 'orderQty', tag: 38, kind: 'decimal', required: true },
    { key: 'ordType', tag: 40, kind: 'char', required: true, values: ORD_TYPES },
    { key: 'price', tag: 44, kind: 'decimal' },
    { key: 'stopPx', tag: 99, kind: 'decimal' },
    { key: 'timeInForce', tag: 59, kind: 'char', values: TIFS },
    { key: 'expireTime', tag: 126, kind: 'timestamp' },
    { key: 'text', tag: 58, kind: 'string' },
  ],
}

export const orderCancelRequestSpec: MessageSpec = {
  msgType: 'F',
  name: 'OrderCancelRequest',
  fields: [
    { key: 'origClOrdId', tag: 41, kind: 'string', required: true },
    { key: 'orderId', tag: 37, kind: 'string' },
    { key: 'clOrdId', tag: 11, kind: 'string', required: true },
    { key: 'account', tag: 1, kind: 'string' },
    { key: 'symbol', tag: 55, kind: 'string', required: true },
    { key: 'side', tag: 54, kind: 'char', required: true, values: SIDES },
    { key: 'transactTime', tag: 60, kind: 'timestamp', required: true },
    { key: 'orderQty', tag: 38, kind: 'decimal' },
    { key: 'text', tag: 58, kind: 'string' },
  ],
}

export const orderCancelReplaceRequestSpec: MessageSpec = {
  msgType: 'G',
  name: 'OrderCancelReplaceRequest',
  fields: [
    { key: 'orderId', tag: 37, kind: 'string' },
    { key: 'origClOrdId', tag: 41, kind: 'string', required: true },
    { key: 'clOrdId', tag: 11, kind: 'string', required: true },
    { key: 'account', tag: 1, kind: 'string' },
    { key: 'handlInst', tag: 21, kind: 'char' },
    { key: 'symbol', tag: 55, kind: 'string', required: true },
    { key: 'side', tag: 54, kind: 'char', required: true, values: SIDES },
    { key: 'transactTime', tag: 60, kind: 'timestamp', required: true },
    { key: 'orderQty', tag: 38, kind: 'decimal', required: true },
    { key: 'ordType', tag: 40, kind: 'char', required: true, values: ORD_TYPES },
    { key: 'price', tag: 44, kind: 'decimal' },
    { key: 'stopPx', tag: 99, kind: 'decimal' },
    { key: 'timeInForce', tag: 59, kind: 'char', values: TIFS },
    { key: 'expireTime', tag: 126, kind: 'timestamp' },
    { key: 'text', tag: 58, kind: 'string' },
  ],
}

export const orderStatusRequestSpec: MessageSpec = {
  msgType: 'H',
  name: 'OrderStatusRequest',
  fields: [
    { key: 'orderId', tag: 37, kind: 'string' },
    { key: 'clOrdId', tag: 11, kind: 'string', required: true },
    { key: 'ordStatusReqId', tag: 790, kind: 'string' },
    { key: 'account', tag: 1, kind: 'string' },
    { key: 'symbol', tag: 55, kind: 'string', required: true },
    { key: 'side', tag: 54, kind: 'char', required: true, values: SIDES },
  ],
}

export const executionReportSpec: MessageSpec = {
  msgType: '8',
  name: 'ExecutionReport',
  fields: [
    { key: 'orderId', tag: 37, kind: 'string', required: true },
    { key: 'clOrdId', tag: 11, kind: 'string' },
    { key: 'origClOrdId', tag: 41, kind: 'string' },
    { key: 'execId', tag: 17, kind: 'string', required: true },
    { key: 'execType', tag: 150, kind: 'char', required: true, values: EXEC_TYPES },
    { key: 'ordStatus', tag: 39, kind: 'char', required: true, values: ORD_STATUSES },
    { key: 'ordRejReason', tag: 103, kind: 'int' },
    { key: 'account', tag: 1, kind: 'string' },
    { key: 'symbol', tag: 55, kind: 'string', required: true },
    { key: 'side', tag: 54, kind: 'char', required: true, values: SIDES },
    { key: 'orderQty', tag: 38, kind: 'decimal' },
    { key: 'ordType', tag: 40, kind: 'char', values: ORD_TYPES },
    { key: 'price', tag: 44, kind: 'decimal' },
    { key: 'stopPx', tag: 99, kind: 'decimal' },
    { key: 'timeInForce', tag: 59, kind: 'char', values: TIFS },
    { key: 'lastQty', tag: 32, kind: 'decimal' },
    { key: 'lastPx', tag: 31, kind: 'decimal' },
    { key: 'leavesQty', tag: 151, kind: 'decimal', required: true },
    { key: 'cumQty', tag: 14, kind: 'decimal', required: true },
    { key: 'avgPx', tag: 6, kind: 'decimal', required: true },
    { key: 'transactTime', tag: 60, kind: 'timestamp' },
    { key: 'text', tag: 58, kind: 'string' },
  ],
}

export const orderCancelRejectSpec: MessageSpec = {
  msgType: '9',
  name: 'OrderCancelReject',
  fields: [
    { key: 'orderId', tag: 37, kind: 'string', required: true },
    { key: 'clOrdId', tag: 11, kind: 'string', required: true },
    { key: 'origClOrdId', tag: 41, kind: 'string', required: true },
    { key: 'ordStatus', tag: 39, kind: 'char', required: true, values: ORD_STATUSES },
    { key: 'account', tag: 1, kind: 'string' },
    { key: 'transactTime', tag: 60, kind: 'timestamp' },
    { key: 'cxlRejResponseTo', tag: 434, kind: 'char', required: true, values: ['1', '2'] },
    { key: 'cxlRejReason', tag: 102, kind: 'int' },
    { key: 'text', tag: 58, kind: 'string' },
  ],
}

/** Builds a NewOrderSingle. @throws {MissingFixFieldError} @throws {InvalidFixFieldError} */
export const buildNewOrderSingle = (v: NewOrderSingle): FixOutboundMessage =>
  buildMessage(newOrderSingleSpec, v)
/** Reads a NewOrderSingle. @throws {MissingFixFieldError} @throws {InvalidFixFieldError} */
export const readNewOrderSingle = (view: FixMessageView): NewOrderSingle =>
  readMessage(newOrderSingleSpec, view) as NewOrderSingle
/** Builds an OrderCancelRequest. */
export const buildOrderCancelRequest = (v: OrderCancelRequest): FixOutboundMessage =>
  buildMessage(orderCancelRequestSpec, v)
/** Reads an OrderCancelRequest. */
export const readOrderCancelRequest = (view: FixMessageView): OrderCancelRequest =>
  readMessage(orderCancelRequestSpec, view) as OrderCancelRequest
/** Builds an OrderCancelReplaceRequest. */
export const buildOrderCancelReplaceRequest = (v: OrderCancelReplaceRequest): FixOutboundMessage =>
  buildMessage(orderCancelReplaceRequestSpec, v)
/** Reads an OrderCancelReplaceRequest. */
export const readOrderCancelReplaceRequest = (view: FixMessageView): OrderCancelReplaceRequest =>
  readMessage(orderCancelReplaceRequestSpec, view) as OrderCancelReplaceRequest
/** Builds an OrderStatusRequest. */
export const buildOrderStatusRequest = (v: OrderStatusRequest): FixOutboundMessage =>
  buildMessage(orderStatusRequestSpec, v)
/** Reads an OrderStatusRequest. */
export const readOrderStatusRequest = (view: FixMessageView): OrderStatusRequest =>
  readMessage(orderStatusRequestSpec, view) as OrderStatusRequest
/** Builds an ExecutionReport. */
export const buildExecutionReport = (v: ExecutionReport): FixOutboundMessage =>
  buildMessage(executionReportSpec, v)
/** Reads an ExecutionReport. */
export const readExecutionReport = (view: FixMessageView): ExecutionReport =>
  readMessage(executionReportSpec, view) as ExecutionReport
/** Builds an OrderCancelReject. */
export const buildOrderCancelReject = (v: OrderCancelReject): FixOutboundMessage =>
  buildMessage(orderCancelRejectSpec, v)
/** Reads an OrderCancelReject. */
export const readOrderCancelReject = (view: FixMessageView): OrderCancelReject =>
  readMessage(orderCancelRejectSpec, view) as OrderCancelReject
