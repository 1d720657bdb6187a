import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createTempDir } from '@strongroom/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { CustodyError } from '../custodyErrors.js'
import { createMemoryNonceStore, openAuthorizationNonceLog } from './nonceStore.js'

let dirs: { path: string; remove(): void }[] = []
const logPath = () => {
  const dir = createTempDir('nonce-store-')
  dirs.push(dir)
  return join(dir.path, 'nonces.log')
}
afterEach(() => {
  for (const dir of dirs) dir.remove()
  dirs = []
})

describe('createMemoryNonceStore', () => {
  it('accepts a nonce once and forgets it after expiry', () => {
    const store = createMemoryNonceStore()
    expect(store.consume('a', 1_000, 0)).toBe(true)
    expect(store.consume('a', 1_000, 10)).toBe(false)
    expect(store.consume('b', 5_000, 2_000)).toBe(true)
    expect(store.size).toBe(1)
  })
})

describe('openAuthorizationNonceLog', () => {
  it('refuses a nonce consumed before a restart (a replay after a crash)', () => {
    const path = logPath()
    const first = openAuthorizationNonceLog({ path, now: 0 })
    expect(first.consume('n-1', 60_000, 0)).toBe(true)
    expect(first.consume('n-1', 60_000, 1)).toBe(false)
    first.close()
    const second = openAuthorizationNonceLog({ path, now: 30_000 })
    expect(second.consume('n-1', 60_000, 30_000)).toBe(false)
    expect(second.consume('n-2', 60_000, 30_000)).toBe(true)
    second.close()
  })

  it('drops expired entries on open and ignores a torn last line', () => {
    const path = logPath()
    const store = openAuthorizationNonceLog({ path, now: 0 })
    store.consume('old', 1_000, 0)
    store.consume('live', 100_000, 0)
    store.close()
    appendFileSync(path, '{"nonce":"torn","expi')
    const reopened = openAuthorizationNonceLog({ path, now: 50_000 })
    expect(reopened.size).toBe(1)
    expect(reopened.consume('live', 100_000, 50_000)).toBe(false)
    // The torn append never answered, so that nonce was never used.
    expect(reopened.consume('torn', 100_000, 50_000)).toBe(true)
    reopened.close()
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n')
    expect(lines.map((line) => JSON.parse(line).nonce)).toEqual(['live', 'torn'])
  })

  it('reports a corrupt line before the end and changes nothing', () => {
    const path = logPath()
    const corrupt = '{"nonce":"a","expiresAt":5}\nnot json\n{"nonce":"b","expiresAt":5}\n'
    writeFileSync(path, corrupt)
    let error: unknown
    try {
      openAuthorizationNonceLog({ path, now: 0 })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(CustodyError)
    expect((error as CustodyError).code).toBe('CUSTODY_NONCE_STORE_FAILED')
    expect((error as CustodyError).message).toContain('line 2')
    expect(readFileSync(path, 'utf8')).toBe(corrupt)
  })

  it('compacts the file once it grows, keeping every unexpired nonce', () => {
    const path = logPath()
    const store = openAuthorizationNonceLog({ path, now: 0, compactAfter: 10 })
    for (let i = 0; i < 25; i++)
      expect(store.consume(`n-${i}`, i < 20 ? 100 : 10_000, 200)).toBe(true)
    // 20 expired at the first compaction (time 200) are gone from the file; the 5 live stay.
    const nonces = readFileSync(path, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l).nonce)
    expect(nonces).toEqual(['n-20', 'n-21', 'n-22', 'n-23', 'n-24'])
    for (let i = 20; i < 25; i++) expect(store.consume(`n-${i}`, 10_000, 300)).toBe(false)
    store.close()
  })
})
