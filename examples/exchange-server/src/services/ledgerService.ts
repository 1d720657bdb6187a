import { join } from 'node:path'
import type { Clock } from '@strongroom/core'
import {
  createDeposits,
  createPgliteStore,
  createPostgresStore,
  createSettler,
  createWithdrawals,
  type Ledger,
  openCustomerAccounts,
  openLedger,
  openVenueAccounts,
} from '@strongroom/settlement'
import type { ExchangeConfig } from '../config.js'

/** The ledger and the lifecycles the exchange drives on it. */
export type LedgerService = Awaited<ReturnType<typeof openLedgerService>>

/** The exchange's one custody wallet per chain asset (hot tier). */
export const HOT_WALLET = 'hot-evm'

/**
 * Opens the settlement ledger on the configured store (embedded PGlite under the data directory,
 * or PostgreSQL), creates the venue's accounts, and the deposit, withdrawal and settlement
 * lifecycles on it.
 */
export async function openLedgerService(options: { config: ExchangeConfig; clock: Clock }) {
  const { config, clock } = options
  const store =
    config.ledger.kind === 'postgres'
      ? await createPostgresStore({
          connectionString: config.ledger.url,
          applicationName: 'strongroom-exchange',
        })
      : await createPgliteStore({ dataDir: join(config.dataDir, 'ledger') })
  const ledger: Ledger = await openLedger({ store, clock })
  const assets = config.assets.map((a) => a.code)
  const venue = await openVenueAccounts({
    ledger,
    assets,
    wallets: [{ walletId: HOT_WALLET, tier: 'hot' }],
  })
  if (!venue.ok)
    throw new Error(`could not open the venue's ledger accounts: ${venue.rejection.code}`)
  // Trade events carry explicit fees (computed by the core), so the schedule is only a fallback.
  const zero = { numerator: 0n, denominator: 1n }
  const settler = createSettler({ ledger, fees: { maker: zero, taker: zero } })
  const deposits = createDeposits({
    ledger,
    confirmationDepth: Object.fromEntries(
      config.assets.map((a) => [a.code, Math.max(1, a.confirmations)]),
    ),
  })
  const withdrawals = createWithdrawals({ ledger })
  return {
    ledger,
    settler,
    deposits,
    withdrawals,
    assets,
    async openCustomer(owner: string) {
      const result = await openCustomerAccounts({ ledger, owner, assets })
      if (!result.ok)
        throw new Error(`could not open ledger accounts for ${owner}: ${result.rejection.code}`)
    },
    close: () => store.close(),
  }
}
