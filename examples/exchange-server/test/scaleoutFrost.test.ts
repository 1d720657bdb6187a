// FROST signer nodes of the scaled-out topology as separate processes, started with the
// exchange's launcher (src/scaleout/signerNodeProcess.ts): a 2-of-3 Ed25519 group by DKG, a
// signature with one node killed, and a signing request whose authorization was not issued by
// the orchestrator refused by the nodes themselves.
import { type ChildProcess, spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ed25519 } from '@noble/curves/ed25519.js'
import {
  createMemoryAuditSink,
  createSystemClock,
  type KeyId,
  openAuditLog,
  type RequestId,
  type WalletId,
} from '@strongroom/core'
import {
  createFrostCoordinator,
  createSoftwareAuthorizationKey,
  frostEd25519,
  frostVerifyingKey,
  httpNodeTransport,
  importEd25519PrivateKey,
  requestDigest,
  type SignerNodeConfig,
  signAuthorization,
} from '@strongroom/custody'
import { createTempDir } from '@strongroom/testkit'
import { afterAll, describe, expect, it } from 'vitest'
import { loadDevSecrets } from '../src/custody/devSecrets.js'

const packageDir = fileURLToPath(new URL('..', import.meta.url))
const clock = createSystemClock()
const CHAIN = 'ed25519:strongroom-ledger'
const dir = createTempDir('strongroom-scaleout-frost-')
const children: ChildProcess[] = []
afterAll(() => {
  for (const child of children) child.kill('SIGKILL')
  dir.remove()
})

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')

function launchNode(config: SignerNodeConfig) {
  const file = join(dir.path, `${config.nodeId}.json`)
  writeFileSync(file, JSON.stringify(config))
  const passphraseFile = join(dir.path, `${config.nodeId}.passphrase`)
  writeFileSync(passphraseFile, randomBytes(16).toString('hex'), { mode: 0o600 })
  const child = spawn(
    process.execPath,
    [
      '--conditions=@strongroom/source',
      '--import',
      'tsx',
      'src/scaleout/signerNodeProcess.ts',
      '--config',
      file,
    ],
    {
      cwd: packageDir,
      env: { ...process.env, STRONGROOM_SIGNER_PASSPHRASE_FILE: passphraseFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  children.push(child)
  let err = ''
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString()
  })
  return new Promise<{ child: ChildProcess; nodeId: string; port: string; identityKey: string }>(
    (resolve, reject) => {
      let out = ''
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString()
        const line = out.split('\n').find((l) => l.startsWith('READY '))
        if (line) resolve({ child, ...JSON.parse(line.slice(6)) })
      })
      child.once('exit', (code) => reject(new Error(`signer node exited (${code}): ${err}`)))
    },
  )
}

describe('FROST signer nodes of the scaled-out topology', () => {
  it('run as separate processes: DKG 2-of-3, sign with one node killed, refuse a forged authorization', async () => {
    const secrets = loadDevSecrets(dir.path, 1)
    const orchestratorKey = createSoftwareAuthorizationKey({
      keyId: 'orch-1',
      privateKey: Buffer.from(secrets.orchestratorSeed, 'hex'),
    })
    const approver = importEd25519PrivateKey(Buffer.from(secrets.approvers[0]!.seed, 'hex'))
    const coordinatorSeed = new Uint8Array(randomBytes(32))
    const sink = createMemoryAuditSink()
    const policy = {
      id: 'ledger-attestations',
      version: 1,
      governance: {
        approvers: [{ id: secrets.approvers[0]!.id, publicKey: hex(approver.publicKey) }],
        threshold: 1,
        timeLockMs: 0,
      },
      rules: [
        {
          id: 'attest',
          when: { chains: [CHAIN], kinds: ['message'] },
          action: { type: 'allow' },
        },
      ],
    }
    const nodes = await Promise.all(
      [1, 2, 3].map((i) =>
        launchNode({
          nodeId: `signer-${i}`,
          dir: join(dir.path, `signer-${i}`),
          coordinatorKey: hex(importEd25519PrivateKey(coordinatorSeed).publicKey),
          orchestratorKeys: { 'orch-1': hex(orchestratorKey.publicKey) },
          policies: [policy],
          assets: [{ code: 'USDC', decimals: 6 }],
          addressFormats: [],
        }),
      ),
    )
    expect(new Set(nodes.map((n) => n.child.pid)).size).toBe(3)
    const coordinator = createFrostCoordinator({
      identitySeed: coordinatorSeed,
      clock,
      audit: await openAuditLog({ sink, clock }),
      nodes: nodes.map((n) => ({
        nodeId: n.nodeId,
        identityKey: n.identityKey,
        send: httpNodeTransport(`http://127.0.0.1:${n.port}/frost`, { timeoutMs: 5_000 }),
      })),
    })
    const group = await coordinator.dkg({
      ciphersuite: frostEd25519,
      threshold: 2,
      keyId: 'ledger-attest',
      nodeIds: nodes.map((n) => n.nodeId),
    })
    expect(group.members.size).toBe(3)

    // The statement signed: the ledger's totals per asset after a settlement run.
    const message = new TextEncoder().encode('strongroom ledger totals: USDC 0, ETH 0, BTC 0 @ 42')
    let counter = 0
    const authorize = (key = orchestratorKey) => {
      const now = clock.now()
      const request = {
        requestId: `attest-${++counter}` as RequestId,
        kind: 'message',
        walletId: 'ledger-attest' as WalletId,
        initiator: 'settlement',
        chain: CHAIN,
        asset: 'USDC',
        amount: 0n,
        destination: 'none',
        createdAt: now,
      }
      return signAuthorization(
        {
          requestId: request.requestId,
          keyId: 'ledger-attest' as KeyId,
          policyId: policy.id,
          policyVersion: 1,
          ruleId: 'attest',
          payloadDigest: createHash('sha256').update(message).digest('hex'),
          requestDigest: requestDigest(request),
          approvals: [],
          issuedAt: now,
          expiresAt: now + 60_000,
          nonce: randomBytes(16).toString('hex'),
          initiator: request.initiator,
          walletId: request.walletId,
          chain: CHAIN,
        },
        key,
      )
    }

    // An authorization signed by anyone but the orchestrator: every node refuses to sign.
    const forger = createSoftwareAuthorizationKey({
      keyId: 'orch-1',
      privateKey: new Uint8Array(randomBytes(32)),
    })
    const refused = await coordinator
      .sign({
        groupId: group.publicKeyPackage.groupId,
        message,
        authorization: await authorize(forger),
      })
      .catch((error: unknown) => error)
    expect(refused).toMatchObject({ code: 'CUSTODY_NODE_QUORUM_UNAVAILABLE' })
    const refusals: string[] = []
    for await (const r of sink.read()) {
      if (r.type !== 'custody.frost.node_refused') continue
      const { nodeId, code } = r.data as { nodeId: string; code: string }
      refusals.push(`${nodeId} ${code}`)
    }
    // (the nodes answer concurrently: in any order)
    expect(refusals.sort()).toEqual(
      ['signer-1', 'signer-2', 'signer-3'].map((n) => `${n} CUSTODY_AUTHORIZATION_FORGED`),
    )

    // One node dies: the other two still sign, and the signature verifies under the group key.
    nodes[2]!.child.kill('SIGKILL')
    const signed = await coordinator.sign({
      groupId: group.publicKeyPackage.groupId,
      message,
      authorization: await authorize(),
    })
    expect(
      ed25519.verify(signed.signature, message, frostVerifyingKey(group.publicKeyPackage)),
    ).toBe(true)
    expect(signed.unavailable).toContain('signer-3')
  }, 120_000)
})
