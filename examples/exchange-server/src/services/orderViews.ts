import type { OrderState, OrderType, Side } from '@strongroom/orderbook'
import type { ExchangeEvent } from '../core/events.js'

/** What the API shows of an order. */
export type OrderView = {
  orderId: number
  account: string
  symbol: string
  clientOrderId: string | undefined
  side: Side
  orderType: OrderType
  price: number
  quantity: number
  filled: number
  status: 'open' | 'filled' | 'cancelled' | 'expired' | 'rejected'
  updatedAt: number
}

type Trade = { tradeId: number; price: number; quantity: number; aggressorSide: Side; time: number }

/** The views' state in a snapshot record (JSON-safe), so a restart from a snapshot keeps them. */
export type OrderViewsSnapshot = {
  readonly version: 1
  /** Open orders, then finished ones oldest first. */
  readonly orders: readonly OrderView[]
  readonly trades: readonly (readonly [string, readonly Trade[]])[]
}

/**
 * Order and trade views built from the event stream (the API's read model): open orders per
 * account, the last finished orders, recent public trades per market.
 */
export function createOrderViews(options: { keepFinished?: number; keepTrades?: number } = {}) {
  const keepFinished = options.keepFinished ?? 10_000
  const keepTrades = options.keepTrades ?? 200
  const orders = new Map<number, OrderView>()
  const openByAccount = new Map<string, Set<number>>()
  const finished: number[] = []
  const trades = new Map<string, Trade[]>()

  const finish = (order: OrderView, status: OrderView['status'], time: number) => {
    order.status = status
    order.updatedAt = time
    openByAccount.get(order.account)?.delete(order.orderId)
    finished.push(order.orderId)
    if (finished.length > keepFinished) orders.delete(finished.shift()!)
  }

  function apply(event: ExchangeEvent) {
    switch (event.kind) {
      case 'orderAccepted': {
        const view: OrderView = {
          orderId: event.orderId,
          account: event.account,
          symbol: event.symbol,
          clientOrderId: event.clientOrderId,
          side: event.side,
          orderType: event.orderType,
          price: event.price,
          quantity: event.quantity,
          filled: 0,
          status: 'open',
          updatedAt: event.time,
        }
        orders.set(event.orderId, view)
        let set = openByAccount.get(event.account)
        if (!set) {
          set = new Set()
          openByAccount.set(event.account, set)
        }
        set.add(event.orderId)
        return
      }
      case 'fill': {
        for (const [id, remaining] of [
          [event.makerOrderId, event.makerRemaining],
          [event.takerOrderId, event.takerRemaining],
        ] as const) {
          const order = orders.get(id)
          if (!order) continue
          order.filled += event.quantity
          order.updatedAt = event.time
          if (remaining === 0 && order.status === 'open') finish(order, 'filled', event.time)
        }
        let list = trades.get(event.symbol)
        if (!list) {
          list = []
          trades.set(event.symbol, list)
        }
        list.push({
          tradeId: event.tradeId,
          price: event.price,
          quantity: event.quantity,
          aggressorSide: event.aggressorSide,
          time: event.time,
        })
        if (list.length > keepTrades) list.shift()
        return
      }
      case 'orderCancelled': {
        const order = orders.get(event.orderId)
        if (order && event.remainingQuantity === 0 && order.status === 'open')
          finish(order, 'cancelled', event.time)
        return
      }
      case 'orderExpired': {
        const order = orders.get(event.orderId)
        if (order && order.status === 'open') finish(order, 'expired', event.time)
        return
      }
      case 'orderAmended': {
        const order = orders.get(event.orderId)
        if (order) {
          order.price = event.price
          order.quantity = order.filled + event.quantity
          order.updatedAt = event.time
        }
        return
      }
      default:
        return
    }
  }

  return {
    /** Adds an open order known only from the book's state (recovered from a snapshot). */
    seed(order: {
      orderId: number
      account: string
      symbol: string
      clientOrderId: string | undefined
      state: OrderState
    }) {
      apply({
        kind: 'orderAccepted',
        seq: 0,
        time: 0,
        account: order.account,
        symbol: order.symbol,
        orderId: order.orderId,
        clientOrderId: order.clientOrderId,
        side: order.state.side,
        orderType: order.state.orderType,
        price: order.state.price,
        quantity: order.state.quantity + order.state.hidden,
        quoteBudget: order.state.quoteBudget,
        stopPrice: order.state.stopPrice,
      })
    },
    apply(events: readonly ExchangeEvent[]) {
      for (const event of events) apply(event)
    },
    /**
     * The views as they are now, for the snapshot record: every open order and the last
     * `finished` finished ones (default: all kept), so the record stays within the journal's
     * message size limit.
     */
    snapshot(options: { finished?: number } = {}): OrderViewsSnapshot {
      const done = new Set(finished)
      const recent = finished.slice(
        Math.max(0, finished.length - (options.finished ?? keepFinished)),
      )
      return {
        version: 1,
        orders: [
          ...[...orders.values()].filter((o) => !done.has(o.orderId)),
          ...recent.map((id) => orders.get(id)).filter((o) => o !== undefined),
        ],
        trades: [...trades],
      }
    },
    /** Restores the views of a snapshot record (before replaying the journal after it). */
    restore(snapshot: OrderViewsSnapshot) {
      if (snapshot.version !== 1)
        throw new Error(`unknown order views version ${String(snapshot.version)}`)
      for (const view of snapshot.orders) {
        const order = { ...view }
        orders.set(order.orderId, order)
        if (order.status === 'open') {
          let set = openByAccount.get(order.account)
          if (!set) {
            set = new Set()
            openByAccount.set(order.account, set)
          }
          set.add(order.orderId)
        } else finished.push(order.orderId)
      }
      for (const [symbol, list] of snapshot.trades) trades.set(symbol, [...list])
    },
    order: (orderId: number) => orders.get(orderId),
    openOrders: (account: string) =>
      [...(openByAccount.get(account) ?? [])].map((id) => orders.get(id)!).filter(Boolean),
    trades: (symbol: string) => trades.get(symbol) ?? [],
  }
}

export type OrderViews = ReturnType<typeof createOrderViews>
