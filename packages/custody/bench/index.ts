// Custody benchmarks: policy decision latency, intent to signed transaction through the
// orchestrator and SoftHSM2, signatures/s with the session pool, intent to broadcast on loopback;
// FROST signing in one process and across five signer-node processes, DKG and refresh.
// Run: `npm run bench -- @strongroom/custody` (or `pnpm run bench` in this folder).
import { benchBroadcast } from './broadcastBench.js'
import { benchPolicy } from './policyBench.js'
import { benchRequestStore } from './requestStoreBench.js'
import { benchSigning } from './signingBench.js'

console.log(
  `@strongroom/custody benchmarks — Node ${process.version}, ${process.platform}/${process.arch}`,
)
benchPolicy()
await benchSigning()
await benchRequestStore()
await benchBroadcast()
// Issue 6: FROST (bench/frost.ts runs on import).
await import('./frost.js')
