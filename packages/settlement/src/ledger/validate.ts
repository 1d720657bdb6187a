import { type IssuePath, isId, type LedgerAccountRef, MAX_UINT256 } from '@strongroom/core'
import { SettlementInputError } from '../errors.js'
import type { CreateAccountInput, TransferInput } from './types.js'

const REF_PART = /^[A-Za-z0-9_.:@/-]{1,128}$/

/** @throws {SettlementInputError} */
export function assertAccountRef(ref: LedgerAccountRef, path: IssuePath): void {
  if (ref === null || typeof ref !== 'object') {
    throw new SettlementInputError('must be an account { owner, asset, role }.', {
      path,
      rule: 'format',
    })
  }
  for (const field of ['owner', 'asset', 'role'] as const) {
    const value = ref[field]
    if (typeof value !== 'string' || !REF_PART.test(value)) {
      throw new SettlementInputError('must be 1-128 characters from A-Z a-z 0-9 _ . : @ / -.', {
        path: [...path, field],
        rule: 'format',
      })
    }
  }
}

/**
 * Checks one part of an account ref (an owner, asset or wallet id).
 *
 * @throws {SettlementInputError}
 */
export function assertRefPart(value: unknown, path: IssuePath): void {
  if (typeof value !== 'string' || !REF_PART.test(value)) {
    throw new SettlementInputError('must be 1-128 characters from A-Z a-z 0-9 _ . : @ / -.', {
      path,
      rule: 'format',
    })
  }
}

/** @throws {SettlementInputError} */
export function assertAmount(value: unknown, path: IssuePath): asserts value is bigint {
  if (typeof value !== 'bigint') {
    throw new SettlementInputError('must be a bigint of minor units.', { path, rule: 'format' })
  }
  if (value <= 0n) {
    throw new SettlementInputError('must be positive.', { path, rule: 'not_positive' })
  }
  if (value > MAX_UINT256) {
    throw new SettlementInputError('must be at most 2^256 - 1.', { path, rule: 'out_of_range' })
  }
}

/** @throws {SettlementInputError} */
export function assertCode(value: unknown, path: IssuePath): void {
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 2_147_483_647) {
    throw new SettlementInputError('must be an integer from 0 to 2^31 - 1.', {
      path,
      rule: 'out_of_range',
    })
  }
}

/** @throws {SettlementInputError} */
export function assertTransferId(value: unknown, path: IssuePath): void {
  if (!isId(value)) {
    throw new SettlementInputError('must be 1-128 characters from A-Z a-z 0-9 _ . : -.', {
      path,
      rule: 'format',
    })
  }
}

/** @throws {SettlementInputError} */
export function assertOptionalText(value: unknown, path: IssuePath, max = 1024): void {
  if (value === undefined) return
  if (typeof value !== 'string' || value.length > max) {
    throw new SettlementInputError(`must be a string of at most ${max} characters.`, {
      path,
      rule: 'format',
    })
  }
}

/**
 * Checks the shape of a linked batch: ids, amounts, codes, accounts, assets. State-dependent
 * checks (unknown accounts, funds, pending states) are the ledger's and come back as rejections.
 *
 * @throws {SettlementInputError} naming the field.
 */
export function assertTransferBatch(batch: readonly TransferInput[], root = 'transfers'): void {
  if (!Array.isArray(batch) || batch.length === 0) {
    throw new SettlementInputError('must be a non-empty array.', { path: [root], rule: 'empty' })
  }
  const ids = new Set<string>()
  const pendingIds = new Set<string>()
  batch.forEach((transfer, index) => {
    const path: IssuePath = [root, index]
    assertTransferId(transfer.id, [...path, 'id'])
    if (ids.has(transfer.id)) {
      throw new SettlementInputError('appears twice in one batch.', {
        path: [...path, 'id'],
        rule: 'duplicate_id',
      })
    }
    ids.add(transfer.id)
    assertOptionalText(transfer.reference, [...path, 'reference'])
    if (transfer.kind === 'post' || transfer.kind === 'void') {
      assertTransferId(transfer.pendingId, [...path, 'pendingId'])
      if (pendingIds.has(transfer.pendingId)) {
        throw new SettlementInputError('is posted or voided twice in one batch.', {
          path: [...path, 'pendingId'],
          rule: 'duplicate_id',
        })
      }
      pendingIds.add(transfer.pendingId)
      if (transfer.code !== undefined) assertCode(transfer.code, [...path, 'code'])
      if (transfer.kind === 'post' && transfer.amount !== undefined) {
        assertAmount(transfer.amount, [...path, 'amount'])
      }
      return
    }
    if (transfer.kind !== undefined && transfer.kind !== 'single' && transfer.kind !== 'pending') {
      throw new SettlementInputError('must be single, pending, post or void.', {
        path: [...path, 'kind'],
        rule: 'format',
      })
    }
    assertCode(transfer.code, [...path, 'code'])
    assertAccountRef(transfer.debit, [...path, 'debit'])
    assertAccountRef(transfer.credit, [...path, 'credit'])
    assertAmount(transfer.amount, [...path, 'amount'])
    if (transfer.debit.asset !== transfer.credit.asset) {
      throw new SettlementInputError(
        `debits ${transfer.debit.asset} but credits ${transfer.credit.asset}; both sides must be one asset.`,
        { path: [...path, 'credit', 'asset'], rule: 'asset_mismatch' },
      )
    }
    if (
      transfer.debit.owner === transfer.credit.owner &&
      transfer.debit.role === transfer.credit.role
    ) {
      throw new SettlementInputError('debits and credits the same account.', {
        path: [...path, 'credit'],
        rule: 'same_account',
      })
    }
    if (transfer.kind === 'pending' && transfer.timeoutMs !== undefined) {
      if (!Number.isSafeInteger(transfer.timeoutMs) || transfer.timeoutMs <= 0) {
        throw new SettlementInputError('must be a positive integer of milliseconds.', {
          path: [...path, 'timeoutMs'],
          rule: 'not_positive',
        })
      }
    }
  })
}

/** @throws {SettlementInputError} naming the field. */
export function assertAccountInputs(accounts: readonly CreateAccountInput[]): void {
  if (!Array.isArray(accounts) || accounts.length === 0) {
    throw new SettlementInputError('must be a non-empty array.', {
      path: ['accounts'],
      rule: 'empty',
    })
  }
  accounts.forEach((input, index) => {
    assertAccountRef(input.account, ['accounts', index, 'account'])
    assertCode(input.code, ['accounts', index, 'code'])
    assertOptionalText(input.userData, ['accounts', index, 'userData'])
    if (input.flags?.debitsMustNotExceedCredits && input.flags.creditsMustNotExceedDebits) {
      throw new SettlementInputError(
        'cannot forbid both debits exceeding credits and credits exceeding debits.',
        { path: ['accounts', index, 'flags'], rule: 'format' },
      )
    }
  })
}
