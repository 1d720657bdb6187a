import { createPublicKey, verify as nodeVerify } from 'node:crypto'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { type KeyId, type RequestId, verifyAuditChain } from '@strongroom/core'
import { requireServices } from '@strongroom/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  approve,
  approvers,
  CHAIN,
  DEST,
  ETH,
  hex,
  seed,
  testAudit,
  withdrawalPolicy,
} from '../../test/helpers.js'
import { createSoftHsmToken } from '../../test/softhsm.js'
import {
  createSoftwareAuthorizationKey,
  signAuthorization,
} from '../authorization/authorization.js'
import { createMemoryNonceStore } from '../authorization/nonceStore.js'
import { requestDigest } from '../authorization/signingRequest.js'
import { sha256Hex } from '../crypto/bytes.js'
import { evmAddressFormat } from '../evm/evmAddress.js'
import { compilePolicy, policyRuleLookup } from '../policy/compilePolicy.js'
import { normalizeEcdsaSignature } from './ecdsaSignature.js'
import { createPkcs11Signer } from './pkcs11Signer.js'
import { openPkcs11Token, type Pkcs11Token } from './pkcs11Token.js'

const hsm = await requireServices('custody: PKCS#11 signer on SoftHSM2', ['softhsm'])
const N = secp256k1.Point.Fn.ORDER

describe.skipIf(!hsm.available)('PKCS#11 signer on SoftHSM2', () => {
  let env: ReturnType<typeof createSoftHsmToken>
  let token: Pkcs11Token
  let t: Awaited<ReturnType<typeof testAudit>>
  const orchestratorKey = createSoftwareAuthorizationKey({
    keyId: 'orch-1',
    privateKey: seed('orchestrator'),
  })
  const policy = compilePolicy({
    document: withdrawalPolicy(),
    assets: [ETH],
    addressFormats: [evmAddressFormat],
  })
  let nonce = 0

  beforeAll(async () => {
    env = createSoftHsmToken()
    t = await testAudit()
    token = await openPkcs11Token({ ...env, sessions: 4, audit: t.audit })
  })
  afterAll(async () => {
    await token?.close()
    env?.remove()
  })

  const trust = () => ({
    orchestratorKeys: { 'orch-1': hex(orchestratorKey.publicKey) },
    policies: policyRuleLookup([policy]),
    nonces: createMemoryNonceStore(),
    clock: t.clock,
  })

  async function authorize(keyId: string, payload: Uint8Array, ruleId = 'small-allow-listed') {
    const now = t.clock.now()
    const request = {
      requestId: `r${++nonce}` as RequestId,
      kind: 'withdrawal',
      walletId: 'hot' as never,
      initiator: 'dave',
      chain: CHAIN,
      asset: 'ETH',
      amount: 1n,
      destination: DEST,
      createdAt: now,
    }
    const digest = requestDigest(request)
    return signAuthorization(
      {
        requestId: request.requestId,
        keyId: keyId as KeyId,
        policyId: 'withdrawals',
        policyVersion: 1,
        ruleId,
        payloadDigest: sha256Hex(payload),
        requestDigest: digest,
        approvals:
          ruleId === 'large-allow-listed'
            ? [approve(approvers.alice, digest, now), approve(approvers.bob, digest, now)]
            : [],
        issuedAt: now,
        expiresAt: now + 30_000,
        nonce: nonce.toString(16).padStart(32, '0'),
        initiator: 'dave',
        walletId: 'hot',
        chain: CHAIN,
      },
      orchestratorKey,
    )
  }

  it('generates secp256k1 and Ed25519 keys that are sensitive and never extractable', async () => {
    const k1 = await token.generateKey({ keyId: 'key-k1', label: 'hot-eth', curve: 'secp256k1' })
    const ed = await token.generateKey({ keyId: 'key-ed', label: 'hot-sol', curve: 'ed25519' })
    expect(k1.publicKey).toHaveLength(33)
    expect(ed.publicKey).toHaveLength(32)
    for (const keyId of ['key-k1', 'key-ed']) {
      expect(await token.keyProtection(keyId)).toEqual({
        sensitive: true,
        extractable: false,
        alwaysSensitive: true,
        neverExtractable: true,
        private: true,
      })
      expect(await token.tryReadPrivateValue(keyId)).toBe('CKR_ATTRIBUTE_SENSITIVE')
    }
    expect((await token.findKey({ label: 'hot-eth' })).keyId).toBe('key-k1')
    await expect(token.findKey({ keyId: 'nope' })).rejects.toMatchObject({
      code: 'CUSTODY_KEY_NOT_FOUND',
    })
    await expect(
      token.generateKey({ keyId: 'key-k1', label: 'x', curve: 'secp256k1' }),
    ).rejects.toMatchObject({
      code: 'CUSTODY_INVALID_CONFIG',
    })
  })

  it('signs ECDSA low-s with the right recovery id, only with an authorization', async () => {
    const signer = await createPkcs11Signer({ token, keyId: 'key-k1', trust: trust() })
    const digest = new Uint8Array(32).fill(9)
    await expect(signer.sign(digest, undefined as never)).rejects.toMatchObject({
      code: 'CUSTODY_AUTHORIZATION_MISSING',
    })
    const authorization = await authorize('key-k1', digest)
    const result = await signer.sign(digest, authorization)
    const sig = secp256k1.Signature.fromBytes(result.signature, 'compact')
    expect(sig.s <= N >> 1n).toBe(true)
    expect(secp256k1.verify(result.signature, digest, signer.publicKey, { prehash: false })).toBe(
      true,
    )
    expect(hex(sig.addRecoveryBit(result.recoveryId!).recoverPublicKey(digest).toBytes(true))).toBe(
      hex(signer.publicKey),
    )
    await expect(signer.sign(digest, authorization)).rejects.toMatchObject({
      code: 'CUSTODY_AUTHORIZATION_REPLAYED',
    })
    const other = await authorize('key-k1', new Uint8Array(32).fill(1))
    await expect(signer.sign(digest, other)).rejects.toMatchObject({
      code: 'CUSTODY_AUTHORIZATION_WRONG_PAYLOAD',
    })
    await expect(signer.sign(digest, await authorize('key-ed', digest))).rejects.toMatchObject({
      code: 'CUSTODY_AUTHORIZATION_WRONG_KEY',
    })
    const refusals = t.sink.records.filter((r) => r.type === 'custody.signer.refused')
    expect(refusals.map((r) => (r.data as { code: string }).code)).toEqual([
      'CUSTODY_AUTHORIZATION_MISSING',
      'CUSTODY_AUTHORIZATION_REPLAYED',
      'CUSTODY_AUTHORIZATION_WRONG_PAYLOAD',
      'CUSTODY_AUTHORIZATION_WRONG_KEY',
    ])
    expect(signer.signatures).toBe(1)
  })

  it('signs many digests concurrently through the session pool without blocking the event loop', async () => {
    const signer = await createPkcs11Signer({ token, keyId: 'key-k1', trust: trust() })
    const digests = Array.from({ length: 64 }, (_, i) => new Uint8Array(sha256HexBytes(`m${i}`)))
    const authorizations = await Promise.all(
      digests.map((d) => authorize('key-k1', d, 'large-allow-listed')),
    )
    let ticks = 0
    let maxBusy = 0
    let running = true
    const spin = () => {
      ticks++
      maxBusy = Math.max(maxBusy, token.pool.busy)
      if (running) setImmediate(spin)
    }
    setImmediate(spin)
    const results = await Promise.all(digests.map((d, i) => signer.sign(d, authorizations[i]!)))
    running = false
    expect(ticks).toBeGreaterThan(8)
    expect(maxBusy).toBeGreaterThan(1)
    results.forEach((r, i) => {
      const sig = secp256k1.Signature.fromBytes(r.signature, 'compact')
      expect(sig.s <= N >> 1n).toBe(true)
      expect(
        hex(sig.addRecoveryBit(r.recoveryId!).recoverPublicKey(digests[i]!).toBytes(true)),
      ).toBe(hex(signer.publicKey))
    })
    // Both recovery ids occur over 64 signatures (each with probability ~1/2).
    expect(new Set(results.map((r) => r.recoveryId)).size).toBe(2)
  })

  it('signs Ed25519 messages that verify', async () => {
    const signer = await createPkcs11Signer({ token, keyId: 'key-ed', trust: trust() })
    const message = new TextEncoder().encode('strongroom ed25519 payload')
    const result = await signer.sign(message, await authorize('key-ed', message))
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), signer.publicKey])
    const key = createPublicKey({ key: spki, format: 'der', type: 'spki' })
    expect(nodeVerify(null, message, key, result.signature)).toBe(true)
    expect(result.recoveryId).toBeUndefined()
  })

  it('rotates a key: the old one is retired in the token, both are recorded', async () => {
    const oldSigner = await createPkcs11Signer({ token, keyId: 'key-k1', trust: trust() })
    const { retired, active } = await token.rotateKey({
      keyId: 'key-k1',
      newKeyId: 'key-k1-v2',
      actor: 'ops',
    })
    expect(retired.active).toBe(false)
    expect(active.label).toBe('hot-eth')
    expect(hex(active.publicKey)).not.toBe(hex(retired.publicKey))
    expect((await token.findKey({ label: 'hot-eth' })).keyId).toBe('key-k1-v2')
    const digest = new Uint8Array(32).fill(3)
    await expect(oldSigner.sign(digest, await authorize('key-k1', digest))).rejects.toMatchObject({
      code: 'CUSTODY_KEY_RETIRED',
    })
    const newSigner = await createPkcs11Signer({ token, keyId: 'key-k1-v2', trust: trust() })
    const result = await newSigner.sign(digest, await authorize('key-k1-v2', digest))
    expect(
      secp256k1.verify(result.signature, digest, newSigner.publicKey, { prehash: false }),
    ).toBe(true)
    const rotation = t.sink.records.find((r) => r.type === 'custody.key.rotated')
    expect(rotation?.data).toMatchObject({
      retired: { keyId: 'key-k1' },
      active: { keyId: 'key-k1-v2' },
    })
    expect(verifyAuditChain(t.sink.records).ok).toBe(true)
  })
})

describe('normalizeEcdsaSignature', () => {
  it('flips a high s and finds the recovery id', () => {
    const privateKey = seed('k')
    const publicKey = secp256k1.getPublicKey(privateKey, true)
    const digest = new Uint8Array(32).fill(5)
    const low = secp256k1.Signature.fromBytes(
      secp256k1.sign(digest, privateKey, { prehash: false }),
      'compact',
    )
    const high = new Uint8Array(64)
    high.set(low.toBytes('compact').subarray(0, 32))
    high.set(Buffer.from((N - low.s).toString(16).padStart(64, '0'), 'hex'), 32)
    const fixed = normalizeEcdsaSignature({ signature: high, digest, publicKey })
    expect(hex(fixed.signature)).toBe(hex(low.toBytes('compact')))
    expect(() =>
      normalizeEcdsaSignature({
        signature: high,
        digest: new Uint8Array(32),
        publicKey: secp256k1.getPublicKey(seed('other'), true),
      }),
    ).toThrow()
  })
})

describe('normalizeEcdsaSignature against noble', () => {
  it("gives noble's low-s signature and recovery id, whichever s the token returned", () => {
    for (let i = 0; i < 64; i++) {
      const privateKey = seed(`normalize-${i % 4}`)
      const publicKey = secp256k1.getPublicKey(privateKey, i % 8 < 4)
      const digest = sha256HexBytes(`normalize digest ${i}`)
      const recovered = secp256k1.Signature.fromBytes(
        secp256k1.sign(digest, privateKey, { prehash: false, format: 'recovered' }),
        'recovered',
      )
      const raw = new Uint8Array(64)
      raw.set(recovered.toBytes('compact').subarray(0, 32))
      // Half of the time the token's s is the high one (which flips the recovery id).
      const s = i % 2 === 0 ? recovered.s : N - recovered.s
      raw.set(Buffer.from(s.toString(16).padStart(64, '0'), 'hex'), 32)
      const fixed = normalizeEcdsaSignature({ signature: raw, digest, publicKey })
      expect(hex(fixed.signature)).toBe(hex(recovered.toBytes('compact')))
      expect(fixed.recoveryId).toBe(recovered.recovery)
    }
  })
})

function sha256HexBytes(text: string): Uint8Array {
  return Buffer.from(sha256Hex(text), 'hex')
}
