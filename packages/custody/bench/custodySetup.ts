// Shared set-up of the custody benches: a SoftHSM2 token with one secp256k1 key, the policy
// store of the tests, the orchestrator's authorization key, a PKCS#11 signer trusting it and an
// orchestrator with one hot EVM wallet on that key.
import {
  createMemoryAuditSink,
  createSequentialIdGenerator,
  createSystemClock,
  type KeyId,
  openAuditLog,
  type WalletId,
} from '@strongroom/core'
import {
  type AuthorizationTrust,
  createEvmPayloadBinder,
  createKillSwitch,
  createMemoryNonceStore,
  createOrchestrator,
  createPkcs11Signer,
  createPolicyStore,
  createSignerRoute,
  createSoftwareAuthorizationKey,
  evmAddressFormat,
  openPkcs11Token,
} from '@strongroom/custody'
import { approvers, CHAIN, ETH, hex, seed, USDC, withdrawalPolicy } from '../test/helpers.js'
import { createSoftHsmToken } from '../test/softhsm.js'

/** Options of {@link createBenchCustody}. */
export type BenchCustodyOptions = {
  /** Name of the SoftHSM2 token directory. */
  readonly token: string
  /** Id (and label) of the secp256k1 key generated on the token. */
  readonly keyId: string
  /** Sessions of the token's pool. Default 4. */
  readonly sessions?: number
}

/**
 * Opens a fresh SoftHSM2 token, generates the wallet key and builds the orchestrator around it.
 * `close()` closes the token and removes its directory.
 */
export async function createBenchCustody(options: BenchCustodyOptions) {
  const env = createSoftHsmToken(options.token)
  const clock = createSystemClock()
  const ids = createSequentialIdGenerator()
  const audit = await openAuditLog({ sink: createMemoryAuditSink(), clock })
  const token = await openPkcs11Token({ ...env, sessions: options.sessions ?? 4 })
  try {
    const key = await token.generateKey({
      keyId: options.keyId,
      label: options.keyId,
      curve: 'secp256k1',
    })
    const binder = createEvmPayloadBinder()
    const address = binder.addressOf!(key.publicKey) as `0x${string}`
    const policies = await createPolicyStore({
      initial: withdrawalPolicy(),
      assets: [ETH, USDC],
      addressFormats: [evmAddressFormat],
      clock,
      ids,
      audit,
    })
    const authorizationKey = createSoftwareAuthorizationKey({
      keyId: 'orch-1',
      privateKey: seed('orchestrator'),
    })
    /** A fresh trust (own nonce store) for each signer. */
    const trust = (): AuthorizationTrust => ({
      orchestratorKeys: { 'orch-1': hex(authorizationKey.publicKey) },
      policies: policies.ruleLookup,
      nonces: createMemoryNonceStore(),
      clock,
    })
    const signer = await createPkcs11Signer({ token, keyId: options.keyId, trust: trust() })
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
          keyId: options.keyId as KeyId,
          address,
          assets: [ETH],
        },
      ],
      signers: [createSignerRoute({ tier: 'hot', scheme: 'ecdsa', signers: [signer] })],
      addressFormats: [evmAddressFormat],
      binders: [binder],
    })
    return {
      env,
      clock,
      audit,
      token,
      address,
      authorizationKey,
      trust,
      orchestrator,
      async close() {
        await token.close()
        env.remove()
      },
    }
  } catch (error) {
    await token.close()
    env.remove()
    throw error
  }
}
