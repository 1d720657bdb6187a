// PSBT building, validation, sighashes, signature insertion, finalization and extraction over
// bitcoinjs-lib, for wallets of the three kinds in wallet.ts.
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js'
import { ok, type Result } from '@strongroom/core'
import { address as bitcoinAddress, Psbt, payments, script, Transaction } from 'bitcoinjs-lib'
import { BitcoinInputError, BitcoinSignatureError } from './bitcoinErrors.js'
import {
  type CoinSelection,
  type CoinSelectionRejection,
  inputWeight,
  type OutputKind,
  outputWeight,
  selectCoins,
  TX_OVERHEAD_WEIGHT,
  type Utxo,
  vsizeOf,
} from './coinSelection.js'
import { initBitcoinEcc } from './ecc.js'
import type { BitcoinWallet } from './wallet.js'

/** A payment to make. */
export type BitcoinPayment = { readonly address: string; readonly value: bigint }

const equal = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((v, i) => v === b[i])

/** The script kind of an output script, for sizing; `undefined` for anything else. */
export function outputKindOf(outputScript: Uint8Array): OutputKind | undefined {
  const s = outputScript
  if (s.length === 22 && s[0] === 0x00 && s[1] === 0x14) return 'p2wpkh'
  if (s.length === 34 && s[0] === 0x00 && s[1] === 0x20) return 'p2wsh'
  if (s.length === 34 && s[0] === 0x51 && s[1] === 0x20) return 'p2tr'
  if (
    s.length === 25 &&
    s[0] === 0x76 &&
    s[1] === 0xa9 &&
    s[2] === 0x14 &&
    s[23] === 0x88 &&
    s[24] === 0xac
  )
    return 'p2pkh'
  if (s.length === 23 && s[0] === 0xa9 && s[1] === 0x14 && s[22] === 0x87) return 'p2sh'
  return undefined
}

/** Address → output script on the wallet's network. @throws {BitcoinInputError} naming `path`. */
export function bitcoinOutputScript(
  wallet: BitcoinWallet,
  addr: string,
  path: (string | number)[],
): Uint8Array {
  try {
    return bitcoinAddress.toOutputScript(addr, wallet.network)
  } catch (cause) {
    throw new BitcoinInputError('is not an address of this network', {
      code: 'CUSTODY_BTC_INVALID_PSBT',
      path,
      rule: 'network',
      cause,
    })
  }
}

function allowListScripts(wallet: BitcoinWallet, allowList: readonly string[]): Uint8Array[] {
  return allowList.map((a, i) => bitcoinOutputScript(wallet, a, ['allowList', i]))
}

/**
 * Builds an unsigned PSBT paying `payments` from `utxos` at `feeRate` sat/vB, change back to the
 * wallet. Every payment address must be on `allowList`. Inputs carry `witnessUtxo` (and
 * `tapInternalKey` for P2TR, `witnessScript` for P2WSH, BIP-174/371).
 * @throws {BitcoinInputError} on an address off the allow-list or of another network.
 * @returns a rejection value when funds are insufficient.
 */
export function buildBitcoinPsbt(parameters: {
  wallet: BitcoinWallet
  utxos: readonly Utxo[]
  payments: readonly BitcoinPayment[]
  feeRate: bigint
  allowList: readonly string[]
}): Result<{ psbt: Psbt; selection: CoinSelection }, CoinSelectionRejection> {
  initBitcoinEcc()
  const { wallet } = parameters
  const allowed = allowListScripts(wallet, parameters.allowList)
  const outputs = parameters.payments.map((p, i) => {
    const outputScript = bitcoinOutputScript(wallet, p.address, ['payments', i, 'address'])
    if (!allowed.some((s) => equal(s, outputScript))) {
      throw new BitcoinInputError('is not on the destination allow-list', {
        code: 'CUSTODY_BTC_UNEXPECTED_OUTPUT',
        path: ['payments', i, 'address'],
        rule: 'not_allow_listed',
      })
    }
    const kind = outputKindOf(outputScript)
    if (kind === undefined)
      throw new BitcoinInputError('is not a standard output', {
        code: 'CUSTODY_BTC_INVALID_PSBT',
        path: ['payments', i, 'address'],
        rule: 'type',
      })
    if (typeof p.value !== 'bigint' || p.value <= 0n)
      throw new BitcoinInputError('must be a positive bigint', {
        code: 'CUSTODY_BTC_INVALID_PSBT',
        path: ['payments', i, 'value'],
        rule: 'type',
      })
    return { script: outputScript, value: p.value, kind }
  })
  const changeKind = outputKindOf(wallet.outputScript)!
  const selection = selectCoins({
    utxos: parameters.utxos,
    outputs,
    feeRate: parameters.feeRate,
    inputKind: wallet.kind,
    changeKind,
    multisig: { m: wallet.m, n: wallet.publicKeys.length },
  })
  if (!selection.ok) return selection
  const psbt = new Psbt({ network: wallet.network })
  for (const utxo of selection.value.inputs) {
    psbt.addInput({
      hash: utxo.txid,
      index: utxo.vout,
      sequence: 0xfffffffd, // opt-in RBF (BIP-125)
      witnessUtxo: { script: wallet.outputScript, value: utxo.value },
      ...(wallet.internalKey ? { tapInternalKey: wallet.internalKey } : {}),
      ...(wallet.witnessScript ? { witnessScript: wallet.witnessScript } : {}),
    })
  }
  for (const o of outputs) psbt.addOutput({ script: o.script, value: o.value })
  if (selection.value.change > 0n)
    psbt.addOutput({ script: wallet.outputScript, value: selection.value.change })
  return ok({ psbt, selection: selection.value })
}

/** What {@link validateBitcoinPsbt} found. */
export type BitcoinPsbtSummary = {
  /** The unsigned transaction id (spent outpoints and outputs fixed). */
  readonly txid: string
  readonly inputTotal: bigint
  readonly outputs: readonly {
    readonly address: string
    readonly value: bigint
    readonly change: boolean
  }[]
  readonly fee: bigint
  /** Fee rate in sat/vB against the estimated signed size. */
  readonly feeRate: bigint
  readonly vsize: number
}

/** Parses a PSBT (base64, hex or bytes). @throws {BitcoinInputError} `CUSTODY_BTC_INVALID_PSBT`. */
export function parseBitcoinPsbt(
  input: unknown,
  wallet: BitcoinWallet,
  path: (string | number)[] = ['psbt'],
): Psbt {
  initBitcoinEcc()
  try {
    if (input instanceof Psbt) return input
    if (input instanceof Uint8Array) return Psbt.fromBuffer(input, { network: wallet.network })
    if (typeof input === 'string') {
      return /^[0-9a-fA-F]+$/.test(input)
        ? Psbt.fromHex(input, { network: wallet.network })
        : Psbt.fromBase64(input, { network: wallet.network })
    }
  } catch (cause) {
    throw new BitcoinInputError('is not a valid PSBT', {
      code: 'CUSTODY_BTC_INVALID_PSBT',
      path,
      rule: 'encoding',
      cause,
    })
  }
  throw new BitcoinInputError('must be a PSBT (base64, hex or bytes)', {
    code: 'CUSTODY_BTC_INVALID_PSBT',
    path,
    rule: 'type',
  })
}

/**
 * Checks a PSBT before anything is signed: every input spends the wallet's script and carries
 * its UTXO (`witnessUtxo`; P2TR: the wallet's `tapInternalKey`; P2WSH: the wallet's
 * `witnessScript`); every output is the wallet's change or an allow-listed address; the fee is
 * non-negative and at most `maxFeeRate` sat/vB.
 * @throws {BitcoinInputError} naming the offending input or output.
 */
export function validateBitcoinPsbt(parameters: {
  psbt: Psbt
  wallet: BitcoinWallet
  allowList: readonly string[]
  maxFeeRate: bigint
}): BitcoinPsbtSummary {
  const { psbt, wallet } = parameters
  const allowed = allowListScripts(wallet, parameters.allowList)
  let inputTotal = 0n
  if (psbt.inputCount === 0)
    throw new BitcoinInputError('has no inputs', {
      code: 'CUSTODY_BTC_INVALID_PSBT',
      path: ['psbt', 'inputs'],
      rule: 'type',
    })
  psbt.data.inputs.forEach((input, i) => {
    const utxo = input.witnessUtxo
    if (utxo === undefined) {
      throw new BitcoinInputError('lacks witnessUtxo', {
        code: 'CUSTODY_BTC_MISSING_UTXO',
        path: ['inputs', i, 'witnessUtxo'],
        rule: 'missing_utxo',
      })
    }
    if (!equal(utxo.script, wallet.outputScript)) {
      throw new BitcoinInputError("spends a script that is not the wallet's", {
        code: 'CUSTODY_BTC_FOREIGN_INPUT',
        path: ['inputs', i, 'witnessUtxo', 'script'],
        rule: 'foreign_input',
      })
    }
    if (
      wallet.internalKey &&
      (input.tapInternalKey === undefined || !equal(input.tapInternalKey, wallet.internalKey))
    ) {
      throw new BitcoinInputError("is missing or not the wallet's internal key", {
        code: 'CUSTODY_BTC_FOREIGN_INPUT',
        path: ['inputs', i, 'tapInternalKey'],
        rule: 'foreign_input',
      })
    }
    if (
      wallet.witnessScript &&
      (input.witnessScript === undefined || !equal(input.witnessScript, wallet.witnessScript))
    ) {
      throw new BitcoinInputError("is missing or not the wallet's witness script", {
        code: 'CUSTODY_BTC_FOREIGN_INPUT',
        path: ['inputs', i, 'witnessScript'],
        rule: 'foreign_input',
      })
    }
    inputTotal += utxo.value
  })
  const outputs = psbt.txOutputs.map((o, i) => {
    const change = equal(o.script, wallet.outputScript)
    if (!change && !allowed.some((s) => equal(s, o.script))) {
      throw new BitcoinInputError('pays an address that is neither allow-listed nor change', {
        code: 'CUSTODY_BTC_UNEXPECTED_OUTPUT',
        path: ['outputs', i, 'address'],
        rule: 'not_allow_listed',
      })
    }
    return {
      address: bitcoinAddress.fromOutputScript(o.script, wallet.network),
      value: o.value,
      change,
    }
  })
  const outputTotal = outputs.reduce((a, o) => a + o.value, 0n)
  if (outputTotal > inputTotal)
    throw new BitcoinInputError('outputs exceed inputs', {
      code: 'CUSTODY_BTC_INVALID_PSBT',
      path: ['outputs'],
      rule: 'amount_mismatch',
    })
  const fee = inputTotal - outputTotal
  const weight =
    TX_OVERHEAD_WEIGHT +
    psbt.inputCount * inputWeight(wallet.kind, wallet.m, wallet.publicKeys.length) +
    psbt.txOutputs.reduce(
      (a, o) =>
        a +
        (outputKindOf(o.script)
          ? outputWeight(outputKindOf(o.script)!)
          : (8 + 1 + o.script.length) * 4),
      0,
    )
  const vsize = vsizeOf(weight)
  const feeRate = fee / BigInt(vsize)
  if (feeRate > parameters.maxFeeRate) {
    throw new BitcoinInputError(
      `pays ${feeRate} sat/vB, above the maximum ${parameters.maxFeeRate}`,
      { code: 'CUSTODY_BTC_FEE_TOO_HIGH', path: ['fee'], rule: 'fee_too_high' },
    )
  }
  return { txid: unsignedTransaction(psbt).getId(), inputTotal, outputs, fee, feeRate, vsize }
}

/** The PSBT's unsigned transaction. */
export function unsignedTransaction(psbt: Psbt): Transaction {
  const tx = new Transaction()
  tx.version = psbt.version
  tx.locktime = psbt.locktime
  for (const input of psbt.txInputs) tx.addInput(input.hash, input.index, input.sequence)
  for (const output of psbt.txOutputs) tx.addOutput(output.script, output.value)
  return tx
}

/**
 * The 32-byte message an input's signature commits to: BIP-143 (SIGHASH_ALL) for P2WPKH and
 * P2WSH, BIP-341 (SIGHASH_DEFAULT) for P2TR key path. Call only on a validated PSBT.
 */
export function bitcoinSighash(psbt: Psbt, inputIndex: number, wallet: BitcoinWallet): Uint8Array {
  const tx = unsignedTransaction(psbt)
  const inputs = psbt.data.inputs
  const utxo = inputs[inputIndex]?.witnessUtxo
  if (utxo === undefined)
    throw new BitcoinInputError('lacks witnessUtxo', {
      code: 'CUSTODY_BTC_MISSING_UTXO',
      path: ['inputs', inputIndex, 'witnessUtxo'],
      rule: 'missing_utxo',
    })
  if (wallet.kind === 'p2tr') {
    const scripts = inputs.map((input, i) => {
      if (!input.witnessUtxo)
        throw new BitcoinInputError('lacks witnessUtxo', {
          code: 'CUSTODY_BTC_MISSING_UTXO',
          path: ['inputs', i, 'witnessUtxo'],
          rule: 'missing_utxo',
        })
      return input.witnessUtxo
    })
    return tx.hashForWitnessV1(
      inputIndex,
      scripts.map((u) => u.script),
      scripts.map((u) => u.value),
      Transaction.SIGHASH_DEFAULT,
    )
  }
  const scriptCode =
    wallet.kind === 'p2wpkh'
      ? payments.p2pkh({ hash: utxo.script.subarray(2) }).output!
      : wallet.witnessScript!
  return tx.hashForWitnessV0(inputIndex, scriptCode, utxo.value, Transaction.SIGHASH_ALL)
}

/**
 * Adds a signature to an input after checking it against the sighash and the key: a 64-byte
 * compact low-s ECDSA signature (stored DER-encoded with SIGHASH_ALL in `partialSig`) or a
 * 64-byte BIP-340 signature (stored as `tapKeySig`, BIP-371).
 * @throws {BitcoinSignatureError} when it does not verify.
 */
export function addBitcoinSignature(parameters: {
  psbt: Psbt
  wallet: BitcoinWallet
  inputIndex: number
  publicKey: Uint8Array
  signature: Uint8Array
}): void {
  const { psbt, wallet, inputIndex, publicKey, signature } = parameters
  const hash = bitcoinSighash(psbt, inputIndex, wallet)
  if (wallet.kind === 'p2tr') {
    const outputKey = payments.p2tr({
      internalPubkey: wallet.internalKey!,
      network: wallet.network,
    }).pubkey!
    if (signature.length !== 64 || !schnorr.verify(signature, hash, outputKey))
      throw new BitcoinSignatureError(inputIndex)
    psbt.updateInput(inputIndex, { tapKeySig: signature })
    return
  }
  if (!wallet.publicKeys.some((k) => equal(k, publicKey)))
    throw new BitcoinSignatureError(inputIndex)
  if (
    signature.length !== 64 ||
    !secp256k1.verify(signature, hash, publicKey, { prehash: false, lowS: true })
  ) {
    throw new BitcoinSignatureError(inputIndex)
  }
  psbt.updateInput(inputIndex, {
    partialSig: [
      { pubkey: publicKey, signature: script.signature.encode(signature, Transaction.SIGHASH_ALL) },
    ],
  })
}

/** Verifies every signature of every input (ECDSA and Schnorr) with noble. */
export function verifyBitcoinPsbtSignatures(psbt: Psbt): boolean {
  return psbt.data.inputs.every((_, i) =>
    psbt.validateSignaturesOfInput(i, (pubkey, msghash, signature) =>
      signature.length === 64 && pubkey.length === 32
        ? schnorr.verify(signature, msghash, pubkey)
        : secp256k1.verify(signature, msghash, pubkey, { prehash: false, lowS: false }),
    ),
  )
}

/**
 * Validates every signature, finalizes every input and extracts the signed transaction.
 * @throws {BitcoinSignatureError} when a signature does not verify.
 */
export function finalizeBitcoinPsbt(psbt: Psbt): { hex: string; txid: string; vsize: number } {
  psbt.data.inputs.forEach((_, i) => {
    const valid = psbt.validateSignaturesOfInput(i, (pubkey, msghash, signature) =>
      signature.length === 64 && pubkey.length === 32
        ? schnorr.verify(signature, msghash, pubkey)
        : secp256k1.verify(signature, msghash, pubkey, { prehash: false, lowS: false }),
    )
    if (!valid) throw new BitcoinSignatureError(i)
  })
  psbt.finalizeAllInputs()
  const tx = psbt.extractTransaction()
  return { hex: tx.toHex(), txid: tx.getId(), vsize: tx.virtualSize() }
}
