import { getErrorCodeInfo, InputError, isStrongroomError } from '@strongroom/core'
import { documentedErrorCodes } from '@strongroom/testkit'
import { describe, expect, it } from 'vitest'
import { ComplianceErrorCode, ComplianceInputError, inputErrorFromIssues } from './errors.js'
import { version } from './version.js'

describe('compliance errors', () => {
  it('every code is registered to @strongroom/compliance and documented in docs/errors.md', () => {
    const documented = documentedErrorCodes()
    const codes = Object.values(ComplianceErrorCode)
    expect(codes.length).toBeGreaterThan(10)
    expect(codes.filter((code) => !documented.has(code))).toEqual([])
    for (const code of codes) expect(getErrorCodeInfo(code)?.package).toBe('@strongroom/compliance')
  })

  it('input errors name the field and rule and keep every issue', () => {
    const error = inputErrorFromIssues('COMPLIANCE_INVALID_IVMS101', 'invalid IVMS101 payload', [
      {
        code: 'valid_lei',
        path: ['originatingVASP', 'originatingVASP', 'legalPerson'],
        message: 'bad LEI',
      },
      { code: 'valid_country_code', path: ['beneficiary', 'x'], message: 'bad country' },
    ])
    expect(error).toBeInstanceOf(ComplianceInputError)
    expect(error).toBeInstanceOf(InputError)
    expect(isStrongroomError(error, 'COMPLIANCE_INVALID_IVMS101')).toBe(true)
    expect(error.path).toEqual(['originatingVASP', 'originatingVASP', 'legalPerson'])
    expect(error.rule).toBe('valid_lei')
    expect(error.issues).toHaveLength(2)
    expect(error.version).toBe(`@strongroom/compliance@${version}`)
    expect(error.message).toContain('Field: originatingVASP.originatingVASP.legalPerson')
    expect(error.message).toContain('Also: beneficiary.x: bad country')
    expect(error.docsPath).toBe('/errors#compliance_invalid_ivms101')
  })
})
