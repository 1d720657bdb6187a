import { generateKeyPairSync } from 'node:crypto'
import {
  createManualClock,
  createMemoryAuditSink,
  createSequentialIdGenerator,
  openAuditLog,
} from '@strongroom/core'
import { describe, expect, it } from 'vitest'
import {
  createMemoryEvidenceStore,
  createMemoryVaspDirectory,
  createMockTrisaPeer,
  createTravelRuleExchange,
  type Ivms101Payload,
  openEnvelope,
  type VaspRecord,
} from '../src/index.js'

const ours = generateKeyPairSync('rsa', { modulusLength: 2048 })
const theirs = generateKeyPairSync('rsa', { modulusLength: 2048 })

const identity: Ivms101Payload = {
  originator: {
    originatorPersons: [
      {
        naturalPerson: {
          name: {
            nameIdentifier: [
              { primaryIdentifier: 'Doe', secondaryIdentifier: 'Jane', nameIdentifierType: 'LEGL' },
            ],
          },
          customerIdentification: 'acc-1',
        },
      },
    ],
    accountNumber: ['acc-1'],
  },
  beneficiary: {
    beneficiaryPersons: [
      {
        naturalPerson: {
          name: { nameIdentifier: [{ primaryIdentifier: 'Roe', nameIdentifierType: 'LEGL' }] },
        },
      },
    ],
  },
}
const transaction = {
  txid: '',
  originator: '',
  beneficiary: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
  amount: 0.25,
  network: 'btc',
  asset_type: 'BTC',
}

async function setup(decide?: Parameters<typeof createMockTrisaPeer>[0]['decide']) {
  const clock = createManualClock(Date.parse('2026-11-01T12:00:00Z'))
  const peer = createMockTrisaPeer({
    privateKey: theirs.privateKey,
    clock,
    decide,
    beneficiaryAccount: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
  })
  const bob: VaspRecord = {
    id: 'bob',
    name: 'Bob VASP',
    country: 'GB',
    protocols: ['trisa'],
    signingKey: theirs.publicKey,
    verified: true,
  }
  const directory = createMemoryVaspDirectory({
    vasps: [bob],
    addresses: [{ address: transaction.beneficiary, vaspId: 'bob' }],
  })
  const evidence = createMemoryEvidenceStore()
  const sink = createMemoryAuditSink()
  const audit = await openAuditLog({ sink, clock })
  const exchange = createTravelRuleExchange({
    privateKey: ours.privateKey,
    transport: peer,
    evidence,
    clock,
    ids: createSequentialIdGenerator(),
    audit,
  })
  return { exchange, evidence, sink, audit, peer, directory, bob }
}

describe('Travel Rule exchange over TRISA (mock peer)', () => {
  it('seals for the counterparty, gets its completed identity back, keeps both envelopes as evidence and in the audit log', async () => {
    const { exchange, evidence, sink, audit, peer, directory } = await setup()
    const counterparty = (await directory.lookupByAddress({
      chain: 'XBT',
      address: transaction.beneficiary.toUpperCase(),
    }))!
    const result = await exchange.send({ counterparty, identity, transaction })
    expect(result.status).toBe('accepted')
    if (result.status !== 'accepted') return
    expect(result.beneficiary?.beneficiary?.accountNumber).toEqual([transaction.beneficiary])
    expect(peer.received).toEqual([identity])
    const records = await evidence.list(result.exchangeId)
    expect(records.map((r) => [r.direction, r.counterpartyId, r.envelope.sealed])).toEqual([
      ['sent', 'bob', true],
      ['received', 'bob', true],
    ])
    // The stored evidence is the sealed envelope: only the holder of the key can read it.
    expect(
      openEnvelope({ envelope: records[0]!.envelope, privateKey: theirs.privateKey }).kind,
    ).toBe('payload')
    expect(() =>
      openEnvelope({ envelope: records[0]!.envelope, privateKey: ours.privateKey }),
    ).toThrow()
    expect(sink.records.map((r) => [r.type, (r.data as { digest: string }).digest])).toEqual([
      ['compliance.travel_rule.sent', records[0]!.digest],
      ['compliance.travel_rule.received', records[1]!.digest],
    ])
    expect((await audit.verify()).ok).toBe(true)
  })

  it('pending and rejected replies', async () => {
    const pending = await setup(() => 'pending')
    const p = await pending.exchange.send({ counterparty: pending.bob, identity, transaction })
    expect(p).toMatchObject({ status: 'pending', replyNotAfter: '2026-11-02T12:00:00.000Z' })
    const rejected = await setup(() => ({
      reject: 'HIGH_RISK',
      message: 'beneficiary account frozen',
    }))
    const r = await rejected.exchange.send({ counterparty: rejected.bob, identity, transaction })
    expect(r).toMatchObject({
      status: 'rejected',
      error: { code: 'HIGH_RISK', message: 'beneficiary account frozen', retry: false },
    })
    expect((await rejected.evidence.list()).map((e) => e.envelope.error?.code ?? null)).toEqual([
      null,
      'HIGH_RISK',
    ])
  })

  it('invalid identity data is rejected by the peer with the field named', async () => {
    const { exchange, bob } = await setup()
    const bad: Ivms101Payload = {
      ...identity,
      originator: {
        originatorPersons: [
          {
            naturalPerson: {
              name: { nameIdentifier: [{ primaryIdentifier: 'Doe', nameIdentifierType: 'ALIA' }] },
            },
          },
        ],
      },
    }
    const result = await exchange.send({ counterparty: bob, identity: bad, transaction })
    expect(result.status).toBe('rejected')
    expect(result.status === 'rejected' && result.error.code).toBe('VALIDATION_ERROR')
    expect(result.status === 'rejected' && result.error.message).toContain(
      'originator.originatorPersons.0.naturalPerson',
    )
  })

  it('a counterparty without a key, or one that holds another key, cannot be sent to', async () => {
    const { exchange, bob } = await setup()
    await expect(
      exchange.send({ counterparty: { ...bob, signingKey: undefined }, identity, transaction }),
    ).rejects.toMatchObject({ code: 'COMPLIANCE_ENVELOPE_WRONG_KEY' })
    const wrong = await exchange.send({
      counterparty: { ...bob, signingKey: ours.publicKey },
      identity,
      transaction,
    })
    expect(wrong).toMatchObject({ status: 'rejected', error: { code: 'INVALID_KEY' } })
  })
})
