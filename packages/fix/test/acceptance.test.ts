// QuickFIX's FIX 4.4 server acceptance definitions (59 scripted sessions) played against our
// acceptor. The definitions are read from ../shared/testdata at test time, never copied here.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createTempDir, requireSharedTestdata } from '@strongroom/testkit'
import { afterAll, describe, expect, it } from 'vitest'
import { createFixAcceptor } from '../src/session/acceptor.js'
import { openFileStore } from '../src/store/fileStore.js'
import { parseDefinition, runDefinition } from './support/acceptanceRunner.js'
import { createEchoApplication } from './support/echoApplication.js'

const data = requireSharedTestdata(
  'fix: QuickFIX FIX 4.4 acceptance definitions',
  'fix44-acceptance/definitions',
)
const files = data.available
  ? readdirSync(data.path)
      .filter((f) => f.endsWith('.def'))
      .sort()
  : []
const results = new Map<string, boolean>()
const temp = createTempDir('strongroom-fix-at-')

afterAll(() => {
  temp.remove()
  if (files.length > 0) {
    const passed = [...results.values()].filter(Boolean).length
    process.stdout.write(
      `\nQuickFIX FIX 4.4 acceptance: ${passed}/${files.length} definitions passed\n`,
    )
  }
})

describe.skipIf(!data.available)('QuickFIX FIX 4.4 server acceptance definitions', () => {
  it('finds all 59 definitions', () => {
    expect(files).toHaveLength(59)
  })

  for (const file of files) {
    it.concurrent(file.replace(/\.def$/, ''), { timeout: 90_000 }, async () => {
      results.set(file, false)
      const steps = parseDefinition(readFileSync(join(data.path, file), 'latin1'))
      // The engine under test: acceptor ISLD for counterparty TW44, ResetOnLogon, persistent
      // store, FIX44 dictionary with default validation, SendingTime accuracy 120 s.
      const store = openFileStore({ directory: temp.path, name: file, now: Date.now() })
      const acceptor = createFixAcceptor({
        host: '127.0.0.1',
        port: 0,
        sessions: [{ senderCompId: 'ISLD', targetCompId: 'TW44', store, resetOnLogon: true }],
        application: createEchoApplication(),
      })
      const { port } = await acceptor.listen()
      try {
        const outcome = await runDefinition(steps, port)
        expect(outcome.sent + outcome.received).toBeGreaterThan(0)
        results.set(file, true)
      } finally {
        await acceptor.close()
      }
    })
  }
})
