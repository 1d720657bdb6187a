// Child process for multiprocess.test.ts: a venue acceptor with a file store that answers every
// NewOrderSingle with an ExecutionReport and records each order it processes (one line per order,
// written before the session moves on). SIGTERM stops it abruptly: no Logout, the socket just
// drops, as when a process dies; the store is flushed first (it is after every batch anyway).
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  buildExecutionReport,
  createFixAcceptor,
  openFileStore,
  readNewOrderSingle,
} from '../../src/index.js'

const [port, dir] = [Number(process.argv[2]), process.argv[3]!]
const log = join(dir, 'acceptor-orders.log')
const store = openFileStore({
  directory: join(dir, 'acceptor'),
  name: 'VENUE-CLIENT',
  now: Date.now(),
})
const acceptor = createFixAcceptor({
  host: '127.0.0.1',
  port,
  sessions: [{ senderCompId: 'VENUE', targetCompId: 'CLIENT', store }],
  application: {
    onMessage(message, session) {
      const order = readNewOrderSingle(message.view)
      appendFileSync(log, `${order.clOrdId} ${message.seqNum} ${message.possDup ? 'Y' : 'N'}\n`)
      session.send(
        buildExecutionReport({
          orderId: `O-${order.clOrdId}`,
          clOrdId: order.clOrdId,
          execId: `E-${order.clOrdId}`,
          execType: '0',
          ordStatus: '0',
          symbol: order.symbol,
          side: order.side,
          leavesQty: order.orderQty,
          cumQty: '0',
          avgPx: '0',
        }),
      )
      return undefined
    },
    onEvent(event) {
      if (
        event.type.startsWith('resend') ||
        event.type === 'logon' ||
        event.type === 'disconnected'
      ) {
        process.stdout.write(`event ${JSON.stringify(event)}\n`)
      }
    },
  },
})
await acceptor.listen()
process.stdout.write('listening\n')
process.on('SIGTERM', () => {
  for (const session of acceptor.sessions.values()) session.store.flush()
  process.exit(0)
})
