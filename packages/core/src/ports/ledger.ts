import type { TransferId } from '../ids.js'

/**
 * A ledger account: one owner's balance of one asset in one role. `owner` is an account id, a
 * venue fee account, a custody wallet or a control account; `role` separates balances of the
 * same owner and asset (e.g. `available` and `locked`).
 */
export type LedgerAccountRef = {
  readonly owner: string
  readonly asset: string
  readonly role: string
}

/** A movement of `amount` minor units from one account to another (same asset). */
export type LedgerTransfer = {
  /** Client-supplied id: re-submitting the same transfer is a no-op; re-using it for different content is an error. */
  readonly id: TransferId
  readonly debit: LedgerAccountRef
  readonly credit: LedgerAccountRef
  /** Positive, in minor units of `debit.asset` (which must equal `credit.asset`). */
  readonly amount: bigint
  /** Business classification (e.g. trade, fee, deposit), stored with the transfer. */
  readonly code: number
  /** Reference back to the cause (order id, trade id, withdrawal id). */
  readonly reference?: string | undefined
}

/** A two-phase transfer: reserved now, posted (fully or partly) or voided later. */
export type LedgerHold = LedgerTransfer & {
  /** Milliseconds after which an unresolved hold is voided; omitted: never. */
  readonly timeoutMs?: number | undefined
}

/** Balances of one ledger account, in minor units. */
export type LedgerBalance = {
  readonly account: LedgerAccountRef
  readonly debitsPosted: bigint
  readonly creditsPosted: bigint
  readonly debitsPending: bigint
  readonly creditsPending: bigint
}

/** Why the ledger refused a write. Nothing was written. */
export type LedgerRejection = {
  /** Stable code, e.g. `SETTLEMENT_INSUFFICIENT_FUNDS`, `SETTLEMENT_ID_CONFLICT`. */
  readonly code: string
  readonly message: string
  /** The transfer (or hold) that failed, when one did. */
  readonly transferId?: TransferId | undefined
}

/** A write outcome: done, or refused as a value. */
export type LedgerWriteResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly rejection: LedgerRejection }

/**
 * Port: what the exchange needs of the ledger. Every change to balances is a balanced double
 * entry; every write is idempotent by its ids; business refusals are returned, not thrown.
 */
export type LedgerPort = {
  /** Applies the transfers as one linked batch: all of them or none. */
  transfer(batch: readonly LedgerTransfer[]): Promise<LedgerWriteResult>
  /** Reserves funds with a pending transfer. */
  hold(hold: LedgerHold): Promise<LedgerWriteResult>
  /** Posts a pending hold, fully or (with `amount`) partly; the rest is released. */
  postHold(parameters: {
    readonly holdId: TransferId
    readonly amount?: bigint | undefined
  }): Promise<LedgerWriteResult>
  /** Releases a pending hold. */
  voidHold(parameters: { readonly holdId: TransferId }): Promise<LedgerWriteResult>
  /** Balances of the owner's accounts (optionally of one asset). */
  balances(parameters: {
    readonly owner: string
    readonly asset?: string | undefined
  }): Promise<readonly LedgerBalance[]>
}
