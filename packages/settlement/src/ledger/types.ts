import type { LedgerAccountRef } from '@strongroom/core'
import type { SettlementRejection } from '../errors.js'

/** Balance rules and options of an account (TigerBeetle's account flags). */
export type AccountFlags = {
  /** Debits (posted and pending) may never exceed posted credits: an asset balance that cannot go negative. */
  readonly debitsMustNotExceedCredits?: boolean | undefined
  /** Credits (posted and pending) may never exceed posted debits: e.g. a custody wallet. */
  readonly creditsMustNotExceedDebits?: boolean | undefined
  /** Keep a history row of the balances after every write that changes them. */
  readonly history?: boolean | undefined
}

/** Bits of {@link AccountFlags} as stored (the CHECK constraints read them). */
export const ACCOUNT_FLAG_BITS = {
  debitsMustNotExceedCredits: 2,
  creditsMustNotExceedDebits: 4,
  history: 8,
} as const

/** An account to create. Accounts are identified by `owner`, `asset` and `role`. */
export type CreateAccountInput = {
  readonly account: LedgerAccountRef
  /** What kind of account this is (chart of accounts), a non-negative 32-bit integer. */
  readonly code: number
  readonly flags?: AccountFlags | undefined
  /** Free text kept with the account (e.g. a wallet's tier). */
  readonly userData?: string | undefined
}

/** A stored account with its balances (minor units). */
export type LedgerAccount = {
  readonly account: LedgerAccountRef
  readonly code: number
  readonly flags: Required<AccountFlags>
  readonly userData: string | undefined
  readonly debitsPending: bigint
  readonly debitsPosted: bigint
  readonly creditsPending: bigint
  readonly creditsPosted: bigint
  /** Epoch milliseconds of creation (from the injected clock). */
  readonly createdAt: number
}

/** Fields every new transfer carries. */
export type TransferCommon = {
  /** Client-supplied id (1-128 of `[A-Za-z0-9_.:-]`): the same id and contents twice is one write. */
  readonly id: string
  /** Business classification (trade, fee, deposit…), a non-negative 32-bit integer. */
  readonly code: number
  /** Reference back to the cause (order, trade, deposit). */
  readonly reference?: string | undefined
}

/** Moves `amount` from `debit` to `credit` now. */
export type SingleTransferInput = TransferCommon & {
  readonly kind?: 'single' | undefined
  readonly debit: LedgerAccountRef
  readonly credit: LedgerAccountRef
  readonly amount: bigint
}

/** Reserves `amount`: it shows in the pending balances until posted, voided or expired. */
export type PendingTransferInput = TransferCommon & {
  readonly kind: 'pending'
  readonly debit: LedgerAccountRef
  readonly credit: LedgerAccountRef
  readonly amount: bigint
  /** Milliseconds after which the reservation expires (voided by `expirePendingTransfers`). */
  readonly timeoutMs?: number | undefined
}

/** Posts a pending transfer, fully or (with `amount`) partly; the rest is released. */
export type PostPendingTransferInput = Omit<TransferCommon, 'code'> & {
  readonly kind: 'post'
  readonly pendingId: string
  readonly amount?: bigint | undefined
  readonly code?: number | undefined
}

/** Releases a pending transfer. */
export type VoidPendingTransferInput = Omit<TransferCommon, 'code'> & {
  readonly kind: 'void'
  readonly pendingId: string
  readonly code?: number | undefined
}

/** One transfer of a linked batch. */
export type TransferInput =
  | SingleTransferInput
  | PendingTransferInput
  | PostPendingTransferInput
  | VoidPendingTransferInput

/** Lifecycle of a pending transfer. */
export type PendingState = 'pending' | 'posted' | 'voided' | 'expired'

/** A stored transfer. Post, void and expire transfers name the pending one in `pendingId`. */
export type LedgerTransferRecord = {
  readonly id: string
  readonly kind: 'single' | 'pending' | 'post' | 'void' | 'expire'
  readonly debit: LedgerAccountRef
  readonly credit: LedgerAccountRef
  /** Moved (single, post) or reserved (pending) or released (void, expire) amount. */
  readonly amount: bigint
  readonly code: number
  readonly reference: string | undefined
  readonly pendingId: string | undefined
  /** Pending transfers only. */
  readonly state: PendingState | undefined
  readonly timeoutMs: number | undefined
  readonly expiresAt: number | undefined
  /** The write (batch) that stored it; orders all writes of the ledger. */
  readonly writeSeq: bigint
  readonly createdAt: number
}

/** Balances of an account after one write (accounts with the `history` flag). */
export type BalanceHistoryEntry = {
  readonly writeSeq: bigint
  readonly at: number
  readonly debitsPending: bigint
  readonly debitsPosted: bigint
  readonly creditsPending: bigint
  readonly creditsPosted: bigint
}

/** Outcome of a ledger write: applied (or already applied: `replayed`), or rejected. */
export type WriteResult =
  | { readonly ok: true; readonly writeSeq: bigint; readonly replayed: boolean }
  | { readonly ok: false; readonly rejection: SettlementRejection }

/** Per-asset sums over every account; each must balance (debits equal credits). */
export type AssetTotals = {
  readonly asset: string
  readonly debitsPending: bigint
  readonly debitsPosted: bigint
  readonly creditsPending: bigint
  readonly creditsPosted: bigint
}
