import { listErrorCodes } from '@strongroom/core'
import { documentedErrorCodes } from '@strongroom/testkit'
import { describe, expect, it } from 'vitest'
import './index.js'

describe('@strongroom/custody error codes', () => {
  it('every registered code is documented in docs/errors.md', () => {
    const documented = documentedErrorCodes()
    const ours = listErrorCodes().filter((info) => info.package === '@strongroom/custody')
    expect(ours.length).toBeGreaterThan(0)
    expect(ours.map((info) => info.code).filter((code) => !documented.has(code))).toEqual([])
  })
})
