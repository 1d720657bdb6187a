import { parseAmount, type RequestId, type WalletId } from '@strongroom/core'
import { z } from 'zod'
import type { SigningRequest } from '../authorization/signingRequest.js'
import { CustodyInputError } from '../custodyErrors.js'
import { type AddressFormat, chainNamespace, type WalletDefinition } from '../wallets/wallet.js'

const id = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'must be 1-128 characters of A-Z a-z 0-9 _ . : -')

/** Schema of a withdrawal intent as it arrives from outside (amount as a decimal string). */
export const withdrawalIntentSchema = z.strictObject({
  requestId: id,
  kind: id.default('withdrawal'),
  walletId: id,
  initiator: id,
  /** CAIP-2 chain id; must equal the wallet's. */
  chain: z.string().min(3).max(128),
  asset: z.string().min(1).max(16),
  /** Whole units, e.g. `"1.25"`. */
  amount: z.string().min(1).max(100),
  destination: z.string().min(1).max(128),
})

/** A withdrawal intent as received. */
export type WithdrawalIntent = z.input<typeof withdrawalIntentSchema>

/** Parameters of {@link parseWithdrawalIntent}. */
export type ParseWithdrawalIntentParameters = {
  intent: unknown
  wallets: ReadonlyMap<string, WalletDefinition>
  addressFormats: ReadonlyMap<string, AddressFormat>
  now: number
}

/**
 * Validates a withdrawal intent against the wallets: shape, known wallet, chain pinned to the
 * wallet's, asset held by the wallet, amount (decimals, positive, range), destination address.
 *
 * @throws {CustodyInputError} naming the field (`CUSTODY_INVALID_REQUEST`, `CUSTODY_UNKNOWN_WALLET`,
 * `CUSTODY_CHAIN_MISMATCH`, `CUSTODY_UNKNOWN_ASSET`, `CUSTODY_INVALID_ADDRESS`), or core's
 * `InvalidAmountError` for the amount.
 */
export function parseWithdrawalIntent(parameters: ParseWithdrawalIntentParameters): {
  request: SigningRequest
  wallet: WalletDefinition
} {
  const parsed = withdrawalIntentSchema.safeParse(parameters.intent)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new CustodyInputError(issue.message, {
      code: 'CUSTODY_INVALID_REQUEST',
      path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
      rule: issue.code,
    })
  }
  const intent = parsed.data
  const wallet = parameters.wallets.get(intent.walletId)
  if (wallet === undefined) {
    throw new CustodyInputError('is not a known wallet.', {
      code: 'CUSTODY_UNKNOWN_WALLET',
      path: ['walletId'],
      rule: 'unknown_wallet',
    })
  }
  if (intent.chain !== wallet.chain) {
    throw new CustodyInputError(`is not the wallet's chain (${wallet.chain}).`, {
      code: 'CUSTODY_CHAIN_MISMATCH',
      path: ['chain'],
      rule: 'chain_pinned',
    })
  }
  const asset = wallet.assets.find((a) => a.code === intent.asset)
  if (asset === undefined) {
    throw new CustodyInputError('is not an asset of this wallet.', {
      code: 'CUSTODY_UNKNOWN_ASSET',
      path: ['asset'],
      rule: 'unknown_asset',
    })
  }
  const amount = parseAmount({ asset, value: intent.amount, path: ['amount'] })
  if (amount === 0n) {
    throw new CustodyInputError('must be more than zero.', {
      code: 'CUSTODY_INVALID_REQUEST',
      path: ['amount'],
      rule: 'not_positive',
    })
  }
  const format = parameters.addressFormats.get(chainNamespace(wallet.chain))
  if (format === undefined) {
    throw new CustodyInputError('is on a chain without an address format.', {
      code: 'CUSTODY_INVALID_REQUEST',
      path: ['chain'],
      rule: 'unsupported_chain',
    })
  }
  const destination = format.parse(intent.destination, ['destination'])
  return {
    wallet,
    request: Object.freeze({
      requestId: intent.requestId as RequestId,
      kind: intent.kind,
      walletId: intent.walletId as WalletId,
      initiator: intent.initiator,
      chain: intent.chain,
      asset: intent.asset,
      amount,
      destination,
      createdAt: parameters.now,
    }),
  }
}
