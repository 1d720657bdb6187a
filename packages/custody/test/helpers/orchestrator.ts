// The orchestrator test rig: a policy store, a kill switch, a software ECDSA signer behind the
// authorization checks, one hot EVM wallet, and `orchestratorWith` to start another orchestrator
// on the same configuration (a restart, when given the same request store).
import type { KeyId, Signer, WalletId } from '@strongroom/core'
import { createSoftwareAuthorizationKey } from '../../src/authorization/authorization.js'
import { createMemoryNonceStore } from '../../src/authorization/nonceStore.js'
import { evmAddressFormat } from '../../src/evm/evmAddress.js'
import { createEvmPayloadBinder, evmAddressOfPublicKey } from '../../src/evm/evmPayloadBinder.js'
import { createKillSwitch } from '../../src/killSwitch/killSwitch.js'
import { createOrchestrator } from '../../src/orchestrator/createOrchestrator.js'
import type { OrchestratorRequestStore } from '../../src/orchestrator/requestStore.js'
import { createSignerRoute } from '../../src/orchestrator/signerRoutes.js'
import { createPolicyStore } from '../../src/policy/policyStore.js'
import {
  approvers,
  CHAIN,
  createSoftwareEcdsaSigner,
  DEST,
  ETH,
  hex,
  seed,
  testAudit,
  USDC,
  withdrawalPolicy,
} from '../helpers.js'

export const ONE = 10n ** 18n

export async function setupOrchestrator(
  options: {
    screening?: 'allow' | 'block'
    reported?: string[]
    requests?: OrchestratorRequestStore
  } = {},
) {
  const { clock, sink, audit, ids } = await testAudit()
  const policies = await createPolicyStore({
    initial: withdrawalPolicy(),
    assets: [ETH, USDC],
    addressFormats: [evmAddressFormat],
    clock,
    ids,
    audit,
  })
  const killSwitch = createKillSwitch({
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
  const privateKey = seed('hot-wallet-key')
  const signer = createSoftwareEcdsaSigner({
    keyId: 'key-hot',
    privateKey,
    trust: {
      orchestratorKeys: { 'orch-1': hex(authorizationKey.publicKey) },
      policies: policies.ruleLookup,
      nonces: createMemoryNonceStore(),
      clock,
    },
  })
  const address = evmAddressOfPublicKey(signer.publicKey)
  const wallet = {
    id: 'hot-eth' as WalletId,
    venue: 'venue-1',
    tier: 'hot' as const,
    chain: CHAIN,
    scheme: 'ecdsa' as const,
    keyId: 'key-hot' as KeyId,
    address,
    assets: [ETH],
  }
  const orchestratorWith = (
    overrides: { requests?: OrchestratorRequestStore; signer?: Signer; wallets?: [] } = {},
  ) =>
    createOrchestrator({
      clock,
      ids,
      audit,
      authorizationKey,
      policies,
      killSwitch,
      wallets: overrides.wallets ?? [wallet],
      signers: [
        createSignerRoute({ tier: 'hot', scheme: 'ecdsa', signers: [overrides.signer ?? signer] }),
      ],
      addressFormats: [evmAddressFormat],
      binders: [createEvmPayloadBinder()],
      chainIdReporters: options.reported && [
        {
          chain: CHAIN,
          report: async () =>
            options.reported!.map((chain, i) => ({ endpoint: `rpc-${i}`, chain })),
        },
      ],
      screening: {
        evaluate: () => ({
          outcome: options.screening ?? 'allow',
          issues: [],
          alerts: [],
          ruleVersion: 't',
        }),
      },
      requests: overrides.requests ?? options.requests,
    })
  const orchestrator = orchestratorWith()
  const intent = (overrides: Record<string, unknown> = {}) => ({
    requestId: 'w1',
    walletId: 'hot-eth',
    initiator: 'dave',
    chain: CHAIN,
    asset: 'ETH',
    amount: '2',
    destination: DEST,
    ...overrides,
  })
  const tx = (overrides: Record<string, unknown> = {}) => ({
    type: 'eip1559',
    chainId: 31337,
    nonce: 0,
    to: DEST,
    value: 2n * ONE,
    gas: 21_000n,
    maxFeePerGas: 2_000_000_000n,
    maxPriorityFeePerGas: 1_000_000_000n,
    ...overrides,
  })
  return {
    clock,
    sink,
    audit,
    policies,
    killSwitch,
    orchestrator,
    orchestratorWith,
    signer,
    wallet,
    intent,
    tx,
    privateKey,
  }
}
