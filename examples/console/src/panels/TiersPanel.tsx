import { useEffect, useState } from 'preact/hooks'
import type { ConsoleClient } from '../api.js'
import { describeError, formatUnits, percent } from '../format.js'

type TierRow = {
  tier: string
  balance: string
  shareBps: number
  target: { minBps: number; maxBps: number }
  status: string
}
type AssetTiers = {
  asset: string
  decimals: number
  total: string
  hotWallet: { address: string; balance: string }
  depositAddresses: string
  customerLiabilities: string
  tiers: TierRow[]
  note: string
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
        <div key={a.asset}>
          <h3>
            {a.asset}: {formatUnits(a.total, a.decimals)} held,{' '}
            {formatUnits(a.customerLiabilities, a.decimals)} owed to customers
          </h3>
          <table>
            <thead>
              <tr>
                <th>tier</th>
                <th>balance</th>
                <th>share</th>
                <th>target</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {a.tiers.map((t) => (
                <tr key={t.tier} data-tier={t.tier}>
                  <td>{t.tier}</td>
                  <td>{formatUnits(t.balance, a.decimals)}</td>
                  <td>{percent(t.shareBps)}</td>
                  <td>
                    {percent(t.target.minBps)} – {percent(t.target.maxBps)}
                  </td>
                  <td class={t.status === 'within' ? 'ok' : 'warn'}>{t.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="hint">
            Hot wallet {a.hotWallet.address}: {formatUnits(a.hotWallet.balance, a.decimals)},
            deposit addresses: {formatUnits(a.depositAddresses, a.decimals)}. {a.note}
          </p>
        </div>
      ))}
    </section>
  )
}
