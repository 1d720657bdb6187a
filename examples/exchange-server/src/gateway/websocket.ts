import type { Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { lotsToQuantity, ticksToPrice } from '@strongroom/core'
import { WebSocket, WebSocketServer } from 'ws'
import { z } from 'zod'
import type { ExchangeApi } from '../api/exchangeApi.js'
import type { ExchangeEvent } from '../core/events.js'
import type { createAuthenticator } from './auth.js'
import { zodIssues } from './http.js'
import type { createRateLimiter } from './rateLimit.js'

/** Channels every connection may follow, per market. */
const PUBLIC_CHANNELS = ['book', 'trades', 'bbo'] as const
/** The account's own streams: they follow `auth` without a subscription; asking needs `auth`. */
const PRIVATE_CHANNELS = ['orders', 'balances'] as const
/** Largest message the gateway reads (a larger one gets `message_too_large`). */
const MAX_MESSAGE_BYTES = 16 * 1024
/** Larger frames are not even buffered: the connection is closed with 1009. */
const MAX_FRAME_BYTES = 1024 * 1024

const subscribeMessage = z
  .strictObject({
    op: z.literal('subscribe'),
    channel: z.enum([...PUBLIC_CHANNELS, ...PRIVATE_CHANNELS]),
    symbol: z.string().max(40).optional(),
  })
  .superRefine((m, ctx) => {
    if (m.symbol === undefined && (PUBLIC_CHANNELS as readonly string[]).includes(m.channel))
      ctx.addIssue({ code: 'custom', path: ['symbol'], message: `required for ${m.channel}` })
  })
const authMessage = z.strictObject({
  op: z.literal('auth'),
  keyId: z.string().max(64),
  timestamp: z.string().max(20),
  /** hex(HMAC-SHA256(secret, timestamp + "\nGET\n/ws\n" + hex(SHA-256("")))) — a signed GET /ws. */
  signature: z.string().max(128),
})
const orderMessage = z
  .strictObject({
    op: z.literal('order'),
    /** Echoed in the reply. */
    id: z.union([z.string().max(64), z.number().int()]),
    action: z.enum(['place', 'cancel']),
    symbol: z.string().max(40),
    side: z.enum(['buy', 'sell']).optional(),
    type: z.enum(['limit', 'market']).optional(),
    price: z.number().int().positive().optional(),
    quantity: z.number().int().positive().optional(),
    timeInForce: z.enum(['GTC', 'IOC', 'FOK']).optional(),
    clientOrderId: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,64}$/)
      .optional(),
    orderId: z.number().int().positive().optional(),
  })
  .superRefine((m, ctx) => {
    const required =
      m.action === 'cancel'
        ? (['orderId'] as const)
        : m.type === 'market'
          ? (['side', 'quantity'] as const)
          : (['side', 'price', 'quantity'] as const)
    for (const field of required)
      if (m[field] === undefined)
        ctx.addIssue({ code: 'custom', path: [field], message: `required to ${m.action}` })
  })
const clientMessage = z.discriminatedUnion('op', [subscribeMessage, authMessage, orderMessage])

type Client = {
  socket: WebSocket
  /** The TCP socket under the WebSocket (ws keeps it in `_socket`). */
  tcp: Duplex | undefined
  channels: Set<string>
  account: string | undefined
  keyId: string | undefined
}

/** Bytes a client's corked socket collects before it is written anyway. */
const CORK_LIMIT = 256 * 1024

const bigintSafe = (_key: string, value: unknown) =>
  typeof value === 'bigint' ? value.toString() : value

/**
 * The WebSocket API on `/ws`: public streams (L2 snapshot then incremental deltas with sequence
 * numbers, trades, BBO), and after `auth` the account's private streams (orders, fills, balances)
 * and order entry. Every message is validated; a bad one gets an error reply and changes nothing.
 * Order entry uses integer ticks and lots (the REST API takes decimals) for speed.
 */
export function attachWebSocketGateway(options: {
  server: Server
  api: ExchangeApi
  authenticator: ReturnType<typeof createAuthenticator>
  rateLimiter: ReturnType<typeof createRateLimiter>
  subscribe: (fn: (events: readonly ExchangeEvent[]) => void) => () => void
}) {
  const { api } = options
  const wss = new WebSocketServer({
    server: options.server,
    path: '/ws',
    maxPayload: MAX_FRAME_BYTES,
  })
  const clients = new Set<Client>()

  // Everything sent to a client in one tick (the events of an applied batch, the order-entry
  // replies resolved with it) leaves in one write: the TCP socket stays corked until the tick
  // ends, instead of one system call per message.
  const corked = new Set<Duplex>()
  const uncorkAll = () => {
    for (const tcp of corked) tcp.uncork()
    corked.clear()
  }
  const send = (client: Client, message: unknown) => {
    if (client.socket.readyState !== WebSocket.OPEN) return
    // A client that cannot keep up is dropped rather than buffering without bound.
    if (client.socket.bufferedAmount > 8 * 1024 * 1024) {
      client.socket.terminate()
      return
    }
    const tcp = client.tcp
    if (tcp && !corked.has(tcp)) {
      if (corked.size === 0) process.nextTick(uncorkAll)
      corked.add(tcp)
      tcp.cork()
    }
    client.socket.send(JSON.stringify(message, bigintSafe))
    // Large bursts go out in chunks, so that bufferedAmount above keeps measuring the backlog
    // the client has not read, not what this tick corked.
    if (tcp && tcp.writableLength >= CORK_LIMIT) {
      corked.delete(tcp)
      tcp.uncork()
    }
  }

  const fmt = (symbol: string) => {
    const instrument = api.markets.get(symbol)!.instrument
    return {
      price: (t: number) => ticksToPrice(instrument, t),
      qty: (l: number) => lotsToQuantity(instrument, l),
    }
  }

  const unsubscribe = options.subscribe((events) => {
    for (const e of events) {
      switch (e.kind) {
        case 'level': {
          const f = fmt(e.symbol)
          const message = {
            channel: 'book',
            type: 'delta',
            symbol: e.symbol,
            seq: e.mdSeq,
            side: e.side,
            price: f.price(e.price),
            quantity: f.qty(e.quantity),
          }
          for (const c of clients) if (c.channels.has(`book:${e.symbol}`)) send(c, message)
          break
        }
        case 'bbo': {
          const f = fmt(e.symbol)
          const message = {
            channel: 'bbo',
            symbol: e.symbol,
            bid: [f.price(e.bidPrice), f.qty(e.bidQuantity)],
            ask: [f.price(e.askPrice), f.qty(e.askQuantity)],
          }
          for (const c of clients) if (c.channels.has(`bbo:${e.symbol}`)) send(c, message)
          break
        }
        case 'fill': {
          const f = fmt(e.symbol)
          const message = {
            channel: 'trades',
            symbol: e.symbol,
            tradeId: e.tradeId,
            price: f.price(e.price),
            quantity: f.qty(e.quantity),
            side: e.aggressorSide,
            time: e.time,
          }
          for (const c of clients) {
            if (c.channels.has(`trades:${e.symbol}`)) send(c, message)
            if (c.account === e.makerAccount || c.account === e.takerAccount) {
              const maker = c.account === e.makerAccount
              send(c, {
                channel: 'orders',
                type: 'fill',
                symbol: e.symbol,
                orderId: maker ? e.makerOrderId : e.takerOrderId,
                clientOrderId: maker ? e.makerClientOrderId : e.takerClientOrderId,
                price: f.price(e.price),
                quantity: f.qty(e.quantity),
                remaining: f.qty(maker ? e.makerRemaining : e.takerRemaining),
                liquidity: maker ? 'maker' : 'taker',
                tradeId: e.tradeId,
              })
            }
          }
          break
        }
        case 'orderAccepted':
        case 'orderCancelled':
        case 'orderExpired':
        case 'orderAmended':
        case 'orderTriggered':
          for (const c of clients)
            if (c.account === e.account) send(c, { channel: 'orders', type: e.kind, ...e })
          break
        case 'balance':
          for (const c of clients)
            if (c.account === e.account)
              send(c, {
                channel: 'balances',
                asset: e.asset,
                available: e.available,
                locked: e.locked,
              })
          break
        default:
          break
      }
    }
  })

  async function handle(client: Client, raw: string) {
    let json: unknown
    try {
      json = JSON.parse(raw)
    } catch {
      return send(client, {
        error: { code: 'invalid_json', message: 'The message is not valid JSON.' },
      })
    }
    const parsed = clientMessage.safeParse(json)
    if (!parsed.success) {
      // Echo a usable request id so the client can match the error to its request.
      const id = (json as { id?: unknown } | null)?.id
      return send(client, {
        ...(typeof id === 'string' || typeof id === 'number' ? { id } : {}),
        error: {
          code: 'validation_failed',
          message: 'The message failed validation.',
          issues: zodIssues(parsed.error),
        },
      })
    }
    const message = parsed.data
    if (message.op === 'subscribe') {
      if (message.symbol === undefined) {
        // A private channel: the account's streams flow once authenticated.
        if (!client.account)
          return send(client, {
            error: {
              code: 'not_authenticated',
              message: `The ${message.channel} channel is private: send an auth message first.`,
              issues: [{ code: 'not_authenticated', path: ['channel'], message: 'private' }],
            },
          })
        return send(client, { subscribed: message.channel })
      }
      if ((PRIVATE_CHANNELS as readonly string[]).includes(message.channel))
        return send(client, {
          error: {
            code: 'validation_failed',
            message: 'The message failed validation.',
            issues: [
              { code: 'unrecognized_keys', path: ['symbol'], message: 'not for this channel' },
            ],
          },
        })
      if (!api.markets.has(message.symbol))
        return send(client, {
          error: { code: 'unknown_instrument', message: `No market ${message.symbol}.` },
        })
      client.channels.add(`${message.channel}:${message.symbol}`)
      if (message.channel === 'book') {
        // Snapshot and deltas come from the same single-threaded state: every delta after
        // `seq` follows, none is missing.
        const book = api.book(message.symbol)!
        const f = fmt(message.symbol)
        send(client, {
          channel: 'book',
          type: 'snapshot',
          symbol: message.symbol,
          seq: book.seq,
          bids: book.bids.map((l) => [f.price(l.price), f.qty(l.quantity)]),
          asks: book.asks.map((l) => [f.price(l.price), f.qty(l.quantity)]),
        })
      }
      return send(client, { subscribed: `${message.channel}:${message.symbol}` })
    }
    if (message.op === 'auth') {
      const result = options.authenticator.authenticate({
        headers: {
          'x-sr-key': message.keyId,
          'x-sr-timestamp': message.timestamp,
          'x-sr-signature': message.signature,
        },
        method: 'GET',
        path: '/ws',
        body: '',
        permission: 'read',
      })
      if (!result.ok)
        return send(client, { error: { code: result.failure, message: result.message } })
      client.account = result.key.accountId
      client.keyId = result.key.keyId
      return send(client, { authenticated: result.key.accountId })
    }
    // Order entry.
    if (!client.account || !client.keyId)
      return send(client, {
        id: message.id,
        error: { code: 'not_authenticated', message: 'Send an auth message first.' },
      })
    // Checked here so bad input never reaches the journal (as the REST gateway does).
    const instrument = api.markets.get(message.symbol)?.instrument
    if (!instrument)
      return send(client, {
        id: message.id,
        error: {
          code: 'unknown_instrument',
          message: `No market ${message.symbol}.`,
          issues: [{ code: 'unknown_instrument', path: ['symbol'], message: 'no such market' }],
        },
      })
    const beyond = (
      [
        ['price', message.price, instrument.maxPriceTicks],
        ['quantity', message.quantity, instrument.maxQuantityLots],
      ] as const
    ).filter(([, value, max]) => value !== undefined && value > max)
    if (beyond.length > 0)
      return send(client, {
        id: message.id,
        error: {
          code: 'validation_failed',
          message: 'The message failed validation.',
          issues: beyond.map(([field, , max]) => ({
            code: 'too_big',
            path: [field],
            message: `at most ${max} for ${message.symbol}`,
          })),
        },
      })
    const limit = options.rateLimiter.take(client.keyId)
    if (!limit.allowed)
      return send(client, {
        id: message.id,
        error: { code: 'rate_limited', message: `Retry in ${limit.retryAfterMs} ms.` },
      })
    const blocked = api.preTradeCheck(client.account)
    if (blocked)
      return send(client, {
        id: message.id,
        error: { code: 'compliance_blocked', message: blocked },
      })
    const applied =
      message.action === 'cancel'
        ? await api.submit({
            type: 'cancelOrder',
            account: client.account,
            symbol: message.symbol,
            orderId: message.orderId ?? 0,
          })
        : await api.submit({
            type: 'placeOrder',
            account: client.account,
            symbol: message.symbol,
            side: message.side ?? 'buy',
            orderType: message.type ?? 'limit',
            price: message.price,
            quantity: message.quantity,
            timeInForce: message.timeInForce,
            clientOrderId: message.clientOrderId,
          })
    return applied.result.ok
      ? send(client, {
          id: message.id,
          ok: true,
          orderId: applied.result.orderId,
          seq: applied.seq,
        })
      : send(client, {
          id: message.id,
          error: { code: applied.result.code, message: applied.result.message },
        })
  }

  wss.on('connection', (socket) => {
    const client: Client = {
      socket,
      tcp: (socket as unknown as { _socket?: Duplex })._socket,
      channels: new Set(),
      account: undefined,
      keyId: undefined,
    }
    clients.add(client)
    socket.on('message', (data, isBinary) => {
      if (isBinary)
        return send(client, {
          error: { code: 'binary_not_supported', message: 'Send JSON text frames.' },
        })
      const size = Array.isArray(data)
        ? data.reduce((n, b) => n + b.length, 0)
        : (data as Buffer | ArrayBuffer).byteLength
      if (size > MAX_MESSAGE_BYTES)
        return send(client, {
          error: {
            code: 'message_too_large',
            message: `The message has ${size} bytes; the limit is ${MAX_MESSAGE_BYTES}.`,
          },
        })
      handle(client, data.toString()).catch(() =>
        send(client, { error: { code: 'internal_error', message: 'Internal error.' } }),
      )
    })
    socket.on('close', () => clients.delete(client))
    socket.on('error', () => clients.delete(client))
  })

  return {
    get connections() {
      return clients.size
    },
    close: () =>
      new Promise<void>((resolve) => {
        unsubscribe()
        for (const c of clients) c.socket.terminate()
        wss.close(() => resolve())
      }),
  }
}
