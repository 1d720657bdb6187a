import { type BookEventSink, createOrderBook } from '../src/index.js'
import { benchInstrument, generateWorkload } from './workload.js'

for (const depth of [1000, 5000, 20000]) {
  let t = performance.now()
  const w = generateWorkload({ seed: 42, depth, operations: 1_000_000 })
  console.log(
    'gen',
    depth,
    (performance.now() - t).toFixed(0),
    'ms',
    w.finalDepth,
    w.finalLevels,
    w.mix,
  )
  let fills = 0,
    _qty = 0,
    _events = 0
  const sink: BookEventSink = {
    accepted() {
      _events++
    },
    rejected() {
      _events++
    },
    fill(_t, _p, q) {
      fills++
      _qty += q
    },
    cancelled() {
      _events++
    },
    expired() {},
    triggered() {},
    amended() {
      _events++
    },
    level() {
      _events++
    },
    book() {
      _events++
    },
    bbo() {
      _events++
    },
    status() {},
  }
  for (let rep = 0; rep < 3; rep++) {
    const book = createOrderBook({ instrument: benchInstrument(), sink, initialOrders: depth * 2 })
    for (const op of w.prefill) book.execute(op.command, 0)
    fills = 0
    const ops = w.ops
    t = performance.now()
    for (let i = 0; i < ops.length; i++) book.execute(ops[i]!.command, 0)
    const dt = performance.now() - t
    console.log(
      depth,
      'ops/s',
      Math.round((ops.length / dt) * 1000),
      'fills',
      fills,
      'hash-depth',
      book.orderCount(),
    )
  }
}
