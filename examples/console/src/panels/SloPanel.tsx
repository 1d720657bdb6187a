import { useEffect, useState } from 'preact/hooks'
import type { ConsoleClient } from '../api.js'

type Latency = {
  name: string
  description: string
  count: number
  p95Ms: number | null
  p99Ms: number | null
  budgetMs: { p95: number; p99: number }
  status: string
}

function Bar(props: { value: number | null; budget: number }) {
  if (props.value === null) return <span class="hint">no data</span>
  const width = Math.min(100, (props.value / props.budget) * 100)
  return (
    <span class="bar" title={`${props.value} ms of ${props.budget} ms`}>
      <span
        class={`fill ${props.value <= props.budget ? 'ok' : 'over'}`}
        style={{ width: `${width}%` }}
      />
      <em>
        {props.value} / {props.budget} ms
      </em>
    </span>
  )
}

/** Latency SLOs: p95 and p99 of recent samples against their budgets, refreshed every 2 s. */
export function SloPanel(props: { client: ConsoleClient }) {
  const [latencies, setLatencies] = useState<Latency[]>([])
  useEffect(() => {
    let stop = false
    const load = () =>
      props.client
        .get<{ latencies: Latency[] }>('/v1/console/slo')
        .then((b) => !stop && setLatencies(b.latencies))
        .catch(() => undefined)
    void load()
    const timer = setInterval(load, 2_000)
    return () => {
      stop = true
      clearInterval(timer)
    }
  }, [props.client])
  return (
    <section class="panel slo" data-testid="slo">
      <h2>Latency SLOs</h2>
      <table>
        <thead>
          <tr>
            <th>path</th>
            <th>samples</th>
            <th>p95</th>
            <th>p99</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {latencies.map((l) => (
            <tr key={l.name} data-slo={l.name} title={l.description}>
              <td>{l.name.replace('_', ' ')}</td>
              <td>{l.count}</td>
              <td>
                <Bar value={l.p95Ms} budget={l.budgetMs.p95} />
              </td>
              <td>
                <Bar value={l.p99Ms} budget={l.budgetMs.p99} />
              </td>
              <td class={l.status === 'ok' ? 'ok' : l.status === 'no data' ? 'hint' : 'warn'}>
                {l.status}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
