// @strongroom/fix benchmarks: codec (ours and jspurefix side by side, same run) and a session
// over loopback (our initiator against our acceptor). Run: `npm run bench -- @strongroom/fix`.
import { codecBenchmarks } from './codec.js'
import { loopbackBenchmark } from './loopback.js'

const print = (line: string) => process.stdout.write(`${line}\n`)
print(`@strongroom/fix benchmarks — node ${process.version}, ${new Date().toISOString()}`)
print('')
print('## codec')
if (!process.argv.includes('--session-only')) await codecBenchmarks(print)
print('')
print('## session over loopback (initiator in this process, acceptor in a child process)')
print('For scale (issue 4): a QuickFIX C++ initiator/acceptor pair did about 51,000 orders/s here.')
await loopbackBenchmark('memory', print)
await loopbackBenchmark('file', print)
process.exit(0)
