import type { L2Snapshot } from '@strongroom/orderbook'
import type { ExchangeCommand } from '../core/commands.js'
import type { Market } from '../core/exchangeCore.js'
import type { Applied } from '../engine/exchangeSequencer.js'
import type { ApiKey, Permission } from '../gateway/auth.js'
import type { OrderViews } from '../services/orderViews.js'

/** A withdrawal as the API reports it. */
export type WithdrawalState = {
  withdrawalId: string
  account: string
  asset: string
  amount: bigint
  address: string
  status:
    | 'screening'
    | 'awaiting_approvals'
    | 'signing'
    | 'broadcast'
    | 'confirmed'
    | 'failed'
    | 'rejected'
  requestDigest?: string | undefined
  txHash?: string | undefined
  reason?: string | undefined
}

/** What the gateways (REST, WebSocket, FIX) need from the exchange. */
export type ExchangeApi = {
  readonly markets: ReadonlyMap<string, Market>
  readonly views: OrderViews
  /** Journals and applies a command; resolves after it is durable and applied. */
  submit(command: ExchangeCommand): Promise<Applied>
  balances(account: string): { asset: string; available: bigint; locked: bigint }[]
  book(symbol: string, depth?: number): L2Snapshot | undefined
  /** Pre-trade compliance gate: undefined when the account may trade, else why not. */
  preTradeCheck(account: string): string | undefined
  depositAddress(account: string, asset: string): Promise<string>
  requestWithdrawal(request: {
    account: string
    asset: string
    amount: bigint
    address: string
    clientWithdrawalId?: string | undefined
  }): Promise<WithdrawalState>
  withdrawal(withdrawalId: string): WithdrawalState | undefined
  withdrawals(filter: {
    account?: string | undefined
    status?: WithdrawalState['status'] | undefined
  }): WithdrawalState[]
  approveWithdrawal(
    withdrawalId: string,
    approval: { approverId: string; signature: string; approvedAt: number },
  ): Promise<WithdrawalState>
  createAccount(request: {
    accountId: string
    permissions: readonly Permission[]
    kycLevel: number
  }): Promise<ApiKey>
  engageKillSwitch(reason: string, actor: string): Promise<void>
  /** Development faucet for off-chain assets. */
  faucet(accountId: string, asset: string, amount: bigint): Promise<void>
}
