import { createOrderBook, noopEventSink } from '../src/index.js'
import { benchInstrument, generateWorkload } from './workload.js'

const depth = Number(process.argv[2] ?? 20000)
const w = generateWorkload({ seed: 42, depth, operations: 1_000_000 })
console.log('depth', w.finalDepth, 'levels', w.finalLevels)
const commands = w.ops.map((o) => o.command)
for (let rep = 0; rep < 6; rep++) {
  const book = createOrderBook({
    instrument: benchInstrument(),
    sink: noopEventSink,
    initialOrders: 65536,
  })
  for (const op of w.prefill) book.execute(op.command, 0)
  const t = performance.now()
  for (let i = 0; i < commands.length; i++) book.execute(commands[i]!, 0)
  console.log(depth, 'ops/s', Math.round((commands.length / (performance.now() - t)) * 1000))
}
