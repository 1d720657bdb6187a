import { createHash } from 'node:crypto'
import {
  type AuditLog,
  type CanonicalValue,
  type Clock,
  type ComplianceAlert,
  type ComplianceEvent,
  canonicalJson,
  type Decision,
  type IdGenerator,
} from '@strongroom/core'
import { ComplianceError } from '../errors.js'

const SEVERITY_RANK: Record<ComplianceAlert['severity'], number> = {
  low: 0,
  medium: 1,
  high: 2,
  critical: 3,
}

/** A case for a reviewer: one event, its decision and alerts, and the review so far. */
export type ReviewCase = {
  readonly caseId: string
  readonly openedAt: number
  readonly event: ComplianceEvent
  readonly decision: Decision
  /** Highest alert score (0 when no alert was scored). */
  readonly score: number
  /** Highest alert severity. */
  readonly severity: ComplianceAlert['severity']
  readonly status: 'open' | 'released' | 'blocked' | 'escalated'
  readonly notes: readonly { at: number; reviewer: string; text: string }[]
}

/** Parameters of `ReviewQueue.resolve`. */
export type ResolveCaseParameters = {
  readonly caseId: string
  readonly reviewer: string
  readonly resolution: 'released' | 'blocked' | 'escalated'
  readonly note: string
}

/** A case as an investigator files it (and a digest to show it was not changed). */
export type CaseExport = {
  readonly caseId: string
  readonly subject: { readonly accountId: string }
  readonly openedAt: string
  readonly status: ReviewCase['status']
  readonly event: Readonly<Record<string, CanonicalValue>>
  readonly decision: {
    readonly outcome: Decision['outcome']
    readonly ruleVersion: string
    readonly issues: readonly { code: string; field: string; message: string }[]
  }
  readonly alerts: readonly {
    readonly code: string
    readonly ruleId: string
    readonly severity: string
    readonly score: number | null
    readonly message: string
    readonly evidence: CanonicalValue
  }[]
  readonly notes: readonly { at: string; reviewer: string; text: string }[]
  /** SHA-256 (hex) of the canonical JSON of everything above. */
  readonly digest: string
}

/** Cases ordered for review: highest score first, then severity, then oldest. */
export type ReviewQueue = {
  /** Opens a case when the decision holds the event or raised alerts; returns it (or undefined). */
  add(event: ComplianceEvent, decision: Decision): ReviewCase | undefined
  /** Open cases in review order. */
  list(options?: { limit?: number }): readonly ReviewCase[]
  /** The next open case to review. */
  next(): ReviewCase | undefined
  get(caseId: string): ReviewCase | undefined
  /** Records a reviewer's resolution (and, with an audit log, `compliance.review`). */
  resolve(parameters: ResolveCaseParameters): Promise<ReviewCase>
  /** The case in a form to file: canonical data plus a digest. */
  exportCase(caseId: string): CaseExport
  readonly size: number
}

/** Creates an in-memory {@link ReviewQueue}. */
export function createReviewQueue(parameters: {
  clock: Clock
  ids: IdGenerator
  audit?: AuditLog | undefined
}): ReviewQueue {
  const cases = new Map<string, ReviewCase>()
  const order = (a: ReviewCase, b: ReviewCase) =>
    b.score - a.score ||
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    a.openedAt - b.openedAt ||
    (a.caseId < b.caseId ? -1 : 1)
  const open = () => [...cases.values()].filter((c) => c.status === 'open').sort(order)
  const mustGet = (caseId: string) => {
    const c = cases.get(caseId)
    if (!c)
      throw new ComplianceError(`No review case ${caseId}.`, { code: 'COMPLIANCE_UNKNOWN_CASE' })
    return c
  }
  return {
    add(event, decision) {
      if (decision.outcome !== 'hold' && decision.alerts.length === 0) return undefined
      const score = decision.alerts.reduce((m, a) => Math.max(m, a.score ?? 0), 0)
      const severity = decision.alerts.reduce<ComplianceAlert['severity']>(
        (m, a) => (SEVERITY_RANK[a.severity] > SEVERITY_RANK[m] ? a.severity : m),
        decision.outcome === 'hold' ? 'medium' : 'low',
      )
      const c: ReviewCase = {
        caseId: parameters.ids.next('case'),
        openedAt: parameters.clock.now(),
        event,
        decision,
        score,
        severity,
        status: 'open',
        notes: [],
      }
      cases.set(c.caseId, c)
      return c
    },
    list(options) {
      return open().slice(0, options?.limit ?? Number.POSITIVE_INFINITY)
    },
    next() {
      return open()[0]
    },
    get: (caseId) => cases.get(caseId),
    async resolve({ caseId, reviewer, resolution, note }) {
      const c = mustGet(caseId)
      const at = parameters.clock.now()
      const updated: ReviewCase = {
        ...c,
        status: resolution,
        notes: [...c.notes, { at, reviewer, text: note }],
      }
      await parameters.audit?.append({
        type: 'compliance.review',
        actor: reviewer,
        data: {
          caseId,
          eventId: c.event.id,
          resolution,
          note,
          ruleVersion: c.decision.ruleVersion,
        },
      })
      cases.set(caseId, updated)
      return updated
    },
    exportCase(caseId) {
      const c = mustGet(caseId)
      const body = {
        caseId: c.caseId,
        subject: { accountId: c.event.accountId },
        openedAt: new Date(c.openedAt).toISOString(),
        status: c.status,
        event: JSON.parse(canonicalJson(c.event as unknown as CanonicalValue)) as Record<
          string,
          CanonicalValue
        >,
        decision: {
          outcome: c.decision.outcome,
          ruleVersion: c.decision.ruleVersion,
          issues: c.decision.issues.map((i) => ({
            code: i.code,
            field: i.path.join('.'),
            message: i.message,
          })),
        },
        alerts: c.decision.alerts.map((a) => ({
          code: a.code,
          ruleId: a.ruleId,
          severity: a.severity,
          score: a.score ?? null,
          message: a.message,
          evidence: JSON.parse(
            canonicalJson((a.evidence ?? {}) as CanonicalValue),
          ) as CanonicalValue,
        })),
        notes: c.notes.map((n) => ({
          at: new Date(n.at).toISOString(),
          reviewer: n.reviewer,
          text: n.text,
        })),
      }
      const digest = createHash('sha256')
        .update(canonicalJson(body as unknown as CanonicalValue))
        .digest('hex')
      return { ...body, digest }
    },
    get size() {
      return cases.size
    },
  }
}

/** A plain-text narrative of an exported case, for a suspicious-activity report or a case file. */
export function formatCaseReport(exported: CaseExport): string {
  const lines = [
    `Case ${exported.caseId} — account ${exported.subject.accountId}`,
    `Opened ${exported.openedAt}; status ${exported.status}; rule version ${exported.decision.ruleVersion}`,
    `Event: ${String(exported.event.kind)} ${String(exported.event.id)} at ${new Date(Number(exported.event.timestamp)).toISOString()}`,
    `Decision: ${exported.decision.outcome}`,
    ...exported.decision.issues.map(
      (i) => `  issue ${i.code} (${i.field || '(event)'}): ${i.message}`,
    ),
    'Alerts:',
    ...exported.alerts.map(
      (a) =>
        `  [${a.severity}${a.score === null ? '' : ` score ${a.score.toFixed(3)}`}] ${a.code} (${a.ruleId}): ${a.message}\n    evidence: ${canonicalJson(a.evidence)}`,
    ),
    'Notes:',
    ...(exported.notes.length
      ? exported.notes.map((n) => `  ${n.at} ${n.reviewer}: ${n.text}`)
      : ['  (none)']),
    `Digest (SHA-256 of the canonical case): ${exported.digest}`,
  ]
  return `${lines.join('\n')}\n`
}
