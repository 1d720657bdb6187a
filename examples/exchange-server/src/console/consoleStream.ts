import type { ServerResponse } from 'node:http'
import { lotsToQuantity, ticksToPrice } from '@strongroom/core'
import type { ExchangeApi } from '../api/exchangeApi.js'
import { bookJson } from '../api/routes.js'
import type { ApiKey } from '../gateway/auth.js'
import type { EventHub } from '../services/eventHub.js'
import type { ConsoleData } from './consoleData.js'

const json = (value: unknown) =>
  JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v))

/**
 * The console's live push (server-sent events over a signed `GET /v1/console/stream`): book
 * snapshots of every market (coalesced, at most every `bookIntervalMs`), each trade as it
 * happens, and — for keys allowed to see them — the compliance queue, the withdrawals and the
 * kill switch whenever they change.
 */
export function openConsoleStream(options: {
  res: ServerResponse
  key: ApiKey
  api: ExchangeApi
  hub: EventHub
  data: ConsoleData
  bookIntervalMs?: number
  pollMs?: number
}) {
  const { res, key, api, hub, data } = options
  const can = (p: 'approve' | 'admin') =>
    key.permissions.includes(p) || key.permissions.includes('admin')
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  })
  const send = (event: string, value: unknown) =>
    res.write(`event: ${event}\ndata: ${json(value)}\n\n`)

  const dirty = new Set<string>(api.markets.keys())
  const flushBooks = () => {
    for (const symbol of dirty) {
      const market = api.markets.get(symbol)
      const book = api.book(symbol, 20)
      if (market && book) send('book', bookJson(market.instrument, book))
    }
    dirty.clear()
  }
  const unsubscribe = hub.subscribe((events) => {
    for (const e of events) {
      if (!('symbol' in e) || typeof e.symbol !== 'string') continue
      dirty.add(e.symbol)
      if (e.kind !== 'fill') continue
      const instrument = api.markets.get(e.symbol)?.instrument
      if (!instrument) continue
      send('trade', {
        symbol: e.symbol,
        tradeId: String(e.tradeId),
        price: ticksToPrice(instrument, e.price),
        quantity: lotsToQuantity(instrument, e.quantity),
        side: e.aggressorSide,
        time: e.time,
      })
    }
  })

  const last = new Map<string, string>()
  const sendIfChanged = (event: string, value: unknown) => {
    const text = json(value)
    if (last.get(event) === text) return
    last.set(event, text)
    res.write(`event: ${event}\ndata: ${text}\n\n`)
  }
  const poll = () => {
    sendIfChanged('killSwitch', { killSwitch: data.overview(key).killSwitch })
    if (can('approve')) sendIfChanged('withdrawals', data.withdrawals())
    if (can('admin')) sendIfChanged('alerts', { cases: data.alerts() })
  }
  send('hello', { keyId: key.keyId, markets: [...api.markets.keys()] })
  flushBooks()
  poll()
  const bookTimer = setInterval(flushBooks, options.bookIntervalMs ?? 200)
  const pollTimer = setInterval(poll, options.pollMs ?? 500)
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000)
  const close = () => {
    clearInterval(bookTimer)
    clearInterval(pollTimer)
    clearInterval(heartbeat)
    unsubscribe()
  }
  res.on('close', close)
  return { close: () => res.end() }
}
