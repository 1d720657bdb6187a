import { createHash, createPublicKey, type KeyObject } from 'node:crypto'
import {
  type AuditLog,
  type CanonicalValue,
  type Clock,
  canonicalJson,
  type IdGenerator,
} from '@strongroom/core'
import { ComplianceError } from '../errors.js'
import { type Ivms101Payload, validateIvms101 } from './ivms101.js'
import { ivms101FromProtoJson, ivms101ToProtoJson } from './ivms101Proto.js'
import type { ProtoJson } from './protobuf.js'
import {
  createErrorEnvelope,
  type OpenedEnvelope,
  openEnvelope,
  type SecureEnvelope,
  sealEnvelope,
  type TrisaError,
} from './trisaEnvelope.js'
import type { VaspRecord } from './vaspDirectory.js'

/** One envelope that crossed the boundary, kept as evidence (the sealed form, never plaintext). */
export type TravelRuleEvidence = {
  readonly exchangeId: string
  readonly envelopeId: string
  readonly direction: 'sent' | 'received'
  readonly counterpartyId: string
  readonly protocol: 'trisa'
  /** Epoch ms from the injected clock. */
  readonly at: number
  readonly envelope: SecureEnvelope
  /** SHA-256 (hex) of the canonical JSON of `envelope`. */
  readonly digest: string
}

/** Port: where exchanged envelopes are kept. {@link createMemoryEvidenceStore} keeps them in memory. */
export type EvidenceStore = {
  append(record: TravelRuleEvidence): Promise<void>
  list(exchangeId?: string): Promise<readonly TravelRuleEvidence[]>
}

/** An in-memory {@link EvidenceStore}. */
export function createMemoryEvidenceStore(): EvidenceStore & {
  readonly records: TravelRuleEvidence[]
} {
  const records: TravelRuleEvidence[] = []
  return {
    records,
    async append(record) {
      records.push(record)
    },
    async list(exchangeId) {
      return exchangeId === undefined
        ? [...records]
        : records.filter((r) => r.exchangeId === exchangeId)
    },
  }
}

/**
 * Port: sends a sealed envelope to a TRISA peer and returns its reply (the `Transfer` RPC). A real
 * adapter speaks gRPC over mTLS; {@link createMockTrisaPeer} stands in for a peer in tests.
 */
export type TrisaTransport = (parameters: {
  readonly counterparty: VaspRecord
  readonly envelope: SecureEnvelope
  /** Our public sealing key, for the peer to seal its reply. */
  readonly replyKey: KeyObject
}) => Promise<SecureEnvelope>

/** How an exchange ended. */
export type TravelRuleExchangeResult =
  | {
      readonly status: 'accepted'
      readonly exchangeId: string
      readonly beneficiary: Ivms101Payload | undefined
    }
  | {
      readonly status: 'pending'
      readonly exchangeId: string
      readonly replyNotAfter: string | undefined
    }
  | { readonly status: 'rejected'; readonly exchangeId: string; readonly error: TrisaError }

/** Parameters of {@link createTravelRuleExchange}. */
export type CreateTravelRuleExchangeParameters = {
  /** Our RSA private key (PEM or KeyObject). */
  readonly privateKey: KeyObject | string
  readonly transport: TrisaTransport
  readonly evidence: EvidenceStore
  readonly clock: Clock
  readonly ids: IdGenerator
  /** When given, every envelope sent and received is also recorded in the audit log. */
  readonly audit?: AuditLog | undefined
}

/** Sends Travel Rule data to counterparty VASPs over TRISA and keeps every exchange as evidence. */
export type TravelRuleExchange = {
  send(parameters: {
    readonly counterparty: VaspRecord
    readonly identity: Ivms101Payload
    /** A `trisa.data.generic.v1beta1.Transaction` as protojson (without `@type`). */
    readonly transaction: ProtoJson
  }): Promise<TravelRuleExchangeResult>
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

/**
 * Creates the Travel Rule exchange: seals IVMS101 identity and transaction for the counterparty's
 * key, sends it, opens the reply with our key and classifies it (accepted with the beneficiary's
 * completed identity, pending, or rejected). Both envelopes are stored as evidence and, when an
 * audit log is given, recorded there (`compliance.travel_rule.sent` / `.received`).
 *
 * @throws {ComplianceError} `COMPLIANCE_ENVELOPE_WRONG_KEY` when the counterparty has no sealing
 * key; envelope errors from {@link openEnvelope} when the reply cannot be opened (the received
 * envelope is kept as evidence first).
 */
export function createTravelRuleExchange(
  parameters: CreateTravelRuleExchangeParameters,
): TravelRuleExchange {
  const { clock, ids, evidence, audit } = parameters
  const replyKey = createPublicKey(parameters.privateKey)
  const keep = async (
    exchangeId: string,
    direction: 'sent' | 'received',
    counterparty: VaspRecord,
    envelope: SecureEnvelope,
  ) => {
    const digest = sha256(canonicalJson(envelope as unknown as CanonicalValue))
    const record: TravelRuleEvidence = {
      exchangeId,
      envelopeId: envelope.id,
      direction,
      counterpartyId: counterparty.id,
      protocol: 'trisa',
      at: clock.now(),
      envelope,
      digest,
    }
    await evidence.append(record)
    await audit?.append({
      type: `compliance.travel_rule.${direction}`,
      actor: counterparty.id,
      data: {
        exchangeId,
        envelopeId: envelope.id,
        digest,
        sealed: envelope.sealed,
        error: envelope.error?.code ?? null,
      },
    })
  }
  return {
    async send({ counterparty, identity, transaction }) {
      if (!counterparty.signingKey) {
        throw new ComplianceError(`Counterparty ${counterparty.id} has no TRISA sealing key.`, {
          code: 'COMPLIANCE_ENVELOPE_WRONG_KEY',
        })
      }
      const exchangeId = ids.next('travelRule')
      const envelope = sealEnvelope({
        payload: {
          identity: {
            '@type': 'type.googleapis.com/ivms101.IdentityPayload',
            ...ivms101ToProtoJson(identity),
          },
          transaction: {
            '@type': 'type.googleapis.com/trisa.data.generic.v1beta1.Transaction',
            ...transaction,
          },
          sent_at: new Date(clock.now()).toISOString(),
          received_at: '',
        },
        recipientKey: counterparty.signingKey,
        id: exchangeId,
        clock,
      })
      await keep(exchangeId, 'sent', counterparty, envelope)
      const reply = await parameters.transport({ counterparty, envelope, replyKey })
      await keep(exchangeId, 'received', counterparty, reply)
      const opened = openEnvelope({ envelope: reply, privateKey: parameters.privateKey })
      return classify(exchangeId, opened)
    },
  }
}

function classify(exchangeId: string, opened: OpenedEnvelope): TravelRuleExchangeResult {
  if (opened.kind === 'error') return { status: 'rejected', exchangeId, error: opened.error }
  const tx = opened.payload.transaction
  if (tx && typeof tx['@type'] === 'string' && tx['@type'].endsWith('.Pending')) {
    return {
      status: 'pending',
      exchangeId,
      replyNotAfter: typeof tx.reply_not_after === 'string' ? tx.reply_not_after : undefined,
    }
  }
  const identity = opened.payload.identity
  return {
    status: 'accepted',
    exchangeId,
    beneficiary: identity ? ivms101FromProtoJson(identity) : undefined,
  }
}

/** What a mock peer does with a transfer it received. */
export type MockPeerDecision =
  | 'accept'
  | 'pending'
  | { readonly reject: string; readonly message: string }

/**
 * A TRISA peer for tests (a paid counterparty in production), behind the same
 * {@link TrisaTransport} port: it opens the envelope with its own key, validates the IVMS101
 * identity, and replies — sealed for the sender's key — by echoing the payload (accept), a
 * `Pending` message, or an error envelope. Received payloads are kept in `received`.
 */
export function createMockTrisaPeer(parameters: {
  readonly privateKey: KeyObject | string
  readonly clock: Clock
  readonly decide?: ((identity: Ivms101Payload) => MockPeerDecision) | undefined
  /** Beneficiary account number the peer fills in on accept. */
  readonly beneficiaryAccount?: string | undefined
}): TrisaTransport & { readonly received: Ivms101Payload[] } {
  const received: Ivms101Payload[] = []
  const transport = async ({ envelope, replyKey }: Parameters<TrisaTransport>[0]) => {
    const { clock } = parameters
    let opened: OpenedEnvelope
    try {
      opened = openEnvelope({ envelope, privateKey: parameters.privateKey })
    } catch (error) {
      return createErrorEnvelope({
        id: envelope.id,
        clock,
        error: {
          code: 'INVALID_KEY',
          message: error instanceof Error ? error.message : 'cannot open',
          retry: false,
        },
      })
    }
    if (opened.kind === 'error' || !opened.payload.identity) {
      return createErrorEnvelope({
        id: envelope.id,
        clock,
        error: { code: 'MISSING_FIELDS', message: 'identity missing', retry: true },
      })
    }
    const identity = ivms101FromProtoJson(opened.payload.identity)
    received.push(identity)
    const issues = validateIvms101(identity, {
      asOf: new Date(clock.now()).toISOString().slice(0, 10),
    })
    if (issues.length > 0) {
      return createErrorEnvelope({
        id: envelope.id,
        clock,
        error: {
          code: 'VALIDATION_ERROR',
          message: `${issues[0]!.path.join('.')}: ${issues[0]!.message}`,
          retry: true,
        },
      })
    }
    const decision = parameters.decide?.(identity) ?? 'accept'
    if (typeof decision === 'object') {
      return createErrorEnvelope({
        id: envelope.id,
        clock,
        error: { code: decision.reject, message: decision.message, retry: false },
      })
    }
    const now = new Date(clock.now()).toISOString()
    if (decision === 'pending') {
      return sealEnvelope({
        payload: {
          identity: opened.payload.identity,
          transaction: {
            '@type': 'type.googleapis.com/trisa.data.generic.v1beta1.Pending',
            envelope_id: envelope.id,
            received_by: 'mock peer',
            received_at: now,
            reply_not_after: new Date(clock.now() + 86_400_000).toISOString(),
          },
          sent_at: opened.payload.sent_at,
          received_at: now,
        },
        recipientKey: replyKey,
        id: envelope.id,
        clock,
      })
    }
    const completed: Ivms101Payload = {
      ...identity,
      ...(identity.beneficiary && parameters.beneficiaryAccount
        ? {
            beneficiary: {
              ...identity.beneficiary,
              accountNumber: [parameters.beneficiaryAccount],
            },
          }
        : {}),
    }
    return sealEnvelope({
      payload: {
        identity: {
          '@type': 'type.googleapis.com/ivms101.IdentityPayload',
          ...ivms101ToProtoJson(completed),
        },
        transaction: opened.payload.transaction,
        sent_at: opened.payload.sent_at,
        received_at: now,
      },
      recipientKey: replyKey,
      id: envelope.id,
      clock,
    })
  }
  return Object.assign(transport, { received })
}
