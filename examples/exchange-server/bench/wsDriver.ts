// A WebSocket order-entry client of the benchmark. Acknowledgement of an order or a cancel: the
// reply carrying its `id` (`ok` with the order id, or an error).
import { WebSocket } from 'ws'
import { signRequest } from '../src/gateway/auth.js'
import type { BenchConnection, ConnectOptions } from './connection.js'

export async function connectWs(options: ConnectOptions & { url: string }) {
  const symbol = options.instrument.symbol
  const socket = new WebSocket(options.url)
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve())
    socket.once('error', reject)
  })
  const connection: BenchConnection = {
    fills: 0,
    onAck: () => {},
    beginRun() {},
    send(id, op) {
      socket.send(
        op.kind === 'place'
          ? `{"op":"order","id":${id},"action":"place","symbol":"${symbol}","side":"${op.side}","type":"limit","price":${op.price},"quantity":${op.quantity},"timeInForce":"${op.tif}"}`
          : `{"op":"order","id":${id},"action":"cancel","symbol":"${symbol}","orderId":${Number(op.ref)}}`,
      )
    },
    close: async () => {
      socket.close()
      await new Promise((r) => socket.once('close', r))
    },
  }
  const authenticated = new Promise<void>((resolve, reject) => {
    const onAuth = (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { authenticated?: string; error?: unknown }
      socket.off('message', onAuth)
      if (message.authenticated) resolve()
      else reject(new Error(`WebSocket auth failed: ${JSON.stringify(message)}`))
    }
    socket.on('message', onAuth)
  })
  const timestamp = String(Date.now())
  socket.send(
    JSON.stringify({
      op: 'auth',
      keyId: options.keyId,
      timestamp,
      signature: signRequest(options.secret, { timestamp, method: 'GET', path: '/ws', body: '' }),
    }),
  )
  await authenticated
  socket.on('message', (data: Buffer) => {
    const text = data.toString()
    if (text.startsWith('{"id":')) {
      const reply = JSON.parse(text) as { id: number; ok?: boolean; orderId?: number }
      connection.onAck(reply.id, reply.ok === true, reply.orderId)
    } else if (text.startsWith('{"channel":"orders","type":"fill"')) connection.fills++
  })
  return connection
}
