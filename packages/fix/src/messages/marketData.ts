// Typed builders and readers for market data and security lists: MarketDataRequest,
// MarketDataSnapshotFullRefresh, MarketDataIncrementalRefresh, MarketDataRequestReject,
// SecurityListRequest, SecurityList.
import type { FixMessageView } from '../codec/messageView.js'
import type { FixOutboundMessage } from '../session/types.js'
import { buildMessage, type MessageSpec, readMessage } from './spec.js'

/** MDEntryType (269): 0 bid, 1 offer, 2 trade. */
export type FixMdEntryType = '0' | '1' | '2'

/** MarketDataRequest (35=V). */
export type MarketDataRequest = {
  mdReqId: string
  /** SubscriptionRequestType (263): 0 snapshot, 1 snapshot + updates, 2 unsubscribe. */
  subscriptionRequestType: '0' | '1' | '2'
  /** MarketDepth (264): 0 full book, 1 top of book, N levels. */
  marketDepth: number
  /** MDUpdateType (265): 0 full refresh, 1 incremental. */
  mdUpdateType?: 0 | 1
  entryTypes: { mdEntryType: FixMdEntryType }[]
  relatedSym: { symbol: string }[]
}

/** One entry of a snapshot (NoMDEntries, 268). */
export type MdSnapshotEntry = {
  mdEntryType: FixMdEntryType
  mdEntryPx?: string
  mdEntrySize?: string
  mdEntryPositionNo?: number
  numberOfOrders?: number
}

/** MarketDataSnapshotFullRefresh (35=W). */
export type MarketDataSnapshotFullRefresh = {
  mdReqId?: string
  symbol: string
  entries: MdSnapshotEntry[]
}

/** One entry of an incremental refresh. MDUpdateAction (279): 0 new, 1 change, 2 delete. */
export type MdIncrementalEntry = {
  mdUpdateAction: '0' | '1' | '2'
  mdEntryType?: FixMdEntryType
  mdEntryId?: string
  symbol?: string
  mdEntryPx?: string
  mdEntrySize?: string
  mdEntryPositionNo?: number
  numberOfOrders?: number
}

/** MarketDataIncrementalRefresh (35=X). */
export type MarketDataIncrementalRefresh = {
  mdReqId?: string
  entries: MdIncrementalEntry[]
}

/** MarketDataRequestReject (35=Y). MDReqRejReason (281): 0 unknown symbol, 1 duplicate MDReqID, … */
export type MarketDataRequestReject = {
  mdReqId: string
  mdReqRejReason?: string
  text?: string
}

/** SecurityListRequest (35=x). SecurityListRequestType (559): 0 symbol, 4 all securities. */
export type SecurityListRequest = {
  securityReqId: string
  securityListRequestType: number
  symbol?: string
  subscriptionRequestType?: '0' | '1' | '2'
}

/** One security of a SecurityList (NoRelatedSym, 146). */
export type SecurityListEntry = {
  symbol: string
  securityId?: string
  securityIdSource?: string
  securityType?: string
  currency?: string
  roundLot?: string
  minTradeVol?: string
}

/** SecurityList (35=y). SecurityRequestResult (560): 0 valid request, 1 invalid, 2 no match, … */
export type SecurityList = {
  securityReqId: string
  securityResponseId: string
  securityRequestResult: number
  totNoRelatedSym?: number
  lastFragment?: boolean
  securities?: SecurityListEntry[]
}

const ENTRY_TYPES = ['0', '1', '2']

export const marketDataRequestSpec: MessageSpec = {
  msgType: 'V',
  name: 'MarketDataRequest',
  fields: [
    { key: 'mdReqId', tag: 262, kind: 'string', required: true },
    {
      key: 'subscriptionRequestType',
      tag: 263,
      kind: 'char',
      required: true,
      values: ['0', '1', '2'],
    },
    { key: 'marketDepth', tag: 264, kind: 'int', required: true },
    { key: 'mdUpdateType', tag: 265, kind: 'int' },
    {
      key: 'entryTypes',
      countTag: 267,
      required: true,
      fields: [{ key: 'mdEntryType', tag: 269, kind: 'char', required: true, values: ENTRY_TYPES }],
    },
    {
      key: 'relatedSym',
      countTag: 146,
      required: true,
      fields: [{ key: 'symbol', tag: 55, kind: 'string', required: true }],
    },
  ],
}

export const marketDataSnapshotFullRefreshSpec: MessageSpec = {
  msgType: 'W',
  name: 'MarketDataSnapshotFullRefresh',
  fields: [
    { key: 'mdReqId', tag: 262, kind: 'string' },
    { key: 'symbol', tag: 55, kind: 'string', required: true },
    {
      key: 'entries',
      countTag: 268,
      required: true,
      fields: [
        { key: 'mdEntryType', tag: 269, kind: 'char', required: true, values: ENTRY_TYPES },
        { key: 'mdEntryPx', tag: 270, kind: 'decimal' },
        { key: 'mdEntrySize', tag: 271, kind: 'decimal' },
        { key: 'numberOfOrders', tag: 346, kind: 'int' },
        { key: 'mdEntryPositionNo', tag: 290, kind: 'int' },
      ],
    },
  ],
}

export const marketDataIncrementalRefreshSpec: MessageSpec = {
  msgType: 'X',
  name: 'MarketDataIncrementalRefresh',
  fields: [
    { key: 'mdReqId', tag: 262, kind: 'string' },
    {
      key: 'entries',
      countTag: 268,
      required: true,
      fields: [
        { key: 'mdUpdateAction', tag: 279, kind: 'char', required: true, values: ['0', '1', '2'] },
        { key: 'mdEntryType', tag: 269, kind: 'char', values: ENTRY_TYPES },
        { key: 'mdEntryId', tag: 278, kind: 'string' },
        { key: 'symbol', tag: 55, kind: 'string' },
        { key: 'mdEntryPx', tag: 270, kind: 'decimal' },
        { key: 'mdEntrySize', tag: 271, kind: 'decimal' },
        { key: 'numberOfOrders', tag: 346, kind: 'int' },
        { key: 'mdEntryPositionNo', tag: 290, kind: 'int' },
      ],
    },
  ],
}

export const marketDataRequestRejectSpec: MessageSpec = {
  msgType: 'Y',
  name: 'MarketDataRequestReject',
  fields: [
    { key: 'mdReqId', tag: 262, kind: 'string', required: true },
    { key: 'mdReqRejReason', tag: 281, kind: 'char' },
    { key: 'text', tag: 58, kind: 'string' },
  ],
}

export const securityListRequestSpec: MessageSpec = {
  msgType: 'x',
  name: 'SecurityListRequest',
  fields: [
    { key: 'securityReqId', tag: 320, kind: 'string', required: true },
    { key: 'securityListRequestType', tag: 559, kind: 'int', required: true },
    { key: 'symbol', tag: 55, kind: 'string' },
    { key: 'subscriptionRequestType', tag: 263, kind: 'char', values: ['0', '1', '2'] },
  ],
}

export const securityListSpec: MessageSpec = {
  msgType: 'y',
  name: 'SecurityList',
  fields: [
    { key: 'securityReqId', tag: 320, kind: 'string', required: true },
    { key: 'securityResponseId', tag: 322, kind: 'string', required: true },
    { key: 'securityRequestResult', tag: 560, kind: 'int', required: true },
    { key: 'totNoRelatedSym', tag: 393, kind: 'int' },
    { key: 'lastFragment', tag: 893, kind: 'bool' },
    {
      key: 'securities',
      countTag: 146,
      fields: [
        { key: 'symbol', tag: 55, kind: 'string', required: true },
        { key: 'securityId', tag: 48, kind: 'string' },
        { key: 'securityIdSource', tag: 22, kind: 'string' },
        { key: 'securityType', tag: 167, kind: 'string' },
        { key: 'currency', tag: 15, kind: 'string' },
        { key: 'roundLot', tag: 561, kind: 'decimal' },
        { key: 'minTradeVol', tag: 562, kind: 'decimal' },
      ],
    },
  ],
}

/** Builds a MarketDataRequest. @throws {MissingFixFieldError} @throws {InvalidFixFieldError} */
export const buildMarketDataRequest = (v: MarketDataRequest): FixOutboundMessage =>
  buildMessage(marketDataRequestSpec, v)
/** Reads a MarketDataRequest. @throws {MissingFixFieldError} @throws {InvalidFixFieldError} */
export const readMarketDataRequest = (view: FixMessageView): MarketDataRequest =>
  readMessage(marketDataRequestSpec, view) as MarketDataRequest
/** Builds a MarketDataSnapshotFullRefresh. */
export const buildMarketDataSnapshotFullRefresh = (
  v: MarketDataSnapshotFullRefresh,
): FixOutboundMessage => buildMessage(marketDataSnapshotFullRefreshSpec, v)
/** Reads a MarketDataSnapshotFullRefresh. */
export const readMarketDataSnapshotFullRefresh = (
  view: FixMessageView,
): MarketDataSnapshotFullRefresh =>
  readMessage(marketDataSnapshotFullRefreshSpec, view) as MarketDataSnapshotFullRefresh
/** Builds a MarketDataIncrementalRefresh. */
export const buildMarketDataIncrementalRefresh = (
  v: MarketDataIncrementalRefresh,
): FixOutboundMessage => buildMessage(marketDataIncrementalRefreshSpec, v)
/** Reads a MarketDataIncrementalRefresh. */
export const readMarketDataIncrementalRefresh = (
  view: FixMessageView,
): MarketDataIncrementalRefresh =>
  readMessage(marketDataIncrementalRefreshSpec, view) as MarketDataIncrementalRefresh
/** Builds a MarketDataRequestReject. */
export const buildMarketDataRequestReject = (v: MarketDataRequestReject): FixOutboundMessage =>
  buildMessage(marketDataRequestRejectSpec, v)
/** Reads a MarketDataRequestReject. */
export const readMarketDataRequestReject = (view: FixMessageView): MarketDataRequestReject =>
  readMessage(marketDataRequestRejectSpec, view) as MarketDataRequestReject
/** Builds a SecurityListRequest. */
export const buildSecurityListRequest = (v: SecurityListRequest): FixOutboundMessage =>
  buildMessage(securityListRequestSpec, v)
/** Reads a SecurityListRequest. */
export const readSecurityListRequest = (view: FixMessageView): SecurityListRequest =>
  readMessage(securityListRequestSpec, view) as SecurityListRequest
/** Builds a SecurityList. */
export const buildSecurityList = (v: SecurityList): FixOutboundMessage =>
  buildMessage(securityListSpec, v)
/** Reads a SecurityList. */
export const readSecurityList = (view: FixMessageView): SecurityList =>
  readMessage(securityListSpec, view) as SecurityList
