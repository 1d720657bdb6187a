import type { CanonicalValue } from '@strongroom/core'
import type { SigningRequest } from '../authorization/signingRequest.js'
import type { WalletDefinition } from '../wallets/wallet.js'

/** Why a payload is signed: the transfer itself, or a replacement of it (same sequence number). */
export type SigningPurpose = 'transfer' | 'speed_up' | 'cancel'

/** The exact bytes to sign, derived by the orchestrator from a transaction it has checked. */
export type BoundPayload = {
  /** For ECDSA and BIP-340: the 32-byte message digest; for Ed25519: the message. */
  readonly payload: Uint8Array
  /** What the transaction does, as plain data for the audit log. */
  readonly summary: CanonicalValue
  /** The chain's sequence slot (EVM nonce, spent outpoints) replacements must reuse. */
  readonly sequence: string | undefined
  /** The normalised unsigned transaction whose digest is `payload` (serialize this one). */
  readonly transaction?: unknown
}

/** Parameters of {@link PayloadBinder.bind}. */
export type BindPayloadParameters = {
  readonly request: SigningRequest
  readonly wallet: WalletDefinition
  /** The chain-specific transaction (unsigned), untrusted. */
  readonly transaction: unknown
  readonly purpose: SigningPurpose
  /** Payloads already signed for this request (replacements must reuse their sequence). */
  readonly previous: readonly BoundPayload[]
}

/**
 * Chain-family glue for the orchestrator: checks that a transaction does exactly what the
 * approved request says and computes the bytes to sign from it, so the orchestrator never signs
 * a digest it did not derive itself.
 */
export type PayloadBinder = {
  /** CAIP-2 namespace served: `eip155`, `bip122`. */
  readonly namespace: string
  /** The address a public key controls, to check that a routed signer serves its wallet. */
  addressOf?(publicKey: Uint8Array): string
  /** @throws `CustodyError` `CUSTODY_PAYLOAD_MISMATCH` when the transaction does something else. */
  bind(parameters: BindPayloadParameters): BoundPayload
}

/** Reports which chain each RPC endpoint of a chain says it serves (chain-id pinning). */
export type ChainIdReporter = {
  /** CAIP-2 chain id the endpoints are configured for. */
  readonly chain: string
  report(): Promise<readonly { readonly endpoint: string; readonly chain: string }[]>
}
