import { createManualClock, type KeyId, type RequestId } from '@strongroom/core'
import { describe, expect, it } from 'vitest'
import {
  approve,
  approvers,
  CHAIN,
  DEST,
  ETH,
  hex,
  seed,
  testKey,
  withdrawalPolicy,
} from '../../test/helpers.js'
import { sha256Hex } from '../crypto/bytes.js'
import { evmAddressFormat } from '../evm/evmAddress.js'
import { compilePolicy, policyRuleLookup } from '../policy/compilePolicy.js'
import {
  createSoftwareAuthorizationKey,
  signAuthorization,
  type UnsignedAuthorization,
} from './authorization.js'
import { createMemoryNonceStore } from './nonceStore.js'
import { requestDigest } from './signingRequest.js'
import { verifyAuthorization } from './verifyAuthorization.js'

const NOW = 1_700_000_000_000
const policy = compilePolicy({
  document: withdrawalPolicy(),
  assets: [ETH],
  addressFormats: [evmAddressFormat],
})
const orchestratorKey = createSoftwareAuthorizationKey({
  keyId: 'orch-1',
  privateKey: seed('orchestrator'),
})
const rogueKey = createSoftwareAuthorizationKey({ keyId: 'orch-1', privateKey: seed('rogue') })
const payload = new Uint8Array(32).fill(7)
const request = {
  requestId: 'w1' as RequestId,
  kind: 'withdrawal',
  walletId: 'hot' as never,
  initiator: 'dave',
  chain: CHAIN,
  asset: 'ETH',
  amount: 2n * 10n ** 18n,
  destination: DEST,
  createdAt: NOW,
}
const digest = requestDigest(request)

function unsigned(overrides: Partial<UnsignedAuthorization> = {}): UnsignedAuthorization {
  return {
    requestId: request.requestId,
    keyId: 'key-1' as KeyId,
    policyId: 'withdrawals',
    policyVersion: 1,
    ruleId: 'large-allow-listed',
    payloadDigest: sha256Hex(payload),
    requestDigest: digest,
    approvals: [
      approve(approvers.alice, digest, NOW - 1000),
      approve(approvers.bob, digest, NOW - 500),
    ],
    issuedAt: NOW,
    expiresAt: NOW + 60_000,
    nonce: '00'.repeat(16),
    initiator: 'dave',
    walletId: 'hot',
    chain: CHAIN,
    ...overrides,
  }
}

function setup() {
  const clock = createManualClock(NOW)
  const trust = {
    orchestratorKeys: { 'orch-1': hex(orchestratorKey.publicKey) },
    policies: policyRuleLookup([policy]),
    nonces: createMemoryNonceStore(),
    clock,
  }
  const verify = (authorization: unknown, p = payload, keyId = 'key-1') =>
    verifyAuthorization({ authorization, payload: p, keyId, trust })
  return { clock, trust, verify }
}

describe('verifyAuthorization', () => {
  it('accepts a valid authorization once and refuses the replay', async () => {
    const { verify } = setup()
    const authorization = await signAuthorization(unsigned(), orchestratorKey)
    const verified = await verify(authorization)
    expect(verified.requestId).toBe('w1')
    expect(verified.approvals.map((a) => a.approverId)).toEqual(['alice', 'bob'])
    await expect(verify(authorization)).rejects.toMatchObject({
      code: 'CUSTODY_AUTHORIZATION_REPLAYED',
    })
  })

  it('refuses a missing or malformed authorization', async () => {
    const { verify } = setup()
    await expect(verify(undefined)).rejects.toMatchObject({ code: 'CUSTODY_AUTHORIZATION_MISSING' })
    await expect(verify({ requestId: 'w1' })).rejects.toMatchObject({
      code: 'CUSTODY_AUTHORIZATION_MALFORMED',
    })
    const authorization = await signAuthorization(unsigned(), orchestratorKey)
    await expect(verify({ ...authorization, extra: 1 })).rejects.toMatchObject({
      code: 'CUSTODY_AUTHORIZATION_MALFORMED',
    })
  })

  it('refuses a forged or tampered authorization', async () => {
    const { verify } = setup()
    const forged = await signAuthorization(unsigned(), rogueKey)
    await expect(verify(forged)).rejects.toMatchObject({ code: 'CUSTODY_AUTHORIZATION_FORGED' })
    const genuine = await signAuthorization(unsigned(), orchestratorKey)
    const tampered = { ...genuine, expiresAt: genuine.expiresAt + 1 }
    await expect(verify(tampered)).rejects.toMatchObject({ code: 'CUSTODY_AUTHORIZATION_FORGED' })
    const unknownKey = { ...genuine, orchestrator: { ...genuine.orchestrator, keyId: 'orch-2' } }
    await expect(verify(unknownKey)).rejects.toMatchObject({ code: 'CUSTODY_AUTHORIZATION_FORGED' })
  })

  it('refuses another key, another payload, an expired authorization', async () => {
    const { verify, clock } = setup()
    const authorization = await signAuthorization(unsigned(), orchestratorKey)
    await expect(verify(authorization, payload, 'key-2')).rejects.toMatchObject({
      code: 'CUSTODY_AUTHORIZATION_WRONG_KEY',
    })
    await expect(verify(authorization, new Uint8Array(32))).rejects.toMatchObject({
      code: 'CUSTODY_AUTHORIZATION_WRONG_PAYLOAD',
    })
    const tooLong = await signAuthorization(
      unsigned({ expiresAt: NOW + 3_600_000 }),
      orchestratorKey,
    )
    await expect(verify(tooLong)).rejects.toMatchObject({ code: 'CUSTODY_AUTHORIZATION_EXPIRED' })
    clock.advance(60_000)
    await expect(verify(authorization)).rejects.toMatchObject({
      code: 'CUSTODY_AUTHORIZATION_EXPIRED',
    })
  })

  it('refuses unknown policy versions and rules, and blocking rules', async () => {
    const { verify } = setup()
    for (const overrides of [
      { policyVersion: 2 },
      { ruleId: 'nope' },
      { policyId: 'other' },
      { ruleId: 'screening-block' },
    ]) {
      const authorization = await signAuthorization(unsigned(overrides), orchestratorKey)
      await expect(verify(authorization)).rejects.toMatchObject({
        code: 'CUSTODY_AUTHORIZATION_POLICY_UNKNOWN',
      })
    }
  })

  it('checks the approvals itself: quorum, initiator, forged, stale, outsiders', async () => {
    const { verify } = setup()
    const cases = [
      [approve(approvers.alice, digest, NOW)],
      [approve(approvers.alice, digest, NOW), approve(approvers.alice, digest, NOW - 1)],
      [approve(approvers.alice, digest, NOW), approve(approvers.erin, digest, NOW)],
      [approve(approvers.alice, digest, NOW), approve(approvers.bob, digest, NOW - 2 * 86_400_000)],
      [
        approve(approvers.alice, digest, NOW),
        { ...approve(approvers.bob, digest, NOW), approvedAt: NOW - 1 },
      ],
      [approve(approvers.alice, digest, NOW), approve(approvers.bob, 'ab'.repeat(32), NOW)],
    ]
    for (const approvals of cases) {
      const authorization = await signAuthorization(unsigned({ approvals }), orchestratorKey)
      await expect(verify(authorization)).rejects.toMatchObject({
        code: 'CUSTODY_APPROVALS_INSUFFICIENT',
      })
    }
    // The initiator is a treasurer here, yet their own approval never counts.
    const selfApproved = await signAuthorization(
      unsigned({
        initiator: 'alice',
        approvals: [approve(approvers.alice, digest, NOW), approve(approvers.bob, digest, NOW)],
      }),
      orchestratorKey,
    )
    await expect(verify(selfApproved)).rejects.toMatchObject({
      code: 'CUSTODY_APPROVALS_INSUFFICIENT',
    })
    // Allow rules need no approvals.
    const small = await signAuthorization(
      unsigned({ ruleId: 'small-allow-listed', approvals: [] }),
      orchestratorKey,
    )
    await expect(verify(small)).resolves.toMatchObject({ ruleId: 'small-allow-listed' })
  })

  it('burns no nonce when refusing', async () => {
    const { verify } = setup()
    const authorization = await signAuthorization(unsigned(), orchestratorKey)
    await expect(verify(authorization, new Uint8Array(1))).rejects.toMatchObject({
      code: 'CUSTODY_AUTHORIZATION_WRONG_PAYLOAD',
    })
    await expect(verify(authorization)).resolves.toMatchObject({ nonce: authorization.nonce })
  })

  it('keys the approver statement on subject, approver and time', () => {
    const key = testKey('x')
    const a = approve(key, digest, NOW)
    const b = approve(key, digest, NOW + 1)
    expect(a.signature).not.toBe(b.signature)
    expect(a.publicKey).toBe(key.publicKey)
  })
})
