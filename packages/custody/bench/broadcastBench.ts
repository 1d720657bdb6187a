// Intent to broadcast on loopback: orchestrator + SoftHSM2 signing + nonce manager (file store,
// fsync) + broadcast to a local hardhat node, with a flaky endpoint in front of it.
import {
  createBroadcastRouter,
  createConfirmationTracker,
  createEvmWithdrawals,
  createFileNonceStore,
  createNonceManager,
  createRpcPool,
} from '@strongroom/custody'
import { createTempDir } from '@strongroom/testkit'
import { createWalletClient, http, parseEther } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { HARDHAT_FUNDER, startHardhatNode } from '../test/hardhat.js'
import { CHAIN, DEST } from '../test/helpers.js'
import { createBenchCustody } from './custodySetup.js'
import { line, nowUs, summarize } from './stats.js'

export async function benchBroadcast() {
  const node = await startHardhatNode(31337)
  const nonceDir = createTempDir('strongroom-bench-nonces-')
  let custody: Awaited<ReturnType<typeof createBenchCustody>> | undefined
  try {
    custody = await createBenchCustody({ token: 'bench-broadcast', keyId: 'key-b' })
    const { audit, address, clock, orchestrator } = custody
    const funder = createWalletClient({
      account: privateKeyToAccount(HARDHAT_FUNDER.privateKey),
      transport: http(node.url),
    })
    await funder.sendTransaction({ to: address, value: parseEther('100'), chain: null })
    const pool = createRpcPool({
      chain: CHAIN,
      endpoints: [{ name: 'hardhat', url: node.url }],
      clock,
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
    await custody?.close()
    await node.stop()
    nonceDir.remove()
  }
}
