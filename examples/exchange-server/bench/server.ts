// The exchange under test, in its own process (the load generator must not share its event loop):
// embedded defaults (file journal with group commit, PGlite ledger, local hardhat chain, the
// development key store), no simulation, the FIX gateway beside REST/WebSocket. It opens the
// benchmark accounts through the admin API, funds them through the real paths (USDC from the
// development faucet into the ledger, ETH deposited on chain and credited after its
// confirmations), then prints one `READY <json>` line. SIGTERM closes it cleanly.
//
// Usage: server.ts <dataDir> <accounts>
import type { Logger } from '@strongroom/core'
import { sendFromDevAccount } from '../src/chain/hardhatNode.js'
import { loadConfig } from '../src/config.js'
import { startFixGateway } from '../src/gateway/fixGateway.js'
import { startExchange } from '../src/server.js'

/** What the server tells the load generator. */
export type BenchServerInfo = {
  fixPort: number
  ws: string
  symbol: string
  /** Reference price in ticks (the book is built around it). */
  midTicks: number
  accounts: { accountId: string; keyId: string; secret: string }[]
}

const E18 = 10n ** 18n
const [dataDir, accountArg] = process.argv.slice(2)
if (!dataDir || !accountArg) throw new Error('usage: server.ts <dataDir> <accounts>')

const logger: Logger = {
  debug() {},
  info() {},
  warn: (m, f) => console.error('[warn]', m, JSON.stringify(f ?? {})),
  error: (m, f) => console.error('[error]', m, JSON.stringify(f ?? {})),
}
const config = loadConfig({
  env: {
    STRONGROOM_DATA_DIR: dataDir,
    STRONGROOM_HTTP_PORT: '0',
    STRONGROOM_FIX_PORT: '0',
    STRONGROOM_SIMULATION: 'off',
  },
})
const exchange = await startExchange({
  config: {
    ...config,
    // The per-key order-entry rate limit (2,000/s by default) would cap the benchmark, not the
    // exchange; everything else is the embedded default.
    rateLimit: { perSecond: 1e9, burst: 1e9 },
  },
  logger,
})
const fix = await startFixGateway({ exchange, port: 0, host: config.host, logger })
exchange.onClose(() => fix.close())

const market = config.markets[0]!
const symbol = `${market.base}-${market.quote}`
const instrument = exchange.api.markets.get(symbol)!.instrument
const accounts: BenchServerInfo['accounts'] = []
for (let i = 0; i < Number(accountArg); i++) {
  const accountId = `bench-${i}`
  const key = await exchange.api.createAccount({
    accountId,
    permissions: ['read', 'trade'],
    kycLevel: 3,
  })
  await exchange.api.faucet(accountId, market.quote, 100_000_000n * 10n ** 6n)
  const address = await exchange.api.depositAddress(accountId, market.base)
  await sendFromDevAccount(exchange.urls.rpc, i, address, 1_000n * E18)
  accounts.push({ accountId, keyId: key.keyId, secret: key.secret })
}
// Wait for the on-chain deposits to be credited (after the asset's confirmations).
const deadline = Date.now() + 120_000
for (;;) {
  const credited = accounts.every((a) =>
    exchange.api.balances(a.accountId).some((b) => b.asset === market.base && b.available > 0n),
  )
  if (credited) break
  if (Date.now() > deadline) throw new Error('the benchmark deposits were not credited in time')
  await new Promise((r) => setTimeout(r, 100))
}

const info: BenchServerInfo = {
  fixPort: fix.port,
  ws: exchange.urls.ws,
  symbol,
  midTicks: Math.round(Number(market.referencePrice) / Number(instrument.tickSize)),
  accounts,
}
process.stdout.write(`READY ${JSON.stringify(info)}\n`)

// The load generator asks for this process's CPU time around each run (CPU per order does not
// depend on what else the machine runs, unlike the rates).
process.on('message', (message) => {
  if (message === 'cpu') {
    const { user, system } = process.cpuUsage()
    process.send?.({ cpuUs: user + system, heapUsed: process.memoryUsage().heapUsed })
  }
})

let stopping = false
process.on('SIGTERM', () => {
  if (stopping) return
  stopping = true
  void exchange.close().then(() => process.exit(0))
})
