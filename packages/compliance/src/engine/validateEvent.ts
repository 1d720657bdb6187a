import type { ComplianceEvent } from '@strongroom/core'
import { ComplianceInputError } from '../errors.js'

const fail = (path: (string | number)[], message: string, rule: string) =>
  new ComplianceInputError(message, { code: 'COMPLIANCE_INVALID_EVENT', path, rule })

function str(e: Record<string, unknown>, key: string): void {
  const v = e[key]
  if (typeof v !== 'string' || v === '')
    throw fail(
      [key],
      v === undefined ? 'is missing.' : 'must be a non-empty string.',
      v === undefined ? 'required' : 'type',
    )
}

function amount(e: Record<string, unknown>, key: string): void {
  const v = e[key]
  if (typeof v !== 'bigint')
    throw fail(
      [key],
      v === undefined ? 'is missing.' : 'must be a bigint (minor units).',
      v === undefined ? 'required' : 'type',
    )
  if (v < 0n) throw fail([key], 'must not be negative.', 'negative')
}

/**
 * Checks that `event` has every field its kind needs, with the right types (a hand-written check:
 * it runs on the hot path).
 *
 * @throws {ComplianceInputError} `COMPLIANCE_INVALID_EVENT` naming the field.
 */
export function assertComplianceEvent(event: unknown): asserts event is ComplianceEvent {
  if (typeof event !== 'object' || event === null) throw fail([], 'is not an event object.', 'type')
  const e = event as Record<string, unknown>
  str(e, 'id')
  if (typeof e.timestamp !== 'number' || !Number.isSafeInteger(e.timestamp) || e.timestamp < 0) {
    throw fail(
      ['timestamp'],
      e.timestamp === undefined
        ? 'is missing.'
        : 'must be epoch milliseconds (a non-negative integer).',
      e.timestamp === undefined ? 'required' : 'type',
    )
  }
  str(e, 'accountId')
  switch (e.kind) {
    case 'deposit':
      str(e, 'asset')
      amount(e, 'amount')
      str(e, 'chain')
      if (e.sourceAddress !== undefined && typeof e.sourceAddress !== 'string')
        throw fail(['sourceAddress'], 'must be a string.', 'type')
      return
    case 'withdrawal':
      str(e, 'asset')
      amount(e, 'amount')
      str(e, 'chain')
      str(e, 'destinationAddress')
      return
    case 'trade':
      str(e, 'counterpartyAccountId')
      str(e, 'instrument')
      if (e.side !== 'buy' && e.side !== 'sell')
        throw fail(['side'], 'must be "buy" or "sell".', 'enum')
      str(e, 'baseAsset')
      amount(e, 'baseAmount')
      str(e, 'quoteAsset')
      amount(e, 'quoteAmount')
      return
    case 'transfer':
      str(e, 'toAccountId')
      str(e, 'asset')
      amount(e, 'amount')
      if (e.toAccountId === e.accountId)
        throw fail(['toAccountId'], 'must differ from accountId.', 'same_account')
      return
    default:
      throw fail(
        ['kind'],
        e.kind === undefined
          ? 'is missing.'
          : `"${String(e.kind)}" is not deposit, withdrawal, trade or transfer.`,
        e.kind === undefined ? 'required' : 'enum',
      )
  }
}
