// Custody tiers as the reference exchange keeps them, per on-chain asset:
// - hot: the exchange's hot wallet plus the accounts' deposit addresses (keys online, here), read
//   from the chain;
// - warm (a FROST group across signer nodes) and cold (a Shamir-split key kept offline): the
//   exchange holds neither key, so each is a watch-only address read from the chain when one is
//   configured, else the balance the ledger has booked to the wallet's custody account.
// Next to every tier: its ledger balance (and the difference from the chain), its share of the
// total and its target band, and the moves the custody package's planner proposes, sized from the
// withdrawal demand forecast over the hot wallet's ledger history.
import {
  forecastWithdrawalDemand,
  planRebalance,
  type RebalanceProposal,
  type Tier,
  type TierBalances,
  type TierBand,
  type WithdrawalForecast,
} from '@strongroom/custody'
import { type Ledger, TRANSFER_CODES, walletAccount } from '@strongroom/settlement'
import { type ExchangeConfig, HOT_WALLET_ID, tierPolicyOf } from '../config.js'

const DAY_MS = 86_400_000
/** Days of withdrawal history the forecast looks at. */
const FORECAST_WINDOW_DAYS = 90

/** Where a tier's balance comes from. */
export type TierSource = 'chain' | 'ledger'

/** Whether a tier's share lies in its band. */
export type TierStatus = 'below' | 'within' | 'above' | 'empty'

/** One tier of one asset. */
export type TierLine = {
  readonly tier: Tier
  readonly walletId: string
  /** The chain addresses counted (hot: the hot wallet; deposit addresses are listed apart). */
  readonly address: string | null
  readonly source: TierSource
  /** What the tier holds: the chain balance, or the ledger's when no address is watched. */
  readonly balance: bigint
  /** What the ledger has booked to the wallet's custody account (posted). */
  readonly ledger: bigint
  /** `balance - ledger` when read from the chain (`null` when the ledger is the source). */
  readonly difference: bigint | null
  /** Share of the asset's total in basis points (floor). */
  readonly shareBps: number
  /** Target band; cold's is what the hot and warm bands leave. */
  readonly target: TierBand
  readonly status: TierStatus
}

/** One asset's tiers, forecast and proposed moves. */
export type AssetTiers = {
  readonly asset: string
  readonly decimals: number
  readonly total: bigint
  readonly hotWallet: { readonly address: string; readonly balance: bigint }
  readonly depositAddresses: bigint
  readonly tiers: readonly TierLine[]
  readonly forecast: WithdrawalForecast
  readonly targets: TierBalances
  readonly proposals: readonly RebalanceProposal[]
  readonly warnings: readonly string[]
}

/** What the tier view reads. */
export type CustodyTiersDeps = {
  readonly config: ExchangeConfig
  readonly ledger: Ledger
  readonly hotAddress: string
  /** The chain balance of an address (minor units of the native asset). */
  readonly chainBalance: (address: string) => Promise<bigint>
  /** The deposit addresses of every account (hot keys: they count as hot). */
  readonly depositAddresses: () => Promise<readonly string[]>
  readonly now: () => number
}

/** Cold's band: whatever the hot and warm bands leave. */
export function coldBand(hot: TierBand, warm: TierBand): TierBand {
  return { minBps: 10_000 - hot.maxBps - warm.maxBps, maxBps: 10_000 - hot.minBps - warm.minBps }
}

/** Compares `balance / total` with the band exactly (no rounded share). */
export function tierStatus(balance: bigint, total: bigint, band: TierBand): TierStatus {
  if (total === 0n) return 'empty'
  const scaled = balance * 10_000n
  if (scaled < BigInt(band.minBps) * total) return 'below'
  if (scaled > BigInt(band.maxBps) * total) return 'above'
  return 'within'
}

/** Daily withdrawal totals paid by `walletId`, oldest first, up to the day of `now`. */
async function withdrawalHistory(
  ledger: Ledger,
  walletId: string,
  asset: string,
  now: number,
): Promise<bigint[]> {
  const account = walletAccount(walletId, asset)
  const [found] = await ledger.lookupAccounts([account])
  if (!found) return []
  const today = Math.floor(now / DAY_MS)
  const first = Math.max(Math.floor(found.createdAt / DAY_MS), today - FORECAST_WINDOW_DAYS + 1)
  const days = Array.from({ length: Math.max(0, today - first + 1) }, () => 0n)
  const limit = 1_000
  let after: bigint | undefined
  for (;;) {
    let page = await ledger.accountTransfers({ account, limit, afterWriteSeq: after })
    const full = page.length === limit
    // Pages end at a write boundary: a full page's last write may continue on the next page.
    const last = page[page.length - 1]?.writeSeq
    if (full && page[0]!.writeSeq !== last) page = page.filter((t) => t.writeSeq !== last)
    for (const t of page) {
      const day = Math.floor(t.createdAt / DAY_MS) - first
      if (t.code === TRANSFER_CODES.withdrawal && day >= 0 && day < days.length)
        days[day]! += t.amount
    }
    if (!full) return days
    after = page[page.length - 1]!.writeSeq
  }
}

/** The per-tier view of every on-chain asset (see the module comment). */
export function createCustodyTiers(deps: CustodyTiersDeps) {
  const { config, ledger } = deps
  const { warm, cold } = config.tiers.wallets
  return {
    async report(): Promise<AssetTiers[]> {
      const out: AssetTiers[] = []
      for (const asset of config.assets.filter((a) => a.kind === 'native')) {
        const policy = tierPolicyOf(config, asset.code)
        const wallets = { hot: HOT_WALLET_ID, warm: warm.walletId, cold: cold.walletId }
        const accounts = await ledger.lookupAccounts(
          (['hot', 'warm', 'cold'] as const).map((t) => walletAccount(wallets[t], asset.code)),
        )
        const booked = accounts.map((a) => (a ? a.debitsPosted - a.creditsPosted : 0n))
        const ledgerOf = { hot: booked[0]!, warm: booked[1]!, cold: booked[2]! }
        const hotWallet = await deps.chainBalance(deps.hotAddress)
        let depositAddresses = 0n
        for (const address of await deps.depositAddresses())
          depositAddresses += await deps.chainBalance(address)
        const chain = {
          hot: hotWallet + depositAddresses,
          warm: warm.address ? await deps.chainBalance(warm.address) : undefined,
          cold: cold.address ? await deps.chainBalance(cold.address) : undefined,
        }
        const balances: TierBalances = {
          hot: chain.hot,
          warm: chain.warm ?? ledgerOf.warm,
          cold: chain.cold ?? ledgerOf.cold,
        }
        const total = balances.hot + balances.warm + balances.cold
        const targets = {
          hot: policy.hot,
          warm: policy.warm,
          cold: coldBand(policy.hot, policy.warm),
        }
        const addresses = { hot: deps.hotAddress, warm: warm.address, cold: cold.address }
        const line = (tier: Tier): TierLine => {
          const fromChain = chain[tier]
          return {
            tier,
            walletId: wallets[tier],
            address: addresses[tier] ?? null,
            source: fromChain === undefined ? 'ledger' : 'chain',
            balance: balances[tier],
            ledger: ledgerOf[tier],
            difference: fromChain === undefined ? null : fromChain - ledgerOf[tier],
            shareBps: total === 0n ? 0 : Number((balances[tier] * 10_000n) / total),
            target: targets[tier],
            status: tierStatus(balances[tier], total, targets[tier]),
          }
        }
        const forecast = forecastWithdrawalDemand({
          history: await withdrawalHistory(ledger, HOT_WALLET_ID, asset.code, deps.now()),
          windowDays: FORECAST_WINDOW_DAYS,
        })
        const plan = planRebalance({ policy, balances, forecast })
        out.push({
          asset: asset.code,
          decimals: asset.decimals,
          total,
          hotWallet: { address: deps.hotAddress, balance: hotWallet },
          depositAddresses,
          tiers: [line('hot'), line('warm'), line('cold')],
          forecast,
          targets: plan.targets,
          proposals: plan.proposals,
          warnings: plan.warnings,
        })
      }
      return out
    },
  }
}

export type CustodyTiers = ReturnType<typeof createCustodyTiers>
