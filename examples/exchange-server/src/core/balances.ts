/** One account's balance of one asset, in minor units. */
export type Balance = { available: bigint; locked: bigint }

/** The account that receives trading fees. */
export const FEE_ACCOUNT = 'venue-fees'

/**
 * Balances held in memory by the deterministic core. `available` can trade or be withdrawn;
 * `locked` backs open orders and pending withdrawals. Every change is a move between two
 * balances or an explicit credit/debit from outside the venue (deposit, withdrawal), so the sum
 * over accounts only changes by deposits and withdrawals.
 */
export class Balances {
  private readonly byAccount = new Map<string, Map<string, Balance>>()

  get(account: string, asset: string): Balance {
    let assets = this.byAccount.get(account)
    if (!assets) {
      assets = new Map()
      this.byAccount.set(account, assets)
    }
    let balance = assets.get(asset)
    if (!balance) {
      balance = { available: 0n, locked: 0n }
      assets.set(asset, balance)
    }
    return balance
  }

  peek(account: string, asset: string): Balance | undefined {
    return this.byAccount.get(account)?.get(asset)
  }

  accountBalances(account: string): [string, Balance][] {
    return [...(this.byAccount.get(account) ?? new Map<string, Balance>())].sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    )
  }

  /** Sum of available + locked per asset over every account (fees included). */
  totals(): Map<string, bigint> {
    const totals = new Map<string, bigint>()
    for (const assets of this.byAccount.values()) {
      for (const [asset, b] of assets)
        totals.set(asset, (totals.get(asset) ?? 0n) + b.available + b.locked)
    }
    return totals
  }

  /** Canonical form for snapshots and the state hash: sorted, zero balances left out. */
  export(): [string, [string, string, string][]][] {
    const out: [string, [string, string, string][]][] = []
    for (const account of [...this.byAccount.keys()].sort()) {
      const rows: [string, string, string][] = []
      for (const [asset, b] of this.accountBalances(account)) {
        if (b.available !== 0n || b.locked !== 0n)
          rows.push([asset, b.available.toString(), b.locked.toString()])
      }
      if (rows.length) out.push([account, rows])
    }
    return out
  }

  static import(rows: [string, [string, string, string][]][]): Balances {
    const balances = new Balances()
    for (const [account, assets] of rows) {
      for (const [asset, available, locked] of assets) {
        const b = balances.get(account, asset)
        b.available = BigInt(available)
        b.locked = BigInt(locked)
      }
    }
    return balances
  }
}
