import { InputError, type IssuePath, registerErrorCodes, StrongroomError } from '@strongroom/core'
import { version } from '../version.js'

/** Error codes of the cold-storage module of `@strongroom/custody`. */
export const ColdStorageErrorCode = registerErrorCodes('@strongroom/custody', {
  CUSTODY_COLD_SHARE_MALFORMED:
    'A cold-storage share or vault is malformed; the field and rule are named.',
  CUSTODY_COLD_SHARE_CORRUPTED: 'A cold-storage share fails its checksum (damaged or mistyped).',
  CUSTODY_COLD_SHARE_FOREIGN: 'A cold-storage share belongs to another share set.',
  CUSTODY_COLD_SHARE_DUPLICATE: 'The same cold-storage share index was presented twice.',
  CUSTODY_COLD_TOO_FEW_SHARES: 'Fewer cold-storage shares than the threshold were presented.',
  CUSTODY_COLD_COMMITMENT_MISMATCH:
    'Recombined shares do not match the set’s commitment: at least one share is forged or altered.',
  CUSTODY_COLD_CEREMONY_REFUSED:
    'A ceremony step was refused: out of order, by someone not registered, or without quorum.',
})

/** One of the codes in {@link ColdStorageErrorCode}. */
export type ColdStorageErrorCode = (typeof ColdStorageErrorCode)[keyof typeof ColdStorageErrorCode]

const packageVersion = `@strongroom/custody@${version}`

/** Base class of cold-storage errors. */
export class ColdStorageError<
  code extends ColdStorageErrorCode = ColdStorageErrorCode,
> extends StrongroomError<code> {
  override name = 'ColdStorageError'
  constructor(
    shortMessage: string,
    options: { code: code; details?: string; metaMessages?: readonly string[] },
  ) {
    super(shortMessage, { ...options, version: packageVersion })
  }
}

/** Rules a share or vault can break. */
export type ColdShareRule = 'format' | 'version' | 'encoding' | 'length' | 'range' | 'type'

/** A share or vault is malformed (names the field and rule). */
export class ColdShareMalformedError extends InputError<
  'CUSTODY_COLD_SHARE_MALFORMED',
  ColdShareRule
> {
  override name = 'ColdShareMalformedError'
  constructor(message: string, options: { path: IssuePath; rule: ColdShareRule }) {
    super(message, { ...options, code: 'CUSTODY_COLD_SHARE_MALFORMED', version: packageVersion })
  }
}

/** A share's checksum does not match its contents. */
export class ColdShareCorruptedError extends ColdStorageError<'CUSTODY_COLD_SHARE_CORRUPTED'> {
  override name = 'ColdShareCorruptedError'
  /** Index printed on the share (as read; may itself be damaged). */
  readonly index: number
  constructor(index: number) {
    super(`Share ${index} fails its checksum.`, { code: 'CUSTODY_COLD_SHARE_CORRUPTED' })
    this.index = index
  }
}

/** A share from another set. */
export class ColdShareForeignError extends ColdStorageError<'CUSTODY_COLD_SHARE_FOREIGN'> {
  override name = 'ColdShareForeignError'
  readonly index: number
  readonly setId: string
  constructor(index: number, setId: string, expected: string) {
    super(`Share ${index} belongs to set ${setId}, not ${expected}.`, {
      code: 'CUSTODY_COLD_SHARE_FOREIGN',
    })
    this.index = index
    this.setId = setId
  }
}

/** The same index presented twice. */
export class ColdShareDuplicateError extends ColdStorageError<'CUSTODY_COLD_SHARE_DUPLICATE'> {
  override name = 'ColdShareDuplicateError'
  readonly index: number
  constructor(index: number) {
    super(`Share ${index} was presented twice.`, { code: 'CUSTODY_COLD_SHARE_DUPLICATE' })
    this.index = index
  }
}

/** Not enough shares. */
export class ColdTooFewSharesError extends ColdStorageError<'CUSTODY_COLD_TOO_FEW_SHARES'> {
  override name = 'ColdTooFewSharesError'
  readonly presented: number
  readonly threshold: number
  constructor(presented: number, threshold: number) {
    super(`${presented} share(s) presented; ${threshold} are needed.`, {
      code: 'CUSTODY_COLD_TOO_FEW_SHARES',
    })
    this.presented = presented
    this.threshold = threshold
  }
}

/** Recombination did not reproduce the committed key: a share is forged or altered. */
export class ColdCommitmentMismatchError extends ColdStorageError<'CUSTODY_COLD_COMMITMENT_MISMATCH'> {
  override name = 'ColdCommitmentMismatchError'
  /** Indexes identified as bad when more than the threshold were presented (else empty). */
  readonly suspects: readonly number[]
  constructor(suspects: readonly number[]) {
    super(
      suspects.length > 0
        ? `Recombined shares do not match the commitment; bad share(s): ${suspects.join(', ')}.`
        : 'Recombined shares do not match the commitment; at least one share is forged or altered.',
      { code: 'CUSTODY_COLD_COMMITMENT_MISMATCH' },
    )
    this.suspects = suspects
  }
}

/** A ceremony step that was refused. */
export class ColdCeremonyRefusedError extends ColdStorageError<'CUSTODY_COLD_CEREMONY_REFUSED'> {
  override name = 'ColdCeremonyRefusedError'
  readonly reason: string
  constructor(reason: string) {
    super(`Ceremony step refused: ${reason}.`, { code: 'CUSTODY_COLD_CEREMONY_REFUSED' })
    this.reason = reason
  }
}
