// Audit log benchmarks: appends/s to the file sink with group commit (batched fdatasync), and
// verification speed. Run: `npm run bench -- @strongroom/core` (or `pnpm run bench` here).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type AuditRecord,
  createAuditRecord,
  createSystemClock,
  openAuditLog,
  openFileAuditSink,
  verifyAuditChain,
} from '@strongroom/core'

const clock = createSystemClock()
const dir = mkdtempSync(join(tmpdir(), 'strongroom-bench-audit-'))
const entry = (i: number) => ({
  type: 'custody.signature',
  actor: 'hsm-1',
  data: {
    requestId: `req_${i}`,
    keyId: 'key_01',
    digest: 'ab'.repeat(32),
    amount: 1_000_000n + BigInt(i),
  },
})

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

async function appendThroughput(
  label: string,
  total: number,
  outstanding: number,
  maxDelayMs: number,
) {
  const path = join(dir, `${label}.jsonl`)
  const sink = await openFileAuditSink({ path, maxDelayMs })
  const log = await openAuditLog({ sink, clock, verifyOnOpen: false })
  const latencies = new Float64Array(total)
  let next = 0
  const t0 = process.hrtime.bigint()
  async function worker() {
    while (next < total) {
      const i = next++
      const start = process.hrtime.bigint()
      await log.append(entry(i))
      latencies[i] = Number(process.hrtime.bigint() - start) / 1_000
    }
  }
  await Promise.all(Array.from({ length: outstanding }, worker))
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9
  const syncs = sink.syncCount
  await log.close()
  latencies.sort()
  console.log(
    `${label.padEnd(34)} ${String(total).padStart(8)} appends  ${Math.round(total / seconds)
      .toLocaleString('en-US')
      .padStart(10)} appends/s  ` +
      `${syncs} fdatasyncs (${(total / syncs).toFixed(1)}/sync)  latency µs p50 ${percentile(latencies, 50).toFixed(0)} p99 ${percentile(latencies, 99).toFixed(0)}`,
  )
  return path
}

async function verifyThroughput(path: string) {
  // End to end: stream the file, parse, re-hash, check links.
  const sink = await openFileAuditSink({ path })
  const log = await openAuditLog({ sink, clock, verifyOnOpen: false })
  let t0 = process.hrtime.bigint()
  const result = await log.verify()
  let seconds = Number(process.hrtime.bigint() - t0) / 1e9
  if (!result.ok) throw new Error('bench chain does not verify')
  console.log(
    `${'verify() from file (read+parse+hash)'.padEnd(34)} ${String(result.count).padStart(8)} records  ${Math.round(
      result.count / seconds,
    )
      .toLocaleString('en-US')
      .padStart(10)} records/s`,
  )
  await log.close()

  // In memory: hashing and linking only.
  const records: AuditRecord[] = []
  let previous: AuditRecord | undefined
  for (let i = 0; i < result.count; i++) {
    previous = createAuditRecord(previous, { time: 1_700_000_000_000 + i, ...entry(i) })
    records.push(previous)
  }
  t0 = process.hrtime.bigint()
  const inMemory = verifyAuditChain(records)
  seconds = Number(process.hrtime.bigint() - t0) / 1e9
  if (!inMemory.ok) throw new Error('in-memory chain does not verify')
  console.log(
    `${'verifyAuditChain (in memory)'.padEnd(34)} ${String(records.length).padStart(8)} records  ${Math.round(
      records.length / seconds,
    )
      .toLocaleString('en-US')
      .padStart(10)} records/s`,
  )
}

console.log(
  `@strongroom/core audit benchmarks — node ${process.version}, ${new Date().toISOString()}`,
)
console.log(`file in ${dir}`)
try {
  await appendThroughput('sequential (1 in flight)', 2_000, 1, 0)
  await appendThroughput('group commit, 64 in flight', 100_000, 64, 0)
  await appendThroughput('group commit, 1024 in flight', 200_000, 1_024, 0)
  const path = await appendThroughput('group commit, 1024, maxDelay 2ms', 200_000, 1_024, 2)
  await verifyThroughput(path)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
