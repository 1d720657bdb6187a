import { type Instrument, lotsToQuantity, ticksToPrice } from '@strongroom/core'
import type { FixMessageView } from '../codec/messageView.js'
import { InvalidFixFieldError } from '../errors.js'
import {
  buildMarketDataIncrementalRefresh,
  buildMarketDataRequestReject,
  buildMarketDataSnapshotFullRefresh,
  type FixMdEntryType,
  type MdIncrementalEntry,
  type MdSnapshotEntry,
  readMarketDataRequest,
} from '../messages/marketData.js'
import type { FixOutboundMessage } from '../session/types.js'
import type { InstrumentLookup } from './orderEntry.js'

/** Which book entries a subscriber wants. */
export type MarketDataEntryKind = 'bid' | 'offer' | 'trade'

/** A market data subscription, from MarketDataRequest (35=V). */
export type MarketDataSubscription = {
  readonly requestId: string
  /** `snapshot` once, `subscribe` snapshot then updates, `unsubscribe`. */
  readonly action: 'snapshot' | 'subscribe' | 'unsubscribe'
  /** Price levels per side; 0 = full book. */
  readonly depth: number
  /** Updates as incremental refreshes (true) or full snapshots (false). */
  readonly incremental: boolean
  readonly entryKinds: readonly MarketDataEntryKind[]
  readonly instruments: readonly Instrument[]
}

const KIND_FROM_FIX: Record<FixMdEntryType, MarketDataEntryKind> = {
  '0': 'bid',
  '1': 'offer',
  '2': 'trade',
}
const KIND_TO_FIX: Record<MarketDataEntryKind, FixMdEntryType> = {
  bid: '0',
  offer: '1',
  trade: '2',
}

/**
 * Maps a MarketDataRequest to a {@link MarketDataSubscription}.
 *
 * @throws {InvalidFixFieldError} for an unknown symbol or a negative depth (the caller answers
 *   with MarketDataRequestReject, see {@link formatMarketDataRequestReject}).
 */
export function parseMarketDataSubscription(
  view: FixMessageView,
  parameters: { instruments: InstrumentLookup },
): MarketDataSubscription {
  const m = readMarketDataRequest(view)
  if (m.marketDepth < 0) {
    throw new InvalidFixFieldError('must be 0 (full book) or a positive number of levels.', {
      code: 'FIX_INVALID_FIELD',
      path: ['MarketDepth(264)'],
      rule: 'non_negative',
    })
  }
  const instruments = m.relatedSym.map((entry, i) => {
    const instrument = parameters.instruments(entry.symbol)
    if (!instrument) {
      throw new InvalidFixFieldError(`"${entry.symbol}" is not a listed instrument.`, {
        code: 'FIX_INVALID_FIELD',
        path: ['NoRelatedSym(146)', i, 'Symbol(55)'],
        rule: 'unknown_symbol',
      })
    }
    return instrument
  })
  return {
    requestId: m.mdReqId,
    action:
      m.subscriptionRequestType === '0'
        ? 'snapshot'
        : m.subscriptionRequestType === '1'
          ? 'subscribe'
          : 'unsubscribe',
    depth: m.marketDepth,
    incremental: m.mdUpdateType === 1,
    entryKinds: m.entryTypes.map((e) => KIND_FROM_FIX[e.mdEntryType]),
    instruments,
  }
}

/** A price level: price in ticks, size in lots, optional order count. */
export type BookLevel = {
  readonly priceTicks: number
  readonly lots: number
  readonly orders?: number
}

/** A book snapshot to send as MarketDataSnapshotFullRefresh (35=W). */
export type BookSnapshot = {
  readonly requestId?: string | undefined
  readonly instrument: Instrument
  readonly bids: readonly BookLevel[]
  readonly offers: readonly BookLevel[]
  /** Recent trades, if the subscriber asked for them. */
  readonly trades?: readonly BookLevel[]
}

function level(
  kind: MarketDataEntryKind,
  i: Instrument,
  l: BookLevel,
  position: number,
): MdSnapshotEntry {
  const entry: MdSnapshotEntry = {
    mdEntryType: KIND_TO_FIX[kind],
    mdEntryPx: ticksToPrice(i, l.priceTicks),
    mdEntrySize: lotsToQuantity(i, l.lots),
  }
  if (l.orders !== undefined) entry.numberOfOrders = l.orders
  if (kind !== 'trade') entry.mdEntryPositionNo = position
  return entry
}

/** Maps a book snapshot to a MarketDataSnapshotFullRefresh (levels numbered from 1 per side). */
export function formatMarketDataSnapshot(snapshot: BookSnapshot): FixOutboundMessage {
  const i = snapshot.instrument
  const entries = [
    ...snapshot.bids.map((l, n) => level('bid', i, l, n + 1)),
    ...snapshot.offers.map((l, n) => level('offer', i, l, n + 1)),
    ...(snapshot.trades ?? []).map((l, n) => level('trade', i, l, n + 1)),
  ]
  return buildMarketDataSnapshotFullRefresh({
    ...(snapshot.requestId === undefined ? {} : { mdReqId: snapshot.requestId }),
    symbol: i.symbol,
    entries,
  })
}

/** One change to a book (or a trade) for MarketDataIncrementalRefresh (35=X). */
export type BookUpdate = {
  readonly action: 'new' | 'change' | 'delete'
  readonly kind: MarketDataEntryKind
  readonly instrument: Instrument
  readonly priceTicks: number
  readonly lots: number
  readonly orders?: number
}

const ACTION_TO_FIX = { new: '0', change: '1', delete: '2' } as const

/** Maps book updates to one MarketDataIncrementalRefresh. */
export function formatMarketDataIncremental(parameters: {
  requestId?: string
  updates: readonly BookUpdate[]
}): FixOutboundMessage {
  const entries = parameters.updates.map((u): MdIncrementalEntry => {
    const entry: MdIncrementalEntry = {
      mdUpdateAction: ACTION_TO_FIX[u.action],
      mdEntryType: KIND_TO_FIX[u.kind],
      symbol: u.instrument.symbol,
      mdEntryPx: ticksToPrice(u.instrument, u.priceTicks),
      mdEntrySize: lotsToQuantity(u.instrument, u.lots),
    }
    if (u.orders !== undefined) entry.numberOfOrders = u.orders
    return entry
  })
  return buildMarketDataIncrementalRefresh({
    ...(parameters.requestId === undefined ? {} : { mdReqId: parameters.requestId }),
    entries,
  })
}

/**
 * A MarketDataRequestReject (35=Y) for a request that cannot be served. MDReqRejReason (281):
 * `0` unknown symbol, `1` duplicate MDReqID, `5` unsupported MarketDepth, `8` unsupported
 * MDEntryType.
 */
export function formatMarketDataRequestReject(parameters: {
  requestId: string
  reason: '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | 'A' | 'B' | 'C' | 'D'
  text?: string
}): FixOutboundMessage {
  return buildMarketDataRequestReject({
    mdReqId: parameters.requestId,
    mdReqRejReason: parameters.reason,
    ...(parameters.text === undefined ? {} : { text: parameters.text }),
  })
}
