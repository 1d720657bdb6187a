import type { KeyId, SignatureScheme, Signer } from '@strongroom/core'
import type { WalletTier } from '../wallets/wallet.js'

/**
 * Where the orchestrator sends signing requests of wallets of one tier and scheme: an HSM for
 * hot ECDSA wallets, a FROST signer group for warm Ed25519/BIP-340 wallets, and so on.
 */
export type SignerRoute = {
  readonly tier: WalletTier
  readonly scheme: SignatureScheme
  /** The signer holding `keyId`, if this route has it. */
  resolve(keyId: KeyId): Signer | undefined
}

/** A {@link SignerRoute} over a fixed list of signers. */
export function createSignerRoute(parameters: {
  tier: WalletTier
  scheme: SignatureScheme
  signers: readonly Signer[]
}): SignerRoute {
  const byKey = new Map(parameters.signers.map((s) => [s.keyId as string, s]))
  return {
    tier: parameters.tier,
    scheme: parameters.scheme,
    resolve: (keyId) => byKey.get(keyId),
  }
}
