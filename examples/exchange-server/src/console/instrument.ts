import type { ExchangeCore } from '../core/exchangeCore.js'
import type { CustodyService } from '../custody/custodyService.js'
import type { EventHub } from '../services/eventHub.js'
import type { Histogram, Metrics } from './metrics.js'

/** The latencies the console's SLO panels show, with their budgets (seconds). */
export const LATENCY_SLOS = {
  policy_check: { help: 'Custody policy check of a withdrawal request', p95: 0.005, p99: 0.02 },
  signing: { help: 'Authorization and signature of a withdrawal transaction', p95: 0.05, p99: 0.2 },
  broadcast: { help: 'Broadcast of a signed transaction to the chain', p95: 0.25, p99: 1 },
  matching: { help: 'Matching of one order command in the core', p95: 0.001, p99: 0.005 },
} as const

export type LatencyName = keyof typeof LATENCY_SLOS

const MATCHING_COMMANDS = new Set(['placeOrder', 'amendOrder', 'cancelOrder', 'massCancel'])

function timed<args extends unknown[], result>(
  histogram: Histogram,
  fn: (...a: args) => result,
  when: (...a: args) => boolean = () => true,
): (...a: args) => result {
  return (...a) => {
    if (!when(...a)) return fn(...a)
    const started = performance.now()
    const done = () => histogram.observe((performance.now() - started) / 1000)
    const result = fn(...a)
    if (result instanceof Promise) result.then(done, done)
    else done()
    return result
  }
}

/**
 * Measures the exchange where the work happens, without touching the packages: the composition
 * wraps the core's `apply` (matching), the orchestrator's `submit` (policy check) and `sign`
 * (authorization + signer), and the RPC pool's `eth_sendRawTransaction` (broadcast), and counts
 * orders and fills from the event hub. Returns the latency histograms by name.
 */
export function instrumentExchange(options: {
  metrics: Metrics
  core: ExchangeCore
  custody: CustodyService
  hub: EventHub
}): Record<LatencyName, Histogram> {
  const { metrics, core, custody, hub } = options
  const latency = Object.fromEntries(
    Object.entries(LATENCY_SLOS).map(([name, slo]) => [
      name,
      metrics.histogram(`strongroom_${name}_seconds`, `${slo.help}, seconds.`),
    ]),
  ) as Record<LatencyName, Histogram>

  core.apply = timed(latency.matching, core.apply.bind(core), (command) =>
    MATCHING_COMMANDS.has(command.type),
  )
  const orchestrator = custody.orchestrator
  orchestrator.submit = timed(latency.policy_check, orchestrator.submit.bind(orchestrator))
  orchestrator.sign = timed(latency.signing, orchestrator.sign.bind(orchestrator))
  custody.rpc.request = timed(
    latency.broadcast,
    custody.rpc.request.bind(custody.rpc),
    (method) => method === 'eth_sendRawTransaction',
  ) as typeof custody.rpc.request

  const orders = metrics.counter('strongroom_orders_total', 'Orders accepted or rejected.')
  const fills = metrics.counter('strongroom_fills_total', 'Fills (trades), per market.')
  const filled = metrics.counter('strongroom_filled_lots_total', 'Lots traded, per market.')
  hub.subscribe((events) => {
    for (const e of events) {
      if (e.kind === 'orderAccepted') orders.inc({ symbol: e.symbol, outcome: 'accepted' })
      else if (e.kind === 'orderRejected') orders.inc({ symbol: e.symbol, outcome: 'rejected' })
      else if (e.kind === 'fill') {
        fills.inc({ symbol: e.symbol })
        filled.inc({ symbol: e.symbol }, e.quantity)
      }
    }
  })
  return latency
}
