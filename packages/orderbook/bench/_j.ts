import { PerformanceObserver } from 'node:perf_hooks'
import { createSystemClock } from '@strongroom/core'
import {
  type BookCommand,
  createMatchingEngine,
  createSequencer,
  noopEventSink,
  openFileJournal,
} from '../src/index.js'
import { benchInstrument, generateWorkload } from './workload.js'

let gcMs = 0
let gcN = 0
const kinds: Record<string, number> = {}
new PerformanceObserver((l) => {
  for (const e of l.getEntries()) {
    gcMs += e.duration
    gcN++
    const k = String((e as any).detail?.kind)
    kinds[k] = (kinds[k] ?? 0) + e.duration
  }
}).observe({ entryTypes: ['gc'] })
const w = generateWorkload({ seed: 1, depth: 5000, operations: 500_000 })
const instrument = benchInstrument()
const engine = createMatchingEngine({ instruments: [instrument], sinkFor: () => noopEventSink })
for (const op of w.prefill)
  engine.execute({ ...op.command, symbol: instrument.symbol } as BookCommand, 0)
const journal = await openFileJournal({ path: '/tmp/_j.bin' })
const commands = w.ops.map((op) => ({ ...op.command, symbol: instrument.symbol }) as BookCommand)
const sequencer = createSequencer({ journal, engine, clock: createSystemClock() })
await new Promise((r) => setTimeout(r, 50))
gcMs = 0
gcN = 0
const cpu0 = process.cpuUsage()
const t0 = performance.now()
for (let i = 0; i < commands.length; i += 2000) {
  for (let j = i; j < Math.min(commands.length, i + 2000); j++) sequencer.submit(commands[j]!)
  if (sequencer.submittedSeq - sequencer.appliedSeq > 100_000) await sequencer.flush()
  else await new Promise((r) => setImmediate(r))
}
await sequencer.flush()
const cpu = process.cpuUsage(cpu0)
console.log(
  'ops/s',
  Math.round(commands.length / ((performance.now() - t0) / 1000)),
  'per cpu-s',
  Math.round(commands.length / ((cpu.user + cpu.system) / 1e6)),
  'syncs',
  journal.syncCount,
  'gc',
  gcN,
  gcMs.toFixed(0),
  'ms',
  kinds,
)
await journal.close()
