import type { Ledger } from '../ledger/openLedger.js'
import { textArray } from '../ledger/sql.js'
import { ACCOUNT_ROLES } from './accounts.js'

/** What custody reports one wallet holds of one asset (minor units, on chain). */
export type CustodyBalance = {
  readonly walletId: string
  readonly tier: 'hot' | 'warm' | 'cold'
  readonly asset: string
  readonly amount: bigint
}

/**
 * Port: the custody balances of every wallet (hot, warm, cold), as custody's chain adapters see
 * them. The custody package (or a test) implements it; settlement only reads it.
 */
export type CustodyBalancePort = {
  balances(parameters: { readonly assets: readonly string[] }): Promise<readonly CustodyBalance[]>
}

/** One wallet's line in a {@link ReconciliationReport}. */
export type WalletReconciliation = {
  readonly walletId: string
  readonly tier: string | undefined
  /** What the ledger says the wallet holds (posted debits minus credits of its custody account). */
  readonly ledger: bigint
  /** What custody reports. */
  readonly custody: bigint
  /** `custody - ledger`: zero when they agree. */
  readonly difference: bigint
}

/** One asset's line in a {@link ReconciliationReport}. */
export type AssetReconciliation = {
  readonly asset: string
  /** What the venue owes customers: their available and locked balances (posted). */
  readonly customerLiabilities: bigint
  /**
   * Every other account's posted balance: fees earned, less network fees paid, plus withdrawals
   * clearing (and any control accounts the venue added).
   */
  readonly venueBalance: bigint
  /** Sum of the ledger's wallet accounts (equals liabilities plus venue balance). */
  readonly ledgerCustody: bigint
  /** Sum of what custody reports for the asset. */
  readonly custody: bigint
  /** `custody - ledgerCustody`: zero when the books and the chain agree. */
  readonly difference: bigint
  /** `custody - customerLiabilities`: must not be negative (customer funds are covered). */
  readonly coverage: bigint
  /** Deposits detected but not yet posted (pending credits to customers). */
  readonly pendingDeposits: bigint
  /** Withdrawals held but not yet posted (pending debits of customers). */
  readonly pendingWithdrawals: bigint
  readonly wallets: readonly WalletReconciliation[]
  /** No wallet differs and customer funds are covered. */
  readonly balanced: boolean
}

/** The result of {@link reconcile}. */
export type ReconciliationReport = {
  readonly assets: readonly AssetReconciliation[]
  /** Every asset is balanced. */
  readonly balanced: boolean
  /** Only the lines that differ, for alerting. */
  readonly differences: readonly {
    readonly asset: string
    readonly walletId: string
    readonly difference: bigint
  }[]
}

/** Parameters of {@link reconcile}. */
export type ReconcileParameters = {
  readonly ledger: Ledger
  readonly custody: CustodyBalancePort
  /** Assets to reconcile; default: every asset in the ledger. */
  readonly assets?: readonly string[] | undefined
}

/**
 * Per asset, compares the ledger's liabilities and wallet accounts with the custody balances of
 * every wallet, and reports the differences.
 */
export async function reconcile(parameters: ReconcileParameters): Promise<ReconciliationReport> {
  const { ledger } = parameters
  const assets =
    parameters.assets ??
    (
      await ledger.store.query<{ asset: string }>(
        'select distinct asset from ledger_accounts order by asset',
      )
    ).map((row) => row.asset)
  const rows = await ledger.store.query<{
    asset: string
    owner: string
    role: string
    user_data: string | null
    net: string
    dpe: string
    cpe: string
  }>(
    `select asset, owner, role, user_data, (credits_posted - debits_posted)::text as net,
            debits_pending::text as dpe, credits_pending::text as cpe
       from ledger_accounts where asset = any($1::text[])`,
    [textArray([...assets])],
  )
  const reported = await parameters.custody.balances({ assets })
  const report: AssetReconciliation[] = []
  const differences: { asset: string; walletId: string; difference: bigint }[] = []
  for (const asset of assets) {
    let customerLiabilities = 0n
    let venueBalance = 0n
    let pendingDeposits = 0n
    let pendingWithdrawals = 0n
    const wallets = new Map<string, { tier: string | undefined; ledger: bigint; custody: bigint }>()
    for (const row of rows) {
      if (row.asset !== asset) continue
      const net = BigInt(row.net)
      if (row.role === ACCOUNT_ROLES.custody && row.owner.startsWith('wallet:')) {
        wallets.set(row.owner.slice('wallet:'.length), {
          tier: row.user_data ?? undefined,
          ledger: -net,
          custody: 0n,
        })
      } else if (row.role === ACCOUNT_ROLES.available || row.role === ACCOUNT_ROLES.locked) {
        customerLiabilities += net
        pendingDeposits += BigInt(row.cpe)
        pendingWithdrawals += BigInt(row.dpe)
      } else {
        venueBalance += net
      }
    }
    for (const balance of reported) {
      if (balance.asset !== asset) continue
      const line = wallets.get(balance.walletId) ?? { tier: balance.tier, ledger: 0n, custody: 0n }
      line.custody += balance.amount
      line.tier ??= balance.tier
      wallets.set(balance.walletId, line)
    }
    const walletLines = [...wallets.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([walletId, line]) => ({
        walletId,
        tier: line.tier,
        ledger: line.ledger,
        custody: line.custody,
        difference: line.custody - line.ledger,
      }))
    for (const line of walletLines) {
      if (line.difference !== 0n) {
        differences.push({ asset, walletId: line.walletId, difference: line.difference })
      }
    }
    const ledgerCustody = walletLines.reduce((sum, line) => sum + line.ledger, 0n)
    const custody = walletLines.reduce((sum, line) => sum + line.custody, 0n)
    const coverage = custody - customerLiabilities
    report.push({
      asset,
      customerLiabilities,
      venueBalance,
      ledgerCustody,
      custody,
      difference: custody - ledgerCustody,
      coverage,
      pendingDeposits,
      pendingWithdrawals,
      wallets: walletLines,
      balanced: walletLines.every((line) => line.difference === 0n) && coverage >= 0n,
    })
  }
  return { assets: report, balanced: report.every((line) => line.balanced), differences }
}
