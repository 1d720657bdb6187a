// @strongroom/orderbook — the only barrel. Every export is named here; index.test.ts snapshots the list.

export { decodeBookState, encodeBookState, hashBookState } from './bookState.js'
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
export { decodeCommand, encodeCommand } from './commandCodec.js'
export {
  type CreateMatchingEngineParameters,
  createMatchingEngine,
  decodeEngineSnapshot,
  type EngineSnapshot,
  type EngineState,
  encodeEngineSnapshot,
  type MatchingEngine,
} from './engine.js'
export {
  CorruptPayloadError,
  JournalClosedError,
  JournalCorruptError,
  JournalSequenceGapError,
  JournalWriteError,
  NatsJournalError,
  OrderbookError,
  OrderbookErrorCode,
  OrderbookInputError,
} from './errors.js'
export {
  type BookEvent,
  type BookEventSink,
  type BookEventType,
  combineEventSinks,
  createEventCollector,
  noopEventSink,
} from './events.js'
export {
  type CreateFastOrderBookParameters,
  createFastOrderBook,
  type FastBookOptions,
} from './fastBook.js'
export {
  type FileJournal,
  type FileJournalRecovery,
  type OpenFileJournalParameters,
  openFileJournal,
  type PackedAppend,
} from './fileJournal.js'
export {
  createL2Replica,
  createL3Replica,
  createTradeTape,
  type L2Replica,
  type L3Replica,
  type PublicTrade,
  type TradeTape,
} from './marketData.js'
export { type NatsJournal, type OpenNatsJournalParameters, openNatsJournal } from './natsJournal.js'
export { type CreateOrderBookParameters, createOrderBook } from './orderBook.js'
export {
  type CreateReferenceOrderBookParameters,
  createReferenceOrderBook,
} from './referenceBook.js'
export {
  type CreateSequencerParameters,
  createSequencer,
  type RecoveredMatchingEngine,
  type RecoverMatchingEngineParameters,
  recoverMatchingEngine,
  type Sequencer,
} from './sequencer.js'
export type {
  AmendOrderCommand,
  BookCommand,
  BookCommandType,
  BookOrderAction,
  CancelOrderCommand,
  CancelReason,
  CommandBase,
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
export {
  affordableLots,
  priceBandEdges,
  validateAmendOrder,
  validatePlaceOrder,
} from './validate.js'
export { version } from './version.js'
