// The coordinator's signing with in-process signer nodes: a node outside the winning signing set
// that sent an invalid share is still identified and quarantined.
import { ed25519 } from '@noble/curves/ed25519.js'
import {
  createMemoryAuditSink,
  createSystemClock,
  defineAsset,
  type KeyId,
  openAuditLog,
  type RequestId,
  type WalletId,
} from '@strongroom/core'
import { createTempDir } from '@strongroom/testkit'
import { afterAll, describe, expect, it } from 'vitest'
import { approvers, hex, seed } from '../../test/helpers.js'
import {
  createSoftwareAuthorizationKey,
  signAuthorization,
} from '../authorization/authorization.js'
import { requestDigest } from '../authorization/signingRequest.js'
import { importEd25519PrivateKey } from '../crypto/ed25519.js'
import { frostEd25519 } from '../frost/ciphersuites.js'
import { frostVerifyingKey } from '../frost/signing.js'
import { compilePolicy, policyRuleLookup } from '../policy/compilePolicy.js'
import { createFrostCoordinator } from './coordinator.js'
import { createSignerNode, type SignerNode } from './signerNode.js'
import { directNodeTransport } from './transport.js'

const clock = createSystemClock()
const orchestratorKey = createSoftwareAuthorizationKey({
  keyId: 'orch-1',
  privateKey: seed('orchestrator'),
})
const policy = compilePolicy({
  document: {
    id: 'p',
    version: 1,
    approverGroups: [
      { id: 'g', approvers: [{ id: approvers.alice.id, publicKey: approvers.alice.publicKey }] },
    ],
    governance: {
      approvers: [{ id: approvers.alice.id, publicKey: approvers.alice.publicKey }],
      threshold: 1,
      timeLockMs: 3_600_000,
    },
    rules: [{ id: 'messages', when: { kinds: ['message'] }, action: { type: 'allow' } }],
  },
  assets: [defineAsset({ code: 'BTC', decimals: 8 })],
  addressFormats: [],
})

async function authorize(keyId: string, payload: Uint8Array) {
  const now = clock.now()
  const request = {
    requestId: `r-${now}` as RequestId,
    kind: 'message',
    walletId: 'w' as WalletId,
    initiator: 'svc',
    chain: 'msg:1',
    asset: 'BTC',
    amount: 0n,
    destination: 'none',
    createdAt: now,
  }
  return signAuthorization(
    {
      requestId: request.requestId,
      keyId: keyId as KeyId,
      policyId: 'p',
      policyVersion: 1,
      ruleId: 'messages',
      payloadDigest: Buffer.from(await crypto.subtle.digest('SHA-256', payload)).toString('hex'),
      requestDigest: requestDigest(request),
      approvals: [],
      issuedAt: now,
      expiresAt: now + 60_000,
      nonce: hex(crypto.getRandomValues(new Uint8Array(16))),
      initiator: 'svc',
      walletId: 'w',
      chain: 'msg:1',
    },
    orchestratorKey,
  )
}

describe('coordinated signing with in-process nodes', () => {
  const temp = createTempDir('strongroom-frost-coordinator-')
  const nodes: SignerNode[] = []
  afterAll(() => {
    for (const node of nodes) node.close()
    temp.remove()
  })

  it('names a node outside the winning set that sent an invalid share', async () => {
    const identitySeed = seed('coordinator')
    for (const i of [1, 2, 3, 4]) {
      nodes.push(
        await createSignerNode({
          nodeId: `node-${i}`,
          dir: `${temp.path}/node-${i}`,
          passphrase: 'correct horse battery staple',
          coordinatorKey: hex(importEd25519PrivateKey(identitySeed).publicKey),
          trust: {
            orchestratorKeys: { 'orch-1': hex(orchestratorKey.publicKey) },
            policies: policyRuleLookup([policy]),
          },
          clock,
          ...(i === 4 ? { faultInjection: 'corrupt-signature-shares' as const } : {}),
        }),
      )
    }
    const sink = createMemoryAuditSink()
    const coordinator = createFrostCoordinator({
      identitySeed,
      clock,
      audit: await openAuditLog({ sink, clock }),
      nodes: nodes.map((node) => ({
        nodeId: node.nodeId,
        identityKey: node.identityKey,
        send: directNodeTransport(node),
      })),
    })
    const group = await coordinator.dkg({
      ciphersuite: frostEd25519,
      threshold: 3,
      keyId: 'k',
      nodeIds: nodes.map((n) => n.nodeId),
    })
    const message = new TextEncoder().encode('pay 1 BTC')
    // Nodes 1-4 sign all four 3-subsets; {1, 2, 3} aggregates first, so node 4's shares are
    // checked after the signature is already made.
    const result = await coordinator.sign({
      groupId: group.publicKeyPackage.groupId,
      message,
      authorization: await authorize('k', message),
      tolerance: 1,
    })
    expect(result.signers).toEqual([1, 2, 3])
    expect(result.culprits).toEqual([4])
    expect(
      ed25519.verify(result.signature, message, frostVerifyingKey(group.publicKeyPackage)),
    ).toBe(true)
    expect(coordinator.quarantined.has('node-4')).toBe(true)
    const flagged: unknown[] = []
    for await (const r of sink.read())
      if (r.type === 'custody.frost.invalid_share') flagged.push(r.data)
    expect(flagged).toEqual([
      expect.objectContaining({ identifier: 4, nodeId: 'node-4', quarantined: true }),
    ])
  }, 60_000)
})
