import { documentedErrorCodes } from '@strongroom/testkit'
import { describe, expect, it } from 'vitest'
import { CoreError, CoreErrorCode, InputError, InvalidAmountError } from './coreErrors.js'
import { getErrorCodeInfo, listErrorCodes, registerErrorCodes } from './errorCodes.js'
import { isStrongroomError, StrongroomError } from './errors.js'
import { version } from './version.js'

describe('StrongroomError', () => {
  it('carries code, short message, details, docs path and version', () => {
    const cause = new Error('disk full')
    const error = new StrongroomError('Could not write.', {
      code: 'TEST_WRITE_FAILED',
      cause,
      metaMessages: ['File: /x'],
    })
    expect(error.code).toBe('TEST_WRITE_FAILED')
    expect(error.shortMessage).toBe('Could not write.')
    expect(error.details).toBe('disk full')
    expect(error.docsPath).toBe('/errors#test_write_failed')
    expect(error.version).toBe(`@strongroom/core@${version}`)
    expect(error.cause).toBe(cause)
    expect(error.message).toBe(
      [
        'Could not write.',
        '',
        'File: /x',
        '',
        'Details: disk full',
        'Docs: /errors#test_write_failed',
        'Code: TEST_WRITE_FAILED',
        `Version: @strongroom/core@${version}`,
      ].join('\n'),
    )
  })

  it('walks the cause chain', () => {
    const root = new TypeError('root')
    const middle = new CoreError('middle', { code: 'CORE_AUDIT_WRITE_FAILED', cause: root })
    const top = new StrongroomError('top', { code: 'TEST_TOP', cause: middle })
    expect(top.walk()).toBe(root)
    expect(top.walk((e) => e instanceof CoreError)).toBe(middle)
    expect(top.walk((e) => e instanceof RangeError)).toBeUndefined()
    expect(top.details).toBe('root')
  })

  it('subclasses keep their identity and codes', () => {
    const error = new InvalidAmountError('bad', {
      code: 'CORE_INVALID_AMOUNT',
      path: ['a'],
      rule: 'format',
    })
    expect(error).toBeInstanceOf(CoreError)
    expect(error).toBeInstanceOf(StrongroomError)
    expect(error.name).toBe('InvalidAmountError')
    expect(isStrongroomError(error)).toBe(true)
    expect(isStrongroomError(error, 'CORE_INVALID_AMOUNT')).toBe(true)
    expect(isStrongroomError(error, 'CORE_INVALID_ID')).toBe(false)
    expect(isStrongroomError(new Error('x'))).toBe(false)
  })
})

describe('error code registry', () => {
  it('registers core codes with their owner and summary', () => {
    expect(CoreErrorCode.CORE_INVALID_AMOUNT).toBe('CORE_INVALID_AMOUNT')
    expect(getErrorCodeInfo('CORE_INVALID_AMOUNT')).toMatchObject({ package: '@strongroom/core' })
    const codes = listErrorCodes().map((info) => info.code)
    expect(codes).toEqual([...codes].sort())
    expect(codes).toContain('CORE_AUDIT_TORN_TAIL')
  })

  it('allows identical re-registration and refuses conflicts', () => {
    registerErrorCodes('@test/a', { TEST_ONE: 'one' })
    expect(registerErrorCodes('@test/a', { TEST_ONE: 'one' })).toEqual({ TEST_ONE: 'TEST_ONE' })
    expect(() => registerErrorCodes('@test/b', { TEST_ONE: 'one' })).toThrow(/already registered/)
    expect(() => registerErrorCodes('@test/a', { TEST_ONE: 'other' })).toThrow(/already registered/)
    expect(() => registerErrorCodes('@test/a', { lower_case: 'x' })).toThrow(/not of the form/)
    expect(() => registerErrorCodes('@test/a', { NOPREFIX: 'x' })).toThrow(/not of the form/)
  })
})

describe('error documentation', () => {
  it('every core error code has an entry in docs/errors.md', () => {
    const documented = documentedErrorCodes()
    const missing = Object.values(CoreErrorCode).filter((code) => !documented.has(code))
    expect(missing).toEqual([])
  })
})

describe('InputError reused by another package', () => {
  it('keeps the other package’s code and version', () => {
    registerErrorCodes('@strongroom/example', { EXAMPLE_BAD_FIELD: 'A field was bad.' })
    const error = new InputError('is bad.', {
      code: 'EXAMPLE_BAD_FIELD',
      path: ['order', 'side'],
      rule: 'enum',
      version: '@strongroom/example@1.2.3',
    })
    expect(error).toBeInstanceOf(InputError)
    expect(error.code).toBe('EXAMPLE_BAD_FIELD')
    expect(error.version).toBe('@strongroom/example@1.2.3')
    expect(error.docsPath).toBe('/errors#example_bad_field')
    expect(error.issue).toEqual({ code: 'enum', path: ['order', 'side'], message: 'is bad.' })
  })
})
