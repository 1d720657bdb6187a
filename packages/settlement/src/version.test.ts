import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { version } from './version.js'

describe('version', () => {
  it('matches package.json (scripts/sync-versions.mjs keeps them equal at release)', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
    expect(version).toBe(manifest.version)
  })
})
