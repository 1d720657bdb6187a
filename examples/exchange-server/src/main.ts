// `npm start`: the Strongroom reference exchange on embedded defaults (file journal, PGlite ledger,
// a local hardhat chain, the development key store), or on the configuration file given as the
// first argument / STRONGROOM_CONFIG, with environment overrides (see src/config.ts).
import type { LogFields, Logger } from '@strongroom/core'
import { ConfigError, loadConfig } from './config.js'
import { ensureConsoleBuilt } from './console/buildConsole.js'
import { startFixGateway } from './gateway/fixGateway.js'
import { startExchange } from './server.js'
import { startSimulation } from './simulation.js'

const logger: Logger = {
  debug() {},
  info: (message: string, fields?: LogFields) =>
    console.log(`[info] ${message}`, fields ? JSON.stringify(fields, bigints) : ''),
  warn: (message: string, fields?: LogFields) =>
    console.warn(`[warn] ${message}`, fields ? JSON.stringify(fields, bigints) : ''),
  error: (message: string, fields?: LogFields) =>
    console.error(`[error] ${message}`, fields ? JSON.stringify(fields, bigints) : ''),
}
function bigints(_key: string, value: unknown) {
  return typeof value === 'bigint' ? value.toString() : value
}

let config: ReturnType<typeof loadConfig>
try {
  config = loadConfig({ file: process.argv[2] ?? process.env.STRONGROOM_CONFIG, env: process.env })
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message)
    process.exit(2)
  }
  throw error
}

console.log('Starting the Strongroom reference exchange…')
ensureConsoleBuilt((line) => console.log(line))
const exchange = await startExchange({ config, logger })
const fix = await startFixGateway({ exchange, port: config.fixPort, host: config.host, logger })
exchange.onClose(() => fix.close())
const market = config.markets[0]!
const simulation = config.simulation.enabled
  ? await startSimulation({
      baseUrl: exchange.urls.http,
      rpcUrl: exchange.urls.rpc,
      admin: { keyId: exchange.adminKey.keyId, secret: exchange.adminKey.secret },
      symbol: `${market.base}-${market.quote}`,
      referencePrice: Number(market.referencePrice),
      makers: config.simulation.makers,
      takers: config.simulation.takers,
      ordersPerSecond: config.simulation.ordersPerSecond,
      log: (m) => console.log(m),
    })
  : undefined

console.log(`
Strongroom reference exchange is running.
  REST API        ${exchange.urls.http}/v1/markets
  OpenAPI         ${exchange.urls.openapi}
  Console         ${exchange.urls.console}  (sign in with an API key, e.g. the admin key below)
  Metrics         ${exchange.urls.metrics}  (Prometheus text format)
  WebSocket       ${exchange.urls.ws}
  FIX 4.4         ${config.host}:${fix.port}  (TargetCompID STRONGROOM)
  Chain           ${exchange.urls.rpc}  (${exchange.custody.chain})
  Hot wallet      ${exchange.custody.hotAddress}  (${config.signer.kind === 'pkcs11' ? 'key in the HSM' : 'development key store'})
  Data            ${config.dataDir}
  Admin API key   ${exchange.adminKey.keyId} / ${exchange.adminKey.secret}  (development; see ${config.dataDir}/api-keys.json)
  Simulation      ${simulation ? `${config.simulation.makers} makers, ${config.simulation.takers} takers` : 'off'}
Press Ctrl+C to stop.
`)

let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  console.log('Stopping…')
  await simulation?.stop()
  await exchange.close()
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
