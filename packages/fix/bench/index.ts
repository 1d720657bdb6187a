// @strongroom/fix benchmarks: codec (ours and jspurefix side by side, same run) and a session
// over loopback (our initiator against our acceptor). Run: `npm run bench -- @strongroom/fix`.
import { codecBenchmarks } from './codec.js'
import { loopbackBenchmark, loopbackSpinBenchmark } from './loopback.js'
import { pingPongBenchmark } from './pingPong.js'

const print = (line: string) => process.stdout.write(`${line}\n`)
print(`@strongroom/fix benchmarks — node ${process.version}, ${new Date().toISOString()}`)
print('')
print('## codec')
if (!process.argv.includes('--session-only')) await codecBenchmarks(print)
print('')
print('## session over loopback (initiator in this process, acceptor in a child process)')
print('For scale (issue 4): a QuickFIX C++ initiator/acceptor pair did about 51,000 orders/s here.')
for (const kind of ['memory', 'file'] as const) {
  await loopbackBenchmark(kind, print)
  await loopbackSpinBenchmark(kind, print)
}
print('')
print('## floor: the same round trip without FIX (Node + loopback on this machine)')
await pingPongBenchmark(print)
process.exit(0)
