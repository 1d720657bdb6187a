import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { requireSharedTestdata } from '@strongroom/testkit'

/** The shared compliance fixtures (`../shared/testdata/compliance`); skip locally, required under CI. */
export const compliance = requireSharedTestdata('compliance: shared fixtures', 'compliance')

/** Reads a shared fixture as text. */
export function fixture(relative: string): string {
  return readFileSync(join(compliance.path, relative), 'utf8')
}

/** Reads a shared fixture as JSON. */
export function fixtureJson<T = unknown>(relative: string): T {
  return JSON.parse(fixture(relative)) as T
}
