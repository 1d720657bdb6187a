// A gateway of the scaled-out exchange in its own process: JSON over HTTP, commands published to
// the shards' subjects, answers once the result is on the event stream. Usage:
//   node --conditions=@strongroom/source --import tsx src/scaleout/gatewayProcess.ts \
//     --topology topology.json [--port 8090]
// With STRONGROOM_GATEWAY_TOKEN set, every request needs `authorization: Bearer <token>`.
import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { createSystemClock } from '@strongroom/core'
import { openLedgerService } from '../services/ledgerService.js'
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

const { topology, port, host } = processArguments([] as const)
const logger = jsonLogger('gateway')
const nats = await openNatsTopology(topology, 'gateway')
const ledger = await openLedgerService({
  config: exchangeConfigOf(topology),
  clock: createSystemClock(),
})
const gateway = await startShardGateway({ nats, topology, ledger, logger })
const token = process.env.STRONGROOM_GATEWAY_TOKEN
const authorized = (request: IncomingMessage) => {
  if (!token) return true
  const given = Buffer.from(request.headers.authorization ?? '')
  const expected = Buffer.from(`Bearer ${token}`)
  return given.length === expected.length && timingSafeEqual(given, expected)
}
const route =
  (handler: (body: unknown) => Promise<{ status: number; body: unknown }>): JsonHandler =>
  async (request, body) => {
    if (!authorized(request))
      return { status: 401, body: { error: { code: 'unauthorized', message: 'bad token' } } }
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
    'POST /v1/accounts': route((b) => gateway.openAccount(b)),
    'POST /v1/fund': route((b) => gateway.fund(b)),
    'POST /v1/orders': route((b) => gateway.placeOrder(b)),
    'POST /v1/orders/cancel': route((b) => gateway.cancelOrder(b)),
    'POST /v1/transfer': route((b) => gateway.transfer(b)),
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
