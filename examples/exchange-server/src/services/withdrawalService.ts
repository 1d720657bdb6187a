import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  type AuditLog,
  type Clock,
  defineAsset,
  formatAmount,
  type IdGenerator,
  type InputError,
  type Logger,
} from '@strongroom/core'
import { evmAddressFormat } from '@strongroom/custody'
import type { WithdrawalState } from '../api/exchangeApi.js'
import type { ExchangeConfig } from '../config.js'
import type { ExchangeCore } from '../core/exchangeCore.js'
import type { CustodyService } from '../custody/custodyService.js'
import { HOT_WALLET_ID } from '../custody/custodyService.js'
import type { ExchangeSequencer } from '../engine/exchangeSequencer.js'
import { HttpError } from '../gateway/http.js'
import type { ComplianceService } from './complianceService.js'
import type { LedgerService } from './ledgerService.js'
import type { SettlementPump } from './settlementPump.js'

type Stored = WithdrawalState & { amountText: string }

/**
 * The withdrawal path, exactly as the architecture draws it: compliance (sanctions, KYC limits,
 * monitoring) → a hold in the core and in the ledger → the custody policy (screening, thresholds,
 * approvals, kill switch, chain pinning) → the hot wallet's signer → broadcast → confirmations to
 * the asset's depth → the ledger posts the hold and the core completes it; any failure releases
 * both holds. States are kept in `<dataDir>/withdrawals.json` and resumed on restart.
 */
export function createWithdrawalService(options: {
  config: ExchangeConfig
  core: ExchangeCore
  sequencer: ExchangeSequencer
  ledger: LedgerService
  pump: SettlementPump
  compliance: ComplianceService
  custody: CustodyService
  clock: Clock
  ids: IdGenerator
  audit: AuditLog
  logger: Logger
}) {
  const { config, core, sequencer, ledger, pump, compliance, custody, ids, logger } = options
  const file = join(config.dataDir, 'withdrawals.json')
  const states = new Map<string, Stored>()
  if (existsSync(file)) {
    for (const s of JSON.parse(readFileSync(file, 'utf8')) as Stored[])
      states.set(s.withdrawalId, { ...s, amount: BigInt(s.amountText) })
  }
  const assets = new Map(config.assets.map((a) => [a.code, a]))
  const pollMs = config.chain.kind === 'hardhat' ? Math.max(100, config.chain.blockTimeMs) : 2_000

  const save = () => {
    const tmp = `${file}.tmp`
    writeFileSync(tmp, JSON.stringify([...states.values()].map(({ amount: _a, ...rest }) => rest)))
    renameSync(tmp, file)
  }
  const update = (s: Stored, patch: Partial<WithdrawalState>) => {
    Object.assign(s, patch)
    save()
    return s
  }
  const release = async (s: Stored, reason: string) => {
    await sequencer.submit({ type: 'withdrawRelease', withdrawalId: s.withdrawalId })
    const voided = await ledger.withdrawals.fail({ withdrawalId: s.withdrawalId })
    if (!voided.ok)
      logger.error('ledger could not release a withdrawal hold', {
        id: s.withdrawalId,
        code: voided.rejection.code,
      })
    return update(s, { status: 'failed', reason })
  }

  async function track(s: Stored) {
    for (;;) {
      const status = await custody.tracker
        .check(s.withdrawalId)
        .catch(() => ({ status: 'pending' as const }))
      if (status.status === 'confirmed') {
        if (!status.success) return release(s, 'the transaction reverted')
        const receipt = await custody.rpc
          .request<{ gasUsed: string; effectiveGasPrice: string }>('eth_getTransactionReceipt', [
            status.hash,
          ])
          .catch(() => undefined)
        const networkFee = receipt
          ? BigInt(receipt.gasUsed) * BigInt(receipt.effectiveGasPrice)
          : undefined
        const posted = await ledger.withdrawals.confirm({
          withdrawalId: s.withdrawalId,
          walletId: HOT_WALLET_ID,
          networkFee,
        })
        if (!posted.ok)
          logger.error('ledger could not post a confirmed withdrawal', {
            id: s.withdrawalId,
            code: posted.rejection.code,
          })
        await sequencer.submit({ type: 'withdrawComplete', withdrawalId: s.withdrawalId })
        return update(s, { status: 'confirmed', txHash: status.hash })
      }
      await new Promise((r) => setTimeout(r, pollMs))
    }
  }

  async function execute(s: Stored) {
    update(s, { status: 'signing' })
    const sent = await custody.withdrawals.execute(s.withdrawalId)
    if (!sent.ok) return release(s, `${sent.rejection.code}: ${sent.rejection.message}`)
    update(s, { status: 'broadcast', txHash: sent.value.hash })
    void track(s).catch((error: unknown) =>
      logger.error('withdrawal tracking failed', { id: s.withdrawalId, error: String(error) }),
    )
    return s
  }

  return {
    get: (id: string) => states.get(id),
    list: (filter: {
      account?: string | undefined
      status?: WithdrawalState['status'] | undefined
    }) =>
      [...states.values()].filter(
        (s) =>
          (!filter.account || s.account === filter.account) &&
          (!filter.status || s.status === filter.status),
      ),

    async request(r: {
      account: string
      asset: string
      amount: bigint
      address: string
      clientWithdrawalId?: string | undefined
    }): Promise<WithdrawalState> {
      const asset = assets.get(r.asset)
      if (!asset) throw new HttpError(404, 'unknown_asset', `No asset ${r.asset}.`)
      if (asset.kind !== 'native')
        throw new HttpError(
          422,
          'not_withdrawable',
          `${r.asset} is not withdrawable on chain at this venue.`,
        )
      let address: string
      try {
        address = evmAddressFormat.parse(r.address, ['address'])
      } catch (error) {
        const e = error as InputError
        throw new HttpError(422, 'validation_failed', 'The body failed validation.', [
          {
            code: e.rule ?? 'format',
            path: ['body', 'address'],
            message: e.shortMessage ?? String(error),
          },
        ])
      }
      const withdrawalId = r.clientWithdrawalId
        ? `${r.account}.${r.clientWithdrawalId}`
        : ids.next('wd')
      if (states.has(withdrawalId))
        throw new HttpError(409, 'duplicate_withdrawal', `Withdrawal ${withdrawalId} exists.`)
      const amountText = formatAmount(
        defineAsset({ code: asset.code, decimals: asset.decimals }),
        r.amount,
        true,
      )
      const s: Stored = {
        withdrawalId,
        account: r.account,
        asset: r.asset,
        amount: r.amount,
        amountText: r.amount.toString(),
        address,
        status: 'screening',
      }
      states.set(withdrawalId, s)
      save()

      const decision = await compliance.screenWithdrawal({
        id: withdrawalId,
        account: r.account,
        asset: r.asset,
        amount: r.amount,
        address,
        chain: custody.chain,
      })
      if (decision.outcome === 'block')
        return update(s, {
          status: 'rejected',
          reason: decision.issues.map((i) => i.code).join(', ') || 'compliance',
        })
      if (decision.outcome === 'hold')
        return update(s, {
          reason: `held for compliance review: ${decision.issues.map((i) => i.code).join(', ')}`,
        })

      const held = await sequencer.submit({
        type: 'withdrawHold',
        account: r.account,
        asset: r.asset,
        amount: r.amount.toString(),
        withdrawalId,
      })
      if (!held.result.ok) {
        states.delete(withdrawalId)
        save()
        throw new HttpError(409, held.result.code, held.result.message)
      }
      // The ledger must have every trade and hold up to this point before it can hold the funds.
      await pump.drainTo(core.settlementSeq)
      const ledgerHold = await ledger.withdrawals.request({
        withdrawalId,
        owner: r.account,
        asset: r.asset,
        amount: r.amount,
        reference: address,
      })
      if (!ledgerHold.ok) {
        await sequencer.submit({ type: 'withdrawRelease', withdrawalId })
        return update(s, { status: 'failed', reason: `ledger: ${ledgerHold.rejection.code}` })
      }
      const submitted = await custody.orchestrator.submit({
        requestId: withdrawalId,
        walletId: HOT_WALLET_ID,
        initiator: r.account,
        chain: custody.chain,
        asset: r.asset,
        amount: amountText,
        destination: address,
      })
      if (!submitted.ok) {
        await release(s, `${submitted.rejection.code}: ${submitted.rejection.message}`)
        return update(s, { status: 'rejected' })
      }
      update(s, { requestDigest: submitted.value.digest })
      if (submitted.value.status === 'awaiting_approvals')
        return update(s, { status: 'awaiting_approvals' })
      return execute(s)
    },

    async approve(
      withdrawalId: string,
      approval: { approverId: string; signature: string; approvedAt: number },
    ): Promise<WithdrawalState> {
      const s = states.get(withdrawalId)
      if (!s) throw new HttpError(404, 'unknown_withdrawal', 'No such withdrawal.')
      if (s.status !== 'awaiting_approvals')
        throw new HttpError(409, 'not_awaiting_approvals', `The withdrawal is ${s.status}.`)
      const publicKey = custody.approverPublicKeys.get(approval.approverId)
      if (!publicKey)
        throw new HttpError(403, 'unknown_approver', `${approval.approverId} is not an approver.`)
      const result = await custody.orchestrator.approve({
        requestId: withdrawalId,
        approval: { ...approval, publicKey },
      })
      if (!result.ok)
        throw new HttpError(409, result.rejection.code.toLowerCase(), result.rejection.message)
      if (result.value.status === 'ready') return execute(s)
      return s
    },

    /** After a restart: keep tracking what was broadcast. */
    resume() {
      for (const s of states.values()) {
        if (s.status === 'broadcast' && s.txHash) {
          custody.tracker.watch(s.withdrawalId, s.txHash)
          void track(s).catch((error: unknown) =>
            logger.error('withdrawal tracking failed', {
              id: s.withdrawalId,
              error: String(error),
            }),
          )
        }
      }
    },
  }
}

export type WithdrawalService = ReturnType<typeof createWithdrawalService>
