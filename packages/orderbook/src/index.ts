// @strongroom/orderbook — the only barrel. Every export is named here; index.test.ts snapshots the list.

export type {
  BestBidOffer,
  BookState,
  L2Level,
  L2Snapshot,
  L3Order,
  L3Snapshot,
  OrderBook,
  OrderState,
} from './bookTypes.js'
export { decodeBookState, encodeBookState, hashBookState } from './bookState.js'
export {
  type BookEvent,
  type BookEventSink,
  type BookEventType,
  combineEventSinks,
  createEventCollector,
  noopEventSink,
} from './events.js'
export { type CreateFastOrderBookParameters, createFastOrderBook, type FastBookOptions } from './fastBook.js'
export { type CreateOrderBookParameters, createOrderBook } from './orderBook.js'
export { type CreateReferenceOrderBookParameters, createReferenceOrderBook } from './referenceBook.js'
export type {
  AmendOrderCommand,
  BookCommand,
  BookCommandType,
  BookOrderAction,
  CancelOrderCommand,
  CancelReason,
  CommandStatus,
  HaltCommand,
  MassCancelCommand,
  OrderType,
  PlaceOrderCommand,
  RejectCode,
  ResumeCommand,
  SelfTradePrevention,
  SetReferencePriceCommand,
  Side,
  TickCommand,
  TimeInForce,
  TradingStatus,
} from './types.js'
export { affordableLots, priceBandEdges, validateAmendOrder, validatePlaceOrder } from './validate.js'
export { version } from './version.js'
