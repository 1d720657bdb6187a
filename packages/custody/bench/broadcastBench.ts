// Intent to broadcast on loopback: orchestrator + SoftHSM2 signing + nonce manager (file store,
// fsync) + broadcast to a local hardhat node, with a flaky endpoint in front of it.
import {
  createMemoryAuditSink,
  createSequentialIdGenerator,
  createSystemClock,
  type KeyId,
  openAuditLog,
  type WalletId,
} from '@strongroom/core'
import {
  createBroadcastRouter,
  createConfirmationTracker,
  createEvmPayloadBinder,
  createEvmWithdrawals,
  createFileNonceStore,
  createKillSwitch,
  createMemoryNonceStore,
  createNonceManager,
  createOrchestrator,
  createPkcs11Signer,
  createPolicyStore,
  createRpcPool,
  createSignerRoute,
  createSoftwareAuthorizationKey,
  evmAddressFormat,
  openPkcs11Token,
} from '@strongroom/custody'
import { createTempDir } from '@strongroom/testkit'
import { createWalletClient, http, parseEther } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { HARDHAT_FUNDER, startHardhatNode } from '../test/hardhat.js'
import { approvers, CHAIN, DEST, ETH, hex, seed, withdrawalPolicy } from '../test/helpers.js'
import { createSoftHsmToken } from '../test/softhsm.js'
import { line, nowUs, summarize } from './stats.js'

export async function benchBroadcast() {
  const env = createSoftHsmToken('bench-broadcast')
  const node = await startHardhatNode(31337)
  const nonceDir = createTempDir('strongroom-bench-nonces-')
  const clock = createSystemClock()
  const ids = createSequentialIdGenerator()
  const audit = await openAuditLog({ sink: createMemoryAuditSink(), clock })
  const token = await openPkcs11Token({ ...env, sessions: 4 })
  try {
    const key = await token.generateKey({ keyId: 'key-b', label: 'b', curve: 'secp256k1' })
    const binder = createEvmPayloadBinder()
    const address = binder.addressOf!(key.publicKey) as `0x${string}`
    const funder = createWalletClient({
      account: privateKeyToAccount(HARDHAT_FUNDER.privateKey),
      transport: http(node.url),
    })
    await funder.sendTransaction({ to: address, value: parseEther('100'), chain: null })
    const policies = await createPolicyStore({
      initial: withdrawalPolicy(),
      assets: [ETH],
      addressFormats: [evmAddressFormat],
      clock,
      ids,
      audit,
    })
    const authorizationKey = createSoftwareAuthorizationKey({
      keyId: 'orch-1',
      privateKey: seed('orchestrator'),
    })
    const signer = await createPkcs11Signer({
      token,
      keyId: 'key-b',
      trust: {
        orchestratorKeys: { 'orch-1': hex(authorizationKey.publicKey) },
        policies: policies.ruleLookup,
        nonces: createMemoryNonceStore(),
        clock,
      },
    })
    const pool = createRpcPool({
      chain: CHAIN,
      endpoints: [{ name: 'hardhat', url: node.url }],
      clock,
    })
    const orchestrator = createOrchestrator({
      clock,
      ids,
      audit,
      authorizationKey,
      policies,
      killSwitch: createKillSwitch({
        clock,
        ids,
        audit,
        operators: ['ops'],
        liftQuorum: { approvers: [approvers.alice], threshold: 1 },
      }),
      wallets: [
        {
          id: 'hot' as WalletId,
          venue: 'v1',
          tier: 'hot',
          chain: CHAIN,
          scheme: 'ecdsa',
          keyId: 'key-b' as KeyId,
          address,
          assets: [ETH],
        },
      ],
      signers: [createSignerRoute({ tier: 'hot', scheme: 'ecdsa', signers: [signer] })],
      addressFormats: [evmAddressFormat],
      binders: [binder],
    })
    const withdrawals = createEvmWithdrawals({
      orchestrator,
      walletId: 'hot',
      rpc: pool,
      router: createBroadcastRouter({ public: pool, audit }),
      nonces: await createNonceManager({
        store: createFileNonceStore({ directory: nonceDir.path }),
        rpc: pool,
        chain: CHAIN,
        address,
      }),
      tracker: createConfirmationTracker({ rpc: pool, confirmations: 1, audit }),
      audit,
    })
    const iterations = 300
    const samples = new Float64Array(iterations)
    for (let i = -20; i < iterations; i++) {
      const start = nowUs()
      const submitted = await orchestrator.submit({
        requestId: `b${i}`,
        walletId: 'hot',
        initiator: 'dave',
        chain: CHAIN,
        asset: 'ETH',
        amount: '0.001',
        destination: DEST,
      })
      if (!submitted.ok) throw new Error(submitted.rejection.message)
      const sent = await withdrawals.execute(`b${i}`)
      if (!sent.ok) throw new Error(sent.rejection.message)
      if (i >= 0) samples[i] = nowUs() - start
    }
    console.log(
      '\nintent to broadcast on loopback (submit + fees + nonce (fsynced file) + sign on SoftHSM2 + eth_sendRawTransaction to hardhat, automine)',
    )
    line(`${iterations} withdrawals, one at a time`, summarize(samples))
  } finally {
    await token.close()
    await node.stop()
    nonceDir.remove()
    env.remove()
  }
}
