import {
  InputError,
  type IssuePath,
  registerErrorCodes,
  StrongroomError,
  type TransferId,
} from '@strongroom/core'
import { version } from './version.js'

/**
 * Codes owned by `@strongroom/settlement`. Those of business rejections come back as values
 * ({@link SettlementRejection}); the others are thrown as the error classes below.
 */
export const SettlementErrorCode = registerErrorCodes('@strongroom/settlement', {
  SETTLEMENT_INVALID_INPUT:
    'A transfer, account, event or option broke a rule (named by path and rule); nothing was written.',
  SETTLEMENT_UNKNOWN_ACCOUNT: 'A write names a ledger account that does not exist.',
  SETTLEMENT_ACCOUNT_CONFLICT:
    'An account was created again with a different code, flags or user data.',
  SETTLEMENT_ID_CONFLICT:
    'A transfer id (or a journaled batch key) was reused for different contents.',
  SETTLEMENT_INSUFFICIENT_FUNDS:
    "A write would make an account's debits exceed its credits where its flags forbid it.",
  SETTLEMENT_CREDITS_EXCEED_DEBITS:
    "A write would make an account's credits exceed its debits where its flags forbid it.",
  SETTLEMENT_PENDING_NOT_FOUND: 'A post or void names a pending transfer that does not exist.',
  SETTLEMENT_PENDING_ALREADY_POSTED: 'A post or void names a pending transfer that was posted.',
  SETTLEMENT_PENDING_ALREADY_VOIDED: 'A post or void names a pending transfer that was voided.',
  SETTLEMENT_PENDING_EXPIRED: 'A post names a pending transfer whose timeout has passed.',
  SETTLEMENT_EXCEEDS_PENDING_AMOUNT: 'A post asks for more than the pending amount.',
  SETTLEMENT_NOT_PENDING: 'A post or void names a transfer that is not a pending transfer.',
  SETTLEMENT_PREDECESSOR_FAILED:
    'A batch queued behind a failed batch of the same stream was not applied (resubmit from the failed one).',
  SETTLEMENT_SCHEMA_TOO_NEW:
    'The database holds a newer schema version than this package knows; migrations run forward only.',
  SETTLEMENT_MIGRATION_MISMATCH:
    'An applied migration differs from the one this package ships under the same version.',
  SETTLEMENT_STORE_FAILED: 'The database failed a statement for a reason other than a rejection.',
  SETTLEMENT_REJECTED: 'A write the caller required to succeed was rejected (see the rejection).',
})

/** One of the codes in {@link SettlementErrorCode}. */
export type SettlementErrorCode = (typeof SettlementErrorCode)[keyof typeof SettlementErrorCode]

/** Codes of rejections returned as values (nothing was written). */
export type SettlementRejectionCode =
  | 'SETTLEMENT_UNKNOWN_ACCOUNT'
  | 'SETTLEMENT_ACCOUNT_CONFLICT'
  | 'SETTLEMENT_ID_CONFLICT'
  | 'SETTLEMENT_INSUFFICIENT_FUNDS'
  | 'SETTLEMENT_CREDITS_EXCEED_DEBITS'
  | 'SETTLEMENT_PENDING_NOT_FOUND'
  | 'SETTLEMENT_PENDING_ALREADY_POSTED'
  | 'SETTLEMENT_PENDING_ALREADY_VOIDED'
  | 'SETTLEMENT_PENDING_EXPIRED'
  | 'SETTLEMENT_EXCEEDS_PENDING_AMOUNT'
  | 'SETTLEMENT_NOT_PENDING'

const packageVersion = `@strongroom/settlement@${version}`

/** Rules a settlement input can break (the `rule` of {@link SettlementInputError}). */
export type SettlementInputRule =
  | 'not_positive'
  | 'out_of_range'
  | 'asset_mismatch'
  | 'same_account'
  | 'duplicate_id'
  | 'format'
  | 'empty'
  | 'not_increasing'

/**
 * Bad input to the ledger (a malformed transfer, account, event or option). Names the field and
 * the rule; nothing was written.
 */
export class SettlementInputError extends InputError<
  'SETTLEMENT_INVALID_INPUT',
  SettlementInputRule
> {
  override name = 'SettlementInputError'
  constructor(shortMessage: string, options: { path: IssuePath; rule: SettlementInputRule }) {
    super(shortMessage, { ...options, code: 'SETTLEMENT_INVALID_INPUT', version: packageVersion })
  }
}

/** Options of the thrown settlement errors. */
export type SettlementErrorOptions = {
  cause?: unknown
  details?: string
  metaMessages?: readonly string[]
}

/** Base class of the errors `@strongroom/settlement` throws (not of returned rejections). */
export class SettlementError<
  code extends SettlementErrorCode = SettlementErrorCode,
> extends StrongroomError<code> {
  override name = 'SettlementError'
  constructor(shortMessage: string, options: SettlementErrorOptions & { code: code }) {
    super(shortMessage, { ...options, version: packageVersion })
  }
}

/** The database holds a newer schema than this package knows. */
export class SchemaTooNewError extends SettlementError<'SETTLEMENT_SCHEMA_TOO_NEW'> {
  override name = 'SchemaTooNewError'
}

/** An applied migration's checksum differs from the shipped one. */
export class MigrationMismatchError extends SettlementError<'SETTLEMENT_MIGRATION_MISMATCH'> {
  override name = 'MigrationMismatchError'
}

/** A database statement failed (connection lost, disk full…). */
export class StoreFailedError extends SettlementError<'SETTLEMENT_STORE_FAILED'> {
  override name = 'StoreFailedError'
}

/** A batch was queued behind a batch of the same stream that failed, and was not applied. */
export class PredecessorFailedError extends SettlementError<'SETTLEMENT_PREDECESSOR_FAILED'> {
  override name = 'PredecessorFailedError'
}

/** Why the ledger refused a write; nothing was written. */
export type SettlementRejection = {
  readonly code: SettlementRejectionCode
  readonly message: string
  /** The transfer (or event key) that failed, when one did. */
  readonly transferId?: TransferId | undefined
  /** The account at fault (unknown, or short of funds), when one is. */
  readonly account?:
    | { readonly owner: string; readonly asset: string; readonly role: string }
    | undefined
}

/** A rejection the caller insisted on not getting (see {@link assertWritten}). */
export class LedgerRejectedError extends SettlementError<'SETTLEMENT_REJECTED'> {
  override name = 'LedgerRejectedError'
  /** The rejection as the ledger returned it. */
  readonly rejection: SettlementRejection
  constructor(rejection: SettlementRejection) {
    super(`The ledger rejected the write: ${rejection.code}.`, {
      code: 'SETTLEMENT_REJECTED',
      details: rejection.message,
    })
    this.rejection = rejection
  }
}

/**
 * Throws {@link LedgerRejectedError} when `result` is a rejection; returns it otherwise.
 *
 * @throws {LedgerRejectedError} when the write was rejected.
 */
export function assertWritten<result extends { readonly ok: boolean }>(
  result: result,
): Extract<result, { ok: true }> {
  if (!result.ok) {
    throw new LedgerRejectedError(
      (result as unknown as { rejection: SettlementRejection }).rejection,
    )
  }
  return result as Extract<result, { ok: true }>
}

/** Brands a transfer id the ledger already holds (stored or validated). */
export function transferIdOf(id: string | undefined): TransferId | undefined {
  return id as TransferId | undefined
}
