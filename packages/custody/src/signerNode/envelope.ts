// Authenticated messages between the coordinator and signer nodes. Every message is signed with
// the sender's Ed25519 identity key over the canonical JSON of all its fields (with a domain
// tag), names its sender and recipient, is bound to one session id, and carries a unique message
// id and a time; a reply names the request it answers.
import { type CanonicalValue, canonicalJson } from '@strongroom/core'
import { sha256 } from '../crypto/bytes.js'
import { type Ed25519KeyPair, verifyEd25519 } from '../crypto/ed25519.js'
import { SignerNodeProtocolError } from './signerNodeErrors.js'

/** Domain tag hashed into every signed message. */
export const NODE_MESSAGE_DOMAIN = 'strongroom.frost-node.v1'

/** A signed protocol message. */
export type NodeEnvelope = {
  readonly v: 1
  readonly type: string
  readonly sessionId: string
  readonly messageId: string
  readonly from: string
  readonly to: string
  readonly issuedAt: number
  readonly inReplyTo: string | null
  readonly body: CanonicalValue
  readonly signature: string
}

const HEX = /^[0-9a-f]+$/
const ID = /^[A-Za-z0-9_.:-]{1,64}$/

function digest(envelope: Omit<NodeEnvelope, 'signature'>): Uint8Array {
  return sha256(canonicalJson({ domain: NODE_MESSAGE_DOMAIN, ...envelope }))
}

/** Signs a message. */
export function signEnvelope(
  fields: Omit<NodeEnvelope, 'signature' | 'v'>,
  key: Ed25519KeyPair,
): NodeEnvelope {
  const unsigned = { v: 1 as const, ...fields }
  return { ...unsigned, signature: Buffer.from(key.sign(digest(unsigned))).toString('hex') }
}

/** What the receiver expects of a message. */
export type EnvelopeExpectation = {
  /** Public keys (hex) of the senders this receiver accepts, by sender id. */
  senders: Readonly<Record<string, string>>
  /** The receiver's own id. */
  me: string
  /** Accepted types. */
  types?: readonly string[] | undefined
  /** The session the message must belong to (when the receiver knows it). */
  sessionId?: string | undefined
  /** The request a reply must answer. */
  inReplyTo?: string | undefined
  now: number
  /** Accepted distance between `issuedAt` and `now` (default 60 s). */
  maxSkewMs?: number | undefined
}

const fail = (
  message: string,
  path: (string | number)[],
  rule: SignerNodeProtocolError['rule'],
): never => {
  throw new SignerNodeProtocolError(message, { path, rule })
}

/**
 * Validates an untrusted message: shape, known sender, signature, recipient, session, reply
 * binding, type and freshness.
 * @throws {SignerNodeProtocolError} naming the field and the rule broken.
 */
export function verifyEnvelope(raw: unknown, expect: EnvelopeExpectation): NodeEnvelope {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    fail('must be an object', [], 'shape')
  const e = raw as Record<string, unknown>
  const keys = [
    'v',
    'type',
    'sessionId',
    'messageId',
    'from',
    'to',
    'issuedAt',
    'inReplyTo',
    'body',
    'signature',
  ]
  for (const k of Object.keys(e))
    if (!keys.includes(k)) fail('is not a message field', [k], 'shape')
  if (e.v !== 1) fail('must be 1', ['v'], 'shape')
  for (const k of ['type', 'from', 'to', 'messageId'] as const) {
    if (typeof e[k] !== 'string' || !ID.test(e[k] as string))
      fail('must be an identifier', [k], 'shape')
  }
  if (
    typeof e.sessionId !== 'string' ||
    !HEX.test(e.sessionId) ||
    e.sessionId.length < 16 ||
    e.sessionId.length > 128
  ) {
    fail('must be 8 to 64 bytes of hex', ['sessionId'], 'shape')
  }
  if (typeof e.issuedAt !== 'number' || !Number.isSafeInteger(e.issuedAt))
    fail('must be an integer', ['issuedAt'], 'shape')
  if (e.inReplyTo !== null && (typeof e.inReplyTo !== 'string' || !ID.test(e.inReplyTo)))
    fail('must be null or an id', ['inReplyTo'], 'shape')
  if (typeof e.signature !== 'string' || !/^[0-9a-f]{128}$/.test(e.signature))
    fail('must be 64 bytes of hex', ['signature'], 'shape')
  if (!('body' in e)) fail('is missing', ['body'], 'shape')
  const envelope = e as unknown as NodeEnvelope
  const senderKey = Object.hasOwn(expect.senders, envelope.from)
    ? expect.senders[envelope.from]
    : undefined
  if (senderKey === undefined)
    fail(`${envelope.from} is not a known sender`, ['from'], 'unknown_sender')
  let valid = false
  try {
    const { signature, ...unsigned } = envelope
    valid = verifyEd25519(
      Buffer.from(senderKey!, 'hex'),
      digest(unsigned),
      Buffer.from(signature, 'hex'),
    )
  } catch {
    valid = false
  }
  if (!valid) fail("does not verify under the sender's identity key", ['signature'], 'signature')
  if (envelope.to !== expect.me) fail(`is addressed to ${envelope.to}`, ['to'], 'wrong_recipient')
  if (expect.sessionId !== undefined && envelope.sessionId !== expect.sessionId)
    fail('belongs to another session', ['sessionId'], 'wrong_session')
  if (expect.inReplyTo !== undefined && envelope.inReplyTo !== expect.inReplyTo)
    fail('does not answer this request', ['inReplyTo'], 'wrong_session')
  if (expect.types !== undefined && !expect.types.includes(envelope.type))
    fail(`${envelope.type} is not expected here`, ['type'], 'unexpected_type')
  if (Math.abs(expect.now - envelope.issuedAt) > (expect.maxSkewMs ?? 60_000))
    fail('is too old or from the future', ['issuedAt'], 'stale')
  return envelope
}
