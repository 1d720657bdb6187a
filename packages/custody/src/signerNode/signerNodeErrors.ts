import { InputError, type IssuePath, registerErrorCodes, StrongroomError } from '@strongroom/core'
import { version } from '../version.js'

/** Error codes of the FROST signer nodes and their coordinator. */
export const SignerNodeErrorCode = registerErrorCodes('@strongroom/custody', {
  CUSTODY_NODE_PROTOCOL_INVALID:
    'A signer-node message is malformed, unsigned or forged, from an unknown sender, for another session, or replayed.',
  CUSTODY_NODE_REFUSED:
    'A signer node refused a request (authorization, nonce, group or state); the reason is named.',
  CUSTODY_NODE_UNAVAILABLE: 'A signer node did not answer (down, timed out or unreachable).',
  CUSTODY_NODE_QUORUM_UNAVAILABLE:
    'Fewer signer nodes than the threshold are available and honest.',
  CUSTODY_NODE_STORE_FAILED:
    'A signer node’s encrypted store cannot be read (wrong passphrase, corrupted or tampered file) or written.',
})

/** One of the codes in {@link SignerNodeErrorCode}. */
export type SignerNodeErrorCode = (typeof SignerNodeErrorCode)[keyof typeof SignerNodeErrorCode]

const packageVersion = `@strongroom/custody@${version}`

/** Rules a protocol message can break. */
export type SignerNodeProtocolRule =
  | 'shape'
  | 'signature'
  | 'unknown_sender'
  | 'wrong_recipient'
  | 'wrong_session'
  | 'replay'
  | 'stale'
  | 'unexpected_type'

/** A malformed, forged, misaddressed or replayed protocol message (names the field and rule). */
export class SignerNodeProtocolError extends InputError<
  'CUSTODY_NODE_PROTOCOL_INVALID',
  SignerNodeProtocolRule
> {
  override name = 'SignerNodeProtocolError'
  constructor(
    message: string,
    options: { path: IssuePath; rule: SignerNodeProtocolRule; cause?: unknown },
  ) {
    super(message, { ...options, code: 'CUSTODY_NODE_PROTOCOL_INVALID', version: packageVersion })
  }
}

/** Base class of the other signer-node errors. */
export class SignerNodeError<
  code extends SignerNodeErrorCode = SignerNodeErrorCode,
> extends StrongroomError<code> {
  override name = 'SignerNodeError'
  /** The node concerned, when there is one. */
  readonly nodeId: string | undefined
  /** For `CUSTODY_NODE_REFUSED`: the code the node gave. */
  readonly reason: string | undefined
  constructor(
    message: string,
    options: {
      code: code
      nodeId?: string | undefined
      reason?: string | undefined
      cause?: unknown
      details?: string
    },
  ) {
    const { nodeId, reason, ...rest } = options
    super(message, { ...rest, version: packageVersion })
    this.nodeId = nodeId
    this.reason = reason
  }
}
