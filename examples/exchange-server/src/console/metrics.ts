// Metrics of the reference exchange: counters and latency histograms, exposed in the Prometheus
// text exposition format (version 0.0.4) at GET /metrics and summarised for the console's SLO
// panels (p95/p99 of a recent window against a budget).

/** Default histogram buckets, in seconds (100 µs … 10 s). */
export const DEFAULT_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
] as const

type Labels = Readonly<Record<string, string>>

/** A monotonically increasing count. */
export type Counter = { inc(labels?: Labels, by?: number): void; value(labels?: Labels): number }

/** A latency distribution (seconds), with a window of recent samples for quantiles. */
export type Histogram = {
  observe(seconds: number): void
  /** The q-quantile (0…1) of the last `windowSize` samples, in seconds; undefined when empty. */
  quantile(q: number): number | undefined
  readonly count: number
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/

function assertName(name: string) {
  if (!NAME.test(name)) throw new Error(`metric name ${JSON.stringify(name)} is not valid`)
}

/** Escapes a label value as the exposition format requires (backslash, quote, newline). */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

function labelText(labels: Labels): string {
  const keys = Object.keys(labels).sort()
  if (keys.length === 0) return ''
  return `{${keys.map((k) => `${k}="${escapeLabelValue(labels[k]!)}"`).join(',')}}`
}

/** Formats a sample value: integers as such, `+Inf`, `-Inf` and `NaN` as Prometheus spells them. */
export function formatSampleValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Number.POSITIVE_INFINITY) return '+Inf'
  if (value === Number.NEGATIVE_INFINITY) return '-Inf'
  return String(value)
}

/**
 * A metrics registry: counters (optionally labelled) and histograms with cumulative buckets,
 * `_sum` and `_count`, rendered in the Prometheus text format.
 */
export function createMetrics(options: { windowSize?: number } = {}) {
  const windowSize = options.windowSize ?? 2048
  const families: { name: string; help: string; render(): string[] }[] = []
  const register = (name: string, help: string, render: () => string[]) => {
    assertName(name)
    if (families.some((f) => f.name === name)) throw new Error(`metric ${name} registered twice`)
    families.push({ name, help, render })
  }

  return {
    counter(name: string, help: string): Counter {
      const values = new Map<string, { labels: Labels; value: number }>()
      register(name, help, () => {
        const lines = [`# TYPE ${name} counter`]
        for (const { labels, value } of values.values())
          lines.push(`${name}${labelText(labels)} ${formatSampleValue(value)}`)
        if (values.size === 0) lines.push(`${name} 0`)
        return lines
      })
      return {
        inc(labels = {}, by = 1) {
          if (!(by >= 0)) throw new Error(`${name}: a counter only goes up (got ${by})`)
          const key = labelText(labels)
          const entry = values.get(key)
          if (entry) entry.value += by
          else values.set(key, { labels: { ...labels }, value: by })
        },
        value: (labels = {}) => values.get(labelText(labels))?.value ?? 0,
      }
    },

    histogram(name: string, help: string, buckets: readonly number[] = DEFAULT_BUCKETS): Histogram {
      for (let i = 1; i < buckets.length; i++)
        if (!(buckets[i]! > buckets[i - 1]!)) throw new Error(`${name}: buckets must increase`)
      const counts = new Array<number>(buckets.length).fill(0)
      const recent: number[] = []
      let next = 0
      let sum = 0
      let count = 0
      register(name, help, () => {
        const lines = [`# TYPE ${name} histogram`]
        let cumulative = 0
        buckets.forEach((le, i) => {
          cumulative += counts[i]!
          lines.push(`${name}_bucket{le="${formatSampleValue(le)}"} ${cumulative}`)
        })
        lines.push(`${name}_bucket{le="+Inf"} ${count}`)
        lines.push(`${name}_sum ${formatSampleValue(sum)}`)
        lines.push(`${name}_count ${count}`)
        return lines
      })
      return {
        observe(seconds) {
          if (!Number.isFinite(seconds) || seconds < 0) return
          const i = buckets.findIndex((le) => seconds <= le)
          if (i >= 0) counts[i]!++
          sum += seconds
          count++
          if (recent.length < windowSize) recent.push(seconds)
          else recent[next] = seconds
          next = (next + 1) % windowSize
        },
        quantile(q) {
          if (recent.length === 0) return undefined
          const sorted = [...recent].sort((a, b) => a - b)
          return sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1))]!
        },
        get count() {
          return count
        },
      }
    },

    /** The registry in the Prometheus text exposition format (version 0.0.4). */
    render(): string {
      const lines: string[] = []
      for (const family of families) {
        lines.push(
          `# HELP ${family.name} ${family.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`,
        )
        lines.push(...family.render())
      }
      return `${lines.join('\n')}\n`
    },
  }
}

export type Metrics = ReturnType<typeof createMetrics>

/** Content type of the text exposition format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'
