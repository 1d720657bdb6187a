import { afterEach, describe, expect, it, vi } from 'vitest'
import { isCI, settle } from './ci.js'
import { requireSharedTestdata } from './sharedTestdata.js'

afterEach(() => {
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
})

describe('skips outside CI, failures under CI', () => {
  it('reads CI from the environment', () => {
    vi.stubEnv('CI', 'true')
    expect(isCI()).toBe(true)
    vi.stubEnv('CI', '1')
    expect(isCI()).toBe(true)
    vi.stubEnv('CI', 'false')
    expect(isCI()).toBe(false)
    vi.stubEnv('CI', '')
    expect(isCI()).toBe(false)
  })

  it('a missing requirement skips with a printed reason outside CI', () => {
    vi.stubEnv('CI', '')
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    expect(settle('demo suite', ['PostgreSQL not reachable'])).toEqual({
      available: false,
      reason: 'PostgreSQL not reachable',
    })
    expect(write).toHaveBeenCalledWith('\n[skipped] demo suite: PostgreSQL not reachable\n')
  })

  it('a missing requirement fails under CI', () => {
    vi.stubEnv('CI', 'true')
    expect(() => settle('demo suite', ['NATS not reachable'])).toThrow(
      '[required under CI] demo suite: NATS not reachable',
    )
  })

  it('nothing missing: available', () => {
    vi.stubEnv('CI', 'true')
    expect(settle('demo suite', [])).toEqual({ available: true, reason: undefined })
  })

  it('shared test data that is absent is a skip locally and a failure under CI', () => {
    vi.stubEnv('STRONGROOM_SHARED_DIR', '/nonexistent-strongroom-shared')
    vi.stubEnv('CI', '')
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    expect(requireSharedTestdata('demo', 'compliance/x').available).toBe(false)
    vi.stubEnv('CI', 'true')
    expect(() => requireSharedTestdata('demo', 'compliance/x')).toThrow(/required under CI/)
  })
})
