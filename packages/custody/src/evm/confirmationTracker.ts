import type { AuditLog } from '@strongroom/core'
import type { RpcPool } from './rpcPool.js'

/** Where a tracked request's transaction stands. */
export type ConfirmationStatus =
  | { readonly status: 'pending' }
  | {
      readonly status: 'mined' | 'confirmed'
      readonly hash: string
      readonly blockNumber: bigint
      readonly blockHash: string
      readonly confirmations: number
      /** False when the transaction reverted. */
      readonly success: boolean
    }

/** Tracks receipts of a request's transactions (original and replacements) to a depth. */
export type ConfirmationTracker = {
  /** Adds transaction hashes to watch for a request (a replacement adds its own). */
  watch(requestId: string, hash: string): void
  /** Looks the request's transactions up now. Audits `custody.confirmed` once. */
  check(requestId: string): Promise<ConfirmationStatus>
  /** Polls every `pollMs` until confirmed or `attempts` run out (then resolves its last status). */
  waitForConfirmation(
    requestId: string,
    options?: { pollMs?: number; attempts?: number },
  ): Promise<ConfirmationStatus>
}

type Receipt = { transactionHash: string; blockNumber: string; blockHash: string; status: string }

/**
 * Creates a {@link ConfirmationTracker}: a request is `mined` once any of its transactions has a
 * receipt, and `confirmed` when the receipt's block is `confirmations` deep (the receipt's block
 * counts as 1) and still on the canonical chain (a reorg sends it back to pending).
 */
export function createConfirmationTracker(parameters: {
  rpc: RpcPool
  /** Required depth. */
  confirmations: number
  audit: AuditLog
}): ConfirmationTracker {
  const { rpc, audit } = parameters
  const watched = new Map<string, string[]>()
  const confirmed = new Set<string>()
  const tracker: ConfirmationTracker = {
    watch(requestId, hash) {
      const hashes = watched.get(requestId) ?? []
      if (!hashes.includes(hash)) hashes.push(hash)
      watched.set(requestId, hashes)
    },
    async check(requestId) {
      const hashes = watched.get(requestId) ?? []
      for (const hash of hashes) {
        const receipt = await rpc.request<Receipt | null>('eth_getTransactionReceipt', [hash])
        if (receipt === null) continue
        const [head, block] = await Promise.all([
          rpc.request<string>('eth_blockNumber'),
          rpc.request<{ hash: string } | null>('eth_getBlockByNumber', [
            receipt.blockNumber,
            false,
          ]),
        ])
        if (block === null || block.hash !== receipt.blockHash) return { status: 'pending' }
        const blockNumber = BigInt(receipt.blockNumber)
        const depth = Number(BigInt(head) - blockNumber + 1n)
        const status = depth >= parameters.confirmations ? 'confirmed' : 'mined'
        const result = {
          status,
          hash: receipt.transactionHash,
          blockNumber,
          blockHash: receipt.blockHash,
          confirmations: depth,
          success: receipt.status === '0x1',
        } as const
        if (status === 'confirmed' && !confirmed.has(requestId)) {
          confirmed.add(requestId)
          await audit.append({
            type: 'custody.confirmed',
            actor: 'confirmation-tracker',
            data: {
              requestId,
              hash: result.hash,
              blockNumber,
              blockHash: result.blockHash,
              confirmations: depth,
              success: result.success,
            },
          })
        }
        return result
      }
      return { status: 'pending' }
    },
    async waitForConfirmation(requestId, options = {}) {
      const pollMs = options.pollMs ?? 1_000
      const attempts = options.attempts ?? 600
      let last: ConfirmationStatus = { status: 'pending' }
      for (let i = 0; i < attempts; i++) {
        last = await tracker.check(requestId)
        if (last.status === 'confirmed') return last
        await new Promise((resolve) => setTimeout(resolve, pollMs))
      }
      return last
    },
  }
  return tracker
}
