import { type AuditLog, ok, type Result, reject } from '@strongroom/core'
import { encodeFunctionData, erc20Abi, type Hex, keccak256, parseTransaction } from 'viem'
import { CustodyError, SigningRefusedError } from '../custodyErrors.js'
import type { Orchestrator, OrchestratorRejection } from '../orchestrator/orchestratorTypes.js'
import type { SigningPurpose } from '../orchestrator/payloadBinder.js'
import type { BroadcastRoute } from '../policy/policySchema.js'
import type { BroadcastResult, BroadcastRouter } from './broadcastRouter.js'
import type { ConfirmationTracker } from './confirmationTracker.js'
import { evmChainId } from './evmPayloadBinder.js'
import type { NonceManager } from './nonceManager.js'
import { createOrchestratorAccount } from './orchestratorAccount.js'
import type { RpcPool } from './rpcPool.js'

/** A transaction sent for a request. */
export type SentTransaction = {
  readonly requestId: string
  readonly hash: Hex
  readonly raw: Hex
  readonly nonce: number
  readonly purpose: SigningPurpose
  readonly broadcast: BroadcastResult
}

/** Runs approved EVM withdrawals: build, sign through the orchestrator, persist, broadcast. */
export type EvmWithdrawals = {
  /** Builds, signs and broadcasts the request's transfer. Refusals come back as values. */
  execute(requestId: string): Promise<Result<SentTransaction, OrchestratorRejection>>
  /** Replaces the pending transaction with the same one at higher fees. */
  speedUp(
    requestId: string,
    options?: { bumpPercent?: number },
  ): Promise<Result<SentTransaction, OrchestratorRejection>>
  /** Replaces the pending transaction with a 0-value transfer to the wallet itself. */
  cancel(
    requestId: string,
    options?: { bumpPercent?: number },
  ): Promise<Result<SentTransaction, OrchestratorRejection>>
  /** After a restart: rebroadcasts signed transactions the chain has not mined yet. */
  resume(options: { route: BroadcastRoute }): Promise<readonly SentTransaction[]>
}

/** Parameters of {@link createEvmWithdrawals}. */
export type CreateEvmWithdrawalsParameters = {
  orchestrator: Orchestrator
  walletId: string
  rpc: RpcPool
  router: BroadcastRouter
  nonces: NonceManager
  tracker: ConfirmationTracker
  audit: AuditLog
  /** `eip1559` (default) or `legacy` (EIP-155 `gasPrice` transactions). */
  transactionType?: 'eip1559' | 'legacy' | undefined
  /** Gas limit of native transfers. Default 21,000. */
  nativeGas?: bigint | undefined
  /** Extra gas on top of `eth_estimateGas` for token transfers, in percent. Default 20. */
  gasMarginPercent?: number | undefined
}

type Fees = { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint } | { gasPrice: bigint }

const bump = (value: bigint, percent: number) => (value * BigInt(100 + percent) + 99n) / 100n
const maxOf = (a: bigint, b: bigint) => (a >= b ? a : b)

/**
 * Creates the EVM withdrawal runner for one wallet: native and ERC-20 transfers as EIP-1559 or
 * legacy EIP-155 transactions; nonces from the durable {@link NonceManager}; the signed raw
 * transaction is saved before it is broadcast by the policy's route; the confirmation tracker
 * watches every hash sent for the request (replacements included).
 */
export function createEvmWithdrawals(parameters: CreateEvmWithdrawalsParameters): EvmWithdrawals {
  const { orchestrator, rpc, router, nonces, tracker } = parameters
  const wallet = orchestrator.wallet(parameters.walletId)
  if (wallet === undefined) {
    throw new CustodyError('No such wallet.', {
      code: 'CUSTODY_UNKNOWN_WALLET',
      details: parameters.walletId,
    })
  }
  const chainId = evmChainId(wallet.chain)
  const type = parameters.transactionType ?? 'eip1559'

  async function currentFees(): Promise<Fees> {
    if (type === 'legacy') return { gasPrice: BigInt(await rpc.request<string>('eth_gasPrice')) }
    const block = await rpc.request<{ baseFeePerGas?: string }>('eth_getBlockByNumber', [
      'latest',
      false,
    ])
    const baseFee = BigInt(block.baseFeePerGas ?? '0x0')
    let priority = 1_000_000_000n
    try {
      priority = BigInt(await rpc.request<string>('eth_maxPriorityFeePerGas'))
    } catch {
      // older nodes: keep 1 gwei
    }
    return { maxFeePerGas: baseFee * 2n + priority, maxPriorityFeePerGas: priority }
  }

  async function signAndSend(
    requestId: string,
    nonce: number,
    purpose: SigningPurpose,
    call: { to: Hex; value: bigint; data: Hex; gas: bigint },
    fees: Fees,
  ): Promise<Result<SentTransaction, OrchestratorRejection>> {
    const account = createOrchestratorAccount({ orchestrator, requestId, purpose })
    const transaction = {
      ...('gasPrice' in fees
        ? { type: 'legacy' as const, gasPrice: fees.gasPrice }
        : { type: 'eip1559' as const, ...fees }),
      chainId,
      nonce,
      to: call.to,
      value: call.value,
      data: call.data,
      gas: call.gas,
    }
    let raw: Hex
    try {
      raw = await account.signTransaction(transaction)
    } catch (error) {
      if (error instanceof SigningRefusedError) {
        if (purpose === 'transfer') await nonces.release(nonce)
        return reject(error.rejection as OrchestratorRejection)
      }
      if (purpose === 'transfer') await nonces.release(nonce)
      throw error
    }
    const hash = keccak256(raw)
    await nonces.attach(nonce, { hash, raw })
    tracker.watch(requestId, hash)
    const route = orchestrator.get(requestId)!.decision.broadcast
    const broadcast = await router.broadcast({ requestId, raw, hash, route })
    return ok({ requestId, hash, raw, nonce, purpose, broadcast })
  }

  async function replace(requestId: string, purpose: 'speed_up' | 'cancel', bumpPercent: number) {
    const held = nonces.held(requestId)
    const last = held?.transactions[held.transactions.length - 1]
    if (held === undefined || last === undefined) {
      throw new CustodyError('Nothing was sent for this request.', {
        code: 'CUSTODY_TRANSACTION_NOT_REPLACEABLE',
        details: requestId,
      })
    }
    const mined = Number(
      BigInt(await rpc.request<string>('eth_getTransactionCount', [wallet!.address, 'latest'])),
    )
    if (mined > held.nonce) {
      throw new CustodyError('The transaction is already mined.', {
        code: 'CUSTODY_TRANSACTION_NOT_REPLACEABLE',
        details: `${requestId} nonce ${held.nonce}`,
      })
    }
    const previous = parseTransaction(last.raw as Hex)
    const market = await currentFees()
    let fees: Fees
    if (previous.type === 'legacy') {
      const old = previous.gasPrice ?? 0n
      const marketPrice = 'gasPrice' in market ? market.gasPrice : market.maxFeePerGas
      fees = {
        gasPrice: maxOf(bump(old, bumpPercent), marketPrice),
      }
    } else {
      const oldMax = previous.maxFeePerGas ?? 0n
      const oldTip = previous.maxPriorityFeePerGas ?? 0n
      const tip = bump(oldTip, bumpPercent)
      const max = bump(oldMax, bumpPercent)
      const marketMax = 'maxFeePerGas' in market ? market.maxFeePerGas : market.gasPrice
      fees = { maxPriorityFeePerGas: tip, maxFeePerGas: maxOf(max, marketMax) }
    }
    const call =
      purpose === 'cancel'
        ? { to: wallet!.address as Hex, value: 0n, data: '0x' as Hex, gas: 21_000n }
        : {
            to: previous.to as Hex,
            value: previous.value ?? 0n,
            data: (previous.data ?? '0x') as Hex,
            gas: previous.gas ?? 21_000n,
          }
    return signAndSend(requestId, held.nonce, purpose, call, fees)
  }

  return {
    async execute(requestId) {
      const tracked = orchestrator.get(requestId)
      if (tracked === undefined || tracked.wallet.id !== wallet.id) {
        throw new CustodyError('No such request for this wallet.', {
          code: 'CUSTODY_REQUEST_NOT_FOUND',
          details: requestId,
        })
      }
      const { request } = tracked
      const asset = wallet.assets.find((a) => a.code === request.asset)!
      let call: { to: Hex; value: bigint; data: Hex; gas: bigint }
      if (asset.contract === undefined) {
        call = {
          to: request.destination as Hex,
          value: request.amount,
          data: '0x',
          gas: parameters.nativeGas ?? 21_000n,
        }
      } else {
        const data = encodeFunctionData({
          abi: erc20Abi,
          functionName: 'transfer',
          args: [request.destination as Hex, request.amount],
        })
        const estimate = BigInt(
          await rpc.request<string>('eth_estimateGas', [
            { from: wallet.address, to: asset.contract, data },
          ]),
        )
        const gas = (estimate * BigInt(100 + (parameters.gasMarginPercent ?? 20))) / 100n
        call = { to: asset.contract as Hex, value: 0n, data, gas }
      }
      const fees = await currentFees()
      const nonce = await nonces.reserve(requestId)
      return signAndSend(requestId, nonce, 'transfer', call, fees)
    },
    speedUp: (requestId, options = {}) => replace(requestId, 'speed_up', options.bumpPercent ?? 12),
    cancel: (requestId, options = {}) => replace(requestId, 'cancel', options.bumpPercent ?? 12),
    async resume({ route }) {
      const { unmined } = await nonces.recover()
      const sent: SentTransaction[] = []
      for (const entry of unmined) {
        const last = entry.transactions[entry.transactions.length - 1]!
        tracker.watch(entry.requestId, last.hash)
        const broadcast = await router.broadcast({
          requestId: entry.requestId,
          raw: last.raw,
          hash: last.hash,
          route,
        })
        sent.push({
          requestId: entry.requestId,
          hash: last.hash as Hex,
          raw: last.raw as Hex,
          nonce: entry.nonce,
          purpose: 'transfer',
          broadcast,
        })
      }
      return sent
    },
  }
}
