import { createSystemClock } from '@strongroom/core'
import {
  type BookCommand,
  createMatchingEngine,
  createSequencer,
  noopEventSink,
  openFileJournal,
} from '../src/index.js'
import { benchInstrument, generateWorkload } from './workload.js'

const w = generateWorkload({ seed: 1, depth: 5000, operations: 600_000 })
const instrument = benchInstrument()
const engine = createMatchingEngine({ instruments: [instrument], sinkFor: () => noopEventSink })
for (const op of w.prefill)
  engine.execute({ ...op.command, symbol: instrument.symbol } as BookCommand, 0)
const journal = await openFileJournal({ path: '/tmp/_j.bin' })
const commands = w.ops.map((op) => ({ ...op.command, symbol: instrument.symbol }) as BookCommand)
const sequencer = createSequencer({ journal, engine, clock: createSystemClock() })
const t0 = performance.now()
for (let i = 0; i < commands.length; i += 2000) {
  for (let j = i; j < Math.min(commands.length, i + 2000); j++) sequencer.submit(commands[j]!)
  if (sequencer.submittedSeq - sequencer.appliedSeq > 100_000) await sequencer.flush()
  else await new Promise((r) => setImmediate(r))
}
await sequencer.flush()
console.log(
  'ops/s',
  Math.round(commands.length / ((performance.now() - t0) / 1000)),
  'syncs',
  journal.syncCount,
)
await journal.close()
