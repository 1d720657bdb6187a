import { describe, expect, it } from 'vitest'
import { FixEncoder } from '../codec/encoder.js'
import { parseFixMessage } from '../codec/parse.js'
import { FixValidator } from '../codec/validate.js'
import type { FixOutboundMessage } from '../session/types.js'
import * as md from './marketData.js'
import * as orders from './orders.js'
import * as session from './session.js'

const encoder = new FixEncoder()
const validator = new FixValidator()
const T = Date.UTC(2026, 0, 2, 3, 4, 5, 678)

/** Encodes a message with a session header, checks it against the dictionary, returns its view. */
function wire(message: FixOutboundMessage) {
  encoder.begin(message.msgType).int(34, 7).str(49, 'A').timestamp(52, T).str(56, 'B')
  message.writeBody(encoder)
  const view = parseFixMessage(encoder.finish().slice())
  expect(validator.validate(view)).toBeUndefined()
  return view
}

const cases: [
  string,
  (v: never) => FixOutboundMessage,
  (view: never) => unknown,
  Record<string, unknown>,
][] = [
  [
    'Logon',
    session.buildLogon,
    session.readLogon,
    { encryptMethod: 0, heartBtInt: 30, resetSeqNumFlag: true, username: 'u', password: 'p' },
  ],
  ['Heartbeat', session.buildHeartbeat, session.readHeartbeat, { testReqId: 'T1' }],
  ['TestRequest', session.buildTestRequest, session.readTestRequest, { testReqId: 'T1' }],
  [
    'ResendRequest',
    session.buildResendRequest,
    session.readResendRequest,
    { beginSeqNo: 2, endSeqNo: 0 },
  ],
  [
    'Reject',
    session.buildReject,
    session.readReject,
    { refSeqNum: 2, refTagId: 55, refMsgType: 'D', sessionRejectReason: 5, text: 'bad' },
  ],
  [
    'SequenceReset',
    session.buildSequenceReset,
    session.readSequenceReset,
    { newSeqNo: 9, gapFillFlag: true },
  ],
  ['Logout', session.buildLogout, session.readLogout, { text: 'bye' }],
  [
    'BusinessMessageReject',
    session.buildBusinessMessageReject,
    session.readBusinessMessageReject,
    { refSeqNum: 3, refMsgType: '8', businessRejectReason: 3, text: 'Unsupported Message Type' },
  ],
  [
    'NewOrderSingle',
    orders.buildNewOrderSingle,
    orders.readNewOrderSingle,
    {
      clOrdId: 'C1',
      account: 'ACC',
      handlInst: '1',
      symbol: 'BTC-USDC',
      side: '1',
      transactTime: T,
      orderQty: '1.5',
      ordType: '2',
      price: '42000.5',
      timeInForce: '6',
      expireTime: T + 1000,
      text: 'x',
    },
  ],
  [
    'OrderCancelRequest',
    orders.buildOrderCancelRequest,
    orders.readOrderCancelRequest,
    {
      origClOrdId: 'C1',
      orderId: 'O1',
      clOrdId: 'C2',
      symbol: 'BTC-USDC',
      side: '2',
      transactTime: T,
      orderQty: '1',
    },
  ],
  [
    'OrderCancelReplaceRequest',
    orders.buildOrderCancelReplaceRequest,
    orders.readOrderCancelReplaceRequest,
    {
      origClOrdId: 'C1',
      clOrdId: 'C3',
      symbol: 'BTC-USDC',
      side: '1',
      transactTime: T,
      orderQty: '2',
      ordType: '4',
      price: '10',
      stopPx: '9',
    },
  ],
  [
    'OrderStatusRequest',
    orders.buildOrderStatusRequest,
    orders.readOrderStatusRequest,
    { clOrdId: 'C1', orderId: 'O1', symbol: 'BTC-USDC', side: '1' },
  ],
  [
    'ExecutionReport',
    orders.buildExecutionReport,
    orders.readExecutionReport,
    {
      orderId: 'O1',
      clOrdId: 'C1',
      execId: 'E1',
      execType: 'F',
      ordStatus: '1',
      symbol: 'BTC-USDC',
      side: '1',
      orderQty: '2',
      ordType: '2',
      price: '10',
      lastQty: '1',
      lastPx: '10',
      leavesQty: '1',
      cumQty: '1',
      avgPx: '10',
      transactTime: T,
    },
  ],
  [
    'OrderCancelReject',
    orders.buildOrderCancelReject,
    orders.readOrderCancelReject,
    {
      orderId: 'O1',
      clOrdId: 'C2',
      origClOrdId: 'C1',
      ordStatus: '2',
      cxlRejResponseTo: '1',
      cxlRejReason: 0,
      transactTime: T,
      text: 'too late',
    },
  ],
  [
    'MarketDataRequest',
    md.buildMarketDataRequest,
    md.readMarketDataRequest,
    {
      mdReqId: 'R1',
      subscriptionRequestType: '1',
      marketDepth: 5,
      mdUpdateType: 1,
      entryTypes: [{ mdEntryType: '0' }, { mdEntryType: '1' }],
      relatedSym: [{ symbol: 'BTC-USDC' }, { symbol: 'ETH-USDC' }],
    },
  ],
  [
    'MarketDataSnapshotFullRefresh',
    md.buildMarketDataSnapshotFullRefresh,
    md.readMarketDataSnapshotFullRefresh,
    {
      mdReqId: 'R1',
      symbol: 'BTC-USDC',
      entries: [
        {
          mdEntryType: '0',
          mdEntryPx: '100',
          mdEntrySize: '2',
          numberOfOrders: 3,
          mdEntryPositionNo: 1,
        },
        { mdEntryType: '1', mdEntryPx: '101', mdEntrySize: '1' },
      ],
    },
  ],
  [
    'MarketDataIncrementalRefresh',
    md.buildMarketDataIncrementalRefresh,
    md.readMarketDataIncrementalRefresh,
    {
      mdReqId: 'R1',
      entries: [
        {
          mdUpdateAction: '0',
          mdEntryType: '0',
          symbol: 'BTC-USDC',
          mdEntryPx: '100',
          mdEntrySize: '2',
        },
        {
          mdUpdateAction: '2',
          mdEntryType: '1',
          mdEntryId: 'X',
          symbol: 'BTC-USDC',
          mdEntryPx: '101',
        },
      ],
    },
  ],
  [
    'MarketDataRequestReject',
    md.buildMarketDataRequestReject,
    md.readMarketDataRequestReject,
    { mdReqId: 'R1', mdReqRejReason: '0', text: 'unknown symbol' },
  ],
  [
    'SecurityListRequest',
    md.buildSecurityListRequest,
    md.readSecurityListRequest,
    { securityReqId: 'S1', securityListRequestType: 4, subscriptionRequestType: '0' },
  ],
  [
    'SecurityList',
    md.buildSecurityList,
    md.readSecurityList,
    {
      securityReqId: 'S1',
      securityResponseId: 'S2',
      securityRequestResult: 0,
      totNoRelatedSym: 2,
      lastFragment: true,
      securities: [
        { symbol: 'BTC-USDC', currency: 'USDC', roundLot: '0.0001', minTradeVol: '0.0001' },
        { symbol: 'ETH-USDC' },
      ],
    },
  ],
]

describe('typed builders and readers', () => {
  it('cover the 20 message types', () => {
    expect(cases.map((c) => c[0])).toHaveLength(20)
  })
  it.each(cases)(
    '%s round-trips through the wire and passes the dictionary',
    (_name, build, read, value) => {
      const view = wire(build(value as never))
      expect(read(view as never)).toEqual(value)
    },
  )

  it('builders refuse missing and malformed values, naming the field', () => {
    expect(() => orders.buildNewOrderSingle({ clOrdId: 'C' } as never)).toThrowError(
      expect.objectContaining({ code: 'FIX_MISSING_FIELD', path: ['symbol'] }),
    )
    expect(() =>
      orders.buildNewOrderSingle({
        clOrdId: 'C',
        symbol: 'S',
        side: '1',
        transactTime: T,
        orderQty: '1e5',
        ordType: '1',
      }),
    ).toThrowError(
      expect.objectContaining({ code: 'FIX_INVALID_FIELD', path: ['orderQty'], rule: 'decimal' }),
    )
    expect(() =>
      orders.buildNewOrderSingle({
        clOrdId: 'C',
        symbol: 'S',
        side: '7' as never,
        transactTime: T,
        orderQty: '1',
        ordType: '1',
      }),
    ).toThrowError(expect.objectContaining({ rule: 'enum', path: ['side'] }))
    expect(() =>
      md.buildMarketDataRequest({
        mdReqId: 'R',
        subscriptionRequestType: '0',
        marketDepth: 0,
        entryTypes: [{ mdEntryType: '0' }],
        relatedSym: [{ symbol: 'a\x01b' }],
      }),
    ).toThrowError(expect.objectContaining({ path: ['relatedSym', 0, 'symbol'], rule: 'string' }))
  })

  it('readers refuse the wrong message type and malformed values', () => {
    const view = wire(session.buildHeartbeat({}))
    expect(() => orders.readNewOrderSingle(view)).toThrowError(
      expect.objectContaining({ rule: 'msg_type' }),
    )
    const bad = parseFixMessage(
      Buffer.from(
        (() => {
          encoder
            .begin('D')
            .str(11, 'C')
            .str(55, 'S')
            .str(54, '1')
            .str(60, 'yesterday')
            .str(38, '1')
            .str(40, '1')
          return encoder.finish().slice()
        })(),
      ),
    )
    expect(() => orders.readNewOrderSingle(bad)).toThrowError(
      expect.objectContaining({ path: ['transactTime'], rule: 'timestamp' }),
    )
  })
})
