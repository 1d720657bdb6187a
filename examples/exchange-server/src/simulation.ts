import { sendFromDevAccount } from './chain/hardhatNode.js'
import { ApiError, createRestClient, type RestClient } from './client/restClient.js'

type Trader = { name: string; client: RestClient }

/**
 * A small simulated market so the venue is visibly alive: market makers quote a ladder around a
 * drifting mid price and takers cross it, all through the public, signed REST API like any
 * customer. Makers fund themselves with real ETH deposits on the local chain (from hardhat's
 * development accounts) and USDC from the development faucet.
 */
export async function startSimulation(options: {
  baseUrl: string
  rpcUrl: string
  admin: { keyId: string; secret: string }
  symbol: string
  referencePrice: number
  makers: number
  takers: number
  ordersPerSecond: number
  log: (message: string) => void
}) {
  const admin = createRestClient({ baseUrl: options.baseUrl, ...options.admin })
  const traders: Trader[] = []
  const names = [
    ...Array.from({ length: options.makers }, (_, i) => `sim-maker-${i + 1}`),
    ...Array.from({ length: options.takers }, (_, i) => `sim-taker-${i + 1}`),
  ]
  for (const [i, name] of names.entries()) {
    let key: { keyId: string; secret: string }
    try {
      key = await admin.post('/v1/admin/accounts', {
        accountId: name,
        permissions: ['read', 'trade'],
        kycLevel: 2,
      })
    } catch (error) {
      if (error instanceof ApiError && error.code === 'account_exists') continue // keys from an earlier run are not recoverable: skip
      throw error
    }
    const client = createRestClient({
      baseUrl: options.baseUrl,
      keyId: key.keyId,
      secret: key.secret,
    })
    traders.push({ name, client })
    await admin.post('/v1/admin/faucet', { accountId: name, asset: 'USDC', amount: '1000000' })
    const { address } = await client.get<{ address: string }>('/v1/deposit-address?asset=ETH')
    await sendFromDevAccount(options.rpcUrl, i + 1, address, 100n * 10n ** 18n)
  }
  options.log(
    `simulation: ${traders.length} traders funded (ETH deposits on chain, USDC from the faucet); waiting for confirmations`,
  )

  let mid = options.referencePrice
  let stopped = false
  let sent = 0
  let rejected = 0
  const tick = 0.01
  const fmt = (price: number) => (Math.round(price / tick) * tick).toFixed(2)
  const makers = traders.filter((t) => t.name.includes('maker'))
  const takers = traders.filter((t) => t.name.includes('taker'))

  const loop = async () => {
    const interval = 1_000 / Math.max(1, options.ordersPerSecond)
    while (!stopped) {
      try {
        mid = Math.max(1, mid * (1 + (Math.random() - 0.5) * 0.002))
        const roll = Math.random()
        if (makers.length && (roll < 0.7 || !takers.length)) {
          const maker = makers[Math.floor(Math.random() * makers.length)]!
          const side = Math.random() < 0.5 ? 'buy' : 'sell'
          const offset = (1 + Math.floor(Math.random() * 10)) * 0.5
          const price = side === 'buy' ? mid - offset : mid + offset
          await maker.client.post('/v1/orders', {
            symbol: options.symbol,
            side,
            type: 'limit',
            price: fmt(price),
            quantity: (0.05 + Math.random() * 0.5).toFixed(4),
          })
          if (Math.random() < 0.2)
            await maker.client.post('/v1/orders/cancel-all', { symbol: options.symbol })
        } else if (takers.length) {
          const taker = takers[Math.floor(Math.random() * takers.length)]!
          const side = Math.random() < 0.5 ? 'buy' : 'sell'
          await taker.client.post('/v1/orders', {
            symbol: options.symbol,
            side,
            type: 'market',
            quantity: (0.01 + Math.random() * 0.2).toFixed(4),
          })
        }
        sent++
      } catch (error) {
        // Until deposits confirm, orders fail for lack of funds; keep going.
        rejected++
        if (!(error instanceof ApiError)) options.log(`simulation: ${String(error)}`)
      }
      await new Promise((r) => setTimeout(r, interval))
    }
  }
  const running = loop()
  return {
    stats: () => ({ sent, rejected, mid }),
    async stop() {
      stopped = true
      await running
    },
  }
}
