// Bitcoin withdrawals through the signer orchestrator: P2WPKH signed by an HSM ECDSA key
// (SoftHSM2), P2TR key path signed by a 3-of-5 FROST group (BIP-340), P2WSH 2-of-3 multisig
// signed by two HSM keys under two requests; PSBTs validated, finalized and extracted.
// Bad PSBTs (unexpected outputs, missing UTXO data, wrong amount) are refused, audited, unsigned.
import { defineAsset, type KeyId, type WalletId } from '@strongroom/core'
import { requireServices } from '@strongroom/testkit'
import { networks, Psbt, Transaction } from 'bitcoinjs-lib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BitcoinInputError } from '../src/bitcoin/bitcoinErrors.js'
import { bitcoinAddressFormat, createBitcoinPayloadBinder } from '../src/bitcoin/payloadBinder.js'
import { buildBitcoinPsbt, finalizeBitcoinPsbt } from '../src/bitcoin/psbt.js'
import { signBitcoinPsbtWithOrchestrator } from '../src/bitcoin/signPsbt.js'
import { type BitcoinWallet, createBitcoinWallet } from '../src/bitcoin/wallet.js'
import { frostSecp256k1Taproot } from '../src/frost/ciphersuites.js'
import { createLocalFrostSigner } from '../src/frost/localFrostSigner.js'
import {
  createKillSwitch,
  createMemoryNonceStore,
  createOrchestrator,
  createPkcs11Signer,
  createPolicyStore,
  createSignerRoute,
  createSoftwareAuthorizationKey,
  type Orchestrator,
  openPkcs11Token,
  type Pkcs11Token,
  verifyAuthorization,
} from '../src/index.js'
import { runDkg } from './helpers/frost.js'
import { approvers, hex, seed, testAudit } from './helpers.js'
import { createSoftHsmToken } from './softhsm.js'

const hsm = await requireServices('custody: Bitcoin PSBTs through the orchestrator (SoftHSM2)', [
  'softhsm',
])

const CHAIN = 'bip122:0f9188f13cb7b2c71f2a335e3a4fc328' // regtest genesis
const BTC = defineAsset({ code: 'BTC', decimals: 8, maxAmount: '21000000' })
const network = networks.regtest
const DEST = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080' // allow-listed
const EVIL = 'bcrt1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qzf4jry'

const utxo = (n: number, value: bigint) => ({
  txid: n.toString(16).padStart(64, '0'),
  vout: n % 3,
  value,
})

describe.skipIf(!hsm.available)('Bitcoin PSBTs through the orchestrator', () => {
  let env: ReturnType<typeof createSoftHsmToken>
  let token: Pkcs11Token
  let t: Awaited<ReturnType<typeof testAudit>>
  let orchestrator: Orchestrator
  const wallets: Record<string, BitcoinWallet> = {}
  const hsmSignatures = () => 0
  let signatureCount = hsmSignatures

  beforeAll(async () => {
    env = createSoftHsmToken('btc-test')
    t = await testAudit()
    token = await openPkcs11Token({ ...env, sessions: 2, audit: t.audit })
    const policies = await createPolicyStore({
      initial: {
        id: 'btc-withdrawals',
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
        addressLists: {
          allowlist: [{ chain: CHAIN, address: DEST, label: 'exchange cold storage' }],
        },
        governance: {
          approvers: [approvers.alice, approvers.bob].map((a) => ({
            id: a.id,
            publicKey: a.publicKey,
          })),
          threshold: 2,
          timeLockMs: 3_600_000,
        },
        rules: [
          {
            id: 'allow-listed-btc',
            when: {
              destination: { inLists: ['allowlist'] },
              assets: ['BTC'],
              amount: { atMost: { BTC: '10' } },
            },
            action: { type: 'allow' },
          },
        ],
      },
      assets: [BTC],
      addressFormats: [bitcoinAddressFormat(network)],
      clock: t.clock,
      ids: t.ids,
      audit: t.audit,
    })
    const authorizationKey = createSoftwareAuthorizationKey({
      keyId: 'orch-1',
      privateKey: seed('orchestrator'),
    })
    const trust = () => ({
      orchestratorKeys: { 'orch-1': hex(authorizationKey.publicKey) },
      policies: policies.ruleLookup,
      nonces: createMemoryNonceStore(),
      clock: t.clock,
    })
    const hsmSigner = async (keyId: string) => {
      await token.generateKey({ keyId, label: keyId, curve: 'secp256k1' })
      return createPkcs11Signer({ token, keyId, trust: trust() })
    }
    const hot = await hsmSigner('btc-hot-1')
    const cosigners = [
      await hsmSigner('btc-cold-1'),
      await hsmSigner('btc-cold-2'),
      await hsmSigner('btc-cold-3'),
    ]
    signatureCount = () => hot.signatures + cosigners.reduce((a, s) => a + s.signatures, 0)
    const shares = runDkg(frostSecp256k1Taproot, 3, 5)
    const frostTrust = trust()
    const warm = createLocalFrostSigner({
      keyId: 'btc-warm-frost',
      shares: [shares[0]!, shares[2]!, shares[4]!],
      tweak: { merkleRoot: new Uint8Array(0) },
      verifyAuthorization: ({ authorization, payload, keyId }) =>
        verifyAuthorization({ authorization, payload, keyId, trust: frostTrust }),
    })
    wallets['hot-btc'] = createBitcoinWallet({ kind: 'p2wpkh', publicKey: hot.publicKey }, network)
    wallets['warm-btc'] = createBitcoinWallet(
      { kind: 'p2tr', internalKey: warm.publicKey },
      network,
    )
    const multisig = createBitcoinWallet(
      { kind: 'p2wsh-multisig', m: 2, publicKeys: cosigners.map((c) => c.publicKey) },
      network,
    )
    wallets['cold-btc-1'] = multisig
    wallets['cold-btc-2'] = multisig
    const definition = (
      id: string,
      tier: 'hot' | 'warm' | 'cold',
      scheme: 'ecdsa' | 'bip340',
      keyId: string,
    ) => ({
      id: id as WalletId,
      venue: 'venue-1',
      tier,
      chain: CHAIN,
      scheme,
      keyId: keyId as KeyId,
      address: wallets[id]!.address,
      assets: [BTC],
    })
    orchestrator = createOrchestrator({
      clock: t.clock,
      ids: t.ids,
      audit: t.audit,
      authorizationKey,
      policies,
      killSwitch: createKillSwitch({
        clock: t.clock,
        ids: t.ids,
        audit: t.audit,
        operators: ['ops'],
        liftQuorum: { approvers: [approvers.alice, approvers.bob], threshold: 2 },
      }),
      wallets: [
        definition('hot-btc', 'hot', 'ecdsa', 'btc-hot-1'),
        definition('warm-btc', 'warm', 'bip340', 'btc-warm-frost'),
        definition('cold-btc-1', 'cold', 'ecdsa', 'btc-cold-1'),
        definition('cold-btc-2', 'cold', 'ecdsa', 'btc-cold-3'),
      ],
      signers: [
        createSignerRoute({ tier: 'hot', scheme: 'ecdsa', signers: [hot] }),
        createSignerRoute({ tier: 'warm', scheme: 'bip340', signers: [warm] }),
        createSignerRoute({ tier: 'cold', scheme: 'ecdsa', signers: cosigners }),
      ],
      addressFormats: [bitcoinAddressFormat(network)],
      binders: [createBitcoinPayloadBinder({ wallets, allowList: [DEST], maxFeeRate: 100n })],
    })
  })
  afterAll(async () => {
    await token?.close()
    env?.remove()
  })

  const submit = async (requestId: string, walletId: string, amount = '0.5') => {
    const r = await orchestrator.submit({
      requestId,
      walletId,
      initiator: 'dave',
      chain: CHAIN,
      asset: 'BTC',
      amount,
      destination: DEST,
    })
    expect(r.ok).toBe(true)
  }
  const build = (walletId: string, value = 50_000_000n) => {
    const built = buildBitcoinPsbt({
      wallet: wallets[walletId]!,
      utxos: [utxo(1, 30_000_000n), utxo(2, 25_000_000n), utxo(3, 7_000_000n)],
      payments: [{ address: DEST, value }],
      feeRate: 5n,
      allowList: [DEST],
    })
    if (!built.ok) throw new Error(built.rejection.message)
    return built.value
  }

  it('P2WPKH: the HSM signs every input through the orchestrator; the transaction finalizes', async () => {
    await submit('btc-1', 'hot-btc')
    const { psbt, selection } = build('hot-btc')
    expect(selection.inputs.length).toBe(2)
    const signed = await signBitcoinPsbtWithOrchestrator({
      orchestrator,
      requestId: 'btc-1',
      psbt,
      wallet: wallets['hot-btc']!,
    })
    expect(signed.ok).toBe(true)
    if (!signed.ok) return
    const { hex: raw, txid } = finalizeBitcoinPsbt(signed.psbt)
    const tx = Transaction.fromHex(raw)
    expect(tx.getId()).toBe(txid)
    expect(tx.ins.map((i) => i.witness.length)).toEqual([2, 2])
    expect(tx.ins[0]!.witness[1]).toEqual(wallets['hot-btc']!.publicKeys[0])
    expect(tx.outs[0]!.value).toBe(50_000_000n)
    const fee = 55_000_000n - tx.outs.reduce((a, o) => a + o.value, 0n)
    expect(fee).toBe(selection.fee)
    expect(fee).toBeGreaterThanOrEqual(BigInt(tx.virtualSize()) * 5n)
  })

  it('P2TR key path: a 3-of-5 FROST group signs BIP-340 for the tweaked key; the internal key is exposed', async () => {
    await submit('btc-2', 'warm-btc')
    const { psbt } = build('warm-btc')
    expect(psbt.data.inputs[0]!.tapInternalKey).toEqual(wallets['warm-btc']!.internalKey)
    const signed = await signBitcoinPsbtWithOrchestrator({
      orchestrator,
      requestId: 'btc-2',
      psbt,
      wallet: wallets['warm-btc']!,
    })
    expect(signed.ok).toBe(true)
    if (!signed.ok) return
    const tx = Transaction.fromHex(finalizeBitcoinPsbt(signed.psbt).hex)
    expect(tx.ins.every((i) => i.witness.length === 1 && i.witness[0]!.length === 64)).toBe(true)
  })

  it('P2WSH 2-of-3: two cosigner requests each sign; the multisig finalizes', async () => {
    await submit('btc-3a', 'cold-btc-1')
    await submit('btc-3b', 'cold-btc-2')
    const { psbt } = build('cold-btc-1')
    const first = await signBitcoinPsbtWithOrchestrator({
      orchestrator,
      requestId: 'btc-3a',
      psbt,
      wallet: wallets['cold-btc-1']!,
    })
    if (!first.ok) throw new Error('first cosigner refused')
    expect(() => finalizeBitcoinPsbt(Psbt.fromBase64(first.psbt.toBase64(), { network }))).toThrow()
    const second = await signBitcoinPsbtWithOrchestrator({
      orchestrator,
      requestId: 'btc-3b',
      psbt: first.psbt,
      wallet: wallets['cold-btc-2']!,
    })
    if (!second.ok) throw new Error('second cosigner refused')
    const tx = Transaction.fromHex(finalizeBitcoinPsbt(second.psbt).hex)
    expect(tx.ins.map((i) => i.witness.length)).toEqual([4, 4])
    expect(tx.ins[0]!.witness[3]).toEqual(wallets['cold-btc-1']!.witnessScript)
  })

  it('refuses PSBTs with an unexpected output, missing UTXO data or another amount: audited, nothing signed', async () => {
    await submit('btc-4', 'hot-btc')
    const before = signatureCount()
    const { psbt } = build('hot-btc')
    const evil = Psbt.fromBase64(psbt.toBase64(), { network })
    evil.addOutput({ address: EVIL, value: 10_000n })
    await expect(
      orchestrator.sign({
        requestId: 'btc-4',
        transaction: { psbt: evil.toBase64(), inputIndex: 0 },
      }),
    ).rejects.toMatchObject({
      code: 'CUSTODY_BTC_UNEXPECTED_OUTPUT',
      path: ['outputs', 2, 'address'],
    })
    const stripped = new Psbt({ network })
    stripped.addInput({ hash: utxo(9, 0n).txid, index: 0 })
    stripped.addOutput({ address: DEST, value: 50_000_000n })
    await expect(
      orchestrator.sign({
        requestId: 'btc-4',
        transaction: { psbt: stripped.toBase64(), inputIndex: 0 },
      }),
    ).rejects.toMatchObject({
      code: 'CUSTODY_BTC_MISSING_UTXO',
      path: ['inputs', 0, 'witnessUtxo'],
    })
    const other = build('hot-btc', 60_000_000n).psbt
    const wrongAmount = orchestrator.sign({
      requestId: 'btc-4',
      transaction: { psbt: other.toBase64(), inputIndex: 0 },
    })
    await expect(wrongAmount).rejects.toBeInstanceOf(BitcoinInputError)
    await expect(
      orchestrator.sign({ requestId: 'btc-4', transaction: 'garbage' }),
    ).rejects.toMatchObject({ code: 'CUSTODY_BTC_INVALID_PSBT' })
    expect(signatureCount()).toBe(before)
    const refused = []
    for await (const record of t.sink.read())
      if (record.type === 'custody.signature.refused') refused.push(record)
    expect(refused.length).toBeGreaterThanOrEqual(4)
    expect((await t.audit.verify()).ok).toBe(true)
  })

  it('coin selection reports insufficient funds as a value', () => {
    const result = buildBitcoinPsbt({
      wallet: wallets['hot-btc']!,
      utxos: [utxo(1, 1_000n)],
      payments: [{ address: DEST, value: 5_000n }],
      feeRate: 2n,
      allowList: [DEST],
    })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.rejection.code).toBe('INSUFFICIENT_FUNDS')
  })

  it('refuses to build a payment to an address off the allow-list, naming it', () => {
    expect(() =>
      buildBitcoinPsbt({
        wallet: wallets['hot-btc']!,
        utxos: [utxo(1, 1_000_000n)],
        payments: [{ address: EVIL, value: 5_000n }],
        feeRate: 2n,
        allowList: [DEST],
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'CUSTODY_BTC_UNEXPECTED_OUTPUT',
        path: ['payments', 0, 'address'],
      }),
    )
  })
})
