import { createPrivateKey, generateKeyPairSync } from 'node:crypto'
import { createManualClock } from '@strongroom/core'
import { describe, expect, it } from 'vitest'
import {
  ComplianceError,
  ComplianceInputError,
  createErrorEnvelope,
  decodeEnvelopeProto,
  decodeProto,
  encodeEnvelopeProto,
  encodeProto,
  ivms101FromProtoJson,
  openEnvelope,
  publicKeySignature,
  type SecureEnvelope,
  sealEnvelope,
  trisaSchema,
  validateIvms101,
} from '../src/index.js'
import { compliance, fixture, fixtureJson } from './shared.js'

const clock = createManualClock(Date.parse('2026-11-01T12:00:00Z'))

describe.skipIf(!compliance.available)('TRISA reference test envelope', () => {
  const key = () => fixture('trisa/envelope/sealing_key.pem')
  const sealed = () => fixtureJson<SecureEnvelope>('trisa/envelope/sealed_envelope.json')

  it('opens with its test key and equals the published protojson payload', () => {
    const opened = openEnvelope({ envelope: sealed(), privateKey: key() })
    expect(opened.kind).toBe('payload')
    if (opened.kind !== 'payload') return
    expect(opened.id).toBe('1e7bb3cc-53ff-41b8-870f-4c22110e6f04')
    expect(opened.payload).toEqual(fixtureJson('trisa/envelope/pending_payload.json'))
    expect(opened.payload.sent_at).toBe('2022-01-27T08:21:43Z')
    expect(opened.payload.identity?.['@type']).toBe('type.googleapis.com/ivms101.IdentityPayload')
    expect(opened.payload.transaction?.['@type']).toBe(
      'type.googleapis.com/trisa.data.generic.v1beta1.Pending',
    )
  })

  it('its public key signature is SHA256 over the SPKI DER', () => {
    expect(publicKeySignature(key())).toBe('SHA256:QhEspinUU51gK0dQGqLa56BA6xyRy5/7sN5/6GlaLZw')
    expect(sealed().public_key_signature).toBe(publicKeySignature(key()))
  })

  it('re-encoding the decoded payload gives the reference bytes back', () => {
    const opened = openEnvelope({ envelope: sealed(), privateKey: key() })
    if (opened.kind !== 'payload') throw new Error('expected a payload')
    const bytes = encodeProto(trisaSchema, 'trisa.api.v1beta1.Payload', opened.payload as never)
    expect(bytes.length).toBe(1170)
    expect(decodeProto(trisaSchema, 'trisa.api.v1beta1.Payload', bytes)).toEqual(opened.payload)
    // Sealing it again (fresh key, secret and nonce) and opening gives the same payload.
    const again = sealEnvelope({
      payload: opened.payload,
      recipientKey: key(),
      id: 'round-trip',
      clock,
    })
    expect(again.public_key_signature).toBe(sealed().public_key_signature)
    const reopened = openEnvelope({ envelope: again, privateKey: key() })
    expect(reopened.kind === 'payload' && reopened.payload).toEqual(opened.payload)
  })

  it('the identity inside converts to IVMS101 JSON (the fixture breaks C3, C9 and C11)', () => {
    const opened = openEnvelope({ envelope: sealed(), privateKey: key() })
    if (opened.kind !== 'payload') throw new Error('expected a payload')
    const identity = ivms101FromProtoJson(opened.payload.identity!)
    expect(
      identity.originator?.originatorPersons[0]?.naturalPerson?.name.nameIdentifier[0],
    ).toEqual({
      primaryIdentifier: 'Howard',
      secondaryIdentifier: 'Jane',
      nameIdentifierType: 'LEGL',
    })
    expect(identity.originator?.accountNumber).toEqual(['14HmBSwec8XrcWge9Zi1ZngNia64u3Wd2v'])
    const codes = validateIvms101(identity, { asOf: '2022-01-27' }).map(
      (i) => `${i.code}@${i.path.join('.')}`,
    )
    expect(codes).toEqual([
      'valid_country_code@beneficiary.beneficiaryPersons.0.naturalPerson.geographicAddress.0.country',
      'complete_national_identifier_legal_person@originatingVASP.originatingVASP.legalPerson.nationalIdentification.countryOfIssue',
      'valid_lei@originatingVASP.originatingVASP.legalPerson.nationalIdentification.nationalIdentifier',
      'complete_national_identifier_legal_person@beneficiaryVASP.beneficiaryVASP.legalPerson.nationalIdentification.countryOfIssue',
      'valid_lei@beneficiaryVASP.beneficiaryVASP.legalPerson.nationalIdentification.nationalIdentifier',
    ])
  })

  it('opens the unsealed and the error-only reference envelopes', () => {
    const unsealed = openEnvelope({
      envelope: fixtureJson('trisa/envelope/unsealed_envelope.json'),
    })
    expect(unsealed).toEqual({
      kind: 'payload',
      id: 'ca4344e6-fb1e-4ba2-9ac7-f78fab5f00c0',
      timestamp: '2022-03-29T09:16:27.453444-05:00',
      payload: { identity: null, transaction: null, sent_at: '', received_at: '' },
    })
    const error = openEnvelope({ envelope: fixtureJson('trisa/envelope/error_envelope.json') })
    expect(error).toEqual({
      kind: 'error',
      id: '2b3b4c95-0a78-4f2a-a9fa-041970f97144',
      timestamp: '2022-01-27T08:21:43Z',
      error: {
        code: 'COMPLIANCE_CHECK_FAIL',
        message: 'specified account has been frozen temporarily',
        retry: false,
      },
    })
  })

  it('seals for the certificate bundle used by the reference round-trip test', () => {
    const bundle = fixture('trisa/envelope/alice.vaspbot.net.pem')
    const privateKey = createPrivateKey(bundle)
    const opened = openEnvelope({ envelope: sealed(), privateKey: key() })
    if (opened.kind !== 'payload') throw new Error('expected a payload')
    const envelope = sealEnvelope({
      payload: opened.payload,
      recipientKey: privateKey,
      id: 'alice',
      clock,
    })
    const back = openEnvelope({ envelope, privateKey })
    expect(back.kind === 'payload' && back.payload.identity).toEqual(opened.payload.identity)
    expect(() => openEnvelope({ envelope, privateKey: key() })).toThrow(
      expect.objectContaining({ code: 'COMPLIANCE_ENVELOPE_WRONG_KEY' }),
    )
  })
})

describe('TRISA envelope round trip and tampering', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const payload = {
    identity: null,
    transaction: {
      '@type': 'type.googleapis.com/trisa.data.generic.v1beta1.Transaction',
      txid: 'abc',
      originator: '1BoatSLRHtKNngkdXEeobR76b53LETtpyT',
      beneficiary: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
      amount: 0.5,
      network: 'btc',
      timestamp: '2026-11-01T12:00:00Z',
      extra_json: '',
      asset_type: 'BTC',
      tag: '',
    },
    sent_at: '2026-11-01T12:00:00Z',
    received_at: '',
  }
  const seal = () => sealEnvelope({ payload, recipientKey: publicKey, id: 'env-1', clock })

  it('seal then open returns the payload; the envelope carries TRISA metadata', () => {
    const envelope = seal()
    expect(envelope.encryption_algorithm).toBe('AES256-GCM')
    expect(envelope.hmac_algorithm).toBe('HMAC-SHA256')
    expect(envelope.sealed).toBe(true)
    expect(envelope.timestamp).toBe('2026-11-01T12:00:00.000Z')
    expect(Buffer.from(envelope.encryption_key, 'base64')).toHaveLength(256)
    const opened = openEnvelope({ envelope, privateKey })
    expect(opened.kind === 'payload' && opened.payload).toEqual(payload)
  })

  it('the protobuf form of an envelope round-trips', () => {
    const envelope = seal()
    expect(decodeEnvelopeProto(encodeEnvelopeProto(envelope))).toEqual(envelope)
    const error = createErrorEnvelope({
      id: 'e',
      clock,
      error: { code: 'HIGH_RISK', message: 'no', retry: false },
    })
    expect(decodeEnvelopeProto(encodeEnvelopeProto(error)).error).toEqual({
      code: 'HIGH_RISK',
      message: 'no',
      retry: false,
      details: null,
    })
  })

  it('a wrong key, an altered HMAC or ciphertext, and malformed fields are typed errors', () => {
    const envelope = seal()
    const expectError = (run: () => unknown, code: string, path?: (string | number)[]) => {
      expect(run).toThrow(expect.objectContaining({ code, ...(path ? { path } : {}) }))
    }
    expectError(
      () => openEnvelope({ envelope, privateKey: other.privateKey }),
      'COMPLIANCE_ENVELOPE_WRONG_KEY',
    )
    expectError(
      () =>
        openEnvelope({
          envelope: { ...envelope, public_key_signature: '' },
          privateKey: other.privateKey,
        }),
      'COMPLIANCE_ENVELOPE_WRONG_KEY',
    )
    expectError(() => openEnvelope({ envelope }), 'COMPLIANCE_ENVELOPE_WRONG_KEY')
    const hmac = Buffer.from(envelope.hmac, 'base64')
    hmac[0] = hmac[0]! ^ 1
    expectError(
      () => openEnvelope({ envelope: { ...envelope, hmac: hmac.toString('base64') }, privateKey }),
      'COMPLIANCE_ENVELOPE_BAD_HMAC',
    )
    const body = Buffer.from(envelope.payload, 'base64')
    body[3] = body[3]! ^ 0x80
    expectError(
      () =>
        openEnvelope({ envelope: { ...envelope, payload: body.toString('base64') }, privateKey }),
      'COMPLIANCE_ENVELOPE_BAD_HMAC',
    )
    expectError(
      () =>
        openEnvelope({ envelope: { ...envelope, encryption_algorithm: 'AES128-CBC' }, privateKey }),
      'COMPLIANCE_INVALID_ENVELOPE',
      ['encryption_algorithm'],
    )
    expectError(
      () => openEnvelope({ envelope: { ...envelope, hmac_algorithm: 'HMAC-MD5' }, privateKey }),
      'COMPLIANCE_INVALID_ENVELOPE',
      ['hmac_algorithm'],
    )
    expectError(
      () => openEnvelope({ envelope: { ...envelope, payload: 'not base64!' }, privateKey }),
      'COMPLIANCE_INVALID_ENVELOPE',
      ['payload'],
    )
    expectError(
      () => openEnvelope({ envelope: { ...envelope, payload: 'AAAA' }, privateKey }),
      'COMPLIANCE_INVALID_ENVELOPE',
      ['payload'],
    )
    expectError(
      () => openEnvelope({ envelope: { ...envelope, id: undefined }, privateKey }),
      'COMPLIANCE_INVALID_ENVELOPE',
      ['id'],
    )
    expectError(
      () => openEnvelope({ envelope: { ...envelope, sealed: 'yes' }, privateKey }),
      'COMPLIANCE_INVALID_ENVELOPE',
      ['sealed'],
    )
    expectError(() => openEnvelope({ envelope: 42, privateKey }), 'COMPLIANCE_INVALID_ENVELOPE', [])
    expect(() => openEnvelope({ envelope, privateKey: other.privateKey })).toThrow(ComplianceError)
  })

  it('AES-GCM authentication failure is reported when the HMAC still matches (unsealed, re-MACed)', async () => {
    const { createHmac } = await import('node:crypto')
    const unsealed = sealEnvelope({ payload, id: 'u', clock })
    const body = Buffer.from(unsealed.payload, 'base64')
    body[0] = body[0]! ^ 0xff
    const secret = Buffer.from(unsealed.hmac_secret, 'base64')
    const forged = {
      ...unsealed,
      payload: body.toString('base64'),
      hmac: createHmac('sha256', secret).update(body).digest('base64'),
    }
    expect(() => openEnvelope({ envelope: forged })).toThrow(
      expect.objectContaining({ code: 'COMPLIANCE_ENVELOPE_DECRYPT_FAILED' }),
    )
  })

  it('protobuf decoding names the field of truncated or mistyped bytes', () => {
    expect(() =>
      decodeProto(trisaSchema, 'trisa.api.v1beta1.Payload', Uint8Array.from([0x1a, 0x05, 0x41])),
    ).toThrow(
      expect.objectContaining({ code: 'COMPLIANCE_PROTOBUF_DECODE_FAILED', path: ['sent_at'] }),
    )
    expect(() =>
      decodeProto(trisaSchema, 'trisa.api.v1beta1.Payload', Uint8Array.from([0x18, 0x01])),
    ).toThrow(expect.objectContaining({ path: ['sent_at'] }))
    expect(() =>
      decodeProto(
        trisaSchema,
        'trisa.api.v1beta1.Payload',
        Uint8Array.from([0x1a, 0x02, 0xc3, 0x28]),
      ),
    ).toThrow(/UTF-8/)
    // Unknown fields are skipped, as protobuf requires.
    expect(
      decodeProto(
        trisaSchema,
        'trisa.api.v1beta1.Payload',
        Uint8Array.from([0x78, 0x01, 0x1a, 0x01, 0x41]),
      ).sent_at,
    ).toBe('A')
    expect(() => encodeProto(trisaSchema, 'trisa.api.v1beta1.Payload', { sent_at: 5 })).toThrow(
      expect.objectContaining({ path: ['sent_at'] }),
    )
  })

  it('opening a reference-style payload with an unknown Any type is a decode error', () => {
    const bad = sealEnvelope({
      payload: { ...payload, transaction: null },
      recipientKey: publicKey,
      id: 'x',
      clock,
    })
    expect(openEnvelope({ envelope: bad, privateKey }).kind).toBe('payload')
    expect(() =>
      sealEnvelope({
        payload: { ...payload, transaction: { '@type': 'type.googleapis.com/unknown.Type' } },
        recipientKey: publicKey,
        clock,
      }),
    ).toThrow(ComplianceInputError)
  })
})
