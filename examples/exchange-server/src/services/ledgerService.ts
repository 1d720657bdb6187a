import { join } from 'node:path'
import type { Clock } from '@strongroom/core'
import {
  ACCOUNT_CODES,
  createDeposits,
  createPgliteStore,
  createPostgresStore,
  createSettler,
  createWithdrawals,
  type Ledger,
  openCustomerAccounts,
  openLedger,
  openVenueAccounts,
  TRANSFER_CODES,
  VENUE_OWNER,
  walletAccount,
} from '@strongroom/settlement'
import { type ExchangeConfig, HOT_WALLET_ID } from '../config.js'

/** The ledger and the lifecycles the exchange drives on it. */
export type LedgerService = Awaited<ReturnType<typeof openLedgerService>>

/** The development faucet's wallet: off-chain assets handed out by the faucet come from it. */
export const FAUCET_WALLET = 'dev-faucet'

/** The venue's own capital (equity): what the venue put into its wallets, as opposed to deposits. */
const capitalAccount = (asset: string) => ({ owner: VENUE_OWNER, asset, role: 'equity:capital' })
/** Chart-of-accounts code of the capital account (after settlement's own codes). */
const CAPITAL_CODE = Math.max(...Object.values(ACCOUNT_CODES)) + 1

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
    wallets: [
      { walletId: HOT_WALLET_ID, tier: 'hot' },
      { walletId: config.tiers.wallets.warm.walletId, tier: 'warm' },
      { walletId: config.tiers.wallets.cold.walletId, tier: 'cold' },
      { walletId: FAUCET_WALLET, tier: 'cold' },
    ],
  })
  if (!venue.ok)
    throw new Error(`could not open the venue's ledger accounts: ${venue.rejection.code}`)
  const capital = await ledger.createAccounts(
    assets.map((asset) => ({ account: capitalAccount(asset), code: CAPITAL_CODE })),
  )
  if (!capital.ok)
    throw new Error(`could not open the venue's capital accounts: ${capital.rejection.code}`)
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
    /**
     * Development faucet: credits `amount` of an off-chain asset to `owner` as a deposit from the
     * faucet wallet (a balanced double entry like any deposit), posted at once.
     */
    async faucet(depositId: string, owner: string, asset: string, amount: bigint) {
      const detected = await deposits.detect({
        depositId,
        owner,
        asset,
        walletId: FAUCET_WALLET,
        amount,
      })
      if (!detected.ok) throw new Error(`faucet: ${detected.rejection.code}`)
      const depth = Math.max(1, config.assets.find((a) => a.code === asset)?.confirmations ?? 1)
      const posted = await deposits.confirmations({ depositId, confirmations: depth })
      if (!posted.ok || posted.state !== 'posted')
        throw new Error('faucet: the deposit was not posted')
    },
    /**
     * Books venue capital put into a wallet (e.g. the development chain's hot-wallet float), so
     * the wallet's ledger balance matches the chain. Idempotent by `id`.
     */
    async bookCapital(id: string, walletId: string, asset: string, amount: bigint) {
      const booked = await ledger.createTransfers([
        {
          id,
          code: TRANSFER_CODES.deposit,
          debit: walletAccount(walletId, asset),
          credit: capitalAccount(asset),
          amount,
          reference: 'venue capital',
        },
      ])
      if (!booked.ok) throw new Error(`could not book capital ${id}: ${booked.rejection.code}`)
    },
    async openCustomer(owner: string) {
      const result = await openCustomerAccounts({ ledger, owner, assets })
      if (!result.ok)
        throw new Error(`could not open ledger accounts for ${owner}: ${result.rejection.code}`)
    },
    close: () => store.close(),
  }
}
