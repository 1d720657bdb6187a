import { useState } from 'preact/hooks'
import { timeOf } from '../format.js'

/** An L2 book as the stream pushes it ([price, quantity] in decimal strings, best first). */
export type Book = {
  symbol: string
  seq: number
  bids: [string, string][]
  asks: [string, string][]
}
export type Trade = {
  symbol: string
  tradeId: string
  price: string
  quantity: string
  side: string
  time: number
}

/** Live order book depth and trades of one market at a time. */
export function MarketPanel(props: {
  markets: { symbol: string }[]
  books: Record<string, Book>
  trades: Record<string, Trade[]>
}) {
  const [symbol, setSymbol] = useState(props.markets[0]?.symbol ?? '')
  const book = props.books[symbol]
  const trades = props.trades[symbol] ?? []
  const max = Math.max(
    1,
    ...[...(book?.bids ?? []), ...(book?.asks ?? [])].map(([, q]) => Number(q)),
  )
  const rows = (levels: [string, string][], side: 'bid' | 'ask') =>
    levels.slice(0, 12).map(([price, quantity]) => (
      <tr key={`${side}${price}`} class={side} data-testid={`${side}-level`}>
        <td>{price}</td>
        <td>{quantity}</td>
        <td class="depth">
          <span style={{ width: `${Math.round((Number(quantity) / max) * 100)}%` }} />
        </td>
      </tr>
    ))
  return (
    <section class="panel market" data-testid="market">
      <h2>
        Order book{' '}
        <select name="market" value={symbol} onChange={(e) => setSymbol(e.currentTarget.value)}>
          {props.markets.map((m) => (
            <option key={m.symbol}>{m.symbol}</option>
          ))}
        </select>{' '}
        <small data-testid="book-seq">seq {book?.seq ?? '…'}</small>
      </h2>
      <div class="columns">
        <table class="book">
          <thead>
            <tr>
              <th>price</th>
              <th>quantity</th>
              <th />
            </tr>
          </thead>
          <tbody data-testid="asks">
            {rows([...(book?.asks ?? [])].slice(0, 12).reverse(), 'ask')}
          </tbody>
          <tbody data-testid="bids">{rows(book?.bids ?? [], 'bid')}</tbody>
        </table>
        <table class="trades" data-testid="trades">
          <thead>
            <tr>
              <th>time (UTC)</th>
              <th>price</th>
              <th>qty</th>
              <th>side</th>
            </tr>
          </thead>
          <tbody>
            {trades.map((t) => (
              <tr key={t.tradeId} class={t.side}>
                <td>{timeOf(t.time)}</td>
                <td>{t.price}</td>
                <td>{t.quantity}</td>
                <td>{t.side}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}
