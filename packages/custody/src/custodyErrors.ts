import {
  InputError,
  type IssuePath,
  registerErrorCodes,
  StrongroomError,
  type StrongroomErrorOptions,
} from '@strongroom/core'
import { version } from './version.js'

/** Error codes owned by `@strongroom/custody`. */
export const CustodyErrorCode = registerErrorCodes('@strongroom/custody', {
  CUSTODY_AUTHORIZATION_MISSING: 'A signer was asked to sign without an authorization.',
  CUSTODY_AUTHORIZATION_MALFORMED: 'An authorization does not have the shape of one.',
  CUSTODY_AUTHORIZATION_FORGED:
    "An authorization's orchestrator signature is invalid or made by an untrusted key.",
  CUSTODY_AUTHORIZATION_EXPIRED: 'An authorization is past its expiry (or not yet valid).',
  CUSTODY_AUTHORIZATION_REPLAYED: 'An authorization nonce was already consumed.',
  CUSTODY_AUTHORIZATION_WRONG_KEY: 'An authorization was issued for another key.',
  CUSTODY_AUTHORIZATION_WRONG_PAYLOAD:
    'The payload handed to the signer does not match the digest in the authorization.',
  CUSTODY_AUTHORIZATION_POLICY_UNKNOWN:
    'An authorization names a policy, version or rule the signer does not trust, or a rule that does not allow signing.',
  CUSTODY_APPROVALS_INSUFFICIENT:
    "An authorization's approvals do not satisfy the approval quorum of its policy rule.",
  CUSTODY_APPROVAL_INVALID:
    'An approval is forged, expired, from an unknown approver, or from the initiator.',
  CUSTODY_INVALID_ADDRESS: 'A destination address is malformed or fails its checksum.',
  CUSTODY_INVALID_REQUEST: 'A withdrawal or signing request failed validation.',
  CUSTODY_INVALID_POLICY: 'A policy document failed validation.',
  CUSTODY_INVALID_CONFIG: 'A wallet, key, signer or adapter configuration failed validation.',
  CUSTODY_UNKNOWN_WALLET: 'A request names a wallet the orchestrator does not know.',
  CUSTODY_UNKNOWN_ASSET: 'A request names an asset the wallet does not hold.',
  CUSTODY_CHAIN_MISMATCH:
    "A request's chain id differs from its wallet's, or an RPC endpoint reports another chain.",
  CUSTODY_PAYLOAD_MISMATCH:
    'A transaction handed to the orchestrator does not do what the approved request says.',
  CUSTODY_SIGNER_NOT_FOUND: "No signer is routed for the wallet's tier, scheme and key.",
  CUSTODY_SIGNER_MISMATCH:
    "A routed signer's key id, scheme or public key does not match the wallet it serves.",
  CUSTODY_REQUEST_NOT_FOUND: 'No request with this id was submitted to the orchestrator.',
  CUSTODY_REQUEST_CONFLICT: 'A request id was reused for a different request.',
  CUSTODY_REQUEST_STORE_FAILED:
    "The orchestrator's request store could not read or write its state, or found it corrupt.",
  CUSTODY_GOVERNANCE_REJECTED:
    'A policy change or kill-switch action was refused (wrong version, not an operator, bad quorum).',
  CUSTODY_PKCS11_FAILED: 'The PKCS#11 module reported an error.',
  CUSTODY_KEY_NOT_FOUND: 'No key with this label or id is on the token.',
  CUSTODY_KEY_RETIRED: 'The key was retired by a rotation and signs no more.',
  CUSTODY_RPC_FAILED: 'Every JSON-RPC endpoint failed for a call.',
  CUSTODY_PRIVATE_ROUTE_FAILED:
    'The private relay refused or failed a transaction and policy does not allow a public fallback.',
  CUSTODY_NONCE_STORE_FAILED: 'The nonce store could not read or write its state.',
  CUSTODY_SIGNING_REFUSED:
    'The orchestrator refused to sign (policy, kill switch, approvals) where an API can only throw.',
  CUSTODY_TRANSACTION_NOT_REPLACEABLE:
    'A speed-up or cancel was asked for a transaction that is not pending.',
})

/** One of the codes in {@link CustodyErrorCode}. */
export type CustodyErrorCode = (typeof CustodyErrorCode)[keyof typeof CustodyErrorCode]

/** Options of {@link CustodyError}. */
export type CustodyErrorOptions = Omit<StrongroomErrorOptions, 'code' | 'version'>

/** Base class of the errors raised by `@strongroom/custody` (other than bad input). */
export class CustodyError<
  code extends CustodyErrorCode = CustodyErrorCode,
> extends StrongroomError<code> {
  override name = 'CustodyError'
  constructor(shortMessage: string, options: CustodyErrorOptions & { code: code }) {
    super(shortMessage, { ...options, version: `@strongroom/custody@${version}` })
  }
}

/**
 * Why a signer refused an authorization. Raised by {@link verifyAuthorization} and by every
 * signer backend; nothing was signed.
 */
export class AuthorizationError extends CustodyError<
  | 'CUSTODY_AUTHORIZATION_MISSING'
  | 'CUSTODY_AUTHORIZATION_MALFORMED'
  | 'CUSTODY_AUTHORIZATION_FORGED'
  | 'CUSTODY_AUTHORIZATION_EXPIRED'
  | 'CUSTODY_AUTHORIZATION_REPLAYED'
  | 'CUSTODY_AUTHORIZATION_WRONG_KEY'
  | 'CUSTODY_AUTHORIZATION_WRONG_PAYLOAD'
  | 'CUSTODY_AUTHORIZATION_POLICY_UNKNOWN'
  | 'CUSTODY_APPROVALS_INSUFFICIENT'
  | 'CUSTODY_APPROVAL_INVALID'
> {
  override name = 'AuthorizationError'
}

/** Options of the custody input errors: the field and the rule it broke. */
export type CustodyInputErrorOptions = {
  path: IssuePath
  rule: string
  cause?: unknown
  details?: string
  metaMessages?: readonly string[]
}

/**
 * Bad input from outside (a request, a policy, a configuration): names the field (`path`) and the
 * rule; nothing was changed. An {@link InputError} with a custody code.
 */
export class CustodyInputError<
  code extends CustodyErrorCode = CustodyErrorCode,
> extends InputError<code> {
  override name = 'CustodyInputError'
  constructor(shortMessage: string, options: CustodyInputErrorOptions & { code: code }) {
    super(shortMessage, { ...options, version: `@strongroom/custody@${version}` })
  }
}

/**
 * The orchestrator refused to sign, raised where an interface can only throw (a viem account's
 * `signTransaction`). `rejection` carries the business reason.
 */
export class SigningRefusedError extends CustodyError<'CUSTODY_SIGNING_REFUSED'> {
  override name = 'SigningRefusedError'
  readonly rejection: {
    readonly code: string
    readonly message: string
    readonly requestId: string
  }
  constructor(rejection: {
    readonly code: string
    readonly message: string
    readonly requestId: string
  }) {
    super(`The orchestrator refused to sign: ${rejection.code}.`, {
      code: 'CUSTODY_SIGNING_REFUSED',
      details: rejection.message,
    })
    this.rejection = rejection
  }
}
