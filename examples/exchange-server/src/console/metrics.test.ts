import { describe, expect, it } from 'vitest'
import { createMetrics, escapeLabelValue, formatSampleValue } from './metrics.js'

// The text exposition format, version 0.0.4: `# HELP`, `# TYPE`, then samples
// `name{label="value",…} value`; histograms as cumulative `_bucket{le=…}` series ending with
// `le="+Inf"` (equal to `_count`), then `_sum` and `_count`.
const SAMPLE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})? \S+$/

describe('Prometheus exposition', () => {
  it('renders counters with sorted, escaped labels and histograms with cumulative buckets', () => {
    const metrics = createMetrics()
    const orders = metrics.counter('strongroom_orders_total', 'Orders.\nAll of them.')
    const latency = metrics.histogram(
      'strongroom_matching_seconds',
      'Matching.',
      [0.001, 0.01, 0.1],
    )
    orders.inc({ symbol: 'ETH-USDC', outcome: 'accepted' })
    orders.inc({ outcome: 'accepted', symbol: 'ETH-USDC' }, 2)
    orders.inc({ symbol: 'a"b\\c\nd', outcome: 'rejected' })
    for (const s of [0.0005, 0.001, 0.005, 0.05, 0.5]) latency.observe(s)

    const text = metrics.render()
    expect(text).toBe(
      [
        '# HELP strongroom_orders_total Orders.\\nAll of them.',
        '# TYPE strongroom_orders_total counter',
        'strongroom_orders_total{outcome="accepted",symbol="ETH-USDC"} 3',
        'strongroom_orders_total{outcome="rejected",symbol="a\\"b\\\\c\\nd"} 1',
        '# HELP strongroom_matching_seconds Matching.',
        '# TYPE strongroom_matching_seconds histogram',
        'strongroom_matching_seconds_bucket{le="0.001"} 2',
        'strongroom_matching_seconds_bucket{le="0.01"} 3',
        'strongroom_matching_seconds_bucket{le="0.1"} 4',
        'strongroom_matching_seconds_bucket{le="+Inf"} 5',
        'strongroom_matching_seconds_sum 0.5565',
        'strongroom_matching_seconds_count 5',
        '',
      ].join('\n'),
    )
    for (const line of text.trimEnd().split('\n'))
      if (!line.startsWith('#')) expect(line).toMatch(SAMPLE)
  })

  it('reports quantiles of the recent window and counts every sample', () => {
    const metrics = createMetrics({ windowSize: 100 })
    const h = metrics.histogram('x_seconds', 'x')
    expect(h.quantile(0.99)).toBeUndefined()
    for (let i = 1; i <= 100; i++) h.observe(i / 1000)
    expect(h.quantile(0.95)).toBe(0.095)
    expect(h.quantile(0.99)).toBe(0.099)
    for (let i = 0; i < 100; i++) h.observe(1) // the window now holds only these
    expect(h.quantile(0.5)).toBe(1)
    expect(h.count).toBe(200)
  })

  it('refuses invalid names, duplicate families, decreasing buckets and counters going down', () => {
    const metrics = createMetrics()
    expect(() => metrics.counter('bad-name', 'x')).toThrow(/not valid/)
    metrics.counter('ok_total', 'x')
    expect(() => metrics.counter('ok_total', 'x')).toThrow(/registered twice/)
    expect(() => metrics.histogram('h_seconds', 'x', [1, 1])).toThrow(/buckets must increase/)
    const c = metrics.counter('c_total', 'x')
    expect(() => c.inc({}, -1)).toThrow(/only goes up/)
    expect(c.value()).toBe(0)
    // The refused families are not rendered.
    expect(metrics.render()).toBe(
      '# HELP ok_total x\n# TYPE ok_total counter\nok_total 0\n' +
        '# HELP c_total x\n# TYPE c_total counter\nc_total 0\n',
    )
  })

  it('spells special values and escapes label values as the format requires', () => {
    expect(formatSampleValue(Number.POSITIVE_INFINITY)).toBe('+Inf')
    expect(formatSampleValue(Number.NaN)).toBe('NaN')
    expect(formatSampleValue(0.25)).toBe('0.25')
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd')
  })
})
