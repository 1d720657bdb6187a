// @strongroom/core — the only barrel. Every export is named here; index.test.ts snapshots the list.

export {
  type Amount,
  type AmountOptions,
  assertAmountInRange,
  formatAmount,
  type ParseAmountParameters,
  parseAmount,
  toAmount,
} from './amount.js'
export { type AmountCodecOptions, amountCodec } from './amountCodec.js'
export {
  type AssetSpec,
  assetSpecSchema,
  type DefineAssetParameters,
  defineAsset,
  MAX_UINT256,
} from './asset.js'
export {
  AuditChainBrokenError,
  AuditClosedError,
  AuditCorruptRecordError,
  AuditTornTailError,
  AuditWriteError,
} from './audit/auditErrors.js'
export {
  type AuditEntry,
  type AuditLog,
  type OpenAuditLogParameters,
  openAuditLog,
} from './audit/auditLog.js'
export {
  type AuditAnchor,
  type AuditRecord,
  createAuditRecord,
  GENESIS_HASH,
  hashAuditRecord,
  isAuditRecord,
  type UnhashedAuditRecord,
} from './audit/auditRecord.js'
export {
  type FileAuditSink,
  type OpenFileAuditSinkParameters,
  openFileAuditSink,
} from './audit/fileAuditSink.js'
export { createMemoryAuditSink, type MemoryAuditSink } from './audit/memoryAuditSink.js'
export {
  type AuditChainProblem,
  type AuditChainVerification,
  type VerifyAuditChainOptions,
  verifyAuditChain,
} from './audit/verifyAuditChain.js'
export type { Brand } from './brand.js'
export { type CanonicalValue, canonicalJson } from './canonicalJson.js'
export { type Clock, createManualClock, createSystemClock, type ManualClock } from './clock.js'
export {
  type AmountRule,
  CanonicalJsonError,
  CoreError,
  CoreErrorCode,
  type CoreErrorOptions,
  DivisionByZeroError,
  InputError,
  InvalidAmountError,
  InvalidIdError,
  InvalidPriceError,
  InvalidQuantityError,
  InvalidSpecError,
} from './coreErrors.js'
export {
  type DecimalRounding,
  formatDecimal,
  type ParseDecimalOptions,
  parseDecimal,
  pow10,
} from './decimal.js'
export {
  type ErrorCodeInfo,
  getErrorCodeInfo,
  listErrorCodes,
  registerErrorCodes,
} from './errorCodes.js'
export { isStrongroomError, StrongroomError, type StrongroomErrorOptions } from './errors.js'
export {
  createGroupCommit,
  type GroupCommit,
  type GroupCommitTarget,
} from './groupCommit.js'
export {
  type AccountId,
  type ClientOrderId,
  createRandomIdGenerator,
  createSequentialIdGenerator,
  type Id,
  type IdGenerator,
  isId,
  type KeyId,
  type OrderId,
  parseId,
  type RequestId,
  type TradeId,
  type TransferId,
  type WalletId,
} from './ids.js'
export {
  type DefineInstrumentParameters,
  defineInstrument,
  type GridOptions,
  type Instrument,
  instrumentSpecSchema,
  isWithinPriceBand,
  lotsToBaseUnits,
  lotsToQuantity,
  notionalUnits,
  priceToTicks,
  quantityToLots,
  ticksToPrice,
} from './instrument.js'
export { formatIssuePath, type Issue, type IssuePath } from './issue.js'
export { type LogFields, type Logger, noopLogger } from './logger.js'
export { mulDiv } from './mulDiv.js'
export type { AuditSink } from './ports/audit.js'
export type {
  ComplianceAlert,
  ComplianceCheck,
  ComplianceDepositEvent,
  ComplianceEvent,
  ComplianceEventBase,
  ComplianceOutcome,
  ComplianceTradeEvent,
  ComplianceTransferEvent,
  ComplianceWithdrawalEvent,
  Decision,
} from './ports/compliance.js'
export type {
  Journal,
  JournalAppend,
  JournalAppendResult,
  JournalReadOptions,
  JournalRecord,
  JournalRecordKind,
} from './ports/journal.js'
export type {
  LedgerAccountRef,
  LedgerBalance,
  LedgerHold,
  LedgerPort,
  LedgerRejection,
  LedgerTransfer,
  LedgerWriteResult,
} from './ports/ledger.js'
export type {
  Approval,
  Curve,
  SignatureResult,
  SignatureScheme,
  Signer,
  SigningAuthorization,
} from './ports/signer.js'
export { ok, type Result, reject } from './result.js'
export { divRound, type RoundingMode, roundingModes } from './rounding.js'
export { version } from './version.js'
