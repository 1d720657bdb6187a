import { useEffect, useState } from 'preact/hooks'
import type { ConsoleClient } from '../api.js'
import { describeError, formatUnits, percent } from '../format.js'

type TierRow = {
  tier: string
  walletId: string
  address: string | null
  source: 'chain' | 'ledger'
  balance: string
  ledger: string
  difference: string | null
  shareBps: number
  target: { minBps: number; maxBps: number }
  status: 'below' | 'within' | 'above' | 'empty'
}
type Proposal = { from: string; to: string; amount: string; mode: string; reason: string }
type AssetTiers = {
  asset: string
  decimals: number
  total: string
  customerLiabilities: string
  hotWallet: { address: string; balance: string }
  depositAddresses: string
  tiers: TierRow[]
  forecast: { meanDaily: string; peakDaily: string; days: number }
  proposals: Proposal[]
  warnings: string[]
}

const MODES: Record<string, string> = {
  automatic: 'automatic',
  quorum: 'warm quorum signs',
  ceremony: 'needs a cold ceremony',
}
const REASONS: Record<string, string> = {
  hot_above_band: 'hot above its band',
  hot_below_target: 'hot below its target',
  warm_above_band: 'warm above its band',
  warm_below_target: 'warm below its target',
}

/** How the tier's chain balance compares with what the ledger has booked. */
function booksOf(t: TierRow, decimals: number): string {
  if (t.difference === null) return 'from the ledger'
  if (t.difference === '0') return 'chain = ledger'
  return t.difference.startsWith('-')
    ? `${formatUnits(t.difference.slice(1), decimals)} booked, not on chain`
    : `${formatUnits(t.difference, decimals)} on chain, not booked`
}

/** Custody balances per tier (hot, warm, cold) against their target bands, every few seconds. */
export function TiersPanel(props: { client: ConsoleClient; allowed: boolean }) {
  const [assets, setAssets] = useState<AssetTiers[]>()
  const [error, setError] = useState<string>()
  useEffect(() => {
    if (!props.allowed) return
    let stop = false
    const load = async () => {
      try {
        const body = await props.client.get<{ assets: AssetTiers[] }>('/v1/console/tiers')
        if (!stop) setAssets(body.assets)
      } catch (e) {
        if (!stop) setError(describeError(e))
      }
    }
    void load()
    const timer = setInterval(load, 5_000)
    return () => {
      stop = true
      clearInterval(timer)
    }
  }, [props.client, props.allowed])
  return (
    <section class="panel tiers" data-testid="tiers">
      <h2>Custody tiers</h2>
      {!props.allowed && <p class="hint">This API key lacks the "admin" permission.</p>}
      {error && <p class="error">{error}</p>}
      {assets?.map((a) => (
        <div key={a.asset} data-asset={a.asset}>
          <h3>
            {a.asset}: {formatUnits(a.total, a.decimals)} held,{' '}
            {formatUnits(a.customerLiabilities, a.decimals)} owed to customers
          </h3>
          <table>
            <thead>
              <tr>
                <th>tier</th>
                <th>wallet</th>
                <th>balance</th>
                <th>share</th>
                <th>target band</th>
                <th>status</th>
                <th>books</th>
              </tr>
            </thead>
            <tbody>
              {a.tiers.map((t) => (
                <tr key={t.tier} data-tier={t.tier} data-status={t.status}>
                  <td>{t.tier}</td>
                  <td title={t.address ?? 'no address watched: the ledger is the source'}>
                    {t.walletId} ({t.source})
                  </td>
                  <td>{formatUnits(t.balance, a.decimals)}</td>
                  <td>{percent(t.shareBps)}</td>
                  <td data-band>
                    {percent(t.target.minBps)} – {percent(t.target.maxBps)}
                  </td>
                  <td class={t.status === 'within' ? 'ok' : 'warn'}>{t.status}</td>
                  <td
                    title={`ledger: ${formatUnits(t.ledger, a.decimals)}`}
                    class={t.difference === null || t.difference === '0' ? '' : 'warn'}
                  >
                    {booksOf(t, a.decimals)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h4>Proposed moves</h4>
          {a.proposals.length === 0 ? (
            <p class="hint" data-testid="tier-proposals-none">
              None: every tier is inside its band and covers its forecast demand.
            </p>
          ) : (
            <ul data-testid="tier-proposals">
              {a.proposals.map((p) => (
                <li key={`${p.from}-${p.to}`} data-move={`${p.from}-${p.to}`}>
                  {p.from} → {p.to}: {formatUnits(p.amount, a.decimals)} {a.asset} (
                  {MODES[p.mode] ?? p.mode}; {REASONS[p.reason] ?? p.reason})
                </li>
              ))}
            </ul>
          )}
          {a.warnings.map((w) => (
            <p key={w} class="warn">
              {w.replaceAll('_', ' ')}
            </p>
          ))}
          <p class="hint">
            Forecast peak daily withdrawals {formatUnits(a.forecast.peakDaily, a.decimals)}{' '}
            {a.asset} over {a.forecast.days} day(s). Hot wallet {a.hotWallet.address}:{' '}
            {formatUnits(a.hotWallet.balance, a.decimals)}, deposit addresses:{' '}
            {formatUnits(a.depositAddresses, a.decimals)}.
          </p>
        </div>
      ))}
    </section>
  )
}
