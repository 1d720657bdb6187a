import { InputError, StrongroomError } from '@strongroom/core'
import { documentedErrorCodes } from '@strongroom/testkit'
import { describe, expect, it } from 'vitest'
import { CustodyError, CustodyErrorCode, CustodyInputError } from './custodyErrors.js'
import { version } from './version.js'

describe('custody errors', () => {
  it('every custody error code has an entry in docs/errors.md', () => {
    const documented = documentedErrorCodes()
    const missing = Object.values(CustodyErrorCode).filter((code) => !documented.has(code))
    expect(missing).toEqual([])
  })

  it('input errors are core InputErrors naming the field and rule, with the custody version', () => {
    const error = new CustodyInputError('fails its EIP-55 checksum.', {
      code: 'CUSTODY_INVALID_ADDRESS',
      path: ['destination'],
      rule: 'checksum',
    })
    expect(error).toBeInstanceOf(InputError)
    expect(error.code).toBe('CUSTODY_INVALID_ADDRESS')
    expect(error.issue).toEqual({
      code: 'checksum',
      path: ['destination'],
      message: 'fails its EIP-55 checksum.',
    })
    expect(error.version).toBe(`@strongroom/custody@${version}`)
    expect(error.docsPath).toBe('/errors#custody_invalid_address')
    const other = new CustodyError('x', { code: 'CUSTODY_RPC_FAILED' })
    expect(other).toBeInstanceOf(StrongroomError)
    expect(other.version).toBe(`@strongroom/custody@${version}`)
  })
})
