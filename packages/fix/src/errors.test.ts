import { InputError, StrongroomError } from '@strongroom/core'
import { documentedErrorCodes } from '@strongroom/testkit'
import { describe, expect, it } from 'vitest'
import { FixErrorCode, InvalidFixFieldError } from './errors.js'
import { version } from './version.js'

describe('@strongroom/fix errors', () => {
  it('are InputErrors naming the field and rule, versioned with this package', () => {
    const error = new InvalidFixFieldError('is not a decimal.', {
      code: 'FIX_INVALID_FIELD',
      path: ['OrderQty(38)'],
      rule: 'decimal',
    })
    expect(error).toBeInstanceOf(InputError)
    expect(error).toBeInstanceOf(StrongroomError)
    expect(error.path).toEqual(['OrderQty(38)'])
    expect(error.rule).toBe('decimal')
    expect(error.version).toBe(`@strongroom/fix@${version}`)
    expect(error.docsPath).toBe('/errors#fix_invalid_field')
  })

  it('every code is documented in docs/errors.md', () => {
    const documented = documentedErrorCodes()
    expect(Object.values(FixErrorCode).filter((code) => !documented.has(code))).toEqual([])
  })
})
