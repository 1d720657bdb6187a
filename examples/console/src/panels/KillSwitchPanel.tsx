import { useState } from 'preact/hooks'
import type { Report } from '../App.js'
import type { ConsoleClient } from '../api.js'
import { describeError, timeOf } from '../format.js'

/** An engaged kill switch, as the exchange reports it. */
export type Engagement = {
  engagementId: string
  scope: { kind: string }
  engagedBy: string
  reason: string
  engagedAt: number
}

/** The kill switch: its state (pushed live) and the button that engages it (admin only). */
export function KillSwitchPanel(props: {
  client: ConsoleClient
  engaged: Engagement[]
  report: Report
}) {
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  const engage = async () => {
    setBusy(true)
    try {
      await props.client.post('/v1/console/kill-switch', { scope: 'global', reason })
      props.report('ok', 'Kill switch engaged: withdrawals are stopped.')
    } catch (error) {
      props.report('error', describeError(error))
    } finally {
      setBusy(false)
    }
  }
  const on = props.engaged.length > 0
  return (
    <section class={`panel killswitch ${on ? 'engaged' : ''}`} data-testid="kill-switch">
      <h2>Kill switch</h2>
      <p data-testid="kill-switch-state" class={on ? 'error' : 'ok'}>
        {on ? 'ENGAGED: withdrawals are stopped' : 'Not engaged: withdrawals flow'}
      </p>
      <ul>
        {props.engaged.map((e) => (
          <li key={e.engagementId}>
            {e.scope.kind} since {timeOf(e.engagedAt)} UTC by {e.engagedBy}: {e.reason}
          </li>
        ))}
      </ul>
      <label>
        Reason{' '}
        <input name="killReason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      </label>
      <button type="button" class="danger" disabled={busy} onClick={engage}>
        Engage kill switch
      </button>
      <p class="hint">Lifting it needs a quorum of approvers (a ceremony, not a button).</p>
    </section>
  )
}
