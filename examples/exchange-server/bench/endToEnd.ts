// `npm run bench -- @strongroom/exchange-server`: orders per second and acknowledgement latency
// end to end through the FIX gateway and the WebSocket order entry of the reference exchange,
// over loopback, pipelined and open loop at fixed rates. The exchange runs in a child process on
// its embedded defaults; this process generates the load.
//
// Environment: EXCHANGE_BENCH_ORDERS (pipelined orders, default 100000), EXCHANGE_BENCH_RATES
// (open-loop rates, ascending, up to the first one not sustained; default
// 1000,2000,5000,10000,50000,100000,150000), EXCHANGE_BENCH_SECONDS (per rate,
// default 5), EXCHANGE_BENCH_CONNECTIONS (per protocol, default 4), EXCHANGE_BENCH_PROTOCOLS
// (FIX,WebSocket), EXCHANGE_BENCH_PROFILE_DIR (write the exchange's CPU profile there),
// EXCHANGE_BENCH_NODE_FLAGS (extra Node.js flags for the exchange process, comma-separated).
import { cpus, loadavg } from 'node:os'
import { formatResultTable } from './format.js'
import { type Protocol, runExchangeBench } from './harness.js'

const env = process.env
const list = (value: string | undefined, fallback: string) =>
  (value ?? fallback)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
const options = {
  protocols: list(env.EXCHANGE_BENCH_PROTOCOLS, 'FIX,WebSocket') as Protocol[],
  connections: Number(env.EXCHANGE_BENCH_CONNECTIONS ?? 4),
  pipelinedOrders: Number(env.EXCHANGE_BENCH_ORDERS ?? 100_000),
  warmup: 20_000,
  window: 2_000,
  rates: list(env.EXCHANGE_BENCH_RATES, '1000,2000,5000,10000,50000,100000,150000').map(Number),
  openLoopSeconds: Number(env.EXCHANGE_BENCH_SECONDS ?? 5),
  profileDir: env.EXCHANGE_BENCH_PROFILE_DIR,
  nodeFlags: list(env.EXCHANGE_BENCH_NODE_FLAGS, ''),
  log: (line: string) => process.stderr.write(`  ${line}\n`),
}
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')
console.log(
  `Reference exchange over loopback: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), Node ${process.version}, load average ${load()}`,
)
console.log(
  `${options.connections} connections per protocol, pipelined ${options.pipelinedOrders} orders with ${options.window} in flight (after ${options.warmup} warm-up), open loop ${options.openLoopSeconds} s per rate`,
)
const results = await runExchangeBench(options)
console.log(formatResultTable(results))
console.log(`load average after: ${load()}`)
