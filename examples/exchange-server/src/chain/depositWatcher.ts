import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from '@strongroom/core'
import { HOT_WALLET_ID } from '../custody/custodyService.js'
import type { ExchangeSequencer } from '../engine/exchangeSequencer.js'
import type { ComplianceService } from '../services/complianceService.js'
import type { LedgerService } from '../services/ledgerService.js'
import { jsonRpc } from './jsonRpc.js'

type Block = {
  number: string
  hash: string
  transactions: { hash: string; from: string; to: string | null; value: string }[]
}
type Pending = {
  depositId: string
  account: string
  amount: string
  blockNumber: number
  blockHash: string
  from: string
  txHash: string
  state: 'pending' | 'held'
}
type State = { nextBlock: number; pending: Pending[] }

/**
 * Watches the chain for deposits of the native asset to the accounts' deposit addresses. A
 * deposit is screened (source address, KYC limits, typologies), recorded in the ledger as a
 * pending credit, and credited — ledger first, then the core — once it has the asset's
 * confirmations. If the block that held it is replaced (a reorg), the pending credit is voided.
 * Progress lives in `<dataDir>/deposits.json`; every step is idempotent, so a restart resumes.
 */
export function createDepositWatcher(options: {
  rpcUrl: string
  asset: string
  confirmations: number
  dataDir: string
  accountOf: (address: string) => string | undefined
  ledger: LedgerService
  sequencer: ExchangeSequencer
  compliance: ComplianceService
  chain: string
  logger: Logger
  pollMs: number
}) {
  const { rpcUrl, asset, logger } = options
  const file = join(options.dataDir, 'deposits.json')
  const state: State = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as State)
    : { nextBlock: 0, pending: [] }
  const save = () => {
    writeFileSync(`${file}.tmp`, JSON.stringify(state))
    renameSync(`${file}.tmp`, file)
  }
  let timer: ReturnType<typeof setTimeout> | undefined
  let stopped = false
  let running: Promise<void> | undefined
  let credited = 0

  async function scan(head: number) {
    for (let n = state.nextBlock; n <= head; n++) {
      const block = await jsonRpc<Block | null>(rpcUrl, 'eth_getBlockByNumber', [
        `0x${n.toString(16)}`,
        true,
      ])
      if (!block) return
      for (const tx of block.transactions) {
        const account = tx.to ? options.accountOf(tx.to.toLowerCase()) : undefined
        if (!account || BigInt(tx.value) === 0n) continue
        const deposit: Pending = {
          depositId: `${tx.hash}:0`,
          account,
          amount: BigInt(tx.value).toString(),
          blockNumber: n,
          blockHash: block.hash,
          from: tx.from,
          txHash: tx.hash,
          state: 'pending',
        }
        const decision = await options.compliance.screenDeposit({
          id: deposit.depositId,
          account,
          asset,
          amount: BigInt(tx.value),
          chain: options.chain,
          source: tx.from,
          txHash: tx.hash,
        })
        if (decision.outcome !== 'allow') {
          deposit.state = 'held'
          logger.warn('deposit held for compliance review', {
            depositId: deposit.depositId,
            outcome: decision.outcome,
          })
        } else {
          const detected = await options.ledger.deposits.detect({
            depositId: deposit.depositId,
            owner: account,
            asset,
            walletId: HOT_WALLET_ID,
            amount: BigInt(tx.value),
            txRef: tx.hash,
          })
          if (!detected.ok)
            logger.error('ledger refused a detected deposit', {
              depositId: deposit.depositId,
              code: detected.rejection.code,
            })
        }
        state.pending.push(deposit)
      }
      state.nextBlock = n + 1
      save()
    }
  }

  async function progress(head: number) {
    for (const deposit of [...state.pending]) {
      if (deposit.state !== 'pending') continue
      const block = await jsonRpc<{ hash: string } | null>(rpcUrl, 'eth_getBlockByNumber', [
        `0x${deposit.blockNumber.toString(16)}`,
        false,
      ])
      if (!block || block.hash !== deposit.blockHash) {
        // Reorg: the block that carried the deposit is gone. Void the pending credit; if the
        // transaction is mined again, the scan finds it in its new block.
        await options.ledger.deposits.reorged({ depositId: deposit.depositId })
        state.pending = state.pending.filter((d) => d !== deposit)
        state.nextBlock = Math.min(state.nextBlock, deposit.blockNumber)
        save()
        logger.warn('deposit voided by a reorg', { depositId: deposit.depositId })
        continue
      }
      const confirmations = head - deposit.blockNumber + 1
      const result = await options.ledger.deposits.confirmations({
        depositId: deposit.depositId,
        confirmations,
      })
      if (result.ok && result.state === 'posted') {
        const applied = await options.sequencer.submit({
          type: 'credit',
          account: deposit.account,
          asset,
          amount: deposit.amount,
          reference: deposit.depositId,
        })
        if (applied.result.ok || applied.result.code === 'duplicate_credit') {
          state.pending = state.pending.filter((d) => d !== deposit)
          save()
          credited++
        }
      }
    }
  }

  const tick = async () => {
    const head = Number(BigInt(await jsonRpc<string>(rpcUrl, 'eth_blockNumber')))
    await scan(head)
    await progress(head)
  }

  const loop = () => {
    if (stopped) return
    running = tick()
      .catch((error: unknown) =>
        logger.warn('deposit watcher poll failed', { error: String(error) }),
      )
      .finally(() => {
        running = undefined
        if (!stopped) timer = setTimeout(loop, options.pollMs)
      })
  }

  return {
    /** Starts from `fromBlock` on the first run (later runs resume where they stopped). */
    start(fromBlock: number) {
      if (!existsSync(file)) state.nextBlock = fromBlock
      loop()
    },
    get credited() {
      return credited
    },
    pending: () => state.pending.map((d) => ({ ...d })),
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      await running
    },
  }
}

export type DepositWatcher = ReturnType<typeof createDepositWatcher>
