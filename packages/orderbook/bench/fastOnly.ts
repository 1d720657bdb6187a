// Runs only the fast book over the issue-3 workload, several times, printing CPU time per run.
// For A/B comparisons on a shared machine and for profilers (callgrind, --cpu-prof).
// Options: DEPTH=<n> (default 5,000), OPS=<n> (default 1,000,000), RUNS=<n> (default 7), SEED=<n>,
// WORKLOAD=<file>: read the commands from this JSON file, or write them there if it is missing
// (so that a profiler need not generate the workload, and A/B runs use the very same stream),
// CALLGRIND=1: when run under `valgrind --tool=callgrind`, count the last
// run's operations only (callgrind_control zeroes the counters before its loop and dumps after).
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { type BookCommand, createOrderBook } from '../src/index.js'
import { benchInstrument, countingSink, generateWorkload, place } from './workload.js'

const DEPTH = Number(process.env.DEPTH ?? 5_000)
const OPS = Number(process.env.OPS ?? 1_000_000)
const RUNS = Number(process.env.RUNS ?? 7)
const SEED = Number(process.env.SEED ?? 20_261_121)

const FILE = process.env.WORKLOAD
const CALLGRIND = process.env.CALLGRIND === '1'

function callgrind(...args: string[]): void {
  execFileSync('callgrind_control', [...args, String(process.pid)], { stdio: 'ignore' })
}

type Stream = { prefill: BookCommand[]; commands: BookCommand[] }
function stream(): Stream {
  if (FILE && existsSync(FILE)) {
    // JSON drops the fields set to undefined: rebuild the commands in the workload's own shape.
    const s = JSON.parse(readFileSync(FILE, 'utf8')) as Stream
    const shape = (c: BookCommand): BookCommand =>
      c.type === 'place'
        ? place(c.orderId, c.side, c.orderType as 'limit', c.price, c.quantity!)
        : c
    return { prefill: s.prefill.map(shape), commands: s.commands.map(shape) }
  }
  const workload = generateWorkload({ seed: SEED + DEPTH, depth: DEPTH, operations: OPS })
  const s = {
    prefill: workload.prefill.map((op) => op.command),
    commands: workload.ops.map((op) => op.command),
  }
  if (FILE) writeFileSync(FILE, JSON.stringify(s))
  return s
}
const { prefill, commands } = stream()

const rates: number[] = []
let last = { fills: 0, filledLots: 0, events: 0 }
for (let r = 0; r < RUNS; r++) {
  const { sink, counts } = countingSink()
  last = counts
  const book = createOrderBook({ instrument: benchInstrument(), sink, initialOrders: 65_536 })
  for (const command of prefill) book.execute(command, 0)
  const profile = CALLGRIND && r === RUNS - 1
  if (profile) callgrind('--zero')
  const cpu0 = process.cpuUsage()
  for (let i = 0; i < commands.length; i++) book.execute(commands[i]!, 0)
  const cpu = process.cpuUsage(cpu0)
  if (profile) callgrind('--dump=loop')
  rates.push(commands.length / ((cpu.user + cpu.system) / 1e6))
}
rates.sort((a, b) => b - a)
if (RUNS > 0)
  console.log(
    `depth ${DEPTH}, ${commands.length} ops, fills ${last.fills}, lots ${last.filledLots}, events ${last.events}; ops per CPU-second best ${Math.round(rates[0]!).toLocaleString('en-US')}, median ${Math.round(rates[rates.length >> 1]!).toLocaleString('en-US')}`,
  )
