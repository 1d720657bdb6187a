// A gateway of the scaled-out exchange in its own process: JSON over HTTP, commands published to
// the shards' subjects, answers once the result is on the event stream. Usage:
//   node --conditions=@strongroom/source --import tsx src/scaleout/gatewayProcess.ts \
//     --topology topology.json --data-dir <dir> [--port 8090]
// Requests are signed with API keys exactly as on the single-process exchange (HMAC over
// timestamp, method, path and body; a 5 s timestamp window; no replays). The keys are read from
// `<dir>/api-keys.json`, the single-process exchange's key file (an admin key is issued into it
// when it has none); opening accounts and funding need the `admin` permission, orders, cancels
// and transfers `trade`, for the key's own account (an admin key may act for any account).
import { mkdirSync } from 'node:fs'
import { createSystemClock } from '@strongroom/core'
import { openApiKeyStore } from '../gateway/apiKeyStore.js'
import { createAuthenticator, type Permission } from '../gateway/auth.js'
import { openLedgerService } from '../services/ledgerService.js'
import { authorizeGatewayRequest } from './gatewayAuth.js'
import { openNatsTopology } from './natsTopology.js'
import {
  announceReady,
  type JsonHandler,
  jsonLogger,
  onShutdown,
  processArguments,
  serveJson,
} from './processSupport.js'
import { GatewayRequestError, startShardGateway } from './shardGateway.js'
import { exchangeConfigOf } from './topology.js'

const { topology, port, host, options } = processArguments(['data-dir'] as const)
const dataDir = options['data-dir'] ?? process.env.STRONGROOM_DATA_DIR
if (!dataDir) throw new Error('--data-dir <dir> (or STRONGROOM_DATA_DIR) is required: API keys')
mkdirSync(dataDir, { recursive: true })
const keys = openApiKeyStore(dataDir)
// As the single-process exchange does: an admin key is issued when the file has none.
if (!keys.all().some((k) => k.permissions.includes('admin'))) keys.issue('venue-ops', ['admin'], 3)
const clock = createSystemClock()
const authenticator = createAuthenticator({ keys: (id) => keys.get(id), now: () => clock.now() })
const logger = jsonLogger('gateway')
const nats = await openNatsTopology(topology, 'gateway')
const ledger = await openLedgerService({ config: exchangeConfigOf(topology), clock })
const gateway = await startShardGateway({ nats, topology, ledger, logger })
const route =
  (
    permission: Permission,
    handler: (body: unknown) => Promise<{ status: number; body: unknown }>,
  ): JsonHandler =>
  async (request, body, raw) => {
    const auth = authorizeGatewayRequest({ authenticator, permission, request, raw, body })
    if (!auth.ok) return { status: auth.status, body: auth.body }
    try {
      return await handler(body)
    } catch (error) {
      if (error instanceof GatewayRequestError)
        return {
          status: error.status,
          body: { error: { code: error.code, message: error.message, issues: error.issues } },
        }
      throw error
    }
  }
const server = await serveJson(
  {
    'POST /v1/accounts': route('admin', (b) => gateway.openAccount(b)),
    'POST /v1/fund': route('admin', (b) => gateway.fund(b)),
    'POST /v1/orders': route('trade', (b) => gateway.placeOrder(b)),
    'POST /v1/orders/cancel': route('trade', (b) => gateway.cancelOrder(b)),
    'POST /v1/transfer': route('trade', (b) => gateway.transfer(b)),
  },
  { host, port },
)
onShutdown(async () => {
  await server.close()
  await gateway.stop()
  await ledger.close()
  await nats.close()
})
announceReady({ http: server.url })
