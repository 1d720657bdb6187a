// Runs the benchmark: the exchange in a child process (bench/server.ts), the load generator in
// this one, FIX sessions and WebSocket clients each logged on as their own funded account.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../src/config.js'
import { marketsOf } from '../src/server.js'
import type { BenchConnection } from './connection.js'
import { connectFix } from './fixDriver.js'
import { isSustained } from './format.js'
import { createOrderFlow } from './orderFlow.js'
import { type RunResult, runOpenLoop, runPipelined } from './runs.js'
import type { BenchServerInfo } from './server.js'
import { connectWs } from './wsDriver.js'

export type Protocol = 'FIX' | 'WebSocket'

export type ExchangeBenchOptions = {
  protocols: readonly Protocol[]
  /** Connections (= accounts) per protocol. */
  connections: number
  /** Orders in the pipelined run (after `warmup` orders that are not measured). */
  pipelinedOrders: number
  warmup: number
  /** Orders in flight in the pipelined run. */
  window: number
  /** Open-loop rates (orders/s, ascending), each for `openLoopSeconds`, up to the first one the
   * exchange does not sustain. */
  rates: readonly number[]
  openLoopSeconds: number
  /** Write CPU profiles of the exchange process here (node --cpu-prof). */
  profileDir?: string | undefined
  /** Extra Node.js flags for the exchange process (e.g. `--max-semi-space-size=64`). */
  nodeFlags?: readonly string[] | undefined
  log?: ((line: string) => void) | undefined
}

export type ExchangeBenchResult = RunResult & {
  protocol: Protocol
  /** CPU time of the exchange process per acknowledged order (µs, user + system). */
  serverCpuUsPerOrder: number
  /** The exchange's JavaScript heap in use after the run (MB). */
  serverHeapMb: number
  /** CPU time of the load generator per acknowledged order (µs, user + system). */
  clientCpuUsPerOrder: number
}

async function startServer(
  dataDir: string,
  accounts: number,
  profileDir: string | undefined,
  nodeFlags: readonly string[],
) {
  const child = spawn(
    process.execPath,
    [
      ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      ...nodeFlags,
      '--conditions=@strongroom/source',
      '--import',
      'tsx',
      new URL('./server.ts', import.meta.url).pathname,
      dataDir,
      String(accounts),
    ],
    { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
  )
  let errors = ''
  child.stderr!.on('data', (d: Buffer) => {
    errors += d.toString()
  })
  const info = await new Promise<BenchServerInfo>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const line = out.split('\n').find((l) => l.startsWith('READY '))
      if (line) resolve(JSON.parse(line.slice(6)) as BenchServerInfo)
    })
    child.once('exit', (code) => reject(new Error(`the exchange exited with ${code}: ${errors}`)))
  })
  return {
    info,
    /** CPU time (user + system, µs) the exchange process has used so far, and its heap. */
    usage: () =>
      new Promise<{ cpuUs: number; heapUsed: number }>((resolve) => {
        child.once('message', (m) => resolve(m as { cpuUs: number; heapUsed: number }))
        child.send('cpu')
      }),
    errors: () => errors,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
        child.once('exit', () => {
          clearTimeout(timer)
          resolve()
        })
        child.kill('SIGTERM')
      }),
  }
}

export async function runExchangeBench(
  options: ExchangeBenchOptions,
): Promise<ExchangeBenchResult[]> {
  const log = options.log ?? (() => {})
  const dataDir = mkdtempSync(join(tmpdir(), 'strongroom-exchange-bench-'))
  const instrument = marketsOf(loadConfig())[0]!.instrument
  const server = await startServer(
    dataDir,
    options.connections * options.protocols.length,
    options.profileDir,
    options.nodeFlags ?? [],
  )
  const results: ExchangeBenchResult[] = []
  try {
    const { info } = server
    if (info.symbol !== instrument.symbol) throw new Error(`unexpected market ${info.symbol}`)
    for (const [p, protocol] of options.protocols.entries()) {
      const accounts = info.accounts.slice(p * options.connections, (p + 1) * options.connections)
      const connections: BenchConnection[] = await Promise.all(
        accounts.map((a) =>
          protocol === 'FIX'
            ? connectFix({ instrument, keyId: a.keyId, secret: a.secret, port: info.fixPort })
            : connectWs({ instrument, keyId: a.keyId, secret: a.secret, url: info.ws }),
        ),
      )
      const sessions = connections.map((connection, i) => ({
        connection,
        flow: createOrderFlow({ seed: 1 + i + p * 1000, midTicks: info.midTicks }),
      }))
      const measure = async (run: () => Promise<RunResult>) => {
        const server0 = (await server.usage()).cpuUs
        const client0 = process.cpuUsage()
        const result = await run()
        const client = process.cpuUsage(client0)
        const perOrder = (us: number) => us / Math.max(1, result.acknowledged)
        const after = await server.usage()
        record({
          ...result,
          protocol,
          serverHeapMb: after.heapUsed / 2 ** 20,
          serverCpuUsPerOrder: perOrder(after.cpuUs - server0),
          clientCpuUsPerOrder: perOrder(client.user + client.system),
        })
      }
      const record = (result: ExchangeBenchResult) => {
        results.push(result)
        log(
          `${protocol} ${result.mode}${result.targetRate ? ` ${result.targetRate}/s` : ''}: ${Math.round(result.ordersPerSecond)} orders/s, p50 ${result.latencyMs.p50.toFixed(3)} ms, p99 ${result.latencyMs.p99.toFixed(3)} ms (${result.acknowledged}/${result.sent} acknowledged), exchange CPU ${result.serverCpuUsPerOrder.toFixed(1)} µs/order, heap ${Math.round(result.serverHeapMb)} MB`,
        )
      }
      if (options.warmup > 0)
        await runPipelined({ sessions, total: options.warmup, window: options.window })
      await measure(() =>
        runPipelined({ sessions, total: options.pipelinedOrders, window: options.window }),
      )
      for (const rate of options.rates) {
        await measure(() => runOpenLoop({ sessions, rate, seconds: options.openLoopSeconds }))
        // Higher rates only while the exchange keeps up (the rates are ascending).
        if (!isSustained(results[results.length - 1]!)) break
      }
      await Promise.all(connections.map((c) => c.close()))
    }
  } finally {
    await server.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
  return results
}
