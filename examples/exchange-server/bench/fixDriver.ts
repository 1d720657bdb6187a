// A FIX 4.4 order-entry client of the benchmark (the @strongroom/fix initiator). Acknowledgement
// of a NewOrderSingle: the first ExecutionReport for its ClOrdID (New, or Rejected); of an
// OrderCancelRequest: the Canceled ExecutionReport of the original order, or an OrderCancelReject.
import { lotsToQuantity, ticksToPrice } from '@strongroom/core'
import {
  buildNewOrderSingle,
  buildOrderCancelRequest,
  createFixInitiator,
  createMemoryStore,
} from '@strongroom/fix'
import { fixLogonPassword, VENUE_COMP_ID } from '../src/gateway/fixGateway.js'
import type { BenchConnection, ConnectOptions } from './connection.js'

/** Caches the decimal strings of the few prices and quantities the benchmark uses. */
function memo(format: (n: number) => string) {
  const cache = new Map<number, string>()
  return (n: number) => {
    let s = cache.get(n)
    if (s === undefined) {
      s = format(n)
      cache.set(n, s)
    }
    return s
  }
}

export async function connectFix(options: ConnectOptions & { port: number }) {
  const { instrument } = options
  const symbol = instrument.symbol
  const price = memo((t) => ticksToPrice(instrument, t))
  const quantity = memo((l) => lotsToQuantity(instrument, l))
  let prefix = 'R0-'
  /** Original ClOrdID → id of the cancel in flight for it. */
  const cancels = new Map<string, number>()
  const idOf = (clOrdId: string | undefined) =>
    clOrdId?.startsWith(prefix) ? Number(clOrdId.slice(prefix.length)) : undefined

  const connection: BenchConnection = {
    fills: 0,
    onAck: () => {},
    beginRun(run) {
      prefix = `R${run}-`
      cancels.clear()
    },
    send(id, op) {
      const clOrdId = `${prefix}${id}`
      if (op.kind === 'place') {
        initiator.session.send(
          buildNewOrderSingle({
            clOrdId,
            symbol,
            side: op.side === 'buy' ? '1' : '2',
            transactTime: Date.now(),
            orderQty: quantity(op.quantity),
            ordType: '2',
            price: price(op.price),
            timeInForce: op.tif === 'GTC' ? '1' : '3',
          }),
        )
      } else {
        const orig = String(op.ref)
        cancels.set(orig, id)
        initiator.session.send(
          buildOrderCancelRequest({
            origClOrdId: orig,
            clOrdId,
            symbol,
            side: op.side === 'buy' ? '1' : '2',
            transactTime: Date.now(),
          }),
        )
      }
    },
    close: () => initiator.stop(),
  }

  const initiator = createFixInitiator({
    host: '127.0.0.1',
    port: options.port,
    session: {
      senderCompId: options.keyId,
      targetCompId: VENUE_COMP_ID,
      store: createMemoryStore(),
      heartBtInt: 30,
      resetSeqNumOnLogon: true,
      logonFields: [
        [553, options.keyId],
        [554, fixLogonPassword(options.keyId, options.secret)],
      ],
    },
    application: {
      onMessage(message) {
        const view = message.view
        if (message.msgType === '8') {
          const execType = view.get(150)
          const clOrdId = view.get(11)
          if (execType === 'F') connection.fills++
          else if (execType === '0' || execType === '8') {
            const id = idOf(clOrdId)
            if (id !== undefined) connection.onAck(id, execType === '0', clOrdId)
          } else if (execType === '4' && clOrdId !== undefined) {
            const id = cancels.get(clOrdId)
            if (id !== undefined) {
              cancels.delete(clOrdId)
              connection.onAck(id, true, undefined)
            }
          }
        } else if (message.msgType === '9') {
          const id = idOf(view.get(11))
          const orig = view.get(41)
          if (id !== undefined && orig !== undefined && cancels.get(orig) === id) {
            cancels.delete(orig)
            connection.onAck(id, false, undefined)
          }
        }
        return undefined
      },
    },
  })
  initiator.start()
  await initiator.waitForLogon(10_000)
  return connection
}
