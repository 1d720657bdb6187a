// @strongroom/fix benchmarks: codec (ours and jspurefix side by side, same run) and a session
// over loopback (our initiator against our acceptor). Run: `npm run bench -- @strongroom/fix`.
import { codecBenchmarks } from './codec.js'

const print = (line: string) => process.stdout.write(`${line}\n`)
print(`@strongroom/fix benchmarks — node ${process.version}, ${new Date().toISOString()}`)
print('')
print('## codec')
await codecBenchmarks(print)
process.exit(0)
