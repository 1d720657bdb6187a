import { z } from 'zod'
import { withdrawalJson } from '../api/routes.js'
import { approvalBody, killSwitchBody, withdrawalView } from '../api/schemas.js'
import { HttpError, type Route } from '../gateway/http.js'
import type { ConsoleData } from './consoleData.js'

const auditQuery = z.strictObject({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  type: z
    .string()
    .regex(/^[a-z0-9.]{1,64}$/, 'must be a dotted type prefix')
    .optional(),
})
const caseParams = /^[A-Za-z0-9_.:-]{1,128}$/
const anyObject = z.object({}).loose()

/**
 * The console's JSON API, under `/v1/console`: signed like every other route (HMAC API keys) and
 * gated by the same permissions — `read` for the overview and SLOs, `approve` for withdrawal
 * approvals, `admin` for custody tiers, compliance cases, the kill switch and the audit log.
 * Refusals (missing permission, stale or repeated approvals, a second kill-switch engagement)
 * answer with an error body and change nothing.
 */
export function createConsoleRoutes(data: ConsoleData): Route[] {
  return [
    {
      method: 'GET',
      path: '/v1/console/overview',
      summary: 'Console: markets, kill switch, approvers and the caller',
      tags: ['console'],
      permission: 'read',
      response: anyObject,
      async handler({ key }) {
        return { status: 200, body: data.overview(key!) }
      },
    },
    {
      method: 'GET',
      path: '/v1/console/slo',
      summary: 'Console: latency p95/p99 against budgets',
      tags: ['console'],
      permission: 'read',
      response: anyObject,
      async handler() {
        return { status: 200, body: { latencies: data.slo() } }
      },
    },
    {
      method: 'GET',
      path: '/v1/console/tiers',
      summary: 'Console: balances per custody tier against their target bands',
      tags: ['console'],
      permission: 'admin',
      response: anyObject,
      async handler() {
        return { status: 200, body: { assets: await data.tiers() } }
      },
    },
    {
      method: 'GET',
      path: '/v1/console/withdrawals',
      summary: 'Console: withdrawals awaiting approvals (with who approved) and recent ones',
      tags: ['console'],
      permission: 'approve',
      response: anyObject,
      async handler() {
        return { status: 200, body: data.withdrawals() }
      },
    },
    {
      method: 'POST',
      path: '/v1/console/withdrawals/:withdrawalId/approvals',
      summary: "Console: approve with a signature made in the approver's browser",
      tags: ['console'],
      permission: 'approve',
      body: approvalBody,
      response: withdrawalView,
      errors: [404, 409],
      async handler({ params, body, key }) {
        const next = await data.approve(
          params.withdrawalId!,
          body as z.output<typeof approvalBody>,
          key!.keyId,
        )
        return { status: 200, body: withdrawalJson(next, data.decimalsOf(next.asset)) }
      },
    },
    {
      method: 'GET',
      path: '/v1/console/alerts',
      summary: 'Console: open compliance cases, highest score first',
      tags: ['console'],
      permission: 'admin',
      response: anyObject,
      async handler() {
        return { status: 200, body: { cases: data.alerts() } }
      },
    },
    {
      method: 'GET',
      path: '/v1/console/alerts/:caseId',
      summary: 'Console: one compliance case with its event, decision, alerts and digest',
      tags: ['console'],
      permission: 'admin',
      response: anyObject,
      errors: [404],
      async handler({ params }) {
        if (!caseParams.test(params.caseId!))
          throw new HttpError(404, 'unknown_case', 'No such case.')
        return { status: 200, body: data.alertCase(params.caseId!) }
      },
    },
    {
      method: 'POST',
      path: '/v1/console/kill-switch',
      summary: 'Console: engage the global kill switch (refused when already engaged)',
      tags: ['console'],
      permission: 'admin',
      body: killSwitchBody,
      response: anyObject,
      errors: [409],
      async handler({ body, key }) {
        const b = body as z.output<typeof killSwitchBody>
        return { status: 200, body: await data.engageKillSwitch(b.reason, key!.keyId) }
      },
    },
    {
      method: 'GET',
      path: '/v1/console/audit',
      summary: 'Console: audit records, newest first',
      tags: ['console'],
      permission: 'admin',
      query: auditQuery,
      response: anyObject,
      async handler({ query }) {
        return { status: 200, body: await data.audit(query as z.output<typeof auditQuery>) }
      },
    },
    {
      method: 'GET',
      path: '/v1/console/audit/verification',
      summary: 'Console: verify the whole audit hash chain against its head',
      tags: ['console'],
      permission: 'admin',
      response: anyObject,
      async handler() {
        return { status: 200, body: await data.verifyAudit() }
      },
    },
  ] as Route[]
}
