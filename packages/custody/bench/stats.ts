export function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

export function summarize(samplesUs: Float64Array) {
  const sorted = Float64Array.from(samplesUs).sort()
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1]!,
  }
}

export const fmt = (us: number) =>
  us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`

export function line(
  label: string,
  stats: { p50: number; p99: number },
  target?: { p99Us: number; name: string },
) {
  const verdict = target
    ? `  target p99 ≤ ${fmt(target.p99Us)} (${target.name}): ${stats.p99 <= target.p99Us ? 'met' : 'NOT met'}, ${(target.p99Us / stats.p99).toFixed(1)}× headroom`
    : ''
  console.log(
    `${label.padEnd(58)} p50 ${fmt(stats.p50).padStart(9)}  p99 ${fmt(stats.p99).padStart(9)}${verdict}`,
  )
}

export const nowUs = () => Number(process.hrtime.bigint()) / 1_000

/** User + system CPU time of the whole process (all threads), µs. */
export const cpuNowUs = () => {
  const usage = process.cpuUsage()
  return usage.user + usage.system
}
