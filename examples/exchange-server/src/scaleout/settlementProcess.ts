// The settlement consumer of the scaled-out exchange in its own process: every shard's events
// into the PostgreSQL ledger, exactly once. Usage:
//   node --conditions=@strongroom/source --import tsx src/scaleout/settlementProcess.ts \
//     --topology topology.json [--port 0]
// GET /status shows each shard's progress and any broken invariant of the event stream.
import { createSystemClock } from '@strongroom/core'
import { openLedgerService } from '../services/ledgerService.js'
import { openNatsTopology } from './natsTopology.js'
import {
  announceReady,
  jsonLogger,
  onShutdown,
  processArguments,
  serveJson,
} from './processSupport.js'
import { startSettlementConsumer } from './settlementConsumer.js'
import { exchangeConfigOf } from './topology.js'

const { topology, port, host } = processArguments([] as const)
const logger = jsonLogger('settlement')
const nats = await openNatsTopology(topology, 'settlement')
const ledger = await openLedgerService({
  config: exchangeConfigOf(topology),
  clock: createSystemClock(),
})
const consumer = await startSettlementConsumer({ nats, topology, ledger, logger })
const server = await serveJson(
  { 'GET /status': () => ({ status: 200, body: consumer.status() }) },
  { host, port },
)
onShutdown(async () => {
  await server.close()
  await consumer.stop()
  await ledger.close()
  await nats.close()
})
announceReady({ status: server.url })
