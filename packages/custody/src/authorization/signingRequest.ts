import { canonicalJson, type RequestId, type WalletId } from '@strongroom/core'
import { sha256Hex } from '../crypto/bytes.js'

/** Domain tag hashed into every request digest, so a request digest is never anything else. */
export const REQUEST_DIGEST_DOMAIN = 'strongroom.request.v1'

/**
 * What an initiator asks custody to do, in the exact form approvers approve. Chain-specific
 * transaction details (nonce, fees, UTXOs) are not part of it: the orchestrator checks that each
 * transaction it signs does what the request says.
 */
export type SigningRequest = {
  readonly requestId: RequestId
  /** `withdrawal` for the EVM path; other kinds (sweeps, rebalancing) use their own word. */
  readonly kind: string
  readonly walletId: WalletId
  /** Who asked (a user or service id). Never counts as an approver of their own request. */
  readonly initiator: string
  /** CAIP-2 chain id: `eip155:1`, `eip155:31337`, `bip122:000000000019d6689c085ae165831e93`. */
  readonly chain: string
  /** Asset code as the wallet knows it (`ETH`, `USDC`). */
  readonly asset: string
  /** Amount in the asset's minor units. */
  readonly amount: bigint
  /** Destination address in its chain's canonical form (EIP-55 for EVM). */
  readonly destination: string
  /** When the request was submitted (epoch ms). */
  readonly createdAt: number
}

/**
 * The request digest: SHA-256 (hex) of the canonical JSON of the request with
 * `domain: "strongroom.request.v1"` added. Approvers sign this digest (see
 * {@link approvalMessage}); the authorization carries it.
 *
 * @example
 * ```ts
 * requestDigest({ requestId, kind: 'withdrawal', walletId, initiator: 'alice', chain: 'eip155:1',
 *   asset: 'ETH', amount: 10n ** 18n, destination: '0x…', createdAt: 1_700_000_000_000 })
 * ```
 */
export function requestDigest(request: SigningRequest): string {
  return sha256Hex(
    canonicalJson({
      domain: REQUEST_DIGEST_DOMAIN,
      requestId: request.requestId,
      kind: request.kind,
      walletId: request.walletId,
      initiator: request.initiator,
      chain: request.chain,
      asset: request.asset,
      amount: request.amount,
      destination: request.destination,
      createdAt: request.createdAt,
    }),
  )
}
