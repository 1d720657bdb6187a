import { InputError, isStrongroomError } from '@strongroom/core'
import { documentedErrorCodes } from '@strongroom/testkit'
import { describe, expect, it } from 'vitest'
import {
  assertWritten,
  LedgerRejectedError,
  SettlementErrorCode,
  SettlementInputError,
} from './errors.js'
import { version } from './version.js'

describe('settlement errors', () => {
  it('every code is documented in docs/errors.md', () => {
    const documented = documentedErrorCodes()
    expect(Object.values(SettlementErrorCode).filter((code) => !documented.has(code))).toEqual([])
  })

  it('bad input is an InputError naming the field and rule, with this package version', () => {
    const error = new SettlementInputError('must be positive.', {
      path: ['transfers', 2, 'amount'],
      rule: 'not_positive',
    })
    expect(error).toBeInstanceOf(InputError)
    expect(isStrongroomError(error, 'SETTLEMENT_INVALID_INPUT')).toBe(true)
    expect(error.shortMessage).toBe('transfers[2].amount: must be positive.')
    expect(error.issue).toEqual({
      code: 'not_positive',
      path: ['transfers', 2, 'amount'],
      message: 'must be positive.',
    })
    expect(error.version).toBe(`@strongroom/settlement@${version}`)
    expect(error.docsPath).toBe('/errors#settlement_invalid_input')
  })

  it('assertWritten passes successes through and throws rejections', () => {
    const ok = { ok: true as const, writeSeq: 1n, replayed: false }
    expect(assertWritten(ok)).toBe(ok)
    const rejection = { code: 'SETTLEMENT_INSUFFICIENT_FUNDS' as const, message: 'short by 5' }
    expect(() => assertWritten({ ok: false, rejection })).toThrow(LedgerRejectedError)
    try {
      assertWritten({ ok: false, rejection })
    } catch (error) {
      expect((error as LedgerRejectedError).rejection).toBe(rejection)
      expect((error as LedgerRejectedError).details).toBe('short by 5')
    }
  })
})
