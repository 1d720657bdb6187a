import { InputError, type IssuePath, registerErrorCodes, StrongroomError } from '@strongroom/core'
import { version } from '../version.js'

/** Error codes of the FROST threshold-signing module of `@strongroom/custody`. */
export const FrostErrorCode = registerErrorCodes('@strongroom/custody', {
  CUSTODY_FROST_INVALID_INPUT:
    'A FROST value (scalar, point, identifier, package or protocol message) is malformed or out of range.',
  CUSTODY_FROST_INVALID_PARAMETERS:
    'FROST parameters are inconsistent: threshold, participant count, duplicate or unknown identifiers.',
  CUSTODY_FROST_GROUP_MISMATCH:
    'A FROST share, commitment or message belongs to another group, ciphersuite or refresh generation.',
  CUSTODY_FROST_INVALID_SIGNATURE_SHARE:
    'One or more FROST signature shares failed verification; the culprits are named.',
  CUSTODY_FROST_INVALID_PROOF:
    'A DKG participant sent a proof of knowledge of its secret that does not verify.',
  CUSTODY_FROST_INVALID_SECRET_SHARE:
    'A DKG, refresh or repair share does not match the sender’s public commitment; the sender is named.',
  CUSTODY_FROST_NONCE_REUSED:
    'A FROST signing nonce was asked to sign twice; nonces are single-use.',
  CUSTODY_FROST_INVALID_SIGNATURE: 'The aggregated FROST signature does not verify.',
})

/** One of the codes in {@link FrostErrorCode}. */
export type FrostErrorCode = (typeof FrostErrorCode)[keyof typeof FrostErrorCode]

const packageVersion = `@strongroom/custody@${version}`

/** Base class of the FROST errors. */
export class FrostError<
  code extends FrostErrorCode = FrostErrorCode,
> extends StrongroomError<code> {
  override name = 'FrostError'
  constructor(
    shortMessage: string,
    options: { code: code; cause?: unknown; details?: string; metaMessages?: readonly string[] },
  ) {
    super(shortMessage, { ...options, version: packageVersion })
  }
}

/** Rules a FROST input can break. */
export type FrostInputRule =
  | 'encoding'
  | 'length'
  | 'scalar_range'
  | 'point_invalid'
  | 'identity_point'
  | 'identifier'
  | 'missing'
  | 'type'

/** A FROST input (bytes, identifier, package field) is malformed; names the field and rule. */
export class FrostInputError extends InputError<'CUSTODY_FROST_INVALID_INPUT', FrostInputRule> {
  override name = 'FrostInputError'
  constructor(
    message: string,
    options: { path: IssuePath; rule: FrostInputRule; cause?: unknown },
  ) {
    super(message, { ...options, code: 'CUSTODY_FROST_INVALID_INPUT', version: packageVersion })
  }
}

/** Inconsistent FROST parameters (threshold, identifiers, participant sets). */
export class FrostParametersError extends FrostError<'CUSTODY_FROST_INVALID_PARAMETERS'> {
  override name = 'FrostParametersError'
  constructor(message: string, options: { details?: string } = {}) {
    super(message, { ...options, code: 'CUSTODY_FROST_INVALID_PARAMETERS' })
  }
}

/** A share, commitment or message from another group, ciphersuite or generation. */
export class FrostGroupMismatchError extends FrostError<'CUSTODY_FROST_GROUP_MISMATCH'> {
  override name = 'FrostGroupMismatchError'
  constructor(message: string, options: { details?: string } = {}) {
    super(message, { ...options, code: 'CUSTODY_FROST_GROUP_MISMATCH' })
  }
}

/** Signature shares that failed verification; `culprits` lists their participants. */
export class FrostInvalidSignatureShareError extends FrostError<'CUSTODY_FROST_INVALID_SIGNATURE_SHARE'> {
  override name = 'FrostInvalidSignatureShareError'
  /** Identifiers of the participants whose shares are invalid. */
  readonly culprits: readonly number[]
  constructor(culprits: readonly number[]) {
    super(`Invalid signature share from participant(s) ${culprits.join(', ')}.`, {
      code: 'CUSTODY_FROST_INVALID_SIGNATURE_SHARE',
      metaMessages: [`Culprits: ${culprits.join(', ')}`],
    })
    this.culprits = culprits
  }
}

/** A DKG proof of knowledge failed; `culprit` names the sender. */
export class FrostInvalidProofError extends FrostError<'CUSTODY_FROST_INVALID_PROOF'> {
  override name = 'FrostInvalidProofError'
  /** The participant whose proof failed. */
  readonly culprit: number
  constructor(culprit: number) {
    super(`The proof of knowledge from participant ${culprit} does not verify.`, {
      code: 'CUSTODY_FROST_INVALID_PROOF',
    })
    this.culprit = culprit
  }
}

/** A DKG, refresh or repair share does not match its sender's commitment. */
export class FrostInvalidSecretShareError extends FrostError<'CUSTODY_FROST_INVALID_SECRET_SHARE'> {
  override name = 'FrostInvalidSecretShareError'
  /** The participant that sent the bad share. */
  readonly culprit: number
  constructor(culprit: number, what = 'secret share') {
    super(`The ${what} from participant ${culprit} does not match its commitment.`, {
      code: 'CUSTODY_FROST_INVALID_SECRET_SHARE',
    })
    this.culprit = culprit
  }
}

/** A nonce pair was used (or asked to be used) a second time. */
export class FrostNonceReusedError extends FrostError<'CUSTODY_FROST_NONCE_REUSED'> {
  override name = 'FrostNonceReusedError'
  constructor(details?: string) {
    super('This signing nonce has already been used; nonces are single-use.', {
      code: 'CUSTODY_FROST_NONCE_REUSED',
      ...(details === undefined ? {} : { details }),
    })
  }
}

/** The aggregate signature failed verification. */
export class FrostInvalidSignatureError extends FrostError<'CUSTODY_FROST_INVALID_SIGNATURE'> {
  override name = 'FrostInvalidSignatureError'
  constructor() {
    super('The aggregate FROST signature does not verify.', {
      code: 'CUSTODY_FROST_INVALID_SIGNATURE',
    })
  }
}
