// FROST across five signer-node processes on loopback: DKG for an Ed25519 and a Taproot group,
// signing with one node down and one misbehaving (identified and quarantined), a Taproot PSBT
// through the orchestrator, proactive refresh, nonces never reused across a crash and restart,
// shares sealed at rest, and refusals of malformed, forged, misaddressed or replayed messages.
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { ed25519 } from '@noble/curves/ed25519.js'
import { schnorr } from '@noble/curves/secp256k1.js'
import { numberToBytesLE } from '@noble/curves/utils.js'
import {
  type AuditRecord,
  createMemoryAuditSink,
  createSequentialIdGenerator,
  createSystemClock,
  defineAsset,
  type KeyId,
  openAuditLog,
  type RequestId,
  type WalletId,
} from '@strongroom/core'
import { networks, Transaction } from 'bitcoinjs-lib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bitcoinAddressFormat, createBitcoinPayloadBinder } from '../src/bitcoin/payloadBinder.js'
import { bitcoinSighash, buildBitcoinPsbt, finalizeBitcoinPsbt } from '../src/bitcoin/psbt.js'
import { signBitcoinPsbtWithOrchestrator } from '../src/bitcoin/signPsbt.js'
import { createBitcoinWallet } from '../src/bitcoin/wallet.js'
import { importEd25519PrivateKey } from '../src/crypto/ed25519.js'
import { frostEd25519, frostSecp256k1Taproot } from '../src/frost/ciphersuites.js'
import { FrostInvalidSignatureShareError } from '../src/frost/frostErrors.js'
import { frostVerifyingKey } from '../src/frost/signing.js'
import {
  createKillSwitch,
  createOrchestrator,
  createPolicyStore,
  createSignerRoute,
  createSoftwareAuthorizationKey,
  requestDigest,
  signAuthorization,
} from '../src/index.js'
import {
  type CoordinatedGroup,
  createFrostCoordinatorSigner,
} from '../src/signerNode/coordinator.js'
import { type NodeEnvelope, signEnvelope, verifyEnvelope } from '../src/signerNode/envelope.js'
import { createSignerNode } from '../src/signerNode/signerNode.js'
import { SignerNodeError } from '../src/signerNode/signerNodeErrors.js'
import { type Cluster, PASSPHRASE, startCluster } from './helpers/cluster.js'
import { approvers, hex, seed } from './helpers.js'

const clock = createSystemClock()
const BTC = defineAsset({ code: 'BTC', decimals: 8, maxAmount: '21000000' })
const BTC_CHAIN = 'bip122:0f9188f13cb7b2c71f2a335e3a4fc328'
const MSG_CHAIN = 'ed25519:test'
const DEST = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080'
const policy = {
  id: 'frost-policy',
  version: 1,
  approverGroups: [
    {
      id: 'treasury',
      approvers: [approvers.alice, approvers.bob].map((a) => ({
        id: a.id,
        publicKey: a.publicKey,
      })),
    },
  ],
  addressLists: { allowlist: [{ chain: BTC_CHAIN, address: DEST }] },
  governance: {
    approvers: [approvers.alice, approvers.bob].map((a) => ({ id: a.id, publicKey: a.publicKey })),
    threshold: 2,
    timeLockMs: 3_600_000,
  },
  rules: [
    {
      id: 'messages',
      when: { chains: [MSG_CHAIN], kinds: ['message'] },
      action: { type: 'allow' },
    },
    {
      id: 'btc',
      when: {
        destination: { inLists: ['allowlist'] },
        assets: ['BTC'],
        amount: { atMost: { BTC: '10' } },
      },
      action: { type: 'allow' },
    },
  ],
}
const orchestratorKey = createSoftwareAuthorizationKey({
  keyId: 'orch-1',
  privateKey: seed('orchestrator'),
})
const coordinatorSeed = seed('frost-coordinator')
const coordinatorIdentity = importEd25519PrivateKey(coordinatorSeed)
let counter = 0

async function authorize(
  keyId: string,
  payload: Uint8Array,
  overrides: Record<string, unknown> = {},
) {
  const now = clock.now()
  const request = {
    requestId: `msg-${++counter}` as RequestId,
    kind: 'message',
    walletId: 'warm-ed' as WalletId,
    initiator: 'svc-settlement',
    chain: MSG_CHAIN,
    asset: 'BTC',
    amount: 0n,
    destination: 'none',
    createdAt: now,
  }
  return signAuthorization(
    {
      requestId: request.requestId,
      keyId: keyId as KeyId,
      policyId: 'frost-policy',
      policyVersion: 1,
      ruleId: 'messages',
      payloadDigest: Buffer.from(await crypto.subtle.digest('SHA-256', payload)).toString('hex'),
      requestDigest: requestDigest(request),
      approvals: [],
      issuedAt: now,
      expiresAt: now + 60_000,
      nonce: Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('hex'),
      initiator: request.initiator,
      walletId: request.walletId,
      chain: MSG_CHAIN,
      ...overrides,
    },
    orchestratorKey,
  )
}

/** Sends one raw message to a node as the coordinator would (or as an attacker would). */
async function send(cluster: Cluster, index: number, message: unknown): Promise<NodeEnvelope> {
  const node = cluster.nodes[index]!
  const response = await fetch(`http://127.0.0.1:${node.port}/frost`, {
    method: 'POST',
    body: JSON.stringify(message),
  })
  const reply = await response.json()
  return verifyEnvelope(reply, {
    senders: { [node.nodeId]: node.identityKey },
    me: 'coordinator',
    now: clock.now(),
  })
}
const request = (
  to: string,
  type: string,
  body: unknown,
  sessionId = hex(crypto.getRandomValues(new Uint8Array(16))),
  key = coordinatorIdentity,
) =>
  signEnvelope(
    {
      type,
      sessionId,
      messageId: hex(crypto.getRandomValues(new Uint8Array(16))),
      from: 'coordinator',
      to,
      issuedAt: clock.now(),
      inReplyTo: null,
      body: body as never,
    },
    key,
  )

type WireC = { nonceId: string; identifier: number; hiding: string; binding: string }
/** Commitments from nodes `indexes` (`count` nonces each): complete signing sets for raw requests. */
async function commitSet(
  cluster: Cluster,
  groupId: string,
  indexes: number[],
  count = 1,
): Promise<WireC[][]> {
  return Promise.all(
    indexes.map(async (i) => {
      const reply = await send(
        cluster,
        i,
        request(cluster.nodes[i]!.nodeId, 'sign.commit', { groupId, count }),
      )
      return (reply.body as { commitments: WireC[] }).commitments
    }),
  )
}
const shareRequest = (
  to: string,
  groupId: string,
  generation: number,
  message: Uint8Array,
  authorization: unknown,
  nonceId: string,
  set: WireC[],
) =>
  request(to, 'sign.share', {
    groupId,
    generation,
    message: hex(message),
    tweak: null,
    authorization,
    candidates: [
      {
        nonceId,
        commitments: set.map(({ identifier, hiding, binding }) => ({
          identifier,
          hiding,
          binding,
        })),
      },
    ],
  })

describe('FROST across five signer-node processes', () => {
  let cluster: Cluster
  let edGroup: CoordinatedGroup
  let trGroup: CoordinatedGroup
  const sink = createMemoryAuditSink()
  let audit: Awaited<ReturnType<typeof openAuditLog>>
  const records = async (prefix: string) => {
    const out: AuditRecord[] = []
    for await (const r of sink.read()) if (r.type.startsWith(prefix)) out.push(r)
    return out
  }

  beforeAll(async () => {
    audit = await openAuditLog({ sink, clock })
    cluster = await startCluster({
      n: 5,
      coordinatorSeed,
      orchestratorKeys: { 'orch-1': hex(orchestratorKey.publicKey) },
      policies: [policy],
      assets: [{ code: 'BTC', decimals: 8, maxAmount: '21000000' }],
      addressFormats: ['bip122:regtest'],
      clock,
      audit,
      faulty: ['node-4'],
    })
    const nodeIds = cluster.nodes.map((n) => n.nodeId)
    edGroup = await cluster.coordinator.dkg({
      ciphersuite: frostEd25519,
      threshold: 3,
      keyId: 'frost-ed',
      nodeIds,
    })
    trGroup = await cluster.coordinator.dkg({
      ciphersuite: frostSecp256k1Taproot,
      threshold: 3,
      keyId: 'frost-tr',
      nodeIds,
    })
  }, 120_000)
  afterAll(async () => {
    await cluster?.stop()
  })

  it('DKG: every node holds a share of both groups; nothing but the sealed state is on disk', async () => {
    expect(edGroup.members.size).toBe(5)
    expect(edGroup.publicKeyPackage.threshold).toBe(3)
    const discovered = await cluster.coordinator.discover()
    expect(discovered.get(edGroup.publicKeyPackage.groupId)!.members.size).toBe(5)
    const files = readdirSync(cluster.nodes[0]!.dir).sort()
    expect(files.filter((f) => f.startsWith('group-')).length).toBe(2)
    for (const file of files.filter((f) => f.endsWith('.sealed'))) {
      const text = readFileSync(join(cluster.nodes[0]!.dir, file), 'utf8')
      expect(text).toMatch(/^[A-Za-z0-9+/=]+$/)
      expect(text).not.toContain('signingShare')
    }
  })

  it('signs an Ed25519 message 3-of-5 with node-2 down and node-4 misbehaving; node-4 is identified', async () => {
    await cluster.nodes[1]!.stop()
    const message = new TextEncoder().encode('settlement batch 2026-11-21 #42')
    const authorization = await authorize('frost-ed', message)
    const result = await cluster.coordinator.sign({
      groupId: edGroup.publicKeyPackage.groupId,
      message,
      authorization,
    })
    expect(
      ed25519.verify(result.signature, message, frostVerifyingKey(edGroup.publicKeyPackage)),
    ).toBe(true)
    expect(result.culprits).toEqual([4])
    expect(result.signers).not.toContain(4)
    expect(result.signers).not.toContain(2)
    expect(result.unavailable).toContain('node-2')
    expect(cluster.coordinator.quarantined.has('node-4')).toBe(true)
    const flagged = await records('custody.frost.invalid_share')
    expect(flagged.map((r) => (r.data as { nodeId: string }).nodeId)).toContain('node-4')
  }, 60_000)

  it('signs a Taproot PSBT through the orchestrator with the node group (node-2 still down)', async () => {
    const network = networks.regtest
    const signer = createFrostCoordinatorSigner({
      coordinator: cluster.coordinator,
      groupId: trGroup.publicKeyPackage.groupId,
      tweak: { merkleRoot: new Uint8Array(0) },
    })
    const wallet = createBitcoinWallet({ kind: 'p2tr', internalKey: signer.publicKey }, network)
    const ids = createSequentialIdGenerator()
    const policies = await createPolicyStore({
      initial: policy,
      assets: [BTC],
      addressFormats: [bitcoinAddressFormat(network)],
      clock,
      ids,
      audit,
    })
    const orchestrator = createOrchestrator({
      clock,
      ids,
      audit,
      authorizationKey: orchestratorKey,
      policies,
      killSwitch: createKillSwitch({
        clock,
        ids,
        audit,
        operators: ['ops'],
        liftQuorum: { approvers: [approvers.alice, approvers.bob], threshold: 2 },
      }),
      wallets: [
        {
          id: 'warm-btc' as WalletId,
          venue: 'v1',
          tier: 'warm',
          chain: BTC_CHAIN,
          scheme: 'bip340',
          keyId: 'frost-tr' as KeyId,
          address: wallet.address,
          assets: [BTC],
        },
      ],
      signers: [createSignerRoute({ tier: 'warm', scheme: 'bip340', signers: [signer] })],
      addressFormats: [bitcoinAddressFormat(network)],
      binders: [
        createBitcoinPayloadBinder({
          wallets: { 'warm-btc': wallet },
          allowList: [DEST],
          maxFeeRate: 100n,
        }),
      ],
    })
    const submitted = await orchestrator.submit({
      requestId: 'tr-1',
      walletId: 'warm-btc',
      initiator: 'dave',
      chain: BTC_CHAIN,
      asset: 'BTC',
      amount: '0.25',
      destination: DEST,
    })
    expect(submitted.ok).toBe(true)
    const built = buildBitcoinPsbt({
      wallet,
      utxos: [{ txid: 'ab'.repeat(32), vout: 1, value: 40_000_000n }],
      payments: [{ address: DEST, value: 25_000_000n }],
      feeRate: 3n,
      allowList: [DEST],
    })
    if (!built.ok) throw new Error(built.rejection.message)
    const signed = await signBitcoinPsbtWithOrchestrator({
      orchestrator,
      requestId: 'tr-1',
      psbt: built.value.psbt,
      wallet,
    })
    expect(signed.ok).toBe(true)
    if (!signed.ok) return
    const sighash = bitcoinSighash(signed.psbt, 0, wallet)
    const tx = Transaction.fromHex(finalizeBitcoinPsbt(signed.psbt).hex)
    expect(tx.ins[0]!.witness[0]!.length).toBe(64)
    expect(schnorr.verify(tx.ins[0]!.witness[0]!, sighash, wallet.outputScript.subarray(2))).toBe(
      true,
    )
  }, 60_000)

  it('refresh: every share changes, the group key stays, old-generation requests are refused', async () => {
    await cluster.nodes[1]!.start()
    const before = edGroup.publicKeyPackage
    const after = (await cluster.coordinator.refresh(before.groupId)).publicKeyPackage
    expect(after.generation).toBe(1)
    expect(after.groupPublicKey.equals(before.groupPublicKey)).toBe(true)
    for (const [id, share] of after.verifyingShares)
      expect(share.equals(before.verifyingShares.get(id)!)).toBe(false)
    cluster.coordinator.release('node-4')
    const message = new TextEncoder().encode('after refresh')
    const result = await cluster.coordinator.sign({
      groupId: before.groupId,
      message,
      authorization: await authorize('frost-ed', message),
      tolerance: 2,
    })
    expect(ed25519.verify(result.signature, message, frostVerifyingKey(after))).toBe(true)
    // A request for the old generation is refused by the node, which no longer holds that share.
    const [a, b, c] = await commitSet(cluster, before.groupId, [0, 1, 2])
    const set = [a![0]!, b![0]!, c![0]!]
    const stale = await send(
      cluster,
      0,
      shareRequest(
        'node-1',
        before.groupId,
        0,
        message,
        await authorize('frost-ed', message),
        a![0]!.nonceId,
        set,
      ),
    )
    expect(stale.type).toBe('error')
    expect((stale.body as { code: string }).code).toBe('CUSTODY_FROST_GROUP_MISMATCH')
  }, 60_000)

  it('a nonce used before a crash is refused after the restart; an unused one still works', async () => {
    const groupId = edGroup.publicKeyPackage.groupId
    const [own, b, c] = await commitSet(cluster, groupId, [0, 1, 2], 2)
    const message = new TextEncoder().encode('nonce test')
    const share = (k: number, authorization: unknown) =>
      shareRequest('node-1', groupId, 1, message, authorization, own![k]!.nonceId, [
        own![k]!,
        b![k]!,
        c![k]!,
      ])
    const ok = await send(cluster, 0, share(0, await authorize('frost-ed', message)))
    expect(ok.type).toBe('sign.share.ok')
    await cluster.nodes[0]!.stop(true) // SIGKILL: a crash
    await cluster.nodes[0]!.start()
    const reused = await send(cluster, 0, share(0, await authorize('frost-ed', message)))
    expect(reused.type).toBe('error')
    expect((reused.body as { code: string }).code).toBe('CUSTODY_FROST_NONCE_REUSED')
    const fresh = await send(cluster, 0, share(1, await authorize('frost-ed', message)))
    expect(fresh.type).toBe('sign.share.ok')
  }, 60_000)

  it('refuses malformed, forged, misaddressed, replayed and unauthorized requests, and audits them', async () => {
    const groupId = edGroup.publicKeyPackage.groupId
    const code = (e: NodeEnvelope) => (e.body as { code: string }).code
    const path = (e: NodeEnvelope) => (e.body as { path: string[] }).path
    const garbage = await send(cluster, 2, { hello: 'world' })
    expect(garbage.type).toBe('error')
    expect(code(garbage)).toBe('CUSTODY_NODE_PROTOCOL_INVALID')
    const forged = await send(
      cluster,
      2,
      request('node-3', 'node.info', {}, undefined, importEd25519PrivateKey(seed('mallory'))),
    )
    expect(path(forged)).toEqual(['signature'])
    const misaddressed = await send(cluster, 2, request('node-1', 'node.info', {}))
    expect(path(misaddressed)).toEqual(['to'])
    const once = request('node-3', 'node.info', {})
    expect((await send(cluster, 2, once)).type).toBe('node.info.ok')
    expect(path(await send(cluster, 2, once))).toEqual(['messageId'])
    const wrongSession = await send(cluster, 2, request('node-3', 'dkg.round2', { round1: [] }))
    expect(path(wrongSession)).toEqual(['sessionId'])
    const foreign = await send(
      cluster,
      2,
      request('node-3', 'sign.commit', { groupId: 'ab'.repeat(16), count: 1 }),
    )
    expect(code(foreign)).toBe('CUSTODY_FROST_GROUP_MISMATCH')
    const badCount = await send(
      cluster,
      2,
      request('node-3', 'sign.commit', { groupId, count: 10_000 }),
    )
    expect(path(badCount)).toEqual(['body', 'count'])
    const [x, y, mine] = await commitSet(cluster, groupId, [0, 1, 2], 2)
    const set = (k: number) => [x![k]!, y![k]!, mine![k]!]
    const message = new TextEncoder().encode('pay me')
    // The node's own entry must be exactly the commitment it published for the nonce.
    const swapped = await send(
      cluster,
      2,
      shareRequest(
        'node-3',
        groupId,
        1,
        message,
        await authorize('frost-ed', message),
        mine![0]!.nonceId,
        [x![0]!, y![0]!, { ...mine![0]!, hiding: mine![1]!.hiding }],
      ),
    )
    expect(code(swapped)).toBe('CUSTODY_FROST_INVALID_INPUT')
    expect(path(swapped)).toEqual(['body', 'candidates', '0', 'commitments'])
    // Another participant's commitment that is a small-order point (8·W is the identity) is
    // rejected when decoded: on the wire a commitment D travels as W with D = 8·W.
    const order2 = hex(
      new Uint8Array([...new Uint8Array(32), ...numberToBytesLE(ed25519.Point.Fp.ORDER - 1n, 32)]),
    )
    const torsion = await send(
      cluster,
      2,
      shareRequest(
        'node-3',
        groupId,
        1,
        message,
        await authorize('frost-ed', message),
        mine![0]!.nonceId,
        [{ ...x![0]!, binding: order2 }, y![0]!, mine![0]!],
      ),
    )
    expect(code(torsion)).toBe('CUSTODY_FROST_INVALID_INPUT')
    expect(path(torsion)).toEqual(['body', 'candidates', '0', 'commitments', '0', 'binding'])
    const otherPayload = await authorize('frost-ed', new TextEncoder().encode('something else'))
    const refused = await send(
      cluster,
      2,
      shareRequest('node-3', groupId, 1, message, otherPayload, mine![0]!.nonceId, set(0)),
    )
    expect(code(refused)).toBe('CUSTODY_AUTHORIZATION_WRONG_PAYLOAD')
    // The refused request burnt nothing: the same nonce signs with a valid authorization.
    const authorization = await authorize('frost-ed', message)
    expect(
      (
        await send(
          cluster,
          2,
          shareRequest('node-3', groupId, 1, message, authorization, mine![0]!.nonceId, set(0)),
        )
      ).type,
    ).toBe('sign.share.ok')
    // The same authorization in another session is a replay.
    const replay = await send(
      cluster,
      2,
      shareRequest('node-3', groupId, 1, message, authorization, mine![1]!.nonceId, set(1)),
    )
    expect(code(replay)).toBe('CUSTODY_AUTHORIZATION_REPLAYED')
    const nodeAudit = readFileSync(join(cluster.nodes[2]!.dir, 'audit.jsonl'), 'utf8')
    const refusals = nodeAudit.split('\n').filter((l) => l.includes('custody.frost_node.refused'))
    expect(refusals.length).toBeGreaterThanOrEqual(7)
  }, 60_000)

  it('the sealed state opens only with the passphrase', async () => {
    await cluster.nodes[4]!.stop()
    const dir = cluster.nodes[4]!.dir
    const trust = { orchestratorKeys: {}, policies: () => undefined }
    await expect(
      createSignerNode({
        nodeId: 'node-5',
        dir,
        passphrase: 'not the passphrase',
        coordinatorKey: hex(coordinatorIdentity.publicKey),
        trust,
        clock,
      }),
    ).rejects.toMatchObject({ code: 'CUSTODY_NODE_STORE_FAILED' })
    const node = await createSignerNode({
      nodeId: 'node-5',
      dir,
      passphrase: PASSPHRASE,
      coordinatorKey: hex(coordinatorIdentity.publicKey),
      trust,
      clock,
    })
    expect(node.identityKey).toBe(cluster.nodes[4]!.identityKey)
    node.close()
    await cluster.nodes[4]!.start()
  })

  it('repairs a lost share on a node (same identity) from three helpers; the node signs again', async () => {
    const groupId = edGroup.publicKeyPackage.groupId
    const node5 = cluster.nodes[4]!
    await node5.stop()
    for (const file of readdirSync(node5.dir))
      if (file.startsWith(`group-${groupId}`)) rmSync(join(node5.dir, file))
    await node5.start()
    const info = await send(cluster, 4, request('node-5', 'node.info', {}))
    const held = (info.body as { groups: { publicKeyPackage: { groupId: string } }[] }).groups.map(
      (g) => g.publicKeyPackage.groupId,
    )
    expect(held).not.toContain(groupId)
    await cluster.coordinator.repair(groupId, 'node-5')
    const after = await send(cluster, 4, request('node-5', 'node.info', {}))
    const repaired = (
      after.body as {
        groups: { identifier: number; publicKeyPackage: { groupId: string; generation: number } }[]
      }
    ).groups.find((g) => g.publicKeyPackage.groupId === groupId)
    expect(repaired?.identifier).toBe(5)
    expect(repaired?.publicKeyPackage.generation).toBe(1)
    await cluster.nodes[1]!.stop()
    const message = new TextEncoder().encode('signed with the repaired share')
    const result = await cluster.coordinator.sign({
      groupId,
      message,
      authorization: await authorize('frost-ed', message),
    })
    expect(result.signers).toContain(5)
    expect(
      ed25519.verify(result.signature, message, frostVerifyingKey(edGroup.publicKeyPackage)),
    ).toBe(true)
    expect((await records('custody.frost.repair_completed')).length).toBe(1)
  }, 60_000)

  it('with only two nodes left the coordinator refuses with a typed error', async () => {
    await Promise.all([
      cluster.nodes[0]!.stop(),
      cluster.nodes[1]!.stop(),
      cluster.nodes[2]!.stop(),
    ])
    const message = new TextEncoder().encode('no quorum')
    const error = await cluster.coordinator
      .sign({
        groupId: edGroup.publicKeyPackage.groupId,
        message,
        authorization: await authorize('frost-ed', message),
      })
      .catch((e) => e)
    expect(
      error instanceof SignerNodeError || error instanceof FrostInvalidSignatureShareError,
    ).toBe(true)
    expect((error as { code: string }).code).toMatch(
      /CUSTODY_NODE_QUORUM_UNAVAILABLE|CUSTODY_FROST_INVALID_SIGNATURE_SHARE/,
    )
  }, 60_000)
})
