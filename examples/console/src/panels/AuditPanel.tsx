import { useEffect, useState } from 'preact/hooks'
import type { Report } from '../App.js'
import type { ConsoleClient } from '../api.js'
import { describeError, timeOf } from '../format.js'

type AuditRecord = {
  seq: number
  time: number
  type: string
  actor: string
  data: unknown
  hash: string
}
type Verification =
  | { ok: true; count: number; head?: { seq: number; hash: string } }
  | { ok: false; index: number; seq: number; problem: string; message: string }

const PAGE = 25

/** The hash-chained audit log: pages of records (newest first, by type) and chain verification. */
export function AuditPanel(props: { client: ConsoleClient; allowed: boolean; report: Report }) {
  const [type, setType] = useState('')
  const [offset, setOffset] = useState(0)
  const [page, setPage] = useState<{ total: number; records: AuditRecord[] }>()
  const [verification, setVerification] = useState<Verification>()
  const load = async (at: number) => {
    try {
      const query = `offset=${at}&limit=${PAGE}${type ? `&type=${encodeURIComponent(type)}` : ''}`
      setPage(await props.client.get(`/v1/console/audit?${query}`))
      setOffset(at)
    } catch (error) {
      props.report('error', describeError(error))
    }
  }
  useEffect(() => {
    if (props.allowed) void load(0)
  }, [props.client, props.allowed])
  const verify = async () => {
    try {
      const result = await props.client.get<Verification>('/v1/console/audit/verification')
      setVerification(result)
      props.report(
        result.ok ? 'ok' : 'error',
        result.ok
          ? `Audit chain verified: ${result.count} records intact.`
          : `Audit chain BROKEN: ${result.message}`,
      )
    } catch (error) {
      props.report('error', describeError(error))
    }
  }
  return (
    <section class="panel audit" data-testid="audit">
      <h2>Audit log</h2>
      <div class="controls">
        <input
          name="auditType"
          placeholder="type prefix, e.g. custody."
          value={type}
          onInput={(e) => setType(e.currentTarget.value)}
        />
        <button type="button" onClick={() => load(0)}>
          Show
        </button>
        <button
          type="button"
          disabled={offset === 0}
          onClick={() => load(Math.max(0, offset - PAGE))}
        >
          Newer
        </button>
        <button
          type="button"
          disabled={!page || offset + PAGE >= page.total}
          onClick={() => load(offset + PAGE)}
        >
          Older
        </button>
        <button type="button" onClick={verify}>
          Verify chain
        </button>
        <span
          data-testid="audit-verification"
          class={verification ? (verification.ok ? 'ok' : 'error') : ''}
        >
          {verification
            ? verification.ok
              ? `chain intact: ${verification.count} records, head #${verification.head?.seq ?? 0}`
              : `broken at #${verification.seq}: ${verification.problem}`
            : ''}
        </span>
      </div>
      {page && (
        <p class="hint">
          {page.total} records; showing {offset + 1}–{Math.min(page.total, offset + PAGE)}
        </p>
      )}
      <table>
        <tbody>
          {page?.records.map((r) => (
            <tr key={r.seq} data-seq={r.seq}>
              <td>#{r.seq}</td>
              <td>{timeOf(r.time)}</td>
              <td>{r.type}</td>
              <td>{r.actor}</td>
              <td class="mono data" title={JSON.stringify(r.data)}>
                {JSON.stringify(r.data)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
