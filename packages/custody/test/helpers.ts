// Test helpers: deterministic approver keys, a policy builder, and a software secp256k1 signer
// backend (verifies the authorization exactly like the HSM backend) for fast orchestrator tests.
import { createHash } from 'node:crypto'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import {
  createManualClock,
  createMemoryAuditSink,
  createSequentialIdGenerator,
  defineAsset,
  type KeyId,
  openAuditLog,
  type Signer,
} from '@strongroom/core'
import {
  type AuthorizationTrust,
  createApproval,
  importEd25519PrivateKey,
  verifyAuthorization,
} from '../src/index.js'

export const seed = (label: string) =>
  new Uint8Array(createHash('sha256').update(`strongroom-test:${label}`).digest())

export const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')

/** A named Ed25519 key pair from a fixed seed. */
export function testKey(label: string) {
  const key = importEd25519PrivateKey(seed(label))
  return { id: label, key, publicKey: hex(key.publicKey) }
}

export const approvers = {
  alice: testKey('alice'),
  bob: testKey('bob'),
  carol: testKey('carol'),
  dave: testKey('dave'),
  erin: testKey('erin'),
}

export function approve(
  who: ReturnType<typeof testKey>,
  subjectDigest: string,
  approvedAt: number,
) {
  return createApproval({ subjectDigest, approverId: who.id, approvedAt, key: who.key })
}

export const ETH = defineAsset({ code: 'ETH', decimals: 18 })
export const USDC = defineAsset({ code: 'USDC', decimals: 6 })

export async function testAudit(start = 1_700_000_000_000) {
  const clock = createManualClock(start)
  const sink = createMemoryAuditSink()
  const audit = await openAuditLog({ sink, clock })
  return { clock, sink, audit, ids: createSequentialIdGenerator() }
}

/** A secp256k1 ECDSA signer in memory that refuses without a valid authorization. */
export function createSoftwareEcdsaSigner(parameters: {
  keyId: string
  privateKey: Uint8Array
  trust: AuthorizationTrust
}): Signer & { signed: number } {
  const publicKey = secp256k1.getPublicKey(parameters.privateKey, true)
  const signer = {
    keyId: parameters.keyId as KeyId,
    curve: 'secp256k1' as const,
    scheme: 'ecdsa' as const,
    publicKey,
    signed: 0,
    async sign(payload: Uint8Array, authorization: unknown) {
      await verifyAuthorization({
        authorization,
        payload,
        keyId: parameters.keyId,
        trust: parameters.trust,
      })
      const sig = secp256k1.sign(payload, parameters.privateKey, {
        prehash: false,
        format: 'recovered',
      })
      signer.signed++
      return { signature: sig.slice(1), recoveryId: sig[0] as 0 | 1 }
    },
  }
  return signer
}

export const DEST = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' // hardhat account #1
export const OTHER = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC' // hardhat account #2
export const CHAIN = 'eip155:31337'

/** The policy of the "Done when" scenario: allow-listed ETH up to 1, 2 of 3 treasurers above. */
export function withdrawalPolicy(overrides: Record<string, unknown> = {}) {
  return {
    id: 'withdrawals',
    version: 1,
    approverGroups: [
      {
        id: 'treasury',
        approvers: [approvers.alice, approvers.bob, approvers.carol].map((a) => ({
          id: a.id,
          publicKey: a.publicKey,
        })),
      },
    ],
    addressLists: {
      allowlist: [{ chain: CHAIN, address: DEST, label: 'cold storage' }],
    },
    governance: {
      approvers: [approvers.alice, approvers.bob, approvers.carol].map((a) => ({
        id: a.id,
        publicKey: a.publicKey,
      })),
      threshold: 2,
      timeLockMs: 3_600_000,
    },
    rules: [
      {
        id: 'screening-block',
        when: { screening: ['block'] },
        action: { type: 'block', reason: 'sanctioned destination' },
      },
      {
        id: 'small-allow-listed',
        when: {
          destination: { inLists: ['allowlist'] },
          assets: ['ETH'],
          amount: { atMost: { ETH: '1' } },
        },
        action: { type: 'allow' },
      },
      {
        id: 'large-allow-listed',
        when: {
          destination: { inLists: ['allowlist'] },
          assets: ['ETH'],
          amount: { above: { ETH: '1' } },
        },
        action: { type: 'require_approvals', quorum: [{ group: 'treasury', threshold: 2 }] },
      },
    ],
    ...overrides,
  }
}
