// The two messages every figure uses, as bytes (our encoder) and as jspurefix objects.
import { FixEncoder } from '../src/index.js'

const T = Date.UTC(2026, 10, 21, 12, 0, 0, 123)

export function newOrderSingleBytes(encoder = new FixEncoder()): Uint8Array {
  return encoder
    .begin('D')
    .int(34, 1234)
    .str(49, 'TW44')
    .timestamp(52, T)
    .str(56, 'ISLD')
    .str(11, 'ORD-0000001234')
    .str(1, 'ACC-7')
    .str(21, '1')
    .str(55, 'BTC-USDC')
    .str(54, '1')
    .timestamp(60, T)
    .str(38, '1.25')
    .str(40, '2')
    .str(44, '42000.50')
    .str(59, '1')
    .finish()
    .slice()
}

export function executionReportBytes(encoder = new FixEncoder()): Uint8Array {
  return encoder
    .begin('8')
    .int(34, 1235)
    .str(49, 'ISLD')
    .timestamp(52, T)
    .str(56, 'TW44')
    .str(37, 'O-000000777')
    .str(11, 'ORD-0000001234')
    .str(17, 'E-000000999')
    .str(150, 'F')
    .str(39, '1')
    .str(1, 'ACC-7')
    .str(55, 'BTC-USDC')
    .str(54, '1')
    .str(38, '1.25')
    .str(40, '2')
    .str(44, '42000.50')
    .str(32, '0.5')
    .str(31, '42000.00')
    .str(151, '0.75')
    .str(14, '0.5')
    .str(6, '42000.00')
    .timestamp(60, T)
    .finish()
    .slice()
}

export const jspurefixNewOrderSingle = {
  ClOrdID: 'ORD-0000001234',
  Account: 'ACC-7',
  HandlInst: '1',
  Instrument: { Symbol: 'BTC-USDC' },
  Side: '1',
  TransactTime: new Date(T),
  OrderQtyData: { OrderQty: 1.25 },
  OrdType: '2',
  Price: 42000.5,
  TimeInForce: '1',
}

export const jspurefixExecutionReport = {
  OrderID: 'O-000000777',
  ClOrdID: 'ORD-0000001234',
  ExecID: 'E-000000999',
  ExecType: 'F',
  OrdStatus: '1',
  Account: 'ACC-7',
  Instrument: { Symbol: 'BTC-USDC' },
  Side: '1',
  OrderQtyData: { OrderQty: 1.25 },
  OrdType: '2',
  Price: 42000.5,
  LastQty: 0.5,
  LastPx: 42000,
  LeavesQty: 0.75,
  CumQty: 0.5,
  AvgPx: 42000,
  TransactTime: new Date(T),
}
