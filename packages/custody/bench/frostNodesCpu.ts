// CPU per FROST signature of the coordinator and signer nodes together, all in one process
// (`directNodeTransport`: the same handlers, signed messages, authorization checks, nonce log
// fsyncs and audit records as across processes, without HTTP and process scheduling), so that a
// change can be judged on a shared machine: min over rounds of CPU time per signature.
// Run: node --conditions=@strongroom/source --import tsx bench/frostNodesCpu.ts
import {
  createMemoryAuditSink,
  createSystemClock,
  defineAsset,
  openAuditLog,
} from '@strongroom/core'
import { createTempDir } from '@strongroom/testkit'
import { importEd25519PrivateKey } from '../src/crypto/ed25519.js'
import { frostEd25519, frostSecp256k1, frostSecp256k1Taproot } from '../src/frost/ciphersuites.js'
import { createSoftwareAuthorizationKey } from '../src/index.js'
import { compilePolicy, policyRuleLookup } from '../src/policy/compilePolicy.js'
import { createFrostCoordinator } from '../src/signerNode/coordinator.js'
import { createSignerNode } from '../src/signerNode/signerNode.js'
import { directNodeTransport } from '../src/signerNode/transport.js'
import { approvers, hex, seed } from '../test/helpers.js'
import { benchAuthorizer } from './frostAuthorize.js'

const ROUNDS = 6
const PER_ROUND = 10
const message = new TextEncoder().encode('benchmark message: withdraw 0.5 BTC to bc1q...')
const clock = createSystemClock()
const orchestratorKey = createSoftwareAuthorizationKey({
  keyId: 'orch-1',
  privateKey: seed('orchestrator'),
})
const approver = { id: approvers.alice.id, publicKey: approvers.alice.publicKey }
const policy = compilePolicy({
  document: {
    id: 'bench-policy',
    version: 1,
    approverGroups: [{ id: 'treasury', approvers: [approver] }],
    governance: { approvers: [approver], threshold: 1, timeLockMs: 3_600_000 },
    rules: [{ id: 'messages', when: { kinds: ['message'] }, action: { type: 'allow' } }],
  },
  assets: [defineAsset({ code: 'BTC', decimals: 8 })],
  addressFormats: [],
})
const identitySeed = seed('bench-coordinator')
const temp = createTempDir('strongroom-frost-cpu-')
const nodes = []
for (let i = 1; i <= 5; i++)
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
      audit: await openAuditLog({ sink: createMemoryAuditSink(), clock }),
    }),
  )
const coordinator = createFrostCoordinator({
  identitySeed,
  clock,
  audit: await openAuditLog({ sink: createMemoryAuditSink(), clock }),
  nodes: nodes.map((n) => ({
    nodeId: n.nodeId,
    identityKey: n.identityKey,
    send: directNodeTransport(n),
  })),
})
const authorize = benchAuthorizer({ clock, message, orchestratorKey })
const rows: string[] = []
try {
  for (const suite of [frostEd25519, frostSecp256k1, frostSecp256k1Taproot]) {
    const keyId = `bench-${suite.id}`
    const group = await coordinator.dkg({
      ciphersuite: suite,
      threshold: 3,
      keyId,
      nodeIds: nodes.map((n) => n.nodeId),
    })
    const groupId = group.publicKeyPackage.groupId
    for (const tolerance of [0, 1]) {
      const total = (ROUNDS + 1) * PER_ROUND
      await coordinator.precommit(groupId, total * (tolerance === 0 ? 1 : 3))
      const authorizations = []
      for (let i = 0; i < total; i++) authorizations.push(await authorize(keyId))
      let best = Number.POSITIVE_INFINITY
      let k = 0
      for (let round = 0; round <= ROUNDS; round++) {
        const start = process.cpuUsage()
        for (let i = 0; i < PER_ROUND; i++)
          await coordinator.sign({
            groupId,
            message,
            authorization: authorizations[k++],
            tolerance,
          })
        const used = process.cpuUsage(start)
        if (round > 0) best = Math.min(best, (used.user + used.system) / 1000 / PER_ROUND) // round 0 warms up
      }
      rows.push(
        `| ${suite.id.padEnd(12)} | ${tolerance === 0 ? '3 nodes           ' : '4 nodes, 3 subsets'} | ${best.toFixed(2).padStart(5)} ms |`,
      )
    }
  }
} finally {
  for (const node of nodes) node.close()
  temp.remove()
}
process.stdout.write(
  `\nCPU per 3-of-5 signature, coordinator and nodes in one process (min over ${ROUNDS} rounds of ${PER_ROUND})\n| suite        | signing set        | CPU      |\n| ------------ | ------------------ | -------- |\n${rows.join('\n')}\n`,
)
