import {
  availableAccount,
  openCustomerAccounts,
  openVenueAccounts,
  walletAccount,
} from '../src/exchange/accounts.js'
import type { Ledger } from '../src/ledger/openLedger.js'

export const FEES = {
  maker: { numerator: 10n, denominator: 10_000n },
  taker: { numerator: 25n, denominator: 10_000n },
}

/** Venue accounts (wallet `hot-1`), customer accounts, and a funded available balance each. */
export async function setupExchange(
  ledger: Ledger,
  options: {
    owners: readonly string[]
    assets: readonly string[]
    funds: bigint
    history?: boolean
  },
): Promise<void> {
  const venue = await openVenueAccounts({
    ledger,
    assets: options.assets,
    wallets: [{ walletId: 'hot-1', tier: 'hot' }],
  })
  if (!venue.ok) throw new Error(venue.rejection.message)
  for (const owner of options.owners) {
    const opened = await openCustomerAccounts({
      ledger,
      owner,
      assets: options.assets,
      history: options.history,
    })
    if (!opened.ok) throw new Error(opened.rejection.message)
  }
  const funding = options.owners.flatMap((owner) =>
    options.assets.map((asset) => ({
      id: `fund-${owner}-${asset}`,
      debit: walletAccount('hot-1', asset),
      credit: availableAccount(owner, asset),
      amount: options.funds,
      code: 10,
    })),
  )
  for (let i = 0; i < funding.length; i += 500) {
    const result = await ledger.createTransfers(funding.slice(i, i + 500))
    if (!result.ok) throw new Error(result.rejection.message)
  }
}
