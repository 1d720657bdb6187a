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
  type FixIdleStrategy,
  readExecutionReport,
} from '../src/index.js'
import { cpuIdleEntries } from './cpuIdle.js'

async function startAcceptor(kind: 'memory' | 'file', dir: string, idle: FixIdleStrategy) {
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
      idle,
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

export type RoundTrip = {
  p50us: number
  p99us: number
  /** CPU idle-state entries (halts) per round trip on the whole machine, when Linux reports them. */
  haltsPerRoundTrip: number | undefined
}

/** One in flight: 2,000 warm-up round trips, then `count` timed ones. */
export async function timeRoundTrips(count: number, one: () => Promise<void>): Promise<RoundTrip> {
  for (let i = 0; i < 2000; i++) await one()
  const samples = new Float64Array(count)
  const halts = cpuIdleEntries()
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint()
    await one()
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000
  }
  const haltsAfter = cpuIdleEntries()
  samples.sort()
  return {
    p50us: samples[Math.floor(count * 0.5)]!,
    p99us: samples[Math.floor(count * 0.99)]!,
    haltsPerRoundTrip:
      halts === undefined || haltsAfter === undefined ? undefined : (haltsAfter - halts) / count,
  }
}

/** Our initiator logged on to our acceptor (child process), both with the given idle strategy. */
async function connectPair(kind: 'memory' | 'file', idle: FixIdleStrategy) {
  const dir = mkdtempSync(join(tmpdir(), 'strongroom-fix-bench-'))
  const acceptor = await startAcceptor(kind, dir, idle)
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
      idleStrategy: idle,
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

  // Pipelined: keep up to `window` orders in flight; orders per second.
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

  // One in flight.
  const roundTrips = (count: number) =>
    timeRoundTrips(
      count,
      () =>
        new Promise<void>((resolve) => {
          onReport = () => resolve()
          session.send(order())
        }),
    )

  const close = async () => {
    await initiator.stop()
    acceptor.stop()
    rmSync(dir, { recursive: true, force: true })
  }
  return { acceptorCpu: acceptor.cpu, pipelined, roundTrips, close }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US')

/** `p50 … µs (target ≤ 50: met), p99 … µs, … halts per round trip` */
export function formatRoundTrip(r: RoundTrip, withTarget = true): string {
  const halts =
    r.haltsPerRoundTrip === undefined
      ? ''
      : `, CPU idle entries (halts) ${r.haltsPerRoundTrip.toFixed(2)} per round trip`
  const target = withTarget ? ` (target ≤ 50: ${r.p50us <= 50 ? 'met' : 'MISSED'})` : ''
  return `p50 ${r.p50us.toFixed(1)} µs${target}, p99 ${r.p99us.toFixed(1)} µs${halts}`
}

/** Pipelined throughput and one-in-flight round trips with the default idle strategy (sleep). */
export async function loopbackBenchmark(
  kind: 'memory' | 'file',
  print: (line: string) => void,
): Promise<LoopbackResult> {
  const pair = await connectPair(kind, 'sleep')
  await pair.pipelined(20_000, 1000) // warm-up
  const rates: number[] = []
  const cpuBefore = { acceptor: await pair.acceptorCpu(), initiator: process.cpuUsage() }
  for (let r = 0; r < 3; r++) rates.push(await pair.pipelined(100_000, 2000))
  const acceptorCpu = ((await pair.acceptorCpu()) - cpuBefore.acceptor) / 300_000
  const used = process.cpuUsage(cpuBefore.initiator)
  const initiatorCpu = (used.user + used.system) / 300_000
  const pipelinedPerSecond = Math.max(...rates)
  const rtt = await pair.roundTrips(20_000)
  await pair.close()
  print(
    `loopback, ${kind} store: pipelined ${fmt(pipelinedPerSecond)} orders/s (target 150,000: ${pipelinedPerSecond >= 150_000 ? 'met' : 'MISSED'}; rounds ${rates.map(fmt).join(' / ')})`,
  )
  print(
    `  CPU per order (user + system, load-independent): acceptor ${acceptorCpu.toFixed(2)} µs, initiator ${initiatorCpu.toFixed(2)} µs → one idle core per side sustains about ${fmt(1e6 / Math.max(acceptorCpu, initiatorCpu))} orders/s`,
  )
  print(`  one in flight, idleStrategy 'sleep' (default): round trip ${formatRoundTrip(rtt)}`)
  return {
    store: kind,
    pipelinedPerSecond,
    p50us: rtt.p50us,
    p99us: rtt.p99us,
    acceptorCpuUs: acceptorCpu,
    initiatorCpuUs: initiatorCpu,
  }
}

/** One-in-flight round trips with `idleStrategy: 'spin'` on both the initiator and the acceptor. */
export async function loopbackSpinBenchmark(
  kind: 'memory' | 'file',
  print: (line: string) => void,
): Promise<RoundTrip> {
  const pair = await connectPair(kind, 'spin')
  const rtt = await pair.roundTrips(20_000)
  await pair.close()
  print(
    `  one in flight, idleStrategy 'spin' (initiator and acceptor): round trip ${formatRoundTrip(rtt)}`,
  )
  return rtt
}
