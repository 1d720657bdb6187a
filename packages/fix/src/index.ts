// @strongroom/fix — the only barrel. Every export is named here; index.test.ts snapshots the list.

export { FixEncoder, type FixFieldWriter } from './codec/encoder.js'
export { FixFramer, type FixFramerOptions, type FrameResult } from './codec/framer.js'
export { FixMessageView } from './codec/messageView.js'
export {
  type DecodedFixMessage,
  type DecodeFixMessageOptions,
  decodeFixMessage,
  type FixFieldMap,
  FixParser,
  parseFixMessage,
} from './codec/parse.js'
export {
  BusinessRejectReason,
  businessRejectText,
  SessionRejectReason,
  sessionRejectText,
} from './codec/rejectReasons.js'
export {
  formatUtcTimestamp,
  parseUtcTimestamp,
  parseUtcTimestampBytes,
  writeUtcTimestamp,
} from './codec/timestamp.js'
export {
  type FixGarbledReason,
  type TokenizeOptions,
  tokenizeFixMessage,
} from './codec/tokenize.js'
export {
  type FixGroupNode,
  type FixLevel,
  type FixStructure,
  type FixValidationError,
  FixValidator,
  type FixValidatorOptions,
} from './codec/validate.js'
export {
  FieldFormat,
  type FixDictionary,
  type FixFieldDef,
  type FixFieldType,
  type FixGroupDef,
  type FixLayout,
  type FixMessageDef,
  getFix44Dictionary,
  parseCompactDictionary,
} from './dictionary/dictionary.js'
export {
  FixErrorCode,
  type FixInputErrorOptions,
  FixStoreCorruptError,
  FixStoreIoError,
  GarbledFixMessageError,
  InvalidFixConfigError,
  InvalidFixFieldError,
  InvalidFixMessageError,
  MissingFixFieldError,
} from './errors.js'
export {
  type BookLevel,
  type BookSnapshot,
  type BookUpdate,
  formatMarketDataIncremental,
  formatMarketDataRequestReject,
  formatMarketDataSnapshot,
  type MarketDataEntryKind,
  type MarketDataSubscription,
  parseMarketDataSubscription,
} from './mapping/marketData.js'
export {
  type CancelOrderCommand,
  type CancelRejectEvent,
  formatExecutionReport,
  formatOrderCancelReject,
  type InstrumentLookup,
  type NewOrderCommand,
  type OrderEntryCommand,
  type OrderEvent,
  type OrderSide,
  type OrderStatusCommand,
  type OrderType,
  parseOrderEntryCommand,
  type ReplaceOrderCommand,
  type TimeInForce,
} from './mapping/orderEntry.js'
export {
  buildMarketDataIncrementalRefresh,
  buildMarketDataRequest,
  buildMarketDataRequestReject,
  buildMarketDataSnapshotFullRefresh,
  buildSecurityList,
  buildSecurityListRequest,
  type FixMdEntryType,
  type MarketDataIncrementalRefresh,
  type MarketDataRequest,
  type MarketDataRequestReject,
  type MarketDataSnapshotFullRefresh,
  type MdIncrementalEntry,
  type MdSnapshotEntry,
  readMarketDataIncrementalRefresh,
  readMarketDataRequest,
  readMarketDataRequestReject,
  readMarketDataSnapshotFullRefresh,
  readSecurityList,
  readSecurityListRequest,
  type SecurityList,
  type SecurityListEntry,
  type SecurityListRequest,
} from './messages/marketData.js'
export {
  buildExecutionReport,
  buildNewOrderSingle,
  buildOrderCancelReject,
  buildOrderCancelReplaceRequest,
  buildOrderCancelRequest,
  buildOrderStatusRequest,
  type ExecutionReport,
  type FixExecType,
  type FixOrdStatus,
  type FixOrdType,
  type FixSide,
  type FixTimeInForce,
  type NewOrderSingle,
  type OrderCancelReject,
  type OrderCancelReplaceRequest,
  type OrderCancelRequest,
  type OrderStatusRequest,
  readExecutionReport,
  readNewOrderSingle,
  readOrderCancelReject,
  readOrderCancelReplaceRequest,
  readOrderCancelRequest,
  readOrderStatusRequest,
} from './messages/orders.js'
export {
  type BusinessMessageReject,
  buildBusinessMessageReject,
  buildHeartbeat,
  buildLogon,
  buildLogout,
  buildReject,
  buildResendRequest,
  buildSequenceReset,
  buildTestRequest,
  type Heartbeat,
  type Logon,
  type Logout,
  type Reject,
  type ResendRequest,
  readBusinessMessageReject,
  readHeartbeat,
  readLogon,
  readLogout,
  readReject,
  readResendRequest,
  readSequenceReset,
  readTestRequest,
  type SequenceReset,
  type TestRequest,
} from './messages/session.js'
export {
  type CreateFixAcceptorParameters,
  createFixAcceptor,
  type FixAcceptor,
  type FixLogonDecision,
  type FixLogonRequest,
} from './session/acceptor.js'
export {
  type CreateFixInitiatorParameters,
  createFixInitiator,
  type FixInitiator,
} from './session/initiator.js'
export {
  type CompiledSchedule,
  compileSchedule,
  type FixSessionSchedule,
} from './session/schedule.js'
export { FixSession } from './session/session.js'
export type { FixSessionConfig, FixSessionDeps } from './session/sessionConfig.js'
export {
  type CreateFixSpinLoopParameters,
  createFixSpinLoop,
  type FixIdleStrategy,
  type FixSpinHold,
  type FixSpinLoop,
  type FixSpinLoopState,
  getFixSpinLoop,
} from './session/spinLoop.js'
export {
  type FixApplication,
  type FixApplicationResult,
  type FixInboundMessage,
  type FixOutboundMessage,
  type FixSessionEvent,
  type FixSessionHandle,
  type FixSessionId,
  type FixTransport,
  fixSessionKey,
} from './session/types.js'
export { type FileStore, type OpenFileStoreParameters, openFileStore } from './store/fileStore.js'
export {
  createMemoryStore,
  type FixMessageStore,
  type StoredFixMessage,
} from './store/messageStore.js'
export { version } from './version.js'
