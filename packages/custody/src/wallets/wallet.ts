import type { AssetSpec, IssuePath, KeyId, SignatureScheme, WalletId } from '@strongroom/core'

/** Key tier of a wallet: online hot, semi-online warm, offline cold. */
export type WalletTier = 'hot' | 'warm' | 'cold'

/** An asset a wallet holds: its spec, plus the token contract for non-native assets. */
export type WalletAsset = AssetSpec & {
  /** Token contract (ERC-20 address on EVM chains); absent for the chain's native asset. */
  readonly contract?: string | undefined
}

/** A custody wallet: one key on one chain, in one tier, for one venue. */
export type WalletDefinition = {
  readonly id: WalletId
  /** The legal entity or venue the wallet belongs to (kill switches can freeze a venue). */
  readonly venue: string
  readonly tier: WalletTier
  /** CAIP-2 chain id the wallet is pinned to: `eip155:1`. */
  readonly chain: string
  readonly scheme: SignatureScheme
  readonly keyId: KeyId
  /** The wallet's address, in its chain's canonical form. */
  readonly address: string
  readonly assets: readonly WalletAsset[]
}

/**
 * How one chain family writes addresses: parses user input into the canonical form, or throws
 * a `CustodyInputError` (`CUSTODY_INVALID_ADDRESS`) naming the field.
 */
export type AddressFormat = {
  /** CAIP-2 namespace: `eip155`, `bip122`. */
  readonly namespace: string
  parse(address: string, path: IssuePath): string
}

/** The CAIP-2 namespace of a chain id (`eip155` of `eip155:1`). */
export function chainNamespace(chain: string): string {
  const colon = chain.indexOf(':')
  return colon < 0 ? chain : chain.slice(0, colon)
}
