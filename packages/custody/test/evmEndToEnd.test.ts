// The "Done when": an HSM key on SoftHSM2, its address funded on a local hardhat node, a
// policy requiring 2 of 3 approvals above a limit, a withdrawal approved, mined and confirmed;
// the same request without approvals, to a non-allow-listed address, with the kill switch on, or
// for the wrong chain refused and audited; the audit log verifies. Plus failover, hedging, the
// private route, ERC-20, legacy transactions, speed-up, cancel and nonce recovery.
import { createHash } from 'node:crypto'
import {
  createMemoryAuditSink,
  createSequentialIdGenerator,
  createSystemClock,
  defineAsset,
  type KeyId,
  openAuditLog,
  type WalletId,
} from '@strongroom/core'
import { createTempDir, requireServices } from '@strongroom/testkit'
import { createWalletClient, http, parseEther } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  approve,
  approvers,
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
  createPrivateRelayClient,
  createRpcPool,
  createSignerRoute,
  createSoftwareAuthorizationKey,
  type EvmWithdrawals,
  evmAddressFormat,
  type Orchestrator,
  openPkcs11Token,
  type Pkcs11Token,
  type RpcPool,
} from './e2eImports.js'
import {
  deployTestToken,
  HARDHAT_FUNDER,
  type HardhatNode,
  type RpcProxy,
  rpc,
  startHardhatNode,
  startRpcProxy,
} from './hardhat.js'
import { DEST, hex, OTHER, seed } from './helpers.js'
import { createSoftHsmToken } from './softhsm.js'

const services = await requireServices('custody: EVM end to end (SoftHSM2 + hardhat)', ['softhsm'])

const CHAIN = 'eip155:31337'
const TOKEN = '0x00000000000000000000000000000000000C0FFE'
const ETH = defineAsset({ code: 'ETH', decimals: 18 })
const USDC = defineAsset({ code: 'USDC', decimals: 6 })
const DEPTH = 3

function policyDocument() {
  const group = [approvers.alice, approvers.bob, approvers.carol].map((a) => ({
    id: a.id,
    publicKey: a.publicKey,
  }))
  return {
    id: 'withdrawals',
    version: 1,
    approverGroups: [{ id: 'treasury', approvers: group }],
    addressLists: { allowlist: [{ chain: CHAIN, address: DEST, label: 'cold storage' }] },
    governance: { approvers: group, threshold: 2, timeLockMs: 86_400_000 },
    rules: [
      {
        id: 'screening',
        when: { screening: ['block'] },
        action: { type: 'block', reason: 'sanctioned' },
      },
      {
        id: 'usdc-private',
        when: {
          assets: ['USDC'],
          destination: { inLists: ['allowlist'] },
          amount: { atMost: { USDC: '1000' } },
        },
        action: { type: 'allow', broadcast: 'private' },
      },
      {
        id: 'eth-small',
        when: {
          assets: ['ETH'],
          destination: { inLists: ['allowlist'] },
          amount: { atMost: { ETH: '1' } },
        },
        action: { type: 'allow' },
      },
      {
        id: 'eth-large',
        when: {
          assets: ['ETH'],
          destination: { inLists: ['allowlist'] },
          amount: { above: { ETH: '1' } },
        },
        action: { type: 'require_approvals', quorum: [{ group: 'treasury', threshold: 2 }] },
      },
    ],
  }
}

describe.skipIf(!services.available)('EVM withdrawal end to end', () => {
  const clock = createSystemClock()
  const sink = createMemoryAuditSink()
  let audit: Awaited<ReturnType<typeof openAuditLog>>
  let hsmEnv: ReturnType<typeof createSoftHsmToken>
  let token: Pkcs11Token
  let node: HardhatNode
  let flaky: RpcProxy
  let relay: RpcProxy
  let pool: RpcPool
  let orchestrator: Orchestrator
  let withdrawals: EvmWithdrawals
  let legacy: EvmWithdrawals
  let address: `0x${string}`
  let killSwitch: ReturnType<typeof createKillSwitch>
  let nonceDir: ReturnType<typeof createTempDir>
  let tracker: ReturnType<typeof createConfirmationTracker>
  const ids = createSequentialIdGenerator()
  let n = 0
  const nextId = () => `w-${++n}`

  beforeAll(async () => {
    hsmEnv = createSoftHsmToken('e2e')
    audit = await openAuditLog({ sink, clock })
    ;[token, node] = await Promise.all([
      openPkcs11Token({ ...hsmEnv, sessions: 4, audit }),
      startHardhatNode(31337),
    ])
    flaky = await startRpcProxy(node.url)
    relay = await startRpcProxy(node.url, { only: ['eth_sendRawTransaction'] })
    nonceDir = createTempDir('strongroom-nonces-')
  }, 90_000)

  afterAll(async () => {
    await flaky?.close()
    await relay?.close()
    await node?.stop()
    await token?.close()
    hsmEnv?.remove()
    nonceDir?.remove()
  })

  it('creates an HSM key, funds its address, and wires the orchestrator', async () => {
    const key = await token.generateKey({
      keyId: 'key-hot-eth',
      label: 'hot-eth',
      curve: 'secp256k1',
    })
    expect((await token.keyProtection('key-hot-eth')).extractable).toBe(false)
    const binder = createEvmPayloadBinder()
    address = binder.addressOf!(key.publicKey) as `0x${string}`

    const funder = createWalletClient({
      account: privateKeyToAccount(HARDHAT_FUNDER.privateKey),
      transport: http(node.url),
    })
    await funder.sendTransaction({ to: address, value: parseEther('10'), chain: null })
    await deployTestToken(node.url, TOKEN, { [address]: 5_000_000_000n })
    expect(BigInt(await rpc<string>(node.url, 'eth_getBalance', [address, 'latest']))).toBe(
      parseEther('10'),
    )

    const policies = await createPolicyStore({
      initial: policyDocument(),
      assets: [ETH, USDC],
      addressFormats: [evmAddressFormat],
      clock,
      ids,
      audit,
    })
    killSwitch = createKillSwitch({
      clock,
      ids,
      audit,
      operators: ['ops'],
      liftQuorum: { approvers: [approvers.alice, approvers.bob, approvers.carol], threshold: 2 },
    })
    const authorizationKey = createSoftwareAuthorizationKey({
      keyId: 'orch-1',
      privateKey: seed('orchestrator'),
    })
    const signer = await createPkcs11Signer({
      token,
      keyId: 'key-hot-eth',
      trust: {
        orchestratorKeys: { 'orch-1': hex(authorizationKey.publicKey) },
        policies: policies.ruleLookup,
        nonces: createMemoryNonceStore(),
        clock,
      },
    })
    pool = createRpcPool({
      chain: CHAIN,
      endpoints: [
        { name: 'flaky', url: flaky.url },
        { name: 'direct', url: node.url },
      ],
      clock,
      timeoutMs: 2_000,
      hedgeDelayMs: 150,
      cooldownMs: 1,
    })
    orchestrator = createOrchestrator({
      clock,
      ids,
      audit,
      authorizationKey,
      policies,
      killSwitch,
      wallets: [
        {
          id: 'hot-eth' as WalletId,
          venue: 'venue-1',
          tier: 'hot',
          chain: CHAIN,
          scheme: 'ecdsa',
          keyId: 'key-hot-eth' as KeyId,
          address,
          assets: [ETH, { ...USDC, contract: TOKEN }],
        },
      ],
      signers: [createSignerRoute({ tier: 'hot', scheme: 'ecdsa', signers: [signer] })],
      addressFormats: [evmAddressFormat],
      binders: [binder],
      chainIdReporters: [pool.chainIdReporter],
    })
    const router = createBroadcastRouter({
      public: pool,
      privateRelay: createPrivateRelayClient({ endpoint: { name: 'relay', url: relay.url } }),
      audit,
    })
    tracker = createConfirmationTracker({ rpc: pool, confirmations: DEPTH, audit })
    const nonces = await createNonceManager({
      store: createFileNonceStore({ directory: nonceDir.path }),
      rpc: pool,
      chain: CHAIN,
      address,
    })
    withdrawals = createEvmWithdrawals({
      orchestrator,
      walletId: 'hot-eth',
      rpc: pool,
      router,
      nonces,
      tracker,
      audit,
    })
    legacy = createEvmWithdrawals({
      orchestrator,
      walletId: 'hot-eth',
      rpc: pool,
      router,
      nonces,
      tracker,
      audit,
      transactionType: 'legacy',
    })
  })

  const intent = (overrides: Record<string, unknown> = {}) => ({
    requestId: nextId(),
    walletId: 'hot-eth',
    initiator: 'dave',
    chain: CHAIN,
    asset: 'ETH',
    amount: '2',
    destination: DEST,
    ...overrides,
  })
  const mine = (blocks: number) => rpc(node.url, 'hardhat_mine', [`0x${blocks.toString(16)}`])
  const balance = async (who: string) =>
    BigInt(await rpc<string>(node.url, 'eth_getBalance', [who, 'latest']))

  it('withdraws 2 ETH after 2 of 3 approvals, through a failing endpoint, mined and confirmed', async () => {
    const submitted = await orchestrator.submit(intent())
    expect(submitted.ok && submitted.value.status).toBe('awaiting_approvals')
    if (!submitted.ok) return
    const { requestId } = submitted.value.request

    // Without approvals: refused, nothing signed, nonce given back.
    const early = await withdrawals.execute(requestId)
    expect(!early.ok && early.rejection.code).toBe('APPROVALS_REQUIRED')

    const digest = submitted.value.digest
    await orchestrator.approve({
      requestId,
      approval: approve(approvers.alice, digest, clock.now()),
    })
    const ready = await orchestrator.approve({
      requestId,
      approval: approve(approvers.bob, digest, clock.now()),
    })
    expect(ready.ok && ready.value.status).toBe('ready')

    const before = await balance(DEST)
    flaky.mode = 'fail' // the preferred endpoint is down: the pool fails over
    const sent = await withdrawals.execute(requestId)
    expect(sent.ok).toBe(true)
    if (!sent.ok) return
    expect(sent.value.nonce).toBe(0)
    expect(sent.value.broadcast.via).toBe('public')
    expect(pool.stats().failovers).toBeGreaterThan(0)
    expect(pool.stats().perEndpoint.flaky!.failed).toBeGreaterThan(0)
    flaky.mode = 'pass'

    expect((await tracker.check(requestId)).status).toBe('mined')
    await mine(DEPTH - 1)
    const confirmed = await tracker.check(requestId)
    expect(confirmed).toMatchObject({
      status: 'confirmed',
      hash: sent.value.hash,
      success: true,
      confirmations: DEPTH,
    })
    expect((await balance(DEST)) - before).toBe(parseEther('2'))
    const tx = await rpc<{ from: string }>(node.url, 'eth_getTransactionByHash', [sent.value.hash])
    expect(tx.from.toLowerCase()).toBe(address.toLowerCase())
  })

  it('refuses, and audits, a non-allow-listed destination, the kill switch and the wrong chain', async () => {
    const notListed = await orchestrator.submit(intent({ destination: OTHER, amount: '0.1' }))
    expect(!notListed.ok && notListed.rejection.code).toBe('POLICY_DEFAULT_DENY')

    const engagement = await killSwitch.engage({
      scope: { kind: 'global' },
      operator: 'ops',
      reason: 'drill',
    })
    const frozen = await orchestrator.submit(intent({ amount: '0.1' }))
    expect(!frozen.ok && frozen.rejection.code).toBe('KILL_SWITCH_ENGAGED')
    // One approver is not a quorum; the initiator of the lift does not count.
    const one = await killSwitch.lift({
      engagementId: engagement.engagementId,
      requestedBy: 'alice',
      approvals: [
        approve(approvers.alice, engagement.liftDigest, clock.now()),
        approve(approvers.bob, engagement.liftDigest, clock.now()),
      ],
    })
    expect(!one.ok && one.rejection.code).toBe('QUORUM_NOT_MET')
    const lifted = await killSwitch.lift({
      engagementId: engagement.engagementId,
      requestedBy: 'ops',
      approvals: [
        approve(approvers.alice, engagement.liftDigest, clock.now()),
        approve(approvers.carol, engagement.liftDigest, clock.now()),
      ],
    })
    expect(lifted.ok).toBe(true)

    await expect(orchestrator.submit(intent({ chain: 'eip155:1' }))).rejects.toMatchObject({
      code: 'CUSTODY_CHAIN_MISMATCH',
      path: ['chain'],
    })

    const types = sink.records.map((r) => r.type)
    expect(types).toContain('custody.killswitch.engaged')
    expect(types).toContain('custody.killswitch.lift.refused')
    expect(types).toContain('custody.killswitch.lifted')
    const refused = sink.records
      .filter((r) => r.type === 'custody.request.refused' || r.type === 'custody.request.invalid')
      .map((r) => (r.data as { code: string }).code)
    expect(refused).toEqual([
      'APPROVALS_REQUIRED',
      'POLICY_DEFAULT_DENY',
      'KILL_SWITCH_ENGAGED',
      'CUSTODY_CHAIN_MISMATCH',
    ])
  })

  it('refuses a wallet whose RPC endpoints report another chain', async () => {
    const other = await startHardhatNode(1337)
    try {
      const mixed = createRpcPool({
        chain: CHAIN,
        endpoints: [
          { name: 'direct', url: node.url },
          { name: 'misconfigured', url: other.url },
        ],
        clock,
      })
      const reports = await mixed.chainIdReporter.report()
      expect(reports).toEqual([
        { endpoint: 'direct', chain: 'eip155:31337' },
        { endpoint: 'misconfigured', chain: 'eip155:1337' },
      ])
    } finally {
      await other.stop()
    }
  }, 90_000)

  it('sends USDC (ERC-20) by the private route only, and never falls back to public', async () => {
    const submitted = await orchestrator.submit(intent({ asset: 'USDC', amount: '250.5' }))
    expect(submitted.ok && submitted.value.decision.broadcast).toBe('private')
    if (!submitted.ok) return
    const requestId = submitted.value.request.requestId
    const publicCalls = flaky.seen.length
    const sent = await withdrawals.execute(requestId)
    expect(sent.ok && sent.value.broadcast.via).toBe('private')
    expect(relay.seen).toEqual(['eth_sendRawTransaction'])
    await mine(DEPTH)
    expect((await tracker.check(requestId)).status).toBe('confirmed')
    const balanceOf = `0x70a08231${DEST.slice(2).toLowerCase().padStart(64, '0')}`
    expect(
      BigInt(await rpc<string>(node.url, 'eth_call', [{ to: TOKEN, data: balanceOf }, 'latest'])),
    ).toBe(250_500_000n)

    relay.mode = 'fail'
    const second = await orchestrator.submit(intent({ asset: 'USDC', amount: '1' }))
    if (!second.ok) throw new Error('expected ok')
    await expect(withdrawals.execute(second.value.request.requestId)).rejects.toMatchObject({
      code: 'CUSTODY_PRIVATE_ROUTE_FAILED',
    })
    relay.mode = 'pass'
    // The signed transaction was saved before the broadcast: resuming sends it (privately) once
    // the relay is back, without signing again.
    const signaturesBefore = sink.records.filter((r) => r.type === 'custody.signature').length
    const resumed = await withdrawals.resume({ route: 'private' })
    expect(resumed.map((s) => [s.requestId, s.broadcast.via])).toEqual([
      [second.value.request.requestId, 'private'],
    ])
    expect(sink.records.filter((r) => r.type === 'custody.signature')).toHaveLength(
      signaturesBefore,
    )
    await mine(DEPTH)
    expect((await tracker.check(second.value.request.requestId)).status).toBe('confirmed')
    const sendsAfter = flaky.seen.slice(publicCalls).filter((m) => m === 'eth_sendRawTransaction')
    expect(sendsAfter).toEqual([])
    expect(
      sink.records.some(
        (r) =>
          r.type === 'custody.broadcast.failed' &&
          (r.data as { fallback: boolean }).fallback === false,
      ),
    ).toBe(true)
  })

  it('hedges a slow endpoint', async () => {
    flaky.mode = 'hang'
    const before = pool.stats().hedged
    const blockNumber = await pool.request<string>('eth_blockNumber')
    expect(BigInt(blockNumber)).toBeGreaterThan(0n)
    expect(pool.stats().hedged).toBeGreaterThan(before)
    flaky.mode = 'pass'
  })

  it('speeds up and cancels stuck transactions (legacy EIP-155 and EIP-1559)', async () => {
    await rpc(node.url, 'evm_setAutomine', [false])
    try {
      // A small legacy (EIP-155) ETH withdrawal gets stuck, then is sped up.
      const small = await orchestrator.submit(intent({ amount: '0.25' }))
      if (!small.ok) throw new Error('expected ok')
      const id = small.value.request.requestId
      const first = await legacy.execute(id)
      if (!first.ok) throw new Error(first.rejection.message)
      const faster = await legacy.speedUp(id)
      if (!faster.ok) throw new Error(faster.rejection.message)
      expect(faster.value.nonce).toBe(first.value.nonce)
      expect(faster.value.hash).not.toBe(first.value.hash)

      const doomed = await orchestrator.submit(intent({ amount: '0.5' }))
      if (!doomed.ok) throw new Error('expected ok')
      const doomedId = doomed.value.request.requestId
      const sent = await withdrawals.execute(doomedId)
      if (!sent.ok) throw new Error(sent.rejection.message)
      const cancelled = await withdrawals.cancel(doomedId)
      if (!cancelled.ok) throw new Error(cancelled.rejection.message)
      expect(cancelled.value.nonce).toBe(sent.value.nonce)

      const destBefore = await balance(DEST)
      await rpc(node.url, 'evm_mine')
      await mine(DEPTH)
      const fast = await tracker.check(id)
      expect(fast).toMatchObject({ status: 'confirmed', hash: faster.value.hash })
      const cancel = await tracker.check(doomedId)
      expect(cancel).toMatchObject({ status: 'confirmed', hash: cancelled.value.hash })
      const cancelTx = await rpc<{ to: string; value: string; type: string }>(
        node.url,
        'eth_getTransactionByHash',
        [cancelled.value.hash],
      )
      expect(cancelTx.to.toLowerCase()).toBe(address.toLowerCase())
      expect(BigInt(cancelTx.value)).toBe(0n)
      const legacyTx = await rpc<{ type: string; v: string }>(
        node.url,
        'eth_getTransactionByHash',
        [faster.value.hash],
      )
      expect(legacyTx.type).toBe('0x0')
      // EIP-155: v = chainId * 2 + 35 + yParity
      expect([31337n * 2n + 35n, 31337n * 2n + 36n]).toContain(BigInt(legacyTx.v))
      expect((await balance(DEST)) - destBefore).toBe(parseEther('0.25'))
      await expect(withdrawals.speedUp(doomedId)).rejects.toMatchObject({
        code: 'CUSTODY_TRANSACTION_NOT_REPLACEABLE',
      })
    } finally {
      await rpc(node.url, 'evm_setAutomine', [true])
    }
  })

  it('recovers nonces after a restart and from the chain alone', async () => {
    const mined = Number(
      BigInt(await rpc<string>(node.url, 'eth_getTransactionCount', [address, 'latest'])),
    )
    const restarted = await createNonceManager({
      store: createFileNonceStore({ directory: nonceDir.path }),
      rpc: pool,
      chain: CHAIN,
      address,
    })
    const { minedCount, unmined } = await restarted.recover()
    expect(minedCount).toBe(mined)
    expect(unmined).toEqual([])
    expect(await restarted.reserve('another')).toBe(mined)
    const fresh = await createNonceManager({
      store: createFileNonceStore({ directory: createTempDir('strongroom-empty-').path }),
      rpc: pool,
      chain: CHAIN,
      address,
    })
    expect(await fresh.reserve('x')).toBe(mined)
  })

  it('keeps an audit log that verifies and records every step', async () => {
    const verification = await audit.verify()
    expect(verification.ok).toBe(true)
    const types = new Set(sink.records.map((r) => r.type))
    for (const type of [
      'custody.key.generated',
      'custody.policy.activated',
      'custody.request.submitted',
      'custody.policy.decision',
      'custody.approval',
      'custody.authorization',
      'custody.signature',
      'custody.broadcast',
      'custody.confirmed',
      'custody.request.refused',
      'custody.request.invalid',
    ]) {
      expect(types.has(type), type).toBe(true)
    }
    const hash = createHash('sha256')
      .update(JSON.stringify(sink.records.at(-1)))
      .digest('hex')
    expect(hash).toHaveLength(64)
  })
})
