// The two ways the benchmark loads the exchange. Pipelined: a fixed number of orders in flight
// (each acknowledgement releases the next order on the same connection); throughput is orders
// acknowledged per second, latency counts from the actual send. Open loop: orders leave on a
// fixed schedule whatever the acknowledgements do, and latency counts from the *scheduled* send
// time, so a stall in the exchange shows in every order queued behind it (no coordinated
// omission).
import type { BenchConnection } from './connection.js'
import type { BenchOp, OrderFlow } from './orderFlow.js'

export type RunResult = {
  mode: 'pipelined' | 'open loop'
  /** Orders per second offered (open loop). */
  targetRate: number | undefined
  sent: number
  acknowledged: number
  /** Acknowledgements that were rejections (e.g. a cancel that arrived after the fill). */
  rejected: number
  /** Rejected new orders (should stay 0: the accounts are funded). */
  rejectedPlaces: number
  cancels: number
  crossing: number
  fills: number
  seconds: number
  ordersPerSecond: number
  latencyMs: { p50: number; p99: number; p999: number; max: number }
  /** Open loop: how late the generator sent, 99th percentile (ms). */
  sendLagP99Ms: number | undefined
}

type Session = { connection: BenchConnection; flow: OrderFlow }

let runs = 0

function percentile(sorted: Float64Array, q: number) {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}

/** Shared bookkeeping of a run: sends, acknowledgements, latencies. */
function startRun(sessions: readonly Session[], total: number, onAck: (conn: number) => void) {
  const run = ++runs
  const ops: BenchOp[] = new Array(total)
  const from = new Float64Array(total) // latency origin (scheduled or actual send), ms
  const latency = new Float64Array(total)
  const acked = new Uint8Array(total)
  const fillsBefore = sessions.reduce((n, s) => n + s.connection.fills, 0)
  const counts = { acknowledged: 0, rejected: 0, rejectedPlaces: 0, cancels: 0, crossing: 0 }
  let firstAckAt = 0
  let lastAckAt = 0
  let resolveDone: () => void = () => {}
  const done = new Promise<void>((r) => {
    resolveDone = r
  })
  sessions.forEach(({ connection, flow }, c) => {
    connection.beginRun(run)
    connection.onAck = (id, ok, ref) => {
      if (id >= total || acked[id] === 1) return
      acked[id] = 1
      const now = performance.now()
      if (counts.acknowledged === 0) firstAckAt = now
      lastAckAt = now
      latency[counts.acknowledged++] = now - from[id]!
      const op = ops[id]!
      if (!ok) {
        counts.rejected++
        if (op.kind === 'place') counts.rejectedPlaces++
      }
      flow.acknowledged(op, ok, ref)
      if (counts.acknowledged === total) resolveDone()
      else onAck(c)
    }
  })
  return {
    send(id: number, c: number, origin: number) {
      const { connection, flow } = sessions[c]!
      const op = flow.next()
      ops[id] = op
      if (op.kind === 'cancel') counts.cancels++
      else if (op.tif === 'IOC') counts.crossing++
      from[id] = origin
      connection.send(id, op)
    },
    async finish(
      started: number,
      timeoutMs: number,
      mode: RunResult['mode'],
      extra: Partial<RunResult>,
    ) {
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        done,
        new Promise<void>((r) => {
          timer = setTimeout(r, timeoutMs)
        }),
      ])
      clearTimeout(timer)
      const seconds = (performance.now() - started) / 1000
      // Open loop: the rate at which acknowledgements came back, first to last (a constant
      // latency does not lower it; an exchange falling behind does).
      const ordersPerSecond =
        mode === 'pipelined' || counts.acknowledged < 2
          ? counts.acknowledged / seconds
          : ((counts.acknowledged - 1) * 1000) / (lastAckAt - firstAckAt)
      const sorted = latency.slice(0, counts.acknowledged).sort()
      for (const s of sessions) s.connection.onAck = () => {}
      return {
        mode,
        targetRate: undefined,
        sent: total,
        ...counts,
        fills: sessions.reduce((n, s) => n + s.connection.fills, 0) - fillsBefore,
        seconds,
        ordersPerSecond,
        latencyMs: {
          p50: percentile(sorted, 0.5),
          p99: percentile(sorted, 0.99),
          p999: percentile(sorted, 0.999),
          max: percentile(sorted, 1),
        },
        sendLagP99Ms: undefined,
        ...extra,
      } satisfies RunResult
    },
  }
}

/** Keeps `window` orders in flight (spread over the connections) until `total` are acknowledged. */
export async function runPipelined(options: {
  sessions: readonly Session[]
  total: number
  window: number
  timeoutMs?: number | undefined
}): Promise<RunResult> {
  const { sessions, total } = options
  let next = 0
  const run = startRun(sessions, total, (c) => {
    if (next < total) run.send(next++, c, performance.now())
  })
  const started = performance.now()
  const perConnection = Math.max(1, Math.floor(options.window / sessions.length))
  for (let i = 0; i < perConnection; i++)
    for (let c = 0; c < sessions.length && next < total; c++) run.send(next++, c, performance.now())
  return run.finish(started, options.timeoutMs ?? 120_000, 'pipelined', {})
}

/**
 * Sends `rate` orders per second for `seconds`, round robin over the connections, each at its
 * scheduled time (the generator spins on `setImmediate` so that it sends on time and still reads
 * acknowledgements in between).
 */
export async function runOpenLoop(options: {
  sessions: readonly Session[]
  rate: number
  seconds: number
  /** How long to wait for the last acknowledgements (default 30 s). */
  drainMs?: number | undefined
}): Promise<RunResult> {
  const { sessions, rate } = options
  const total = Math.max(1, Math.round(rate * options.seconds))
  const interval = 1000 / rate
  const run = startRun(sessions, total, () => {})
  const lag = new Float64Array(total)
  const started = performance.now() + 5
  let next = 0
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now()
      for (let due = started + next * interval; next < total && due <= now; ) {
        lag[next] = now - due
        run.send(next, next % sessions.length, due)
        next++
        due = started + next * interval
      }
      if (next < total) setImmediate(tick)
      else resolve()
    }
    setImmediate(tick)
  })
  const result = await run.finish(started, options.drainMs ?? 30_000, 'open loop', {
    targetRate: rate,
  })
  return { ...result, sendLagP99Ms: percentile(lag.sort(), 0.99) }
}
