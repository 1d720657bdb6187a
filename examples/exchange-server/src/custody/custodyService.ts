import { join } from 'node:path'
import {
  type AuditLog,
  type Clock,
  type ComplianceCheck,
  defineAsset,
  type IdGenerator,
  type KeyId,
  type Logger,
  type Signer,
  type WalletId,
} from '@strongroom/core'
import {
  createAuthorizationVerifier,
  createBroadcastRouter,
  createConfirmationTracker,
  createEvmPayloadBinder,
  createEvmWithdrawals,
  createFileNonceStore,
  createKillSwitch,
  createNonceManager,
  createOrchestrator,
  createPkcs11Signer,
  createPolicyStore,
  createRpcPool,
  createSignerRoute,
  createSoftwareAuthorizationKey,
  evmAddressFormat,
  importEd25519PrivateKey,
  openAuthorizationNonceLog,
  openOrchestratorRequestLog,
  openPkcs11Token,
} from '@strongroom/custody'
import { type ExchangeConfig, HOT_WALLET_ID } from '../config.js'
import { openDevKeystore } from './devKeystore.js'
import { loadDevSecrets } from './devSecrets.js'

export { HOT_WALLET_ID }

const HOT_KEY_ID = 'hot-evm-1'
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')

/**
 * Custody as the reference exchange wires it: one hot EVM wallet whose key lives in the HSM (when
 * a PKCS#11 module is configured) or in the clearly labelled development key store; a policy
 * that blocks screened destinations, lets withdrawals up to each asset's threshold through and
 * needs m-of-n approvals above it; a kill switch; chain-id pinning against the RPC endpoints; the
 * EVM withdrawal runner (nonces, broadcast, confirmations). Per-account deposit addresses come
 * from the same key source.
 */
export async function createCustodyService(options: {
  config: ExchangeConfig
  rpcUrls: readonly string[]
  chainId: number
  clock: Clock
  ids: IdGenerator
  audit: AuditLog
  logger: Logger
  screening: ComplianceCheck
}) {
  const { config, clock, ids, audit, chainId } = options
  const chain = `eip155:${chainId}`
  const secrets = loadDevSecrets(config.dataDir, config.approvals.approvers)
  const authorizationKey = createSoftwareAuthorizationKey({
    keyId: 'orchestrator-1',
    privateKey: Buffer.from(secrets.orchestratorSeed, 'hex'),
  })
  const approverKeys = secrets.approvers.map((a) => ({
    id: a.id,
    pair: importEd25519PrivateKey(Buffer.from(a.seed, 'hex')),
  }))
  const group = approverKeys.map((a) => ({ id: a.id, publicKey: toHex(a.pair.publicKey) }))
  const onChain = config.assets.filter((a) => a.kind === 'native')
  const assets = onChain.map((a) => defineAsset({ code: a.code, decimals: a.decimals }))
  const policies = await createPolicyStore({
    initial: {
      id: 'withdrawals',
      version: 1,
      approverGroups: [{ id: 'treasury', approvers: group }],
      addressLists: {},
      governance: {
        approvers: group,
        threshold: config.approvals.required,
        timeLockMs: 86_400_000,
      },
      rules: [
        {
          id: 'screened',
          when: { screening: ['block'] },
          action: { type: 'block', reason: 'sanctioned destination' },
        },
        ...onChain.flatMap((a) => [
          {
            id: `${a.code.toLowerCase()}-small`,
            when: { assets: [a.code], amount: { atMost: { [a.code]: a.approvalThreshold } } },
            action: { type: 'allow' },
          },
          {
            id: `${a.code.toLowerCase()}-large`,
            when: { assets: [a.code], amount: { above: { [a.code]: a.approvalThreshold } } },
            action: {
              type: 'require_approvals',
              quorum: [{ group: 'treasury', threshold: config.approvals.required }],
            },
          },
        ]),
      ],
    },
    assets,
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
    liftQuorum: { approvers: group, threshold: config.approvals.required },
  })
  // Consumed authorization nonces are durable: a signing authorization used before a crash is
  // refused after the restart.
  const nonceLog = openAuthorizationNonceLog({
    path: join(config.dataDir, 'authorization-nonces.log'),
    now: clock.now(),
  })
  const trust = {
    orchestratorKeys: { [authorizationKey.keyId]: toHex(authorizationKey.publicKey) },
    policies: policies.ruleLookup,
    nonces: nonceLog,
    clock,
  }
  const binder = createEvmPayloadBinder()

  // The key source: the HSM when configured, else the development key store.
  let signerFor: (keyId: string) => Promise<Signer>
  let publicKeyFor: (keyId: string) => Promise<Uint8Array>
  let closeKeys = async () => {}
  if (config.signer.kind === 'pkcs11') {
    const token = await openPkcs11Token({
      module: config.signer.module,
      tokenLabel: config.signer.tokenLabel,
      pin: config.signer.pin,
      audit,
    })
    publicKeyFor = async (keyId) => {
      const found = await token.findKey({ keyId }).catch(() => undefined)
      return (found ?? (await token.generateKey({ keyId, label: keyId, curve: 'secp256k1' })))
        .publicKey
    }
    signerFor = async (keyId) => {
      await publicKeyFor(keyId)
      return createPkcs11Signer({ token, keyId, trust })
    }
    closeKeys = () => token.close()
  } else {
    const keystore = openDevKeystore({ dataDir: config.dataDir, passphrase: undefined })
    const verify = createAuthorizationVerifier(trust)
    publicKeyFor = async (keyId) => (await keystore.ensureKey(keyId)).publicKey
    signerFor = async (keyId) => {
      await keystore.ensureKey(keyId)
      return keystore.signer(keyId, async (authorization, payload, id) => {
        try {
          return await verify(authorization, payload, id)
        } catch (error) {
          await audit.append({
            type: 'custody.signature.refused',
            actor: keyId,
            data: { reason: String((error as { code?: string }).code ?? error) },
          })
          throw error
        }
      })
    }
  }

  const hotSigner = await signerFor(HOT_KEY_ID)
  const hotAddress = binder.addressOf!(hotSigner.publicKey)
  const pool = createRpcPool({
    chain,
    endpoints: options.rpcUrls.map((url, i) => ({ name: `rpc-${i + 1}`, url })),
    clock,
    timeoutMs: 5_000,
    hedgeDelayMs: 500,
  })
  // Requests, decisions, approvals and signatures are fsync'ed before the orchestrator answers,
  // so a restart keeps pending approvals and never signs a request's payload twice.
  const requests = openOrchestratorRequestLog({
    path: join(config.dataDir, 'orchestrator-requests.log'),
  })
  const orchestrator = createOrchestrator({
    clock,
    ids,
    audit,
    logger: options.logger,
    authorizationKey,
    policies,
    killSwitch,
    wallets: [
      {
        id: HOT_WALLET_ID as WalletId,
        venue: 'strongroom-reference',
        tier: 'hot',
        chain,
        scheme: 'ecdsa',
        keyId: HOT_KEY_ID as KeyId,
        address: hotAddress,
        assets,
      },
    ],
    signers: [createSignerRoute({ tier: 'hot', scheme: 'ecdsa', signers: [hotSigner] })],
    addressFormats: [evmAddressFormat],
    binders: [binder],
    chainIdReporters: [pool.chainIdReporter],
    screening: options.screening,
    requests,
  })
  const router = createBroadcastRouter({ public: pool, audit })
  const tracker = createConfirmationTracker({
    rpc: pool,
    confirmations: Math.max(1, onChain[0]?.confirmations ?? 1),
    audit,
  })
  const nonces = await createNonceManager({
    store: createFileNonceStore({ directory: join(config.dataDir, 'nonces') }),
    rpc: pool,
    chain,
    address: hotAddress,
  })
  const withdrawals = createEvmWithdrawals({
    orchestrator,
    walletId: HOT_WALLET_ID,
    rpc: pool,
    router,
    nonces,
    tracker,
    audit,
  })

  return {
    chain,
    hotAddress,
    orchestrator,
    withdrawals,
    tracker,
    killSwitch,
    rpc: pool,
    /** The approvers' public keys by id (their private keys stay with them). */
    approverPublicKeys: new Map(group.map((a) => [a.id, a.publicKey])),
    /** Development only: the approvers' key pairs, so the simulator and tests can approve. */
    devApprovers: approverKeys,
    /** The deposit address of `account` (its own key, created on first use). */
    async depositAddress(account: string): Promise<string> {
      return binder.addressOf!(await publicKeyFor(`deposit-${account}`))
    },
    close: async () => {
      requests.close()
      nonceLog.close()
      await closeKeys()
    },
  }
}

export type CustodyService = Awaited<ReturnType<typeof createCustodyService>>
