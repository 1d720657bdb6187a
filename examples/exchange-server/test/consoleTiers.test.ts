// The console's custody-tier view against a running exchange on its local hardhat chain: hot is
// the hot wallet plus the deposit addresses, warm and cold are watched addresses; every tier is
// read from the chain and compared with the ledger, placed against its band, and the planner's
// proposal is checked against the policy's arithmetic done here by hand.
import { createTempDir } from '@strongroom/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sendFromDevAccount } from '../src/chain/hardhatNode.js'
import { jsonRpc } from '../src/chain/jsonRpc.js'
import { createRestClient, type RestClient } from '../src/client/restClient.js'
import type { RunningExchange } from '../src/server.js'
import { startTestExchange, until } from './support.js'

const E18 = 10n ** 18n
const WARM = '0x00000000000000000000000000000000000a4e01'
const COLD = '0x00000000000000000000000000000000000c01d1'
const dir = createTempDir('strongroom-tiers-')
let exchange: RunningExchange
let admin: RestClient
let bob: RestClient

type Line = {
  tier: string
  walletId: string
  address: string | null
  source: string
  balance: string
  ledger: string
  difference: string | null
  shareBps: number
  target: { minBps: number; maxBps: number }
  status: string
}
type Asset = {
  asset: string
  total: string
  customerLiabilities: string
  hotWallet: { address: string; balance: string }
  depositAddresses: string
  tiers: Line[]
  forecast: { meanDaily: string; peakDaily: string; days: number }
  targets: { hot: string; warm: string; cold: string }
  proposals: { from: string; to: string; amount: string; mode: string; reason: string }[]
  warnings: string[]
}

const chainBalance = async (address: string) =>
  BigInt(await jsonRpc<string>(exchange.urls.rpc, 'eth_getBalance', [address, 'latest']))

describe('console: custody tiers against their bands', () => {
  let depositAddress: string
  beforeAll(async () => {
    exchange = await startTestExchange({
      dataDir: dir.path,
      file: {
        tiers: {
          minimumMove: { ETH: '0.5' },
          wallets: {
            warm: { walletId: 'warm-frost', address: WARM },
            cold: { walletId: 'cold-vault', address: COLD },
          },
        },
      },
    })
    admin = createRestClient({ baseUrl: exchange.urls.http, ...exchange.adminKey })
    const key = await admin.post<{ keyId: string; secret: string }>('/v1/admin/accounts', {
      accountId: 'bob',
      permissions: ['read', 'withdraw'],
      kycLevel: 2,
    })
    bob = createRestClient({ baseUrl: exchange.urls.http, ...key })
    depositAddress = (await bob.get<{ address: string }>('/v1/deposit-address?asset=ETH')).address
    await sendFromDevAccount(exchange.urls.rpc, 4, depositAddress, 6n * E18)
    // The venue's warm and cold holdings, sent from outside: the ledger has not booked them.
    await sendFromDevAccount(exchange.urls.rpc, 7, WARM, 1_500n * E18)
    await sendFromDevAccount(exchange.urls.rpc, 5, COLD, 9_000n * E18)
    await sendFromDevAccount(exchange.urls.rpc, 6, COLD, 9_000n * E18)
    await until(
      async () => {
        const { balances } = await bob.get<{ balances: { asset: string; available: string }[] }>(
          '/v1/balances',
        )
        return balances.some((b) => b.asset === 'ETH' && b.available === '6') ? true : undefined
      },
      30_000,
      'the deposit to be credited',
    )
    // A withdrawal below the approval threshold: paid from the hot wallet, booked with its fee.
    const w = await bob.post<{ withdrawalId: string }>('/v1/withdrawals', {
      asset: 'ETH',
      amount: '2',
      address: '0x000000000000000000000000000000000000d00d',
    })
    await until(
      () => (exchange.withdrawals.get(w.withdrawalId)?.status === 'confirmed' ? true : undefined),
      30_000,
      'the withdrawal to be confirmed',
    )
  }, 120_000)

  afterAll(async () => {
    await exchange?.close()
    dir.remove()
  })

  it('reads every tier from the chain, reconciles it with the ledger and places it in its band', async () => {
    const { assets } = await admin.get<{ assets: Asset[] }>('/v1/console/tiers')
    expect(assets.map((a) => a.asset)).toEqual(['ETH'])
    const eth = assets[0]!
    const hotWallet = await chainBalance(exchange.custody.hotAddress)
    const deposits = await chainBalance(depositAddress)
    expect(deposits).toBe(6n * E18)
    const hot = hotWallet + deposits
    const warm = 1_500n * E18
    const cold = 18_000n * E18
    const total = hot + warm + cold
    expect(eth.hotWallet).toEqual({ address: exchange.custody.hotAddress, balance: `${hotWallet}` })
    expect(eth.depositAddresses).toBe(`${deposits}`)
    expect(eth.total).toBe(`${total}`)
    // What the venue owes: bob's 6 ETH deposit less his 2 ETH withdrawal.
    const { balances } = await bob.get<{
      balances: { asset: string; available: string; locked: string }[]
    }>('/v1/balances')
    expect(balances.find((b) => b.asset === 'ETH')).toMatchObject({ available: '4', locked: '0' })
    expect(eth.customerLiabilities).toBe(`${4n * E18}`)
    const [h, wm, c] = eth.tiers
    // Hot: the 1 000 ETH development float (booked as capital), the deposit, less the withdrawal
    // and its network fee: chain and ledger agree to the wei.
    expect(hotWallet).toBeLessThan(998n * E18)
    expect(h).toEqual({
      tier: 'hot',
      walletId: 'hot-evm',
      address: exchange.custody.hotAddress,
      source: 'chain',
      balance: `${hot}`,
      ledger: `${hot}`,
      difference: '0',
      shareBps: Number((hot * 10_000n) / total),
      target: { minBps: 200, maxBps: 500 },
      status: 'within',
    })
    // Warm and cold hold what was sent to them, which the ledger never booked.
    expect(wm).toEqual({
      tier: 'warm',
      walletId: 'warm-frost',
      address: WARM,
      source: 'chain',
      balance: `${warm}`,
      ledger: '0',
      difference: `${warm}`,
      shareBps: Number((warm * 10_000n) / total),
      target: { minBps: 1_000, maxBps: 1_500 },
      status: 'below',
    })
    expect(c).toMatchObject({
      tier: 'cold',
      walletId: 'cold-vault',
      source: 'chain',
      balance: `${cold}`,
      ledger: '0',
      difference: `${cold}`,
      target: { minBps: 8_000, maxBps: 8_800 },
      status: 'within',
    })
    expect(h!.shareBps).toBeGreaterThan(400)
    expect(wm!.shareBps).toBeLessThan(1_000)
    expect(c!.shareBps).toBeGreaterThan(8_700)
  })

  it('proposes the planner’s moves, sized from the withdrawal history in the ledger', async () => {
    const { assets } = await admin.get<{ assets: Asset[] }>('/v1/console/tiers')
    const eth = assets[0]!
    // One day of history: the 2 ETH withdrawal.
    expect(eth.forecast).toEqual({ meanDaily: `${2n * E18}`, peakDaily: `${2n * E18}`, days: 1 })
    const total = BigInt(eth.total)
    // Warm is below 10 %: refilled from cold (a ceremony) to the middle of its band, since three
    // days of forecast demand (6 ETH) is below the band's minimum. Hot is inside its band and
    // covers a day of demand, so it stays.
    const warmMin = (total * 1_000n + 9_999n) / 10_000n
    const warmMax = (total * 1_500n) / 10_000n
    const warmTarget = (warmMin + warmMax) / 2n
    expect(eth.targets.warm).toBe(`${warmTarget}`)
    expect(eth.proposals).toEqual([
      {
        from: 'cold',
        to: 'warm',
        amount: `${warmTarget - 1_500n * E18}`,
        mode: 'ceremony',
        reason: 'warm_below_target',
      },
    ])
    expect(eth.warnings).toEqual([])
  })

  it('needs the admin permission', async () => {
    const error = await bob.get('/v1/console/tiers').catch((e: { status?: number }) => e)
    expect((error as { status?: number }).status).toBe(403)
  })
})
