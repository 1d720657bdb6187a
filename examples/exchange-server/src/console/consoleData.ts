import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { AuditLog, AuditRecord } from '@strongroom/core'
import type { ExchangeApi, WithdrawalState } from '../api/exchangeApi.js'
import { withdrawalJson } from '../api/routes.js'
import type { ExchangeConfig } from '../config.js'
import type { ExchangeCore } from '../core/exchangeCore.js'
import type { CustodyService } from '../custody/custodyService.js'
import type { CustodyTiers } from '../custody/custodyTiers.js'
import type { ApiKey } from '../gateway/auth.js'
import { HttpError } from '../gateway/http.js'
import type { ComplianceService } from '../services/complianceService.js'
import type { WithdrawalService } from '../services/withdrawalService.js'
import { LATENCY_SLOS, type LatencyName } from './instrument.js'
import type { Histogram } from './metrics.js'

/** What the console reads from the running exchange. */
export type ConsoleDeps = {
  config: ExchangeConfig
  api: ExchangeApi
  core: ExchangeCore
  custody: CustodyService
  compliance: ComplianceService
  withdrawals: WithdrawalService
  audit: AuditLog
  /** Custody balances per tier against their bands, and the planner's proposals. */
  tiers: CustodyTiers
  latency: Record<LatencyName, Histogram>
}

const ms = (seconds: number | undefined) =>
  seconds === undefined ? null : Math.round(seconds * 1e6) / 1e3

/** The console's views and actions over the running exchange (see {@link createConsoleRoutes}). */
export function createConsoleData(deps: ConsoleDeps) {
  const { config, api, core, custody, compliance, withdrawals, audit } = deps
  const decimals = new Map(config.assets.map((a) => [a.code, a.decimals]))
  const decimalsOf = (asset: string) => decimals.get(asset) ?? 0
  // One approval at a time per withdrawal: a second click (or a second tab) while the first is
  // being processed is refused instead of racing it.
  const approving = new Set<string>()

  const approvalsOf = (w: WithdrawalState) =>
    (custody.orchestrator.get(w.withdrawalId)?.approvals ?? []).map((a) => ({
      approverId: a.approverId,
      approvedAt: a.approvedAt,
    }))

  return {
    decimalsOf,

    overview(key: ApiKey) {
      return {
        me: { keyId: key.keyId, accountId: key.accountId, permissions: key.permissions },
        markets: [...api.markets.values()].map((m) => ({
          symbol: m.instrument.symbol,
          base: m.instrument.base.code,
          quote: m.instrument.quote.code,
          tickSize: m.instrument.tickSize,
          lotSize: m.instrument.lotSize,
        })),
        killSwitch: custody.killSwitch.engaged(),
        approvers: [...custody.approverPublicKeys].map(([id, publicKey]) => ({ id, publicKey })),
        requiredApprovals: config.approvals.required,
        appliedSeq: core.appliedSeq,
      }
    },

    slo() {
      return Object.entries(LATENCY_SLOS).map(([name, slo]) => {
        const h = deps.latency[name as LatencyName]
        const p95 = ms(h.quantile(0.95))
        const p99 = ms(h.quantile(0.99))
        const budget = { p95: ms(slo.p95)!, p99: ms(slo.p99)! }
        return {
          name,
          description: slo.help,
          count: h.count,
          p95Ms: p95,
          p99Ms: p99,
          budgetMs: budget,
          status:
            p95 === null || p99 === null
              ? 'no data'
              : p95 <= budget.p95 && p99 <= budget.p99
                ? 'ok'
                : 'over budget',
        }
      })
    },

    /**
     * Per on-chain asset: each custody tier's balance (chain or ledger) next to the ledger's,
     * its share against its band, the moves the rebalancing planner proposes, and what the venue
     * owes its customers of the asset.
     */
    async tiers() {
      const owed = core.totals()
      return (await deps.tiers.report()).map((a) => ({
        ...a,
        customerLiabilities: owed.get(a.asset) ?? 0n,
      }))
    },

    withdrawals() {
      const all = withdrawals.list({})
      return {
        requiredApprovals: config.approvals.required,
        pending: all
          .filter((w) => w.status === 'awaiting_approvals')
          .map((w) => ({
            ...withdrawalJson(w, decimalsOf(w.asset)),
            account: w.account,
            approvals: approvalsOf(w),
          })),
        recent: all
          .slice(-20)
          .reverse()
          .map((w) => ({ ...withdrawalJson(w, decimalsOf(w.asset)), account: w.account })),
      }
    },

    async approve(
      withdrawalId: string,
      approval: { approverId: string; signature: string; approvedAt: number },
      keyId: string,
    ): Promise<WithdrawalState> {
      const w = withdrawals.get(withdrawalId)
      if (!w) throw new HttpError(404, 'unknown_withdrawal', 'No such withdrawal.')
      if (approving.has(withdrawalId))
        throw new HttpError(
          409,
          'approval_in_progress',
          'An approval of this withdrawal is already being processed: this one was not submitted.',
        )
      if (w.status !== 'awaiting_approvals')
        throw new HttpError(
          409,
          'stale_approval',
          `The withdrawal is no longer awaiting approvals (it is ${w.status}); nothing was changed.`,
        )
      if (approvalsOf(w).some((a) => a.approverId === approval.approverId))
        throw new HttpError(
          409,
          'already_approved',
          `${approval.approverId} has already approved this withdrawal; nothing was changed.`,
        )
      approving.add(withdrawalId)
      try {
        await audit.append({
          type: 'console.approval.submitted',
          actor: keyId,
          data: { withdrawalId, approverId: approval.approverId },
        })
        return await withdrawals.approve(withdrawalId, approval)
      } finally {
        approving.delete(withdrawalId)
      }
    },

    alerts() {
      return compliance.reviews.list({ limit: 200 }).map((c) => ({
        caseId: c.caseId,
        openedAt: c.openedAt,
        score: c.score,
        severity: c.severity,
        status: c.status,
        kind: c.event.kind,
        accountId: c.event.accountId,
        outcome: c.decision.outcome,
        alerts: c.decision.alerts.map((a) => a.code),
      }))
    },

    alertCase(caseId: string) {
      if (!compliance.reviews.get(caseId)) throw new HttpError(404, 'unknown_case', 'No such case.')
      return compliance.reviews.exportCase(caseId)
    },

    async engageKillSwitch(reason: string, keyId: string) {
      const engaged = custody.killSwitch.engaged()
      if (engaged.some((e) => e.scope.kind === 'global'))
        throw new HttpError(
          409,
          'already_engaged',
          'The global kill switch is already engaged; nothing was changed.',
        )
      await api.engageKillSwitch(reason, keyId)
      return { killSwitch: custody.killSwitch.engaged() }
    },

    async audit(query: { offset: number; limit: number; type?: string | undefined }) {
      const file = join(config.dataDir, 'audit.jsonl')
      const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : []
      const records: AuditRecord[] = []
      for (const [i, line] of lines.entries()) {
        if (line.trim() === '') continue
        let record: AuditRecord
        try {
          record = JSON.parse(line) as AuditRecord
        } catch (error) {
          // The last line may be half written while we read; anything else is corruption.
          if (i === lines.length - 1) continue
          throw error
        }
        if (!query.type || record.type.startsWith(query.type)) records.push(record)
      }
      records.reverse()
      return {
        total: records.length,
        offset: query.offset,
        records: records.slice(query.offset, query.offset + query.limit),
      }
    },

    async verifyAudit() {
      const head = audit.head()
      return { ...(await audit.verify({ head })), checkedAgainst: head ?? null }
    },
  }
}

export type ConsoleData = ReturnType<typeof createConsoleData>
