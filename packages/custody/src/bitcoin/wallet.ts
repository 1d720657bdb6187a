// Bitcoin wallet scripts: P2WPKH (one ECDSA key), P2TR key path (one BIP-340 key, BIP-86 tweak:
// the untweaked internal key is exposed), P2WSH m-of-n multisig (sorted keys, BIP-67).
import { type Network, networks, payments } from 'bitcoinjs-lib'
import { BitcoinInputError } from './bitcoinErrors.js'
import { initBitcoinEcc } from './ecc.js'

/** How a Bitcoin wallet locks its coins. */
export type BitcoinWalletKind = 'p2wpkh' | 'p2tr' | 'p2wsh-multisig'

/** Configuration of one Bitcoin wallet. */
export type BitcoinWalletConfig =
  | { readonly kind: 'p2wpkh'; readonly publicKey: Uint8Array }
  /** `internalKey`: 32-byte x-only (or 33-byte compressed) untweaked key, e.g. a FROST group key. */
  | { readonly kind: 'p2tr'; readonly internalKey: Uint8Array }
  | {
      readonly kind: 'p2wsh-multisig'
      readonly m: number
      readonly publicKeys: readonly Uint8Array[]
    }

/** A wallet's script details, derived once. */
export type BitcoinWallet = {
  readonly kind: BitcoinWalletKind
  readonly network: Network
  readonly address: string
  /** scriptPubKey of the wallet's outputs. */
  readonly outputScript: Uint8Array
  /** P2WSH: the multisig witness script. */
  readonly witnessScript?: Uint8Array | undefined
  /** P2TR: the untweaked x-only internal key (BIP-371 `tapInternalKey`). */
  readonly internalKey?: Uint8Array | undefined
  /** P2WPKH: the key; P2WSH: the sorted keys; P2TR: the internal key. */
  readonly publicKeys: readonly Uint8Array[]
  readonly m: number
}

/** Bitcoin networks by name. */
export const bitcoinNetworks = {
  bitcoin: networks.bitcoin,
  testnet: networks.testnet,
  regtest: networks.regtest,
} as const

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!
  return a.length - b.length
}

/**
 * Derives a wallet's address and scripts.
 * @throws {BitcoinInputError} on malformed keys or m/n.
 */
export function createBitcoinWallet(
  config: BitcoinWalletConfig,
  network: Network = networks.bitcoin,
): BitcoinWallet {
  initBitcoinEcc()
  const fail = (path: string, message: string, cause?: unknown) =>
    new BitcoinInputError(message, {
      code: 'CUSTODY_BTC_INVALID_PSBT',
      path: ['wallet', path],
      rule: 'encoding',
      cause,
    })
  try {
    switch (config.kind) {
      case 'p2wpkh': {
        if (config.publicKey.length !== 33)
          throw fail('publicKey', 'must be a 33-byte compressed key')
        const p = payments.p2wpkh({ pubkey: config.publicKey, network })
        return {
          kind: 'p2wpkh',
          network,
          address: p.address!,
          outputScript: p.output!,
          publicKeys: [config.publicKey],
          m: 1,
        }
      }
      case 'p2tr': {
        const key =
          config.internalKey.length === 33 ? config.internalKey.subarray(1) : config.internalKey
        if (key.length !== 32)
          throw fail('internalKey', 'must be a 32-byte x-only or 33-byte compressed key')
        const p = payments.p2tr({ internalPubkey: key, network })
        return {
          kind: 'p2tr',
          network,
          address: p.address!,
          outputScript: p.output!,
          internalKey: key,
          publicKeys: [key],
          m: 1,
        }
      }
      case 'p2wsh-multisig': {
        const { m } = config
        const keys = [...config.publicKeys].sort(compare)
        if (keys.some((k) => k.length !== 33))
          throw fail('publicKeys', 'must be 33-byte compressed keys')
        if (!Number.isInteger(m) || m < 1 || m > keys.length || keys.length > 15)
          throw fail('m', 'must satisfy 1 <= m <= n <= 15')
        const redeem = payments.p2ms({ m, pubkeys: keys, network })
        const p = payments.p2wsh({ redeem, network })
        return {
          kind: 'p2wsh-multisig',
          network,
          address: p.address!,
          outputScript: p.output!,
          witnessScript: redeem.output!,
          publicKeys: keys,
          m,
        }
      }
    }
  } catch (error) {
    if (error instanceof BitcoinInputError) throw error
    throw fail('config', 'is not a valid wallet configuration', error)
  }
}
