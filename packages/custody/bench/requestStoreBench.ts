// What the orchestrator's durable request store costs: intent to signed transaction with the
// request store in memory and in the fsync'ed request log (openOrchestratorRequestLog). The signer
// is the software secp256k1 signer of the tests, so the figures isolate the orchestrator.
// Run: `pnpm run bench:requests` in this folder.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMemoryRequestStore, openOrchestratorRequestLog } from '@strongroom/custody'
import { ONE, setupOrchestrator } from '../test/helpers/orchestrator.js'
import { approve, approvers } from '../test/helpers.js'
import { line, nowUs, summarize } from './stats.js'

export async function benchRequestStore() {
  const directory = mkdtempSync(join(tmpdir(), 'bench-requests-'))
  try {
    console.log(
      `\nintent to signed transaction, request store in memory vs fsync'ed log (${directory}); software signer`,
    )
    for (const [label, withApprovals, iterations] of [
      ['allow rule (submit + sign)', false, 1_000],
      ['2-of-3 approvals (submit + 2 approve + sign)', true, 500],
    ] as const) {
      for (const store of ['memory', 'log'] as const) {
        const requests =
          store === 'memory'
            ? createMemoryRequestStore()
            : openOrchestratorRequestLog({ path: join(directory, `${label.length}-${store}.log`) })
        const { orchestrator, intent, tx, clock } = await setupOrchestrator({ requests })
        const samples = new Float64Array(iterations)
        for (let i = -50; i < iterations; i++) {
          const requestId = `r${i}`
          let start = nowUs()
          const submitted = await orchestrator.submit(
            intent({ requestId, amount: withApprovals ? '2' : '0.5' }),
          )
          let elapsed = nowUs() - start
          if (!submitted.ok) throw new Error(submitted.rejection.message)
          if (withApprovals) {
            // Approvers sign on their own devices: not timed.
            const a = approve(approvers.alice, submitted.value.digest, clock.now())
            const b = approve(approvers.bob, submitted.value.digest, clock.now())
            start = nowUs()
            await orchestrator.approve({ requestId, approval: a })
            await orchestrator.approve({ requestId, approval: b })
            elapsed += nowUs() - start
          }
          start = nowUs()
          const signed = await orchestrator.sign({
            requestId,
            transaction: tx({ value: withApprovals ? 2n * ONE : ONE / 2n }),
          })
          elapsed += nowUs() - start
          if (!signed.ok) throw new Error(signed.rejection.message)
          if (i >= 0) samples[i] = elapsed
        }
        line(`${label}, ${store} (${iterations.toLocaleString('en')})`, summarize(samples))
        if ('close' in requests) (requests as { close(): void }).close()
      }
    }
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchRequestStore()
