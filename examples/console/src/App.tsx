import { useCallback, useEffect, useState } from 'preact/hooks'
import { type ConsoleClient, createConsoleClient } from './api.js'
import { describeError } from './format.js'
import { AlertsPanel, type CaseSummary } from './panels/AlertsPanel.js'
import { ApprovalsPanel, type WithdrawalsView } from './panels/ApprovalsPanel.js'
import { AuditPanel } from './panels/AuditPanel.js'
import { type Engagement, KillSwitchPanel } from './panels/KillSwitchPanel.js'
import { type Book, MarketPanel, type Trade } from './panels/MarketPanel.js'
import { SloPanel } from './panels/SloPanel.js'
import { TiersPanel } from './panels/TiersPanel.js'
import { followStream } from './stream.js'

/** What GET /v1/console/overview answers. */
export type Overview = {
  me: { keyId: string; accountId: string; permissions: string[] }
  markets: { symbol: string; base: string; quote: string }[]
  killSwitch: Engagement[]
  approvers: { id: string; publicKey: string }[]
  requiredApprovals: number
}

/** A message to the operator: what happened, or why an action was refused. */
export type Notice = { kind: 'ok' | 'error'; text: string; at: number }
export type Report = (kind: Notice['kind'], text: string) => void

function Login(props: { onLogin: (client: ConsoleClient, overview: Overview) => void }) {
  const [keyId, setKeyId] = useState('')
  const [secret, setSecret] = useState('')
  const [error, setError] = useState<string>()
  const submit = async (event: Event) => {
    event.preventDefault()
    const client = createConsoleClient({ keyId: keyId.trim(), secret: secret.trim() })
    try {
      props.onLogin(client, await client.get<Overview>('/v1/console/overview'))
    } catch (e) {
      setError(describeError(e))
    }
  }
  return (
    <form class="login panel" onSubmit={submit} data-testid="login">
      <h1>Strongroom operations console</h1>
      <p>
        Sign in with an API key of the exchange. Requests are signed in this page; the secret is
        kept in memory only.
      </p>
      <label>
        API key id{' '}
        <input name="keyId" value={keyId} onInput={(e) => setKeyId(e.currentTarget.value)} />
      </label>
      <label>
        Secret{' '}
        <input
          name="secret"
          type="password"
          value={secret}
          onInput={(e) => setSecret(e.currentTarget.value)}
        />
      </label>
      <button type="submit">Sign in</button>
      {error && (
        <p class="notice error" role="alert" data-testid="login-error">
          {error}
        </p>
      )}
    </form>
  )
}

export function App() {
  const [session, setSession] = useState<{ client: ConsoleClient; overview: Overview }>()
  const [books, setBooks] = useState<Record<string, Book>>({})
  const [trades, setTrades] = useState<Record<string, Trade[]>>({})
  const [withdrawals, setWithdrawals] = useState<WithdrawalsView>()
  const [cases, setCases] = useState<CaseSummary[]>()
  const [killSwitch, setKillSwitch] = useState<Engagement[]>([])
  const [live, setLive] = useState<string>('connecting')
  const [notices, setNotices] = useState<Notice[]>([])
  const report: Report = useCallback(
    (kind, text) => setNotices((n) => [{ kind, text, at: Date.now() }, ...n].slice(0, 8)),
    [],
  )

  useEffect(() => {
    if (!session) return
    setKillSwitch(session.overview.killSwitch)
    // Recent trades from REST first; the stream adds new ones as they happen.
    for (const { symbol } of session.overview.markets)
      session.client
        .get<{ trades: Omit<Trade, 'symbol'>[] }>(
          `/v1/markets/${encodeURIComponent(symbol)}/trades`,
        )
        .then(({ trades: recent }) =>
          setTrades((t) => {
            const byId = new Map<string, Trade>()
            for (const trade of [...recent.map((r) => ({ ...r, symbol })), ...(t[symbol] ?? [])])
              byId.set(trade.tradeId, trade)
            const merged = [...byId.values()].sort((a, b) => Number(b.tradeId) - Number(a.tradeId))
            return { ...t, [symbol]: merged.slice(0, 25) }
          }),
        )
        .catch((error: unknown) => report('error', describeError(error)))
    return followStream(
      session.client.credentials,
      ({ event, data }) => {
        if (event === 'book') {
          const book = data as Book
          setBooks((b) => ({ ...b, [book.symbol]: book }))
        } else if (event === 'trade') {
          const trade = data as Trade
          setTrades((t) => ({
            ...t,
            [trade.symbol]: [trade, ...(t[trade.symbol] ?? [])].slice(0, 25),
          }))
        } else if (event === 'withdrawals') setWithdrawals(data as WithdrawalsView)
        else if (event === 'alerts') setCases((data as { cases: CaseSummary[] }).cases)
        else if (event === 'killSwitch')
          setKillSwitch((data as { killSwitch: Engagement[] }).killSwitch)
      },
      (status, detail) => setLive(status === 'live' ? 'live' : `reconnecting (${detail})`),
    )
  }, [session, report])

  if (!session) return <Login onLogin={(client, overview) => setSession({ client, overview })} />
  const { client, overview } = session
  const can = (p: string) =>
    overview.me.permissions.includes(p) || overview.me.permissions.includes('admin')
  const latest = notices[0]
  return (
    <main>
      <header>
        <h1>Strongroom operations console</h1>
        <span data-testid="whoami">
          {overview.me.keyId} ({overview.me.accountId}: {overview.me.permissions.join(', ')})
        </span>
        <span class={`stream ${live === 'live' ? 'ok' : 'warn'}`} data-testid="stream-status">
          stream {live}
        </span>
        <a href="/metrics" target="_blank" rel="noreferrer">
          Prometheus metrics
        </a>
      </header>
      <div
        class={`notice ${latest?.kind ?? 'none'}`}
        role={latest?.kind === 'error' ? 'alert' : 'status'}
        data-testid="notice"
      >
        {latest ? latest.text : 'No messages.'}
      </div>
      <div class="grid">
        <KillSwitchPanel client={client} engaged={killSwitch} report={report} />
        <MarketPanel markets={overview.markets} books={books} trades={trades} />
        <ApprovalsPanel
          client={client}
          view={withdrawals}
          approvers={overview.approvers}
          allowed={can('approve')}
          report={report}
        />
        <AlertsPanel client={client} cases={cases} allowed={can('admin')} report={report} />
        <TiersPanel client={client} allowed={can('admin')} />
        <SloPanel client={client} />
        <AuditPanel client={client} allowed={can('admin')} report={report} />
      </div>
      <section class="panel log">
        <h2>Messages</h2>
        <ul data-testid="notice-log">
          {notices.map((n) => (
            <li key={n.at} class={n.kind}>
              {new Date(n.at).toISOString().slice(11, 19)} {n.text}
            </li>
          ))}
        </ul>
      </section>
    </main>
  )
}
