// One engine of an instrument shard in its own process (primary or hot standby; the lease
// decides). Usage:
//   node --conditions=@strongroom/source --import tsx src/scaleout/shardProcess.ts \
//     --topology topology.json --shard eth --node eth-a [--port 0]
// GET /status on the printed URL shows its role, fencing token and progress; GET /state adds the
// state hash and every balance.
import { openNatsTopology } from './natsTopology.js'
import {
  announceReady,
  jsonLogger,
  onShutdown,
  processArguments,
  serveJson,
} from './processSupport.js'
import { startShardEngine } from './shardEngine.js'

const { topology, options, port, host } = processArguments(['shard', 'node'] as const)
if (!options.shard || !options.node) throw new Error('--shard and --node are required')
const logger = jsonLogger(`shard:${options.node}`)
const nats = await openNatsTopology(topology, `shard-${options.node}`)
const engine = await startShardEngine({
  nats,
  topology,
  shard: options.shard,
  node: options.node,
  logger,
})
const server = await serveJson(
  {
    'GET /status': () => ({ status: 200, body: engine.status() }),
    'GET /state': () => ({ status: 200, body: engine.state() }),
  },
  { host, port },
)
onShutdown(async () => {
  await engine.stop({ release: true })
  await server.close()
  await nats.close()
})
announceReady({ status: server.url, shard: engine.shard, node: engine.node })
