import { SettlementInputError } from '../errors.js'
import { type Ledger, ledgerInternals } from '../ledger/openLedger.js'
import type { WriteResult } from '../ledger/types.js'
import {
  assertAmount,
  assertOptionalText,
  assertRefPart,
  assertTransferId,
} from '../ledger/validate.js'
import type { PlannedInput } from '../ledger/writeTransfers.js'
import {
  ACCOUNT_ROLES,
  availableAccount,
  TRANSFER_CODES,
  VENUE_OWNER,
  walletAccount,
} from './accounts.js'

/** Parameters of {@link Withdrawals.request}. */
export type RequestWithdrawalParameters = {
  /** Unique per withdrawal; writes are idempotent by it. */
  readonly withdrawalId: string
  readonly owner: string
  readonly asset: string
  /** Sent to the destination. */
  readonly amount: bigint
  /** Charged to the owner on top of `amount`, to the venue's withdrawal-fee account. */
  readonly fee?: bigint | undefined
  /** Destination or request reference kept with the transfers. */
  readonly reference?: string | undefined
}

/** Parameters of {@link Withdrawals.confirm}. */
export type ConfirmWithdrawalParameters = {
  readonly withdrawalId: string
  /** The custody wallet that sent it. */
  readonly walletId: string
  /** Network fee the wallet paid, booked as the venue's expense. */
  readonly networkFee?: bigint | undefined
}

/**
 * The withdrawal lifecycle: funds held on request, posted when custody reports final
 * confirmation (and taken out of the sending wallet's account), released on failure or rejection.
 */
export type Withdrawals = {
  request(parameters: RequestWithdrawalParameters): Promise<WriteResult>
  confirm(parameters: ConfirmWithdrawalParameters): Promise<WriteResult>
  /** Failed on chain, rejected by compliance or policy: the hold is released. */
  fail(parameters: { readonly withdrawalId: string }): Promise<WriteResult>
}

const holdId = (id: string) => `withdrawal:${id}`
const feeHoldId = (id: string) => `withdrawal-fee:${id}`

/** Creates the withdrawal lifecycle on a ledger. */
export function createWithdrawals(parameters: { readonly ledger: Ledger }): Withdrawals {
  const { ledger } = parameters
  const internals = ledgerInternals(ledger)
  const clearing = (asset: string) => ({
    owner: VENUE_OWNER,
    asset,
    role: ACCOUNT_ROLES.clearing,
  })

  async function resolveWith(
    withdrawalId: string,
    kind: 'post' | 'void',
    extra: (asset: string, amount: bigint) => PlannedInput[],
  ): Promise<WriteResult> {
    const [hold, feeHold] = await ledger.lookupTransfers([
      holdId(withdrawalId),
      feeHoldId(withdrawalId),
    ])
    if (!hold) {
      return {
        ok: false,
        rejection: {
          code: 'SETTLEMENT_PENDING_NOT_FOUND',
          message: `No withdrawal ${withdrawalId}.`,
        },
      }
    }
    const batch: PlannedInput[] = [
      { kind, id: `withdrawal-${kind}:${withdrawalId}`, pendingId: hold.id },
    ]
    if (feeHold) {
      batch.push({ kind, id: `withdrawal-fee-${kind}:${withdrawalId}`, pendingId: feeHold.id })
    }
    batch.push(...extra(hold.debit.asset, hold.amount))
    return internals.withRetry((tx) => internals.write(tx, batch))
  }

  return {
    async request(p) {
      assertTransferId(p.withdrawalId, ['withdrawalId'])
      assertAmount(p.amount, ['amount'])
      if (p.fee !== undefined) assertAmount(p.fee, ['fee'])
      assertOptionalText(p.reference, ['reference'], 256)
      assertRefPart(p.owner, ['owner'])
      assertRefPart(p.asset, ['asset'])
      const from = availableAccount(p.owner, p.asset)
      const batch: PlannedInput[] = [
        {
          kind: 'pending',
          id: holdId(p.withdrawalId),
          debit: from,
          credit: clearing(p.asset),
          amount: p.amount,
          code: TRANSFER_CODES.withdrawal,
          reference: p.reference,
        },
      ]
      if (p.fee !== undefined) {
        batch.push({
          kind: 'pending',
          id: feeHoldId(p.withdrawalId),
          debit: from,
          credit: { owner: VENUE_OWNER, asset: p.asset, role: ACCOUNT_ROLES.withdrawalFees },
          amount: p.fee,
          code: TRANSFER_CODES.withdrawalFee,
          reference: p.reference,
        })
      }
      return internals.withRetry((tx) => internals.write(tx, batch))
    },

    async confirm({ withdrawalId, walletId, networkFee }) {
      assertTransferId(withdrawalId, ['withdrawalId'])
      assertRefPart(walletId, ['walletId'])
      if (networkFee !== undefined) {
        if (typeof networkFee !== 'bigint' || networkFee < 0n) {
          throw new SettlementInputError('must be a non-negative bigint.', {
            path: ['networkFee'],
            rule: 'out_of_range',
          })
        }
      }
      return resolveWith(withdrawalId, 'post', (asset, amount) => {
        const wallet = walletAccount(walletId, asset)
        const out: PlannedInput[] = [
          {
            id: `withdrawal-out:${withdrawalId}`,
            debit: clearing(asset),
            credit: wallet,
            amount,
            code: TRANSFER_CODES.withdrawal,
            reference: withdrawalId,
          },
        ]
        if (networkFee !== undefined && networkFee > 0n) {
          out.push({
            id: `withdrawal-network-fee:${withdrawalId}`,
            debit: { owner: VENUE_OWNER, asset, role: ACCOUNT_ROLES.networkFees },
            credit: wallet,
            amount: networkFee,
            code: TRANSFER_CODES.networkFee,
            reference: withdrawalId,
          })
        }
        return out
      })
    },

    async fail({ withdrawalId }) {
      assertTransferId(withdrawalId, ['withdrawalId'])
      return resolveWith(withdrawalId, 'void', () => [])
    },
  }
}
