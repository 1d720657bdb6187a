import { SettlementInputError, type SettlementRejection } from '../errors.js'
import { type Ledger, ledgerInternals } from '../ledger/openLedger.js'
import type { WriteResult } from '../ledger/types.js'
import {
  assertAmount,
  assertOptionalText,
  assertRefPart,
  assertTransferId,
} from '../ledger/validate.js'
import { availableAccount, TRANSFER_CODES, walletAccount } from './accounts.js'

/** Parameters of {@link createDeposits}. */
export type CreateDepositsParameters = {
  readonly ledger: Ledger
  /** Confirmations each asset needs before a deposit is credited (e.g. `{ BTC: 3, ETH: 12 }`). */
  readonly confirmationDepth: Readonly<Record<string, number>>
}

/** Parameters of {@link Deposits.detect}. */
export type DetectDepositParameters = {
  /** Unique per deposit (e.g. `<txid>:<output>`); writes are idempotent by it. */
  readonly depositId: string
  readonly owner: string
  readonly asset: string
  /** The custody wallet that received it. */
  readonly walletId: string
  readonly amount: bigint
  /** Chain reference kept with the transfer (transaction hash). */
  readonly txRef?: string | undefined
}

/** Where a deposit stands after {@link Deposits.confirmations}. */
export type DepositProgressReturnType =
  | {
      readonly ok: true
      readonly state: 'pending' | 'posted'
      readonly confirmations: number
      readonly required: number
    }
  | { readonly ok: false; readonly rejection: SettlementRejection }

/** The deposit lifecycle: a pending credit on detection, posted at depth, voided on a reorg. */
export type Deposits = {
  /** Records a detected deposit as a pending credit to the owner's available balance. */
  detect(parameters: DetectDepositParameters): Promise<WriteResult>
  /** Reports the confirmations seen; posts the deposit once they reach the asset's depth. */
  confirmations(parameters: {
    readonly depositId: string
    readonly confirmations: number
  }): Promise<DepositProgressReturnType>
  /** The deposit's transaction left the chain (reorg): the pending credit is voided. */
  reorged(parameters: { readonly depositId: string }): Promise<WriteResult>
}

const pendingIdOf = (depositId: string) => `deposit:${depositId}`

/**
 * Creates the deposit lifecycle on a ledger. A deposit is a pending transfer from the wallet's
 * custody account to the owner's available account: visible as pending, not spendable, until
 * posted.
 *
 * @throws {SettlementInputError} when a confirmation depth is not a positive integer.
 */
export function createDeposits(parameters: CreateDepositsParameters): Deposits {
  const { ledger } = parameters
  for (const [asset, depth] of Object.entries(parameters.confirmationDepth)) {
    if (!Number.isSafeInteger(depth) || depth < 1) {
      throw new SettlementInputError('must be a positive integer.', {
        path: ['confirmationDepth', asset],
        rule: 'out_of_range',
      })
    }
  }
  const internals = ledgerInternals(ledger)
  const depthOf = (asset: string) => parameters.confirmationDepth[asset]

  return {
    async detect(p) {
      assertTransferId(p.depositId, ['depositId'])
      assertAmount(p.amount, ['amount'])
      assertOptionalText(p.txRef, ['txRef'], 256)
      assertRefPart(p.owner, ['owner'])
      assertRefPart(p.asset, ['asset'])
      assertRefPart(p.walletId, ['walletId'])
      if (depthOf(p.asset) === undefined) {
        throw new SettlementInputError(`has no confirmation depth configured.`, {
          path: ['asset'],
          rule: 'format',
        })
      }
      return internals.withRetry((tx) =>
        internals.write(tx, [
          {
            kind: 'pending',
            id: pendingIdOf(p.depositId),
            debit: walletAccount(p.walletId, p.asset),
            credit: availableAccount(p.owner, p.asset),
            amount: p.amount,
            code: TRANSFER_CODES.deposit,
            reference: p.txRef,
          },
        ]),
      )
    },

    async confirmations({ depositId, confirmations }) {
      assertTransferId(depositId, ['depositId'])
      if (!Number.isSafeInteger(confirmations) || confirmations < 0) {
        throw new SettlementInputError('must be a non-negative integer.', {
          path: ['confirmations'],
          rule: 'out_of_range',
        })
      }
      const [pending] = await ledger.lookupTransfers([pendingIdOf(depositId)])
      if (!pending) {
        return {
          ok: false,
          rejection: {
            code: 'SETTLEMENT_PENDING_NOT_FOUND',
            message: `No deposit ${depositId}.`,
          },
        }
      }
      const required = depthOf(pending.debit.asset) ?? 1
      if (confirmations < required && pending.state === 'pending') {
        return { ok: true, state: 'pending', confirmations, required }
      }
      const posted = await internals.withRetry((tx) =>
        internals.write(tx, [
          { kind: 'post', id: `deposit-post:${depositId}`, pendingId: pendingIdOf(depositId) },
        ]),
      )
      if (!posted.ok) return posted
      return { ok: true, state: 'posted', confirmations, required }
    },

    async reorged({ depositId }) {
      assertTransferId(depositId, ['depositId'])
      return internals.withRetry((tx) =>
        internals.write(tx, [
          { kind: 'void', id: `deposit-void:${depositId}`, pendingId: pendingIdOf(depositId) },
        ]),
      )
    },
  }
}
