// Published vectors: BIP-340 (Schnorr), BIP-174 (PSBT) and BIP-371 (Taproot PSBT fields), run
// against our FROST Taproot suite and our PSBT handling over bitcoinjs-lib.
import { readFileSync } from 'node:fs'
import { schnorr } from '@noble/curves/secp256k1.js'
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import { networks } from 'bitcoinjs-lib'
import { describe, expect, it } from 'vitest'
import { BitcoinInputError } from '../src/bitcoin/bitcoinErrors.js'
import {
  bitcoinSighash,
  finalizeBitcoinPsbt,
  parseBitcoinPsbt,
  validateBitcoinPsbt,
} from '../src/bitcoin/psbt.js'
import { createBitcoinWallet } from '../src/bitcoin/wallet.js'
import { frostSecp256k1Taproot } from '../src/frost/ciphersuites.js'
import { frostTrustedDealerKeygen } from '../src/frost/dealer.js'
import { frostVerify, frostVerifyingKey } from '../src/frost/signing.js'
import { signWith } from './helpers/frost.js'

const read = (name: string) => readFileSync(new URL(`./vectors/${name}`, import.meta.url), 'utf8')

describe('BIP-340 test vectors (bip-0340/test-vectors.csv)', () => {
  const rows = read('bip340-test-vectors.csv')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [index, secretKey, publicKey, auxRand, message, signature, result, comment] =
        line.split(',')
      return {
        index: Number(index),
        secretKey,
        publicKey: publicKey!,
        auxRand,
        message: message!,
        signature: signature!,
        valid: result === 'TRUE',
        comment,
      }
    })

  it('has all 15 vectors', () => {
    expect(rows.map((r) => r.index)).toEqual([...Array(15).keys()])
  })

  it.each(rows)('vector $index: verification result is $valid', (row) => {
    expect(
      frostVerify({
        ciphersuite: frostSecp256k1Taproot,
        publicKey: hexToBytes(row.publicKey),
        message: hexToBytes(row.message),
        signature: hexToBytes(row.signature),
      }),
    ).toBe(row.valid)
  })

  it.each(rows.filter((r) => r.secretKey))(
    'vector $index: a 2-of-3 FROST group holding the secret key has the x-only public key and signs',
    (row) => {
      const secret = BigInt(`0x${row.secretKey}`)
      const { shares, publicKeyPackage } = frostTrustedDealerKeygen({
        ciphersuite: frostSecp256k1Taproot,
        threshold: 2,
        maxSigners: 3,
        secret,
      })
      const key = frostVerifyingKey(publicKeyPackage)
      expect(bytesToHex(key).toUpperCase()).toBe(row.publicKey)
      const message = hexToBytes(row.message)
      const { signature } = signWith([shares[0]!, shares[2]!], message)
      expect(schnorr.verify(signature, message, key)).toBe(true)
    },
  )
})

type PsbtVectors = {
  source: string
  invalid: { case: string; base64: string }[]
  valid: { case: string; base64: string }[]
}

describe('BIP-174 test vectors', () => {
  const vectors = JSON.parse(read('bip174-test-vectors.json')) as PsbtVectors
  const wallet = createBitcoinWallet(
    {
      kind: 'p2wpkh',
      publicKey: hexToBytes('0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798'),
    },
    networks.bitcoin,
  )

  it.each(vectors.invalid)('invalid: $case', ({ base64 }) => {
    try {
      parseBitcoinPsbt(base64, wallet)
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(BitcoinInputError)
      expect((error as BitcoinInputError).code).toBe('CUSTODY_BTC_INVALID_PSBT')
      expect((error as BitcoinInputError).path).toEqual(['psbt'])
    }
  })

  it.each(vectors.valid)('valid: $case', ({ base64 }) => {
    const psbt = parseBitcoinPsbt(base64, wallet)
    expect(psbt.toBase64()).toBe(base64)
  })

  it('a valid PSBT whose inputs are not the wallet’s is refused before signing', () => {
    const psbt = parseBitcoinPsbt(vectors.valid[2]!.base64, wallet)
    expect(() => validateBitcoinPsbt({ psbt, wallet, allowList: [], maxFeeRate: 1_000n })).toThrow(
      BitcoinInputError,
    )
  })
})

describe('BIP-371 test vectors', () => {
  const vectors = JSON.parse(read('bip371-test-vectors.json')) as PsbtVectors & {
    notes: { internalKey: string; witnessUtxoScript: string; tapKeySig: string }
  }
  const wallet = createBitcoinWallet(
    { kind: 'p2tr', internalKey: hexToBytes(vectors.notes.internalKey) },
    networks.bitcoin,
  )

  it.each(vectors.invalid)('invalid: $case', ({ base64 }) => {
    expect(() => parseBitcoinPsbt(base64, wallet)).toThrow(BitcoinInputError)
  })

  it.each(vectors.valid)('valid: $case', ({ base64 }) => {
    expect(parseBitcoinPsbt(base64, wallet).toBase64()).toBe(base64)
  })

  it('our P2TR wallet for the vectors’ internal key has the vectors’ output script (BIP-86 tweak)', () => {
    expect(bytesToHex(wallet.outputScript)).toBe(vectors.notes.witnessUtxoScript)
    expect(bytesToHex(wallet.internalKey!)).toBe(vectors.notes.internalKey)
  })

  it('the key-path signature in the vector verifies against our BIP-341 sighash; the PSBT finalizes', () => {
    const psbt = parseBitcoinPsbt(vectors.valid[1]!.base64, wallet)
    expect(bytesToHex(psbt.data.inputs[0]!.tapInternalKey!)).toBe(vectors.notes.internalKey)
    expect(bytesToHex(psbt.data.inputs[0]!.tapKeySig!)).toBe(vectors.notes.tapKeySig)
    const outputKey = wallet.outputScript.subarray(2)
    const hash = bitcoinSighash(psbt, 0, wallet)
    expect(schnorr.verify(hexToBytes(vectors.notes.tapKeySig), hash, outputKey)).toBe(true)
    const tampered = hexToBytes(vectors.notes.tapKeySig)
    tampered[5]! ^= 1
    expect(schnorr.verify(tampered, hash, outputKey)).toBe(false)
    const { txid, hex } = finalizeBitcoinPsbt(psbt)
    expect(txid).toMatch(/^[0-9a-f]{64}$/)
    expect(hex).toContain(vectors.notes.tapKeySig)
  })
})
