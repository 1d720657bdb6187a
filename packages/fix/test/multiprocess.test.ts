// Acceptor and initiator in separate processes; the acceptor is restarted mid-stream (its socket
// drops without a Logout while orders keep coming). Sequence numbers are recovered through
// ResendRequest in both directions and the applications see every message exactly once.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { createTempDir } from '@strongroom/testkit'
import { afterAll, describe, expect, it } from 'vitest'

const temp = createTempDir('strongroom-fix-mp-')
const children: ChildProcess[] = []
afterAll(() => {
  for (const child of children) child.kill('SIGKILL')
  temp.remove()
})

const here = new URL('./multiprocess/', import.meta.url).pathname

function start(script: string, args: string[]) {
  const child = spawn(
    process.execPath,
    ['--conditions=@strongroom/source', '--import', 'tsx', join(here, script), ...args],
    {
      cwd: new URL('..', import.meta.url).pathname,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  children.push(child)
  let out = ''
  let err = ''
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString()
  })
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString()
  })
  return {
    child,
    output: () => out,
    errors: () => err,
    waitFor: async (text: string, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs
      while (!out.includes(text)) {
        if (Date.now() > deadline)
          throw new Error(`${script}: no "${text}" in time\nstdout: ${out}\nstderr: ${err}`)
        if (child.exitCode !== null)
          throw new Error(`${script} exited ${child.exitCode}\nstdout: ${out}\nstderr: ${err}`)
        await new Promise((r) => setTimeout(r, 20))
      }
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })

const lines = (path: string) =>
  existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n').filter(Boolean) : []

describe('acceptor and initiator in separate processes', () => {
  it('a restart mid-stream loses and duplicates nothing', { timeout: 90_000 }, async () => {
    const total = 600
    const port = await freePort()
    const dir = temp.path
    const ordersLog = join(dir, 'acceptor-orders.log')
    const first = start('acceptorProcess.ts', [String(port), dir])
    await first.waitFor('listening')
    const client = start('initiatorProcess.ts', [String(port), dir, String(total)])
    // Let part of the stream through, then take the venue down mid-stream.
    const deadline = Date.now() + 30_000
    while (lines(ordersLog).length < 150 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10))
    await first.stop()
    const processedByFirst = lines(ordersLog).length
    expect(processedByFirst).toBeGreaterThanOrEqual(150)
    expect(processedByFirst).toBeLessThan(total)
    await new Promise((r) => setTimeout(r, 300)) // orders keep coming while the venue is down
    const second = start('acceptorProcess.ts', [String(port), dir])
    await second.waitFor('listening')
    await client.waitFor('done', 60_000)
    await client.stop()
    await second.stop()

    const orders = lines(ordersLog).map((l) => l.split(' '))
    const ids = orders.map(([id]) => id)
    expect(new Set(ids).size).toBe(ids.length) // no order processed twice
    expect([...ids].sort()).toEqual(Array.from({ length: total }, (_, i) => `C${i + 1}`).sort()) // none lost
    // The venue's inbound sequence numbers are consecutive across the restart.
    expect(orders.map(([, seq]) => Number(seq))).toEqual(
      orders.map((_, i) => Number(orders[0]![1]) + i),
    )
    const reports = lines(join(dir, 'initiator-reports.log')).map((l) => l.split(' ')[0])
    expect(new Set(reports).size).toBe(reports.length)
    expect(reports.length).toBe(total)
    // Recovery went through ResendRequest (the restarted venue asked for the orders it missed).
    expect(second.output()).toMatch(/"type":"resend_request_sent"/)
    expect(client.output()).toMatch(/"type":"resend_request_received"/)
    // Some orders were recovered as resends (PossDupFlag=Y) after the restart.
    expect(orders.slice(processedByFirst).some(([, , possDup]) => possDup === 'Y')).toBe(true)
  })
})
