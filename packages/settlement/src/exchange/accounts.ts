import type { LedgerAccountRef } from '@strongroom/core'
import type { Ledger } from '../ledger/openLedger.js'
import type { CreateAccountInput, WriteResult } from '../ledger/types.js'

/** Roles of the accounts the exchange operations use. */
export const ACCOUNT_ROLES = {
  /** A customer's free balance. */
  available: 'available',
  /** A customer's balance held for open orders and pending withdrawals. */
  locked: 'locked',
  /** Venue revenue from maker fees. */
  makerFees: 'fees:maker',
  /** Venue revenue from taker fees. */
  takerFees: 'fees:taker',
  /** Venue revenue from withdrawal fees. */
  withdrawalFees: 'fees:withdrawal',
  /** What a custody wallet holds on chain (debit-normal). */
  custody: 'custody',
  /** Withdrawals on their way out (posted, not yet taken from a wallet). */
  clearing: 'clearing',
  /** Network fees the venue paid. */
  networkFees: 'expense:network',
} as const

/** Account codes (the chart of accounts) of the exchange operations. */
export const ACCOUNT_CODES = {
  customer: 1,
  customerLocked: 2,
  fees: 3,
  custody: 4,
  clearing: 5,
  expense: 6,
} as const

/** Transfer codes of the exchange operations. */
export const TRANSFER_CODES = {
  deposit: 10,
  withdrawal: 11,
  withdrawalFee: 12,
  networkFee: 13,
  lock: 20,
  release: 21,
  trade: 30,
  makerFee: 31,
  takerFee: 32,
} as const

/** Owner of the venue's own accounts (fees, clearing, expenses). */
export const VENUE_OWNER = 'venue'

/** Owner under which a custody wallet's accounts are kept. */
export function walletOwner(walletId: string): string {
  return `wallet:${walletId}`
}

/** A customer's available balance of `asset`. */
export function availableAccount(owner: string, asset: string): LedgerAccountRef {
  return { owner, asset, role: ACCOUNT_ROLES.available }
}

/** A customer's locked (held) balance of `asset`. */
export function lockedAccount(owner: string, asset: string): LedgerAccountRef {
  return { owner, asset, role: ACCOUNT_ROLES.locked }
}

/** The venue's account for maker or taker fees in `asset`. */
export function feeAccount(asset: string, liquidity: 'maker' | 'taker'): LedgerAccountRef {
  return {
    owner: VENUE_OWNER,
    asset,
    role: liquidity === 'maker' ? ACCOUNT_ROLES.makerFees : ACCOUNT_ROLES.takerFees,
  }
}

/** The ledger's view of what wallet `walletId` holds of `asset`. */
export function walletAccount(walletId: string, asset: string): LedgerAccountRef {
  return { owner: walletOwner(walletId), asset, role: ACCOUNT_ROLES.custody }
}

/** Parameters of {@link openCustomerAccounts}. */
export type OpenCustomerAccountsParameters = {
  readonly ledger: Ledger
  readonly owner: string
  readonly assets: readonly string[]
  /** Keep balance history (default `false`). */
  readonly history?: boolean | undefined
}

/**
 * Creates a customer's available and locked accounts for each asset: both may never go below
 * zero. Idempotent.
 */
export function openCustomerAccounts(
  parameters: OpenCustomerAccountsParameters,
): Promise<WriteResult> {
  const flags = { debitsMustNotExceedCredits: true, history: parameters.history ?? false }
  return parameters.ledger.createAccounts(
    parameters.assets.flatMap((asset): CreateAccountInput[] => [
      { account: availableAccount(parameters.owner, asset), code: ACCOUNT_CODES.customer, flags },
      {
        account: lockedAccount(parameters.owner, asset),
        code: ACCOUNT_CODES.customerLocked,
        flags,
      },
    ]),
  )
}

/** A custody wallet and its tier. */
export type CustodyWallet = {
  readonly walletId: string
  readonly tier: 'hot' | 'warm' | 'cold'
}

/** Parameters of {@link openVenueAccounts}. */
export type OpenVenueAccountsParameters = {
  readonly ledger: Ledger
  readonly assets: readonly string[]
  readonly wallets: readonly CustodyWallet[]
}

/**
 * Creates the venue's accounts for each asset: maker, taker and withdrawal fee accounts (never
 * negative), the withdrawal clearing account, the network-fee expense account, and one custody
 * account per wallet (credits may never exceed debits: a wallet cannot hold less than zero).
 * Idempotent.
 */
export function openVenueAccounts(parameters: OpenVenueAccountsParameters): Promise<WriteResult> {
  const never = { debitsMustNotExceedCredits: true }
  return parameters.ledger.createAccounts(
    parameters.assets.flatMap((asset): CreateAccountInput[] => [
      { account: feeAccount(asset, 'maker'), code: ACCOUNT_CODES.fees, flags: never },
      { account: feeAccount(asset, 'taker'), code: ACCOUNT_CODES.fees, flags: never },
      {
        account: { owner: VENUE_OWNER, asset, role: ACCOUNT_ROLES.withdrawalFees },
        code: ACCOUNT_CODES.fees,
        flags: never,
      },
      {
        account: { owner: VENUE_OWNER, asset, role: ACCOUNT_ROLES.clearing },
        code: ACCOUNT_CODES.clearing,
        flags: never,
      },
      {
        account: { owner: VENUE_OWNER, asset, role: ACCOUNT_ROLES.networkFees },
        code: ACCOUNT_CODES.expense,
      },
      ...parameters.wallets.map(
        (wallet): CreateAccountInput => ({
          account: walletAccount(wallet.walletId, asset),
          code: ACCOUNT_CODES.custody,
          flags: { creditsMustNotExceedDebits: true },
          userData: wallet.tier,
        }),
      ),
    ]),
  )
}
