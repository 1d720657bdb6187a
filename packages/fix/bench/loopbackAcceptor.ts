// Child process of the loopback benchmark: our acceptor with an exchange-like application that
// answers every NewOrderSingle with an ExecutionReport (typed reader in, typed builder out).
// argv: store kind (`memory` | `file`), directory for the file store, idle strategy (`sleep` |
// `spin`). Prints `port <n>`.
import {
  buildExecutionReport,
  createFixAcceptor,
  createMemoryStore,
  openFileStore,
  readNewOrderSingle,
} from '../src/index.js'

const [kind, dir] = [process.argv[2] ?? 'memory', process.argv[3] ?? '/tmp']
const idleStrategy = process.argv[4] === 'spin' ? 'spin' : 'sleep'
const store =
  kind === 'file'
    ? openFileStore({ directory: dir, name: 'bench-acceptor', now: Date.now() })
    : createMemoryStore()
let execId = 0
const acceptor = createFixAcceptor({
  host: '127.0.0.1',
  port: 0,
  sessions: [
    { senderCompId: 'VENUE', targetCompId: 'CLIENT', store, resetOnLogon: true, idleStrategy },
  ],
  application: {
    onMessage(message, session) {
      const order = readNewOrderSingle(message.view)
      session.send(
        buildExecutionReport({
          orderId: `O${++execId}`,
          clOrdId: order.clOrdId,
          execId: `E${execId}`,
          execType: '0',
          ordStatus: '0',
          symbol: order.symbol,
          side: order.side,
          orderQty: order.orderQty,
          ordType: order.ordType,
          leavesQty: order.orderQty,
          cumQty: '0',
          avgPx: '0',
          transactTime: order.transactTime,
        }),
      )
      return undefined
    },
  },
})
const { port } = await acceptor.listen()
process.stdout.write(`port ${port}\n`)
process.on('SIGTERM', () => process.exit(0))
// The benchmark asks for the CPU time used so far (user + system, µs) to compute CPU per order.
process.on('SIGUSR2', () => {
  const { user, system } = process.cpuUsage()
  process.stdout.write(`cpu ${user + system}\n`)
})
