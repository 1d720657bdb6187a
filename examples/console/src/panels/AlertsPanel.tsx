import { useState } from 'preact/hooks'
import type { Report } from '../App.js'
import type { ConsoleClient } from '../api.js'
import { describeError, timeOf } from '../format.js'

/** An open compliance case as the queue lists it. */
export type CaseSummary = {
  caseId: string
  openedAt: number
  score: number
  severity: string
  status: string
  kind: string
  accountId: string
  outcome: string
  alerts: string[]
}

type CaseDetails = {
  caseId: string
  digest: string
  event: Record<string, unknown>
  decision: {
    outcome: string
    ruleVersion: string
    issues: { code: string; field: string; message: string }[]
  }
  alerts: {
    code: string
    ruleId: string
    severity: string
    score: number | null
    message: string
  }[]
}

/** The compliance review queue, highest score first, with a case's details on demand. */
export function AlertsPanel(props: {
  client: ConsoleClient
  cases: CaseSummary[] | undefined
  allowed: boolean
  report: Report
}) {
  const [details, setDetails] = useState<CaseDetails>()
  const open = async (caseId: string) => {
    try {
      setDetails(
        await props.client.get<CaseDetails>(`/v1/console/alerts/${encodeURIComponent(caseId)}`),
      )
    } catch (error) {
      props.report('error', describeError(error))
    }
  }
  return (
    <section class="panel alerts" data-testid="alerts">
      <h2>Compliance alerts {props.cases ? `(${props.cases.length} open)` : ''}</h2>
      {!props.allowed && <p class="hint">This API key lacks the "admin" permission.</p>}
      <table>
        <thead>
          <tr>
            <th>score</th>
            <th>severity</th>
            <th>event</th>
            <th>account</th>
            <th>alerts</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(props.cases ?? []).map((c) => (
            <tr key={c.caseId} data-case={c.caseId} class={c.severity}>
              <td>{c.score.toFixed(3)}</td>
              <td>{c.severity}</td>
              <td>
                {c.kind} ({c.outcome}) {timeOf(c.openedAt)}
              </td>
              <td>{c.accountId}</td>
              <td>{c.alerts.join(', ')}</td>
              <td>
                <button type="button" onClick={() => open(c.caseId)}>
                  Details
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {details && (
        <div class="case" data-testid="case-details">
          <h3>
            Case {details.caseId} <small class="mono">digest {details.digest.slice(0, 16)}…</small>
          </h3>
          <p>
            Decision: {details.decision.outcome} (rules {details.decision.ruleVersion})
          </p>
          <ul>
            {details.decision.issues.map((i) => (
              <li key={i.code + i.field}>
                {i.code} at {i.field}: {i.message}
              </li>
            ))}
            {details.alerts.map((a) => (
              <li key={a.code + a.ruleId}>
                alert {a.code} ({a.ruleId}, {a.severity}, score {a.score ?? 'n/a'}): {a.message}
              </li>
            ))}
          </ul>
          <pre>{JSON.stringify(details.event, null, 2)}</pre>
          <button type="button" onClick={() => setDetails(undefined)}>
            Close
          </button>
        </div>
      )}
    </section>
  )
}
