// Custody benchmarks: policy decision latency, intent to signed transaction through the
// orchestrator and SoftHSM2, signatures/s with the session pool, intent to broadcast on loopback;
// FROST signing in one process and across five signer-node processes, DKG and refresh.
// Run: `npm run bench -- @strongroom/custody` (or `pnpm run bench` in this folder). Name benches
// to run only those: `pnpm run bench signing` (policy, signing, requests, broadcast, frost).
import { benchBroadcast } from './broadcastBench.js'
import { benchPolicy } from './policyBench.js'
import { benchRequestStore } from './requestStoreBench.js'
import { benchSigning } from './signingBench.js'

const benches: Record<string, () => unknown> = {
  policy: benchPolicy,
  signing: benchSigning,
  requests: benchRequestStore,
  broadcast: benchBroadcast,
  // Issue 6: FROST (bench/frost.ts runs on import).
  frost: () => import('./frost.js'),
}
const named = process.argv.slice(2).filter((a) => a !== '--')
const unknown = named.filter((n) => !Object.hasOwn(benches, n))
if (unknown.length > 0) {
  throw new Error(`Unknown bench ${unknown.join(', ')}; known: ${Object.keys(benches).join(', ')}`)
}

console.log(
  `@strongroom/custody benchmarks — Node ${process.version}, ${process.platform}/${process.arch}`,
)
for (const [name, run] of Object.entries(benches)) {
  if (named.length === 0 || named.includes(name)) await run()
}
