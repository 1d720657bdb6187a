// @strongroom/settlement — the only barrel. Every export is named here; index.test.ts snapshots the list.

export {
  assertWritten,
  LedgerRejectedError,
  MigrationMismatchError,
  PredecessorFailedError,
  SchemaTooNewError,
  SettlementError,
  SettlementErrorCode,
  type SettlementErrorOptions,
  SettlementInputError,
  type SettlementInputRule,
  type SettlementRejection,
  type SettlementRejectionCode,
  StoreFailedError,
} from './errors.js'
export {
  ACCOUNT_CODES,
  ACCOUNT_ROLES,
  availableAccount,
  type CustodyWallet,
  feeAccount,
  lockedAccount,
  type OpenCustomerAccountsParameters,
  type OpenVenueAccountsParameters,
  openCustomerAccounts,
  openVenueAccounts,
  TRANSFER_CODES,
  VENUE_OWNER,
  walletAccount,
  walletOwner,
} from './exchange/accounts.js'
export {
  type ApplyJournalParameters,
  type ApplyJournalReturnType,
  applyJournal,
} from './exchange/applyJournal.js'
export {
  type CreateDepositsParameters,
  createDeposits,
  type DepositProgressReturnType,
  type Deposits,
  type DetectDepositParameters,
} from './exchange/deposits.js'
export {
  assertSettlementEvents,
  type LockEvent,
  type ReleaseEvent,
  type SettlementEvent,
  type TradeEvent,
} from './exchange/events.js'
export {
  type AssetReconciliation,
  type CustodyBalance,
  type CustodyBalancePort,
  type ReconcileParameters,
  type ReconciliationReport,
  reconcile,
  type WalletReconciliation,
} from './exchange/reconcile.js'
export {
  type ApplyEventsParameters,
  type ApplyEventsReturnType,
  type CreateSettlerParameters,
  createSettler,
  type FeeRate,
  type FeeSchedule,
  type SettlementStrategy,
  type Settler,
} from './exchange/settler.js'
export {
  type ConfirmWithdrawalParameters,
  createWithdrawals,
  type RequestWithdrawalParameters,
  type Withdrawals,
} from './exchange/withdrawals.js'
export { type Ledger, type OpenLedgerParameters, openLedger } from './ledger/openLedger.js'
export {
  ACCOUNT_FLAG_BITS,
  type AccountFlags,
  type AssetTotals,
  type BalanceHistoryEntry,
  type CreateAccountInput,
  type LedgerAccount,
  type LedgerTransferRecord,
  type PendingState,
  type PendingTransferInput,
  type PostPendingTransferInput,
  type SingleTransferInput,
  type TransferCommon,
  type TransferInput,
  type VoidPendingTransferInput,
  type WriteResult,
} from './ledger/types.js'
export {
  type MigrateSettlementSchemaReturnType,
  type Migration,
  migrateSettlementSchema,
  settlementMigrations,
} from './store/migrations.js'
export {
  type CreatePgliteStoreParameters,
  type CreatePgliteStoreReturnType,
  createPgliteStore,
} from './store/pgliteStore.js'
export {
  type CreatePostgresStoreParameters,
  type CreatePostgresStoreReturnType,
  createPostgresStore,
} from './store/postgresStore.js'
export type { SettlementStore, SqlExecutor, SqlRow } from './store/sqlStore.js'
export { version } from './version.js'
