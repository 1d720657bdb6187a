// Child process for multiprocess.test.ts: a client that sends TOTAL orders at a steady pace
// whatever the state of the connection (orders sent while disconnected are stored and recovered
// through the venue's ResendRequest), records every ExecutionReport it receives, and prints
// `done` when it holds one for each order.
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  buildNewOrderSingle,
  createFixInitiator,
  openFileStore,
  readExecutionReport,
} from '../../src/index.js'

const [port, dir, total] = [Number(process.argv[2]), process.argv[3]!, Number(process.argv[4])]
const log = join(dir, 'initiator-reports.log')
const reports = new Set<string>()
const initiator = createFixInitiator({
  host: '127.0.0.1',
  port,
  reconnectIntervalMs: 100,
  session: {
    senderCompId: 'CLIENT',
    targetCompId: 'VENUE',
    store: openFileStore({
      directory: join(dir, 'initiator'),
      name: 'CLIENT-VENUE',
      now: Date.now(),
    }),
    heartBtInt: 5,
  },
  application: {
    onMessage(message) {
      const report = readExecutionReport(message.view)
      appendFileSync(log, `${report.clOrdId} ${message.seqNum} ${message.possDup ? 'Y' : 'N'}\n`)
      reports.add(report.clOrdId ?? '')
      if (reports.size === total) process.stdout.write('done\n')
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
initiator.start()
await initiator.waitForLogon()
let sent = 0
const timer = setInterval(() => {
  for (let i = 0; i < 4 && sent < total; i++) {
    sent++
    initiator.session.send(
      buildNewOrderSingle({
        clOrdId: `C${sent}`,
        symbol: 'BTC-USDC',
        side: '1',
        transactTime: Date.now(),
        orderQty: '1',
        ordType: '1',
      }),
    )
  }
  if (sent === total) clearInterval(timer)
}, 5)
process.on('SIGTERM', () => {
  initiator.session.store.flush()
  process.exit(0)
})
