/** True when running under CI (`CI=true`): suites that would skip must fail instead. */
export function isCI(): boolean {
  const value = process.env.CI
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false'
}

/** The outcome of checking what a suite needs. */
export type Requirement = {
  /** Everything the suite needs is here: run it. */
  readonly available: boolean
  /** Why not, when not. */
  readonly reason: string | undefined
}

/**
 * Turns a failed requirement into a skip with a printed notice, or, under CI, into an error that
 * fails the test file: a suite that needs a service must never be skipped in CI.
 */
export function settle(suite: string, missing: string[]): Requirement {
  if (missing.length === 0) return { available: true, reason: undefined }
  const reason = missing.join('; ')
  if (isCI()) {
    throw new Error(`[required under CI] ${suite}: ${reason}`)
  }
  process.stderr.write(`\n[skipped] ${suite}: ${reason}\n`)
  return { available: false, reason }
}
