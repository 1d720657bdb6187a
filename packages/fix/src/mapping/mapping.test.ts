import { defineAsset, defineInstrument } from '@strongroom/core'
import { describe, expect, it } from 'vitest'
import { FixEncoder } from '../codec/encoder.js'
import { parseFixMessage } from '../codec/parse.js'
import {
  buildMarketDataRequest,
  buildNewOrderSingle,
  buildOrderCancelReplaceRequest,
  buildOrderCancelRequest,
  buildOrderStatusRequest,
  readExecutionReport,
  readMarketDataIncrementalRefresh,
  readMarketDataRequestReject,
  readMarketDataSnapshotFullRefresh,
  readOrderCancelReject,
} from '../index.js'
import type { FixOutboundMessage } from '../session/types.js'
import {
  formatMarketDataIncremental,
  formatMarketDataRequestReject,
  formatMarketDataSnapshot,
  parseMarketDataSubscription,
} from './marketData.js'
import {
  formatExecutionReport,
  formatOrderCancelReject,
  parseOrderEntryCommand,
} from './orderEntry.js'

const BTC_USDC = defineInstrument({
  base: defineAsset({ code: 'BTC', decimals: 8 }),
  quote: defineAsset({ code: 'USDC', decimals: 6 }),
  tickSize: '0.01',
  lotSize: '0.0001',
  maxQuantityLots: 100_000_000,
  maxPriceTicks: 1_000_000_000,
})
const instruments = (symbol: string) => (symbol === 'BTC-USDC' ? BTC_USDC : undefined)
const T = Date.UTC(2026, 0, 2, 3, 4, 5, 678)
const encoder = new FixEncoder()
function wire(message: FixOutboundMessage) {
  encoder.begin(message.msgType).int(34, 7).str(49, 'A').timestamp(52, T).str(56, 'B')
  message.writeBody(encoder)
  return parseFixMessage(encoder.finish().slice())
}
const order = {
  clOrdId: 'C1',
  symbol: 'BTC-USDC',
  side: '1',
  transactTime: T,
  orderQty: '1.5',
  ordType: '2',
  price: '42000.5',
} as const

describe('order-entry mapping', () => {
  it('maps NewOrderSingle to a command in ticks and lots', () => {
    expect(
      parseOrderEntryCommand(wire(buildNewOrderSingle({ ...order, account: 'acc-1' })), {
        instruments,
      }),
    ).toEqual({
      kind: 'new_order',
      clientOrderId: 'C1',
      account: 'acc-1',
      instrument: BTC_USDC,
      side: 'buy',
      type: 'limit',
      priceTicks: 4_200_050,
      stopPriceTicks: undefined,
      quantityLots: 15_000,
      timeInForce: 'day',
      expireTime: undefined,
      transactTime: T,
    })
  })

  it('maps cancel, replace and status requests', () => {
    const cancel = parseOrderEntryCommand(
      wire(
        buildOrderCancelRequest({
          origClOrdId: 'C1',
          clOrdId: 'C2',
          orderId: 'O1',
          symbol: 'BTC-USDC',
          side: '2',
          transactTime: T,
        }),
      ),
      { instruments },
    )
    expect(cancel).toMatchObject({
      kind: 'cancel_order',
      clientOrderId: 'C2',
      origClientOrderId: 'C1',
      orderId: 'O1',
      side: 'sell',
    })
    const replace = parseOrderEntryCommand(
      wire(
        buildOrderCancelReplaceRequest({
          ...order,
          origClOrdId: 'C1',
          clOrdId: 'C3',
          orderQty: '2',
          ordType: '1',
          price: undefined as never,
        }),
      ),
      { instruments },
    )
    expect(replace).toMatchObject({
      kind: 'replace_order',
      type: 'market',
      quantityLots: 20_000,
      priceTicks: undefined,
    })
    const status = parseOrderEntryCommand(
      wire(buildOrderStatusRequest({ clOrdId: 'C1', symbol: 'BTC-USDC', side: '1' })),
      { instruments },
    )
    expect(status).toMatchObject({ kind: 'order_status', clientOrderId: 'C1' })
  })

  it('refuses unknown symbols, off-grid values and inconsistent fields with typed errors', () => {
    const map = (o: object) => () =>
      parseOrderEntryCommand(wire(buildNewOrderSingle({ ...order, ...o })), { instruments })
    expect(map({ symbol: 'DOGE-USDC' })).toThrowError(
      expect.objectContaining({ code: 'FIX_INVALID_FIELD', rule: 'unknown_symbol' }),
    )
    expect(map({ price: '42000.505' })).toThrowError(
      expect.objectContaining({ code: 'CORE_INVALID_PRICE', path: ['Price(44)'] }),
    )
    expect(map({ orderQty: '0.00001' })).toThrowError(
      expect.objectContaining({ code: 'CORE_INVALID_QUANTITY', path: ['OrderQty(38)'] }),
    )
    expect(map({ ordType: '1' })).toThrowError(
      expect.objectContaining({ rule: 'not_allowed_for_ord_type', path: ['Price(44)'] }),
    )
    expect(map({ timeInForce: '6' })).toThrowError(
      expect.objectContaining({ rule: 'expire_time_with_gtd' }),
    )
    expect(map({ clOrdId: 'has space' })).toThrowError(
      expect.objectContaining({ code: 'CORE_INVALID_ID', path: ['ClOrdID(11)'] }),
    )
    expect(() =>
      parseOrderEntryCommand(
        wire(
          buildMarketDataRequest({
            mdReqId: 'R',
            subscriptionRequestType: '0',
            marketDepth: 0,
            entryTypes: [{ mdEntryType: '0' }],
            relatedSym: [{ symbol: 'BTC-USDC' }],
          }),
        ),
        { instruments },
      ),
    ).toThrowError(expect.objectContaining({ rule: 'not_order_entry' }))
  })

  it('maps order events to ExecutionReports and cancel rejections to OrderCancelReject', () => {
    const fill = readExecutionReport(
      wire(
        formatExecutionReport({
          kind: 'fill',
          execId: 'E2',
          orderId: 'O1',
          clientOrderId: 'C1',
          instrument: BTC_USDC,
          side: 'buy',
          type: 'limit',
          priceTicks: 4_200_050,
          timeInForce: 'gtc',
          quantityLots: 15_000,
          cumLots: 5_000,
          leavesLots: 10_000,
          lastLots: 5_000,
          lastPriceTicks: 4_200_000,
          avgPrice: '42000',
          transactTime: T,
        }),
      ),
    )
    expect(fill).toEqual({
      orderId: 'O1',
      clOrdId: 'C1',
      execId: 'E2',
      execType: 'F',
      ordStatus: '1',
      symbol: 'BTC-USDC',
      side: '1',
      orderQty: '1.5000',
      ordType: '2',
      price: '42000.50',
      timeInForce: '1',
      lastQty: '0.5000',
      lastPx: '42000.00',
      leavesQty: '1.0000',
      cumQty: '0.5000',
      avgPx: '42000',
      transactTime: T,
    })
    const reject = readOrderCancelReject(
      wire(
        formatOrderCancelReject({
          orderId: 'O1',
          clientOrderId: 'C2',
          origClientOrderId: 'C1',
          responseTo: 'cancel',
          status: 'filled',
          reason: 0,
          transactTime: T,
        }),
      ),
    )
    expect(reject).toMatchObject({ ordStatus: '2', cxlRejResponseTo: '1', cxlRejReason: 0 })
  })
})

describe('market-data mapping', () => {
  it('maps a MarketDataRequest to a subscription', () => {
    const sub = parseMarketDataSubscription(
      wire(
        buildMarketDataRequest({
          mdReqId: 'R1',
          subscriptionRequestType: '1',
          marketDepth: 10,
          mdUpdateType: 1,
          entryTypes: [{ mdEntryType: '0' }, { mdEntryType: '2' }],
          relatedSym: [{ symbol: 'BTC-USDC' }],
        }),
      ),
      { instruments },
    )
    expect(sub).toEqual({
      requestId: 'R1',
      action: 'subscribe',
      depth: 10,
      incremental: true,
      entryKinds: ['bid', 'trade'],
      instruments: [BTC_USDC],
    })
    expect(() =>
      parseMarketDataSubscription(
        wire(
          buildMarketDataRequest({
            mdReqId: 'R1',
            subscriptionRequestType: '0',
            marketDepth: 0,
            entryTypes: [{ mdEntryType: '0' }],
            relatedSym: [{ symbol: 'BTC-USDC' }, { symbol: 'X-Y' }],
          }),
        ),
        { instruments },
      ),
    ).toThrowError(
      expect.objectContaining({
        rule: 'unknown_symbol',
        path: ['NoRelatedSym(146)', 1, 'Symbol(55)'],
      }),
    )
  })

  it('maps snapshots, increments and rejects', () => {
    const snapshot = readMarketDataSnapshotFullRefresh(
      wire(
        formatMarketDataSnapshot({
          requestId: 'R1',
          instrument: BTC_USDC,
          bids: [{ priceTicks: 100, lots: 20, orders: 2 }],
          offers: [{ priceTicks: 101, lots: 10 }],
        }),
      ),
    )
    expect(snapshot.entries).toEqual([
      {
        mdEntryType: '0',
        mdEntryPx: '1.00',
        mdEntrySize: '0.0020',
        numberOfOrders: 2,
        mdEntryPositionNo: 1,
      },
      { mdEntryType: '1', mdEntryPx: '1.01', mdEntrySize: '0.0010', mdEntryPositionNo: 1 },
    ])
    const inc = readMarketDataIncrementalRefresh(
      wire(
        formatMarketDataIncremental({
          updates: [
            { action: 'delete', kind: 'offer', instrument: BTC_USDC, priceTicks: 101, lots: 0 },
          ],
        }),
      ),
    )
    expect(inc.entries).toEqual([
      {
        mdUpdateAction: '2',
        mdEntryType: '1',
        symbol: 'BTC-USDC',
        mdEntryPx: '1.01',
        mdEntrySize: '0.0000',
      },
    ])
    expect(
      readMarketDataRequestReject(
        wire(formatMarketDataRequestReject({ requestId: 'R1', reason: '0', text: 'unknown' })),
      ),
    ).toEqual({
      mdReqId: 'R1',
      mdReqRejReason: '0',
      text: 'unknown',
    })
  })
})
