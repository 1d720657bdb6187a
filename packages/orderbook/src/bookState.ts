import { createHash } from 'node:crypto'
import type { BookState, OrderState } from './bookTypes.js'
import { ByteReader, ByteWriter } from './bytes.js'
import type { OrderType, SelfTradePrevention, Side, TimeInForce } from './types.js'

const STATE_VERSION = 1
const SIDES: readonly Side[] = ['buy', 'sell']
const TYPES: readonly OrderType[] = ['limit', 'market', 'stopLimit', 'stopMarket']
const TIFS: readonly TimeInForce[] = ['GTC', 'IOC', 'FOK', 'GTD']
const STPS: readonly SelfTradePrevention[] = [
  'none',
  'cancelResting',
  'cancelIncoming',
  'cancelBoth',
  'decrementAndCancel',
]

function code<T>(table: readonly T[], value: T): number {
  const index = table.indexOf(value)
  if (index < 0) throw new RangeError(`cannot encode ${String(value)}`)
  return index
}

function pick<T>(table: readonly T[], index: number): T {
  const value = table[index]
  if (value === undefined) throw new RangeError(`invalid code ${index}`)
  return value
}

function writeOrder(w: ByteWriter, o: OrderState): void {
  w.f64(o.orderId)
  w.f64(o.account)
  w.string(o.clientOrderId)
  w.u8(code(SIDES, o.side))
  w.u8(code(TYPES, o.orderType))
  w.f64(o.price)
  w.f64(o.quantity)
  w.f64(o.hidden)
  w.f64(o.peak)
  w.f64(o.quoteBudget)
  w.f64(o.stopPrice)
  w.u8(code(TIFS, o.timeInForce))
  w.f64(o.expireAt)
  w.u8(o.postOnly ? 1 : 0)
  w.u8(code(STPS, o.selfTradePrevention))
  w.f64(o.arrival)
}

function readOrder(r: ByteReader): OrderState {
  return {
    orderId: r.f64(),
    account: r.f64(),
    clientOrderId: r.string(),
    side: pick(SIDES, r.u8()),
    orderType: pick(TYPES, r.u8()),
    price: r.f64(),
    quantity: r.f64(),
    hidden: r.f64(),
    peak: r.f64(),
    quoteBudget: r.f64(),
    stopPrice: r.f64(),
    timeInForce: pick(TIFS, r.u8()),
    expireAt: r.f64(),
    postOnly: r.u8() === 1,
    selfTradePrevention: pick(STPS, r.u8()),
    arrival: r.f64(),
  }
}

function writeList(w: ByteWriter, list: readonly OrderState[]): void {
  w.u32(list.length)
  for (const o of list) writeOrder(w, o)
}

function readList(r: ByteReader): OrderState[] {
  const n = r.u32()
  const out: OrderState[] = []
  for (let i = 0; i < n; i++) out.push(readOrder(r))
  return out
}

/** Writes a book state into `w` (canonical: equal states give equal bytes). */
export function writeBookState(w: ByteWriter, state: BookState): void {
  w.u8(STATE_VERSION)
  w.string(state.symbol)
  w.f64(state.time)
  w.u8(state.status === 'halted' ? 1 : 0)
  w.f64(state.referencePrice)
  w.f64(state.lastTradePrice)
  w.f64(state.nextTradeId)
  w.f64(state.nextArrival)
  w.f64(state.l2Seq)
  w.f64(state.l3Seq)
  writeList(w, state.bids)
  writeList(w, state.asks)
  writeList(w, state.stops)
}

/** Reads a book state written by {@link writeBookState}. */
export function readBookState(r: ByteReader): BookState {
  const version = r.u8()
  if (version !== STATE_VERSION) throw new RangeError(`unknown book state version ${version}`)
  const symbol = r.string()
  if (symbol === undefined) throw new RangeError('book state without symbol')
  return {
    symbol,
    time: r.f64(),
    status: r.u8() === 1 ? 'halted' : 'trading',
    referencePrice: r.f64(),
    lastTradePrice: r.f64(),
    nextTradeId: r.f64(),
    nextArrival: r.f64(),
    l2Seq: r.f64(),
    l3Seq: r.f64(),
    bids: readList(r),
    asks: readList(r),
    stops: readList(r),
  }
}

/** The canonical binary encoding of a book state. */
export function encodeBookState(state: BookState): Uint8Array {
  const w = new ByteWriter(1024)
  writeBookState(w, state)
  return w.toBytes()
}

/**
 * Decodes {@link encodeBookState}'s bytes.
 *
 * @throws {RangeError} or a reader error when the bytes are not a book state.
 */
export function decodeBookState(bytes: Uint8Array): BookState {
  return readBookState(new ByteReader(bytes))
}

/** Hex SHA-256 of the canonical encoding: equal hashes mean equal books. */
export function hashBookState(state: BookState): string {
  return createHash('sha256').update(encodeBookState(state)).digest('hex')
}
