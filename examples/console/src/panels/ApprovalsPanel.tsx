import { useState } from 'preact/hooks'
import type { Report } from '../App.js'
import type { ConsoleClient } from '../api.js'
import { type ApproverKey, loadApproverKey, signApproval } from '../approval.js'
import { describeError } from '../format.js'

export type Withdrawal = {
  withdrawalId: string
  account: string
  asset: string
  amount: string
  address: string
  status: string
  requestDigest?: string
  txHash?: string
  reason?: string
  approvals?: { approverId: string; approvedAt: number }[]
}
/** What the stream pushes on `withdrawals`. */
export type WithdrawalsView = {
  requiredApprovals: number
  pending: Withdrawal[]
  recent: Withdrawal[]
}

function ApproverKeyForm(props: {
  approvers: { id: string; publicKey: string }[]
  current: ApproverKey | undefined
  onKey: (key: ApproverKey | undefined) => void
  report: Report
}) {
  const [approverId, setApproverId] = useState(props.approvers[0]?.id ?? '')
  const [privateKey, setPrivateKey] = useState('')
  const load = () => {
    try {
      const registered = props.approvers.find((a) => a.id === approverId)?.publicKey
      props.onKey(loadApproverKey(approverId, privateKey, registered))
      setPrivateKey('')
      props.report('ok', `Approver key loaded for ${approverId} (kept in this page only).`)
    } catch (error) {
      props.report('error', describeError(error))
    }
  }
  return (
    <div class="approver-key" data-testid="approver-key">
      <label>
        Approver{' '}
        <select
          name="approverId"
          value={approverId}
          onChange={(e) => setApproverId(e.currentTarget.value)}
        >
          {props.approvers.map((a) => (
            <option key={a.id}>{a.id}</option>
          ))}
        </select>
      </label>
      <label>
        Ed25519 private key (hex){' '}
        <input
          name="approverPrivateKey"
          type="password"
          autocomplete="off"
          value={privateKey}
          onInput={(e) => setPrivateKey(e.currentTarget.value)}
        />
      </label>
      <button type="button" onClick={load}>
        Load key
      </button>
      <span data-testid="approver-key-state">
        {props.current ? `signing as ${props.current.approverId}` : 'no approver key loaded'}
      </span>
    </div>
  )
}

/**
 * Withdrawals waiting for approvals. The operator reviews one (a snapshot of it is kept while the
 * review is open), then signs the approval here with the approver's key and submits only the
 * signature. The exchange refuses stale and repeated approvals; the refusal is shown.
 */
export function ApprovalsPanel(props: {
  client: ConsoleClient
  view: WithdrawalsView | undefined
  approvers: { id: string; publicKey: string }[]
  allowed: boolean
  report: Report
}) {
  const [key, setKey] = useState<ApproverKey>()
  const [review, setReview] = useState<Withdrawal>()
  const [busy, setBusy] = useState(false)
  if (!props.allowed)
    return (
      <section class="panel approvals" data-testid="approvals">
        <h2>Withdrawal approvals</h2>
        <p class="hint">This API key lacks the "approve" permission.</p>
      </section>
    )
  const submit = async (w: Withdrawal) => {
    if (!key) {
      props.report('error', 'Refused (no_approver_key): load an approver key first.')
      return
    }
    setBusy(true)
    try {
      const approval = signApproval(key, w.requestDigest ?? '', Date.now())
      const next = await props.client.post<Withdrawal>(
        `/v1/console/withdrawals/${encodeURIComponent(w.withdrawalId)}/approvals`,
        approval,
      )
      props.report(
        'ok',
        `Approval by ${key.approverId} accepted: ${w.withdrawalId} is ${next.status}.`,
      )
      setReview(undefined)
    } catch (error) {
      props.report('error', describeError(error))
    } finally {
      setBusy(false)
    }
  }
  const required = props.view?.requiredApprovals ?? 0
  return (
    <section class="panel approvals" data-testid="approvals">
      <h2>Withdrawal approvals</h2>
      <ApproverKeyForm
        approvers={props.approvers}
        current={key}
        onKey={setKey}
        report={props.report}
      />
      <table data-testid="pending">
        <thead>
          <tr>
            <th>withdrawal</th>
            <th>account</th>
            <th>amount</th>
            <th>approvals</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(props.view?.pending ?? []).map((w) => (
            <tr key={w.withdrawalId} data-withdrawal={w.withdrawalId}>
              <td>{w.withdrawalId}</td>
              <td>{w.account}</td>
              <td>
                {w.amount} {w.asset}
              </td>
              <td>
                {w.approvals?.length ?? 0} of {required}{' '}
                <small>{w.approvals?.map((a) => a.approverId).join(', ')}</small>
              </td>
              <td>
                <button type="button" onClick={() => setReview(w)}>
                  Review
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {review && (
        <div class="review" data-testid="review">
          <h3>Review {review.withdrawalId}</h3>
          <dl>
            <dt>amount</dt>
            <dd>
              {review.amount} {review.asset}
            </dd>
            <dt>destination</dt>
            <dd>{review.address}</dd>
            <dt>request digest</dt>
            <dd class="mono">{review.requestDigest}</dd>
            <dt>approved by</dt>
            <dd>{review.approvals?.map((a) => a.approverId).join(', ') || 'nobody yet'}</dd>
          </dl>
          <button type="button" class="primary" disabled={busy} onClick={() => submit(review)}>
            Sign and submit approval
          </button>{' '}
          <button type="button" onClick={() => setReview(undefined)}>
            Close
          </button>
        </div>
      )}
      <h3>Recent withdrawals</h3>
      <table data-testid="recent-withdrawals">
        <tbody>
          {(props.view?.recent ?? []).map((w) => (
            <tr key={w.withdrawalId} data-withdrawal={w.withdrawalId} data-status={w.status}>
              <td>{w.withdrawalId}</td>
              <td>
                {w.amount} {w.asset}
              </td>
              <td class={`status ${w.status}`}>{w.status}</td>
              <td>{w.reason ?? (w.txHash ? `tx ${w.txHash.slice(0, 18)}…` : '')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
