import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPublicKey,
  constants as cryptoConstants,
  type KeyObject,
  randomBytes as nodeRandomBytes,
  privateDecrypt,
  publicEncrypt,
  timingSafeEqual,
} from 'node:crypto'
import type { Clock, IdGenerator } from '@strongroom/core'
import { ComplianceError, ComplianceInputError } from '../errors.js'
import { decodeProto, encodeProto, type ProtoJson } from './protobuf.js'
import { trisaSchema } from './trisaSchema.js'

/**
 * A TRISA secure envelope in its protojson form (snake_case, bytes as base64), as TRISA peers
 * exchange and store it.
 */
export type SecureEnvelope = {
  readonly id: string
  /** AES-256-GCM ciphertext ‖ 16-byte tag ‖ 12-byte nonce, base64. */
  readonly payload: string
  /** The AES key, RSA-OAEP-SHA-512 wrapped for the recipient when `sealed`, base64. */
  readonly encryption_key: string
  readonly encryption_algorithm: string
  /** HMAC-SHA256 over `payload` bytes, base64. */
  readonly hmac: string
  /** The HMAC secret, wrapped like the key when `sealed`, base64. */
  readonly hmac_secret: string
  readonly hmac_algorithm: string
  readonly error: TrisaError | null
  /** RFC 3339 time the envelope was made. */
  readonly timestamp: string
  readonly sealed: boolean
  /** `SHA256:` + unpadded base64 of SHA-256 over the recipient key's SPKI DER. */
  readonly public_key_signature: string
}

/** A TRISA rejection carried in an envelope instead of a payload. */
export type TrisaError = {
  readonly code: string
  readonly message: string
  readonly retry: boolean
  readonly details?: unknown
}

/** The decrypted payload: identity and transaction as protojson `Any`s. */
export type TrisaPayload = {
  /** `{ '@type': 'type.googleapis.com/ivms101.IdentityPayload', ...protojson }` */
  readonly identity: ProtoJson | null
  /** A `trisa.data.generic.v1beta1.Transaction` or `Pending` as protojson with `@type`. */
  readonly transaction: ProtoJson | null
  readonly sent_at: string
  readonly received_at: string
}

export const ENCRYPTION_ALGORITHM = 'AES256-GCM'
export const HMAC_ALGORITHM = 'HMAC-SHA256'
const NONCE = 12
const TAG = 16

/** `SHA256:` + unpadded base64 of SHA-256 over the SubjectPublicKeyInfo DER of `key`. */
export function publicKeySignature(key: KeyObject | string): string {
  const pub =
    typeof key === 'string'
      ? createPublicKey(key)
      : key.type === 'private'
        ? createPublicKey(key)
        : key
  const der = pub.export({ type: 'spki', format: 'der' })
  return `SHA256:${createHash('sha256').update(der).digest('base64').replace(/=+$/, '')}`
}

/** Parameters of {@link sealEnvelope}. */
export type SealEnvelopeParameters = {
  readonly payload: TrisaPayload
  /** The recipient's RSA public key (PEM or KeyObject); omit for an unsealed envelope. */
  readonly recipientKey?: KeyObject | string | undefined
  /** Envelope id; TRISA uses a UUID. Default: `ids.next('envelope')`. */
  readonly id?: string | undefined
  readonly clock: Clock
  readonly ids?: IdGenerator | undefined
  /** Randomness for the key, secret and nonce (default `node:crypto`); inject only in tests. */
  readonly randomBytes?: ((size: number) => Uint8Array) | undefined
}

/**
 * Seals a payload for a TRISA peer: the payload protobuf is encrypted with a fresh AES-256-GCM key
 * (nonce appended after the tag, as the reference implementation does), HMAC-SHA256 is computed
 * over the ciphertext with a fresh secret, and key and secret are wrapped with RSA-OAEP-SHA-512
 * under the recipient's public key.
 *
 * @throws {ComplianceInputError} `COMPLIANCE_PROTOBUF_DECODE_FAILED` naming the payload field
 * that cannot be encoded.
 */
export function sealEnvelope(parameters: SealEnvelopeParameters): SecureEnvelope {
  const random = parameters.randomBytes ?? ((n: number) => nodeRandomBytes(n))
  const plaintext = encodeProto(
    trisaSchema,
    'trisa.api.v1beta1.Payload',
    parameters.payload as ProtoJson,
  )
  const key = Buffer.from(random(32))
  const secret = Buffer.from(random(32))
  const nonce = Buffer.from(random(NONCE))
  const cipher = createCipheriv('aes-256-gcm', key, nonce)
  const payload = Buffer.concat([
    cipher.update(plaintext),
    cipher.final(),
    cipher.getAuthTag(),
    nonce,
  ])
  const hmac = createHmac('sha256', secret).update(payload).digest()
  const recipient =
    parameters.recipientKey === undefined ? undefined : toPublicKey(parameters.recipientKey)
  const wrap = (data: Buffer) =>
    recipient
      ? publicEncrypt(
          { key: recipient, padding: cryptoConstants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha512' },
          data,
        )
      : data
  const id = parameters.id ?? parameters.ids?.next('envelope') ?? hashId(payload)
  return {
    id,
    payload: payload.toString('base64'),
    encryption_key: wrap(key).toString('base64'),
    encryption_algorithm: ENCRYPTION_ALGORITHM,
    hmac: hmac.toString('base64'),
    hmac_secret: wrap(secret).toString('base64'),
    hmac_algorithm: HMAC_ALGORITHM,
    error: null,
    timestamp: new Date(parameters.clock.now()).toISOString(),
    sealed: recipient !== undefined,
    public_key_signature: recipient ? publicKeySignature(recipient) : '',
  }
}

function hashId(payload: Buffer): string {
  return createHash('sha256').update(payload).digest('hex').slice(0, 32)
}

function toPublicKey(key: KeyObject | string): KeyObject {
  return typeof key === 'string'
    ? createPublicKey(key)
    : key.type === 'private'
      ? createPublicKey(key)
      : key
}

/** An error-only envelope (a rejection), as TRISA peers send instead of a payload. */
export function createErrorEnvelope(parameters: {
  readonly id: string
  readonly error: TrisaError
  readonly clock: Clock
}): SecureEnvelope {
  return {
    id: parameters.id,
    payload: '',
    encryption_key: '',
    encryption_algorithm: '',
    hmac: '',
    hmac_secret: '',
    hmac_algorithm: '',
    error: {
      code: parameters.error.code,
      message: parameters.error.message,
      retry: parameters.error.retry,
    },
    timestamp: new Date(parameters.clock.now()).toISOString(),
    sealed: false,
    public_key_signature: '',
  }
}

/** What {@link openEnvelope} returns. */
export type OpenedEnvelope =
  | {
      readonly kind: 'payload'
      readonly id: string
      readonly timestamp: string
      readonly payload: TrisaPayload
    }
  | {
      readonly kind: 'error'
      readonly id: string
      readonly timestamp: string
      readonly error: TrisaError
    }

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

function field(
  value: unknown,
  name: string,
  kind: 'string' | 'base64' | 'boolean',
): never | string | boolean {
  if (kind === 'boolean') {
    if (typeof value !== 'boolean') throw invalid(name, 'must be a boolean.', 'type')
    return value
  }
  if (typeof value !== 'string') throw invalid(name, 'must be a string.', 'type')
  if (kind === 'base64' && (!BASE64.test(value) || value.length % 4 !== 0)) {
    throw invalid(name, 'is not base64.', 'base64')
  }
  return value
}

function invalid(name: string, message: string, rule: string): ComplianceInputError {
  return new ComplianceInputError(message, {
    code: 'COMPLIANCE_INVALID_ENVELOPE',
    path: [name],
    rule,
  })
}

/** Parameters of {@link openEnvelope}. */
export type OpenEnvelopeParameters = {
  /** The envelope as received (parsed JSON), unvalidated. */
  readonly envelope: unknown
  /** Our RSA private key (PEM or KeyObject); needed for sealed envelopes. */
  readonly privateKey?: KeyObject | string | undefined
}

/**
 * Opens a TRISA secure envelope: checks its fields and algorithms, unwraps the key and HMAC
 * secret with our RSA private key (RSA-OAEP-SHA-512), verifies the HMAC over the ciphertext in
 * constant time, decrypts (AES-256-GCM) and decodes the `Payload` protobuf.
 *
 * @throws {ComplianceInputError} `COMPLIANCE_INVALID_ENVELOPE` naming a missing or malformed
 * field or an unsupported algorithm; `COMPLIANCE_PROTOBUF_DECODE_FAILED` for a payload that is
 * not a TRISA `Payload`.
 * @throws {ComplianceError} `COMPLIANCE_ENVELOPE_WRONG_KEY` when the envelope was sealed for
 * another key, `COMPLIANCE_ENVELOPE_BAD_HMAC` when the HMAC does not match,
 * `COMPLIANCE_ENVELOPE_DECRYPT_FAILED` when AES-GCM authentication fails.
 */
export function openEnvelope(parameters: OpenEnvelopeParameters): OpenedEnvelope {
  const raw = parameters.envelope
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ComplianceInputError('is not an object.', {
      code: 'COMPLIANCE_INVALID_ENVELOPE',
      path: [],
      rule: 'type',
    })
  }
  const env = raw as Record<string, unknown>
  const id = field(env.id, 'id', 'string') as string
  if (id === '') throw invalid('id', 'is empty.', 'required')
  const timestamp = typeof env.timestamp === 'string' ? env.timestamp : ''
  if (env.error !== null && env.error !== undefined) {
    const error = env.error as Record<string, unknown>
    if (typeof error !== 'object' || typeof error.code !== 'string') {
      throw invalid('error', 'must be an object with a code.', 'type')
    }
    return {
      kind: 'error',
      id,
      timestamp,
      error: {
        code: error.code,
        message: typeof error.message === 'string' ? error.message : '',
        retry: error.retry === true,
      },
    }
  }
  const payloadB64 = field(env.payload, 'payload', 'base64') as string
  const keyB64 = field(env.encryption_key, 'encryption_key', 'base64') as string
  const hmacB64 = field(env.hmac, 'hmac', 'base64') as string
  const secretB64 = field(env.hmac_secret, 'hmac_secret', 'base64') as string
  const sealed = field(env.sealed, 'sealed', 'boolean') as boolean
  if (field(env.encryption_algorithm, 'encryption_algorithm', 'string') !== ENCRYPTION_ALGORITHM) {
    throw invalid(
      'encryption_algorithm',
      `"${String(env.encryption_algorithm)}" is not supported (only ${ENCRYPTION_ALGORITHM}).`,
      'unsupported_algorithm',
    )
  }
  if (field(env.hmac_algorithm, 'hmac_algorithm', 'string') !== HMAC_ALGORITHM) {
    throw invalid(
      'hmac_algorithm',
      `"${String(env.hmac_algorithm)}" is not supported (only ${HMAC_ALGORITHM}).`,
      'unsupported_algorithm',
    )
  }
  const payload = Buffer.from(payloadB64, 'base64')
  if (payload.length < NONCE + TAG)
    throw invalid('payload', `is shorter than ${NONCE + TAG} bytes.`, 'length')
  let key = Buffer.from(keyB64, 'base64')
  let secret = Buffer.from(secretB64, 'base64')
  if (sealed) {
    if (parameters.privateKey === undefined) {
      throw new ComplianceError('The envelope is sealed and no private key was given.', {
        code: 'COMPLIANCE_ENVELOPE_WRONG_KEY',
      })
    }
    const signature = typeof env.public_key_signature === 'string' ? env.public_key_signature : ''
    if (signature !== '' && signature !== publicKeySignature(parameters.privateKey)) {
      throw new ComplianceError('The envelope was sealed for another public key.', {
        code: 'COMPLIANCE_ENVELOPE_WRONG_KEY',
        metaMessages: [
          `Sealed for: ${signature}`,
          `Our key: ${publicKeySignature(parameters.privateKey)}`,
        ],
      })
    }
    const unwrap = (data: Buffer, name: string) => {
      try {
        return privateDecrypt(
          {
            key: parameters.privateKey!,
            padding: cryptoConstants.RSA_PKCS1_OAEP_PADDING,
            oaepHash: 'sha512',
          },
          data,
        )
      } catch (cause) {
        throw new ComplianceError(`The envelope's ${name} cannot be unwrapped with our key.`, {
          code: 'COMPLIANCE_ENVELOPE_WRONG_KEY',
          cause,
        })
      }
    }
    key = unwrap(key, 'encryption_key')
    secret = unwrap(secret, 'hmac_secret')
  }
  if (key.length !== 32)
    throw invalid('encryption_key', 'does not hold a 32-byte AES-256 key.', 'length')
  const expected = createHmac('sha256', secret).update(payload).digest()
  const given = Buffer.from(hmacB64, 'base64')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new ComplianceError("The envelope's HMAC does not match its payload.", {
      code: 'COMPLIANCE_ENVELOPE_BAD_HMAC',
    })
  }
  const nonce = payload.subarray(payload.length - NONCE)
  const tag = payload.subarray(payload.length - NONCE - TAG, payload.length - NONCE)
  let plaintext: Buffer
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce)
    decipher.setAuthTag(tag)
    plaintext = Buffer.concat([
      decipher.update(payload.subarray(0, payload.length - NONCE - TAG)),
      decipher.final(),
    ])
  } catch (cause) {
    throw new ComplianceError("The envelope's payload fails AES-GCM authentication.", {
      code: 'COMPLIANCE_ENVELOPE_DECRYPT_FAILED',
      cause,
    })
  }
  const decoded = decodeProto(trisaSchema, 'trisa.api.v1beta1.Payload', plaintext, ['payload'])
  return { kind: 'payload', id, timestamp, payload: decoded as unknown as TrisaPayload }
}

/** Encodes an envelope as `trisa.api.v1beta1.SecureEnvelope` protobuf bytes (for gRPC transport). */
export function encodeEnvelopeProto(envelope: SecureEnvelope): Uint8Array {
  return encodeProto(
    trisaSchema,
    'trisa.api.v1beta1.SecureEnvelope',
    envelope as unknown as ProtoJson,
  )
}

/** Decodes `trisa.api.v1beta1.SecureEnvelope` protobuf bytes into the JSON form {@link openEnvelope} takes. */
export function decodeEnvelopeProto(bytes: Uint8Array): SecureEnvelope {
  return decodeProto(
    trisaSchema,
    'trisa.api.v1beta1.SecureEnvelope',
    bytes,
  ) as unknown as SecureEnvelope
}
