import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createTempDir } from '@strongroom/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { MAX_ROUNDS_PER_SESSION, openNonceLog, type StoredNonce } from './nonceLog.js'
import { deriveSealingKey } from './sealedStore.js'

const temps: { remove(): void }[] = []
afterEach(() => {
  for (const t of temps.splice(0)) t.remove()
})

function setup() {
  const temp = createTempDir('strongroom-nonce-log-')
  temps.push(temp)
  const key = deriveSealingKey(temp.path, 'nonce log test passphrase')
  const path = join(temp.path, 'nonces.log')
  return { path, open: () => openNonceLog(path, key) }
}

const nonce = (id: string): StoredNonce => ({
  id,
  groupId: 'ab'.repeat(16),
  generation: 0,
  hiding: 5n,
  binding: 7n,
})
const NOW = 1_700_000_000_000

describe('openNonceLog beginSigning', () => {
  it('writes the authorization consumption and the nonce use together; both survive a reopen', async () => {
    const { path, open } = setup()
    const log = open()
    log.add([nonce('01'.repeat(16)), nonce('02'.repeat(16))])
    const signing = log.beginSigning('session-a')
    expect(await signing.authorizations.consume('auth-1', NOW + 60_000, NOW)).toBe(true)
    const written = signing.commit(['01'.repeat(16)])
    // Taken at once in memory, before the write is durable.
    expect(log.isUsed('01'.repeat(16))).toBe(true)
    expect(log.get('01'.repeat(16))).toBeUndefined()
    await written
    const lines = readFileSync(path, 'utf8').trim().split('\n').slice(-2)
    expect(lines.map((l) => JSON.parse(l).op)).toEqual(['auth', 'use'])
    log.close()

    const again = open()
    expect(again.isUsed('01'.repeat(16))).toBe(true)
    expect(again.get('02'.repeat(16))?.hiding).toBe(5n)
    // Another session presenting the authorization is a replay; the same session may retry.
    expect(await again.authorizationsFor('session-b').consume('auth-1', NOW + 60_000, NOW)).toBe(
      false,
    )
    expect(await again.authorizationsFor('session-a').consume('auth-1', NOW + 60_000, NOW)).toBe(
      true,
    )
    again.close()
  })

  it('a replayed authorization stages nothing; concurrent commits all become durable', async () => {
    const { open } = setup()
    const log = open()
    log.add(['03', '04', '05'].map((b) => nonce(b.repeat(16))))
    const first = log.beginSigning('session-a')
    expect(await first.authorizations.consume('auth-2', NOW + 60_000, NOW)).toBe(true)
    const replay = log.beginSigning('session-b')
    expect(await replay.authorizations.consume('auth-2', NOW + 60_000, NOW)).toBe(false)
    const retries = Array.from({ length: MAX_ROUNDS_PER_SESSION }, () =>
      log.beginSigning('session-a'),
    )
    const admitted = await Promise.all(
      retries.map((r) => r.authorizations.consume('auth-2', NOW + 60_000, NOW)),
    )
    // One use by `first`, then MAX - 1 retries are admitted and the last is refused.
    expect(admitted).toEqual([...Array(MAX_ROUNDS_PER_SESSION - 1).fill(true), false])
    await Promise.all([
      first.commit(['03'.repeat(16)]),
      retries[0]!.commit(['04'.repeat(16)]),
      retries[1]!.commit(['05'.repeat(16)]),
    ])
    log.close()
    const again = open()
    for (const b of ['03', '04', '05']) expect(again.isUsed(b.repeat(16))).toBe(true)
    expect(await again.authorizationsFor('session-a').consume('auth-2', NOW + 60_000, NOW)).toBe(
      false,
    )
    again.close()
  })

  it('refuses to commit once closed, naming the store failure', async () => {
    const { open } = setup()
    const log = open()
    log.add([nonce('06'.repeat(16))])
    const signing = log.beginSigning('session-a')
    log.close()
    await expect(signing.commit(['06'.repeat(16)])).rejects.toMatchObject({
      code: 'CUSTODY_NODE_STORE_FAILED',
    })
  })
})
