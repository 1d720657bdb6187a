import { createHmac, timingSafeEqual } from 'node:crypto'
import { join } from 'node:path'
import { InputError, type Instrument, type Logger } from '@strongroom/core'
import {
  createFixAcceptor,
  type FixInboundMessage,
  type FixSessionHandle,
  formatExecutionReport,
  formatMarketDataIncremental,
  formatMarketDataRequestReject,
  formatMarketDataSnapshot,
  formatOrderCancelReject,
  type OrderEvent,
  openFileStore,
  parseMarketDataSubscription,
  parseOrderEntryCommand,
} from '@strongroom/fix'
import type { ExchangeEvent } from '../core/events.js'
import type { RunningExchange } from '../server.js'

/** Our CompID. Counterparties log on with their API key id as SenderCompID. */
export const VENUE_COMP_ID = 'STRONGROOM'

/**
 * The FIX Logon password (554) for an API key: hex(HMAC-SHA256(secret, "strongroom-fix-logon\n" +
 * keyId)). Use FIX over TLS outside loopback: the password is a bearer credential.
 */
export function fixLogonPassword(keyId: string, secret: string): string {
  return createHmac('sha256', secret).update(`strongroom-fix-logon\n${keyId}`).digest('hex')
}

type FixOrder = {
  orderId: number
  clOrdId: string
  session: FixSessionHandle
  instrument: Instrument
  side: 'buy' | 'sell'
  type: OrderEvent['type']
  priceTicks: number | undefined
  quantityLots: number
  cumLots: number
  notionalTickLots: bigint
}

/**
 * The FIX 4.4 gateway: order entry (NewOrderSingle, OrderCancelRequest,
 * OrderCancelReplaceRequest, OrderStatusRequest), execution reports for every acceptance, fill,
 * cancel, replace and expiry, and market data (snapshot then incremental refresh). Sessions are
 * per API key (SenderCompID = key id, Password = {@link fixLogonPassword}); stores are files under
 * the data directory; PossDup orders already seen by ClOrdID are not entered twice.
 */
export async function startFixGateway(options: {
  exchange: RunningExchange
  port: number
  host: string
  logger: Logger
}) {
  const { exchange, logger } = options
  const { api, keyStore } = exchange
  const instruments = (symbol: string) => api.markets.get(symbol)?.instrument
  const orders = new Map<number, FixOrder>()
  const byClOrdId = new Map<string, FixOrder>() // `${session.key}|${clOrdId}`
  const pending = new Map<string, { clOrdId: string; session: FixSessionHandle }>() // placed, id not yet known
  const mdSubscribers = new Map<string, Set<{ session: FixSessionHandle; requestId: string }>>()
  let execSeq = 0
  const execId = () => `E${Date.now().toString(36)}-${++execSeq}`
  const accountOf = (session: FixSessionHandle) => keyStore.get(session.id.targetCompId)?.accountId

  const report = (order: FixOrder, kind: OrderEvent['kind'], extra: Partial<OrderEvent> = {}) => {
    const avg = order.cumLots === 0 ? '0' : avgPrice(order)
    order.session.send(
      formatExecutionReport({
        kind,
        execId: execId(),
        orderId: String(order.orderId),
        clientOrderId: order.clOrdId,
        instrument: order.instrument,
        side: order.side,
        type: order.type,
        priceTicks: order.priceTicks,
        quantityLots: order.quantityLots,
        cumLots: order.cumLots,
        leavesLots:
          kind === 'canceled' || kind === 'expired' ? 0 : order.quantityLots - order.cumLots,
        avgPrice: avg,
        transactTime: Date.now(),
        ...extra,
      }),
    )
  }
  const avgPrice = (order: FixOrder) => {
    // notional / lots in ticks, as a decimal price with extra precision
    const scaled = (order.notionalTickLots * 10_000n) / BigInt(order.cumLots)
    const tick = Number(order.instrument.tickSize)
    return ((Number(scaled) / 10_000) * tick).toFixed(order.instrument.priceDecimals + 4)
  }
  const rejectNew = (
    session: FixSessionHandle,
    clOrdId: string,
    symbol: string | undefined,
    side: 'buy' | 'sell',
    text: string,
  ) => {
    const instrument = symbol ? instruments(symbol) : undefined
    if (!instrument) return { businessReject: { reason: 2 as const, text } } // unknown security
    session.send(
      formatExecutionReport({
        kind: 'rejected',
        execId: execId(),
        orderId: 'NONE',
        clientOrderId: clOrdId,
        instrument,
        side,
        quantityLots: 0,
        cumLots: 0,
        leavesLots: 0,
        avgPrice: '0',
        transactTime: Date.now(),
        text,
        rejectReason: 99,
      }),
    )
    return undefined
  }

  /**
   * A message beyond the key's rate limit: a NewOrderSingle gets a rejected ExecutionReport
   * (OrdRejReason 99, as venues report throttling), a cancel or replace an OrderCancelReject, any
   * other message a BusinessMessageReject; each names the limit and when to retry.
   */
  const throttled = (
    message: FixInboundMessage,
    session: FixSessionHandle,
    retryAfterMs: number,
  ) => {
    const text = `Rate limit exceeded; retry in ${retryAfterMs} ms`
    const { msgType, view } = message
    if (msgType === 'D')
      return rejectNew(
        session,
        view.get(11) ?? 'NONE',
        view.get(55),
        view.get(54) === '2' ? 'sell' : 'buy',
        text,
      )
    if (msgType === 'F' || msgType === 'G') {
      session.send(
        formatOrderCancelReject({
          orderId: 'NONE',
          clientOrderId: view.get(11) ?? 'NONE',
          origClientOrderId: view.get(41) ?? 'NONE',
          responseTo: msgType === 'F' ? 'cancel' : 'replace',
          status: 'rejected',
          reason: 99,
          transactTime: Date.now(),
          text,
        }),
      )
      return undefined
    }
    return { businessReject: { reason: 0 as const, text } }
  }

  const unsubscribe = exchange.hub.subscribe((events: readonly ExchangeEvent[]) => {
    for (const e of events) {
      if (e.kind === 'orderAccepted') {
        const key = `${e.account}|${e.clientOrderId ?? ''}`
        const p = pending.get(key)
        if (!p) continue
        pending.delete(key)
        const instrument = instruments(e.symbol)!
        const order: FixOrder = {
          orderId: e.orderId,
          clOrdId: p.clOrdId,
          session: p.session,
          instrument,
          side: e.side,
          type:
            e.orderType === 'limit'
              ? 'limit'
              : e.orderType === 'market'
                ? 'market'
                : e.orderType === 'stopLimit'
                  ? 'stop_limit'
                  : 'stop',
          priceTicks: e.price || undefined,
          quantityLots: e.quantity,
          cumLots: 0,
          notionalTickLots: 0n,
        }
        orders.set(e.orderId, order)
        byClOrdId.set(`${p.session.key}|${p.clOrdId}`, order)
        report(order, 'accepted')
      } else if (e.kind === 'fill') {
        for (const [id, remaining] of [
          [e.makerOrderId, e.makerRemaining],
          [e.takerOrderId, e.takerRemaining],
        ] as const) {
          const order = orders.get(id)
          if (!order) continue
          order.cumLots += e.quantity
          order.notionalTickLots += BigInt(e.price) * BigInt(e.quantity)
          report(order, 'fill', { lastLots: e.quantity, lastPriceTicks: e.price })
          if (remaining === 0) orders.delete(id)
        }
      } else if (e.kind === 'orderCancelled' || e.kind === 'orderExpired') {
        const order = orders.get(e.orderId)
        if (!order) continue
        if (e.kind === 'orderExpired' || e.remainingQuantity === 0) {
          report(order, e.kind === 'orderExpired' ? 'expired' : 'canceled')
          orders.delete(e.orderId)
        }
      } else if (e.kind === 'orderAmended') {
        const order = orders.get(e.orderId)
        if (!order) continue
        order.priceTicks = e.price
        order.quantityLots = order.cumLots + e.quantity
        report(order, 'replaced')
      } else if (e.kind === 'level') {
        const subscribers = mdSubscribers.get(e.symbol)
        if (!subscribers?.size) continue
        const instrument = instruments(e.symbol)!
        for (const s of subscribers) {
          if (!s.session.isLoggedOn) continue
          s.session.send(
            formatMarketDataIncremental({
              requestId: s.requestId,
              updates: [
                {
                  action: e.quantity === 0 ? 'delete' : 'change',
                  kind: e.side === 'buy' ? 'bid' : 'offer',
                  instrument,
                  priceTicks: e.price,
                  lots: e.quantity,
                  orders: e.orders,
                },
              ],
            }),
          )
        }
      }
    }
  })

  const acceptor = createFixAcceptor({
    host: options.host,
    port: options.port,
    resolveSession: (id) => {
      if (id.senderCompId !== VENUE_COMP_ID || !keyStore.get(id.targetCompId)) return undefined
      return {
        senderCompId: VENUE_COMP_ID,
        targetCompId: id.targetCompId,
        store: openFileStore({
          directory: join(exchange.config.dataDir, 'fix'),
          name: id.targetCompId,
          now: Date.now(),
        }),
      }
    },
    authenticate: ({ sessionId, logon }) => {
      const key = keyStore.get(sessionId.targetCompId)
      const password = logon.get(554)
      if (!key || !password || !key.permissions.some((p) => p === 'trade' || p === 'admin'))
        return { reject: 'Unknown key or no trade permission' }
      const expected = Buffer.from(fixLogonPassword(key.keyId, key.secret))
      const given = Buffer.from(password)
      return expected.length === given.length && timingSafeEqual(expected, given)
        ? true
        : { reject: 'Invalid password' }
    },
    logger,
    application: {
      onLogout(session) {
        for (const set of mdSubscribers.values())
          for (const s of set) if (s.session === session) set.delete(s)
      },
      onMessage(message, session) {
        const account = accountOf(session)
        if (!account) return { businessReject: { reason: 0, text: 'No account for this session' } }
        // The key's token bucket is the one REST and WebSocket requests draw from: a FIX flood
        // is refused message by message (nothing entered) and other keys are not affected.
        const limit = exchange.rateLimiter.take(session.id.targetCompId)
        if (!limit.allowed) return throttled(message, session, limit.retryAfterMs)
        if (message.msgType === 'V') {
          let subscription: ReturnType<typeof parseMarketDataSubscription>
          try {
            subscription = parseMarketDataSubscription(message.view, { instruments })
          } catch (error) {
            session.send(
              formatMarketDataRequestReject({
                requestId: message.view.get(262) ?? '',
                reason: '0',
                text: (error as Error).message.split('\n')[0] ?? 'invalid request',
              }),
            )
            return undefined
          }
          for (const instrument of subscription.instruments) {
            const book = api.book(instrument.symbol, subscription.depth || undefined)!
            session.send(
              formatMarketDataSnapshot({
                requestId: subscription.requestId,
                instrument,
                bids: book.bids.map((l) => ({
                  priceTicks: l.price,
                  lots: l.quantity,
                  orders: l.orders,
                })),
                offers: book.asks.map((l) => ({
                  priceTicks: l.price,
                  lots: l.quantity,
                  orders: l.orders,
                })),
              }),
            )
            let set = mdSubscribers.get(instrument.symbol)
            if (!set) {
              set = new Set()
              mdSubscribers.set(instrument.symbol, set)
            }
            if (subscription.action === 'subscribe')
              set.add({ session, requestId: subscription.requestId })
            if (subscription.action === 'unsubscribe')
              for (const s of set)
                if (s.session === session && s.requestId === subscription.requestId) set.delete(s)
          }
          return undefined
        }
        let command: ReturnType<typeof parseOrderEntryCommand>
        try {
          command = parseOrderEntryCommand(message.view, { instruments })
        } catch (error) {
          const text =
            error instanceof InputError
              ? error.shortMessage
              : (error as Error).message.split('\n')[0]!
          if (message.msgType === 'D')
            return rejectNew(
              session,
              message.view.get(11) ?? 'NONE',
              message.view.get(55),
              message.view.get(54) === '2' ? 'sell' : 'buy',
              text,
            )
          return { businessReject: { reason: 0, text } }
        }
        const blocked = api.preTradeCheck(account)
        switch (command.kind) {
          case 'new_order': {
            const key = `${session.key}|${command.clientOrderId}`
            if (byClOrdId.has(key) || pending.has(`${account}|${command.clientOrderId}`)) {
              // A PossDup resend of an order we already have: report its state, do not enter it again.
              if (message.possDup) return undefined
              return rejectNew(
                session,
                command.clientOrderId,
                command.instrument.symbol,
                command.side,
                'Duplicate ClOrdID',
              )
            }
            if (blocked)
              return rejectNew(
                session,
                command.clientOrderId,
                command.instrument.symbol,
                command.side,
                blocked,
              )
            pending.set(`${account}|${command.clientOrderId}`, {
              clOrdId: command.clientOrderId,
              session,
            })
            const tif = ({ day: 'GTC', gtc: 'GTC', ioc: 'IOC', fok: 'FOK', gtd: 'GTD' } as const)[
              command.timeInForce
            ]
            void api
              .submit({
                type: 'placeOrder',
                account,
                symbol: command.instrument.symbol,
                clientOrderId: command.clientOrderId,
                side: command.side,
                orderType:
                  command.type === 'limit'
                    ? 'limit'
                    : command.type === 'market'
                      ? 'market'
                      : command.type === 'stop_limit'
                        ? 'stopLimit'
                        : 'stopMarket',
                price: command.priceTicks,
                stopPrice: command.stopPriceTicks,
                quantity: command.quantityLots,
                timeInForce: command.type === 'market' && tif === 'GTC' ? 'IOC' : tif,
                expireAt: command.expireTime,
              })
              .then((applied) => {
                if (!applied.result.ok) {
                  pending.delete(`${account}|${command.clientOrderId}`)
                  rejectNew(
                    session,
                    command.clientOrderId,
                    command.instrument.symbol,
                    command.side,
                    `${applied.result.code}: ${applied.result.message}`,
                  )
                }
              })
              .catch((error: unknown) => logger.error('FIX order failed', { error: String(error) }))
            return undefined
          }
          case 'cancel_order':
          case 'replace_order': {
            const order = byClOrdId.get(`${session.key}|${command.origClientOrderId}`)
            const responseTo = command.kind === 'cancel_order' ? 'cancel' : 'replace'
            const refuse = (text: string, reason: 0 | 1 | 99) =>
              session.send(
                formatOrderCancelReject({
                  orderId: order ? String(order.orderId) : 'NONE',
                  clientOrderId: command.clientOrderId,
                  origClientOrderId: command.origClientOrderId,
                  responseTo,
                  status: order ? 'new' : 'rejected',
                  reason,
                  transactTime: Date.now(),
                  text,
                }),
              )
            if (!order || !orders.has(order.orderId)) {
              refuse('Unknown order', 1)
              return undefined
            }
            const submitted =
              command.kind === 'cancel_order'
                ? api.submit({
                    type: 'cancelOrder',
                    account,
                    symbol: order.instrument.symbol,
                    orderId: order.orderId,
                  })
                : api.submit({
                    type: 'amendOrder',
                    account,
                    symbol: order.instrument.symbol,
                    orderId: order.orderId,
                    price: command.priceTicks,
                    quantity: command.quantityLots - order.cumLots,
                  })
            void submitted
              .then((applied) => {
                if (!applied.result.ok)
                  refuse(
                    `${applied.result.code}: ${applied.result.message}`,
                    applied.result.code === 'unknown_order' ? 1 : 99,
                  )
                else if (command.kind === 'replace_order') {
                  byClOrdId.set(`${session.key}|${command.clientOrderId}`, order)
                  order.clOrdId = command.clientOrderId
                }
              })
              .catch((error: unknown) =>
                logger.error('FIX cancel/replace failed', { error: String(error) }),
              )
            return undefined
          }
          case 'order_status': {
            const order = byClOrdId.get(`${session.key}|${command.clientOrderId}`)
            if (order)
              report(order, 'status', {
                status:
                  order.cumLots === 0
                    ? 'new'
                    : order.cumLots < order.quantityLots
                      ? 'partially_filled'
                      : 'filled',
              })
            else
              session.send(
                formatExecutionReport({
                  kind: 'status',
                  execId: execId(),
                  orderId: 'NONE',
                  clientOrderId: command.clientOrderId,
                  instrument: command.instrument,
                  side: command.side,
                  quantityLots: 0,
                  cumLots: 0,
                  leavesLots: 0,
                  avgPrice: '0',
                  transactTime: Date.now(),
                  status: 'rejected',
                  text: 'Unknown order',
                }),
              )
            return undefined
          }
        }
      },
    },
  })
  const bound = await acceptor.listen()
  return {
    port: bound.port,
    async close() {
      unsubscribe()
      await acceptor.close()
    },
  }
}
