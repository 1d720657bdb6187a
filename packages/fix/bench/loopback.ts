// Session over loopback: our initiator (this process) against our acceptor (a child process, so
// each side has a core), the acceptor answering every NewOrderSingle with an ExecutionReport.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  buildNewOrderSingle,
  createFixInitiator,
  createMemoryStore,
  readExecutionReport,
} from '../src/index.js'

async function startAcceptor(kind: 'memory' | 'file', dir: string) {
  const profile = process.env.FIX_BENCH_PROFILE_DIR
  const child = spawn(
    process.execPath,
    [
      ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []),
      '--conditions=@strongroom/source',
      '--import',
      'tsx',
      new URL('./loopbackAcceptor.ts', import.meta.url).pathname,
      kind,
      dir,
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  let out = ''
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /port (\d+)/.exec(out)
      if (m) resolve(Number(m[1]))
    })
    child.once('exit', (code) => reject(new Error(`acceptor exited ${code}`)))
  })
  /** CPU time (µs) the acceptor process has used so far. */
  const cpu = async (): Promise<number> => {
    const before = out.length
    child.kill('SIGUSR2')
    for (;;) {
      const m = /cpu (\d+)\n/.exec(out.slice(before))
      if (m) return Number(m[1])
      await new Promise((r) => setTimeout(r, 5))
    }
  }
  return { port, cpu, stop: () => child.kill('SIGTERM') }
}

export type LoopbackResult = {
  store: string
  pipelinedPerSecond: number
  p50us: number
  p99us: number
  acceptorCpuUs: number
  initiatorCpuUs: number
}

export async function loopbackBenchmark(
  kind: 'memory' | 'file',
  print: (line: string) => void,
): Promise<LoopbackResult> {
  const dir = mkdtempSync(join(tmpdir(), 'strongroom-fix-bench-'))
  const acceptor = await startAcceptor(kind, dir)
  let onReport: (clOrdId: string) => void = () => {}
  const initiator = createFixInitiator({
    host: '127.0.0.1',
    port: acceptor.port,
    session: {
      senderCompId: 'CLIENT',
      targetCompId: 'VENUE',
      store: createMemoryStore(),
      resetSeqNumOnLogon: true,
      heartBtInt: 30,
    },
    application: {
      onMessage(message) {
        onReport(readExecutionReport(message.view).clOrdId ?? '')
        return undefined
      },
    },
  })
  initiator.start()
  await initiator.waitForLogon()
  const session = initiator.session
  let next = 0
  const order = () =>
    buildNewOrderSingle({
      clOrdId: `C${++next}`,
      account: 'ACC-7',
      symbol: 'BTC-USDC',
      side: '1',
      transactTime: Date.now(),
      orderQty: '1.25',
      ordType: '2',
      price: '42000.50',
      timeInForce: '1',
    })

  // Pipelined: keep up to `window` orders in flight.
  const pipelined = async (total: number, window: number) => {
    let sent = 0
    let received = 0
    const t0 = process.hrtime.bigint()
    await new Promise<void>((resolve) => {
      onReport = () => {
        received++
        if (received === total) resolve()
        else if (sent < total) {
          sent++
          session.send(order())
        }
      }
      for (; sent < Math.min(window, total); sent++) session.send(order())
    })
    return total / (Number(process.hrtime.bigint() - t0) / 1e9)
  }
  await pipelined(20_000, 1000) // warm-up
  const rates: number[] = []
  const cpuBefore = { acceptor: await acceptor.cpu(), initiator: process.cpuUsage() }
  for (let r = 0; r < 3; r++) rates.push(await pipelined(100_000, 2000))
  const acceptorCpu = ((await acceptor.cpu()) - cpuBefore.acceptor) / 300_000
  const used = process.cpuUsage(cpuBefore.initiator)
  const initiatorCpu = (used.user + used.system) / 300_000
  const pipelinedPerSecond = Math.max(...rates)

  // One in flight: round trip.
  const rtt = async (count: number) => {
    const samples = new Float64Array(count)
    for (let i = 0; i < count; i++) {
      const t0 = process.hrtime.bigint()
      await new Promise<void>((resolve) => {
        onReport = () => resolve()
        session.send(order())
      })
      samples[i] = Number(process.hrtime.bigint() - t0) / 1000
    }
    samples.sort()
    return samples
  }
  await rtt(2000)
  const samples = await rtt(20_000)
  const p50us = samples[Math.floor(samples.length * 0.5)]!
  const p99us = samples[Math.floor(samples.length * 0.99)]!
  await initiator.stop()
  acceptor.stop()
  rmSync(dir, { recursive: true, force: true })
  const line = `loopback, ${kind} store: pipelined ${Math.round(pipelinedPerSecond).toLocaleString('en-US')} orders/s (target 150,000: ${pipelinedPerSecond >= 150_000 ? 'met' : 'MISSED'}; rounds ${rates.map((r) => Math.round(r).toLocaleString('en-US')).join(' / ')}); one in flight: round trip p50 ${p50us.toFixed(1)} µs (target ≤ 50: ${p50us <= 50 ? 'met' : 'MISSED'}), p99 ${p99us.toFixed(1)} µs`
  print(line)
  print(
    `  CPU per order (user + system, load-independent): acceptor ${acceptorCpu.toFixed(2)} µs, initiator ${initiatorCpu.toFixed(2)} µs → one idle core per side sustains about ${Math.round(1e6 / Math.max(acceptorCpu, initiatorCpu)).toLocaleString('en-US')} orders/s`,
  )
  return {
    store: kind,
    pipelinedPerSecond,
    p50us,
    p99us,
    acceptorCpuUs: acceptorCpu,
    initiatorCpuUs: initiatorCpu,
  }
}
