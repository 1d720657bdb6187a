import { documentedErrorCodes } from '@strongroom/testkit'
import { describe, expect, it } from 'vitest'
import { JournalCorruptError, OrderbookErrorCode, OrderbookInputError } from './errors.js'
import { version } from './version.js'

describe('orderbook errors', () => {
  it('carry code, path, rule and the package version', () => {
    const error = new OrderbookInputError('must be a number.', {
      path: ['records', 0, 'timestamp'],
      rule: 'integer',
    })
    expect(error.code).toBe('ORDERBOOK_INVALID_INPUT')
    expect(error.shortMessage).toBe('records[0].timestamp: must be a number.')
    expect(error.issue).toEqual({
      code: 'integer',
      path: ['records', 0, 'timestamp'],
      message: 'must be a number.',
    })
    expect(error.version).toBe(`@strongroom/orderbook@${version}`)
    const corrupt = new JournalCorruptError({ location: '/tmp/j', offset: 120, reason: 'checksum' })
    expect(corrupt.offset).toBe(120)
    expect(corrupt.docsPath).toBe('/errors#orderbook_journal_corrupt')
  })

  it('every orderbook error code has an entry in docs/errors.md', () => {
    const documented = documentedErrorCodes()
    const missing = Object.values(OrderbookErrorCode).filter((code) => !documented.has(code))
    expect(missing).toEqual([])
  })
})
