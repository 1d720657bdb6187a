import type { ExchangeBenchResult } from './harness.js'
import type { RunResult } from './runs.js'

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '-')
const int = (v: number) => Math.round(v).toLocaleString('en-US')

/**
 * An open-loop rate counts as sustained when every order was acknowledged and the acknowledged
 * rate kept up with the offered one (within 5 %).
 */
export function isSustained(r: RunResult): boolean {
  return (
    r.acknowledged === r.sent &&
    (r.targetRate === undefined || r.ordersPerSecond >= 0.95 * r.targetRate)
  )
}

/** The results as a Markdown table (the same one docs/benchmarks.md records). */
export function formatResultTable(results: readonly ExchangeBenchResult[]): string {
  const lines = [
    '| entry | load | orders/s acknowledged | ack p50 ms | p99 ms | p99.9 ms | max ms | acknowledged / sent | fills | send lag p99 ms | exchange CPU µs/order | generator CPU µs/order |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const r of results) {
    const load =
      r.mode === 'pipelined'
        ? 'pipelined'
        : `open loop ${int(r.targetRate ?? 0)}/s${isSustained(r) ? '' : ' (not sustained)'}`
    lines.push(
      `| ${r.protocol} | ${load} | ${int(r.ordersPerSecond)} | ${ms(r.latencyMs.p50)} | ${ms(r.latencyMs.p99)} | ${ms(r.latencyMs.p999)} | ${ms(r.latencyMs.max)} | ${int(r.acknowledged)} / ${int(r.sent)} | ${int(r.fills)} | ${r.sendLagP99Ms === undefined ? '' : ms(r.sendLagP99Ms)} | ${r.serverCpuUsPerOrder.toFixed(1)} | ${r.clientCpuUsPerOrder.toFixed(1)} |`,
    )
  }
  return lines.join('\n')
}
