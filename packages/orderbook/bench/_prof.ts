import { createOrderBook, noopEventSink } from '../src/index.js'
import { benchInstrument, generateWorkload } from './workload.js'

const depth = Number(process.argv[2] ?? 20000)
const w = generateWorkload({ seed: 42, depth, operations: 1_000_000 })
console.log('depth', w.finalDepth, 'levels', w.finalLevels)
for (let rep = 0; rep < 4; rep++) {
  const book = createOrderBook({
    instrument: benchInstrument(),
    sink: noopEventSink,
    initialOrders: depth * 2,
  })
  for (const op of w.prefill) book.execute(op.command, 0)
  const ops = w.ops
  const t = performance.now()
  for (let i = 0; i < ops.length; i++) book.execute(ops[i]!.command, 0)
  console.log(depth, 'ops/s', Math.round((ops.length / (performance.now() - t)) * 1000))
}
