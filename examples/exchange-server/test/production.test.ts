// The reference exchange on its production settings, loaded through the environment exactly as an
// operator would set them: the NATS JetStream journal, the PostgreSQL ledger and the PKCS#11
// signer (a SoftHSM2 token), against an external chain node. It trades over REST and WebSocket,
// credits an on-chain deposit, pays a withdrawal signed inside the HSM, then stops and restarts
// from the same stream and database and checks that nothing was lost, duplicated or unbalanced.
import { randomBytes } from 'node:crypto'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { createSystemClock } from '@strongroom/core'
import { openPkcs11Token } from '@strongroom/custody'
import { openNatsJournal } from '@strongroom/orderbook'
import { createPostgresStore, openLedger } from '@strongroom/settlement'
import {
  createSoftHsmToken,
  createTempDir,
  createTestDatabase,
  requireServices,
  type SoftHsmToken,
  serviceEndpoints,
  type TestDatabase,
} from '@strongroom/testkit'
import { publicKeyToAddress } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type LocalChain, sendFromDevAccount, startLocalChain } from '../src/chain/hardhatNode.js'
import { jsonRpc } from '../src/chain/jsonRpc.js'
import { createRestClient, type RestClient } from '../src/client/restClient.js'
import { type ExchangeConfig, loadConfig } from '../src/config.js'
import { decodeExchangeCommand } from '../src/core/commands.js'
import { type RunningExchange, startExchange } from '../src/server.js'
import { openWs, quietLogger, until } from './support.js'

const services = await requireServices('exchange-server: production settings', [
  'postgres',
  'nats',
  'softhsm',
])

const E18 = 10n ** 18n
type Balance = { asset: string; available: string; locked: string }
type State = {
  appliedSeq: number
  stateHash: string
  settlementSeq: number
  ledgerSeq: number
  ledgerCheck: { ok: boolean; problems: string[] }
}

describe.skipIf(!services.available)('production settings: NATS, PostgreSQL, PKCS#11', () => {
  const dir = createTempDir('strongroom-exchange-prod-')
  const stream = `SR_EXCHANGE_TEST_${randomBytes(4).toString('hex').toUpperCase()}`
  let chain: LocalChain
  let hsm: SoftHsmToken
  let database: TestDatabase
  let config: ExchangeConfig
  let exchange: RunningExchange | undefined
  let admin: RestClient
  const keys: Record<string, { keyId: string; secret: string }> = {}
  const client = (account: string) =>
    createRestClient({ baseUrl: exchange!.urls.http, ...keys[account]! })
  const balances = async (account: string) =>
    (await client(account).get<{ balances: Balance[] }>('/v1/balances')).balances
  const balance = async (account: string, asset: string) =>
    (await balances(account)).find((b) => b.asset === asset)
  const start = async () => {
    exchange = await startExchange({ config, logger: quietLogger })
    admin = createRestClient({ baseUrl: exchange.urls.http, ...exchange.adminKey })
  }

  beforeAll(async () => {
    chain = await startLocalChain({ dataDir: join(dir.path, 'chain'), port: 0, blockTimeMs: 200 })
    hsm = createSoftHsmToken('exchange-prod')
    database = await createTestDatabase('strongroom_exchange_')
    const pinFile = join(dir.path, 'hsm.pin')
    writeFileSync(pinFile, `${hsm.pin}\n`, { mode: 0o600 })
    config = loadConfig({
      env: {
        STRONGROOM_DATA_DIR: join(dir.path, 'data'),
        STRONGROOM_HTTP_PORT: '0',
        STRONGROOM_SIMULATION: 'off',
        STRONGROOM_NATS_URL: serviceEndpoints.natsUrl,
        STRONGROOM_NATS_STREAM: stream,
        STRONGROOM_PG_URL: database.url,
        STRONGROOM_PKCS11_MODULE: hsm.module,
        STRONGROOM_PKCS11_PIN_FILE: pinFile,
        STRONGROOM_PKCS11_TOKEN: hsm.tokenLabel,
        STRONGROOM_RPC_URLS: chain.url,
        STRONGROOM_CHAIN_ID: String(chain.chainId),
      },
    })
    await start()
  }, 120_000)

  afterAll(async () => {
    await exchange?.close()
    const journal = await openNatsJournal({
      servers: serviceEndpoints.natsUrl,
      stream,
      subject: stream.toLowerCase(),
    }).catch(() => undefined)
    await journal?.destroy()
    await journal?.close()
    await database?.drop()
    await chain?.stop()
    hsm?.remove()
    dir.remove()
  }, 60_000)

  const acked: string[] = []
  let before: {
    state: State
    balances: Record<string, Balance[]>
    hotAddress: string
    withdrawal: { withdrawalId: string; txHash: string }
  }

  it('loads the production settings from the environment', () => {
    expect(config.journal).toEqual({
      kind: 'nats',
      url: serviceEndpoints.natsUrl,
      stream,
      replicas: 1,
    })
    expect(config.ledger).toEqual({ kind: 'postgres', url: database.url })
    expect(config.signer).toEqual({
      kind: 'pkcs11',
      module: hsm.module,
      pin: hsm.pin,
      tokenLabel: hsm.tokenLabel,
    })
    // No development key store (every key is in the HSM), no file journal, no embedded ledger.
    for (const embedded of ['dev-keystore.json', 'journal.bin', 'ledger'])
      expect(existsSync(join(config.dataDir, embedded)), embedded).toBe(false)
  })

  it('trades over REST and WebSocket, credits a deposit, pays an HSM-signed withdrawal', async () => {
    for (const accountId of ['alice', 'bob']) {
      keys[accountId] = await admin.post<{ keyId: string; secret: string }>('/v1/admin/accounts', {
        accountId,
        permissions: ['read', 'trade', 'withdraw'],
        kycLevel: 2,
      })
    }
    // The operator funds the hot wallet (an HSM key) from outside, as on a real chain.
    const hotAddress = exchange!.custody.hotAddress
    await sendFromDevAccount(chain.url, 1, hotAddress, 100n * E18)
    // Alice deposits 5 ETH on chain to her deposit address (also an HSM key).
    const { address } = await client('alice').get<{ address: string }>(
      '/v1/deposit-address?asset=ETH',
    )
    await sendFromDevAccount(chain.url, 2, address, 5n * E18)
    await admin.post('/v1/admin/faucet', { accountId: 'bob', asset: 'USDC', amount: '100000' })
    await until(
      async () => ((await balance('alice', 'ETH'))?.available === '5' ? true : undefined),
      30_000,
      'the deposit to be credited',
    )

    // Bob bids over the WebSocket (ticks and lots), Alice sells into it over REST.
    const ws = await openWs(exchange!.urls.ws)
    try {
      ws.auth(keys.bob!.keyId, keys.bob!.secret)
      await until(() => (ws.messages.some((m) => m.authenticated === 'bob') ? true : undefined))
      for (const [id, price] of [
        [1, 300_000],
        [2, 299_000],
      ] as const) {
        ws.send({
          op: 'order',
          id,
          action: 'place',
          symbol: 'ETH-USDC',
          side: 'buy',
          type: 'limit',
          price,
          quantity: 10_000,
        })
      }
      for (const id of [1, 2]) {
        const reply = await until(() => ws.messages.find((m) => m.id === id))
        expect(reply).toMatchObject({ ok: true })
        acked.push(String(reply.orderId))
      }
      const sold = await client('alice').post<{ orderId: string; status: string }>('/v1/orders', {
        symbol: 'ETH-USDC',
        side: 'sell',
        type: 'limit',
        price: '2990',
        quantity: '1.5',
      })
      acked.push(sold.orderId)
      expect(sold.status).toBe('filled')
      await until(
        () => ws.messages.find((m) => m.channel === 'orders' && m.type === 'fill'),
        10_000,
        'the private fill',
      )
    } finally {
      ws.close()
    }
    const resting = await client('alice').post<{ orderId: string }>('/v1/orders', {
      symbol: 'ETH-USDC',
      side: 'sell',
      type: 'limit',
      price: '3100',
      quantity: '0.25',
    })
    acked.push(resting.orderId)
    expect(await balance('alice', 'ETH')).toEqual({
      asset: 'ETH',
      available: '3.25',
      locked: '0.25',
    })

    // A withdrawal: signed by the HSM-held hot key, broadcast, confirmed.
    const to = `0x${randomBytes(20).toString('hex')}`
    const requested = await client('alice').post<{ withdrawalId: string }>('/v1/withdrawals', {
      asset: 'ETH',
      amount: '1.25',
      address: to,
    })
    const confirmed = await until(
      async () => {
        const w = await client('alice').get<{ status: string; txHash?: string }>(
          `/v1/withdrawals/${requested.withdrawalId}`,
        )
        if (w.status === 'failed' || w.status === 'rejected')
          throw new Error(`withdrawal ${w.status}: ${JSON.stringify(w)}`)
        return w.status === 'confirmed' ? w : undefined
      },
      40_000,
      'the withdrawal to be confirmed',
    )
    const tx = await jsonRpc<{ from: string; to: string; value: string }>(
      chain.url,
      'eth_getTransactionByHash',
      [confirmed.txHash],
    )
    expect(BigInt(tx.value)).toBe(125n * 10n ** 16n)
    expect(tx.to.toLowerCase()).toBe(to)
    // The sender is the address of the key held in the token, which cannot be read out of it.
    const token = await openPkcs11Token({
      module: hsm.module,
      tokenLabel: hsm.tokenLabel,
      pin: hsm.pin,
    })
    try {
      const key = await token.findKey({ keyId: 'hot-evm-1' })
      const uncompressed = secp256k1.Point.fromBytes(key.publicKey).toHex(false)
      expect(tx.from.toLowerCase()).toBe(publicKeyToAddress(`0x${uncompressed}`).toLowerCase())
      expect(tx.from.toLowerCase()).toBe(hotAddress.toLowerCase())
      expect(await token.tryReadPrivateValue('hot-evm-1')).toMatch(/^CKR_/)
    } finally {
      await token.close()
    }
    expect(await balance('alice', 'ETH')).toEqual({ asset: 'ETH', available: '2', locked: '0.25' })

    const state = await admin.get<State>('/v1/admin/state')
    expect(state.ledgerCheck).toMatchObject({ ok: true, problems: [] })
    before = {
      state,
      hotAddress,
      withdrawal: { withdrawalId: requested.withdrawalId, txHash: confirmed.txHash! },
      balances: { alice: await balances('alice'), bob: await balances('bob') },
    }
  }, 120_000)

  it('restarts from the same stream and database: same state, nothing lost or doubled', async () => {
    expect(before).toBeDefined()
    await exchange!.close()
    exchange = undefined

    // The journal in JetStream holds every acknowledged order exactly once.
    const journal = await openNatsJournal({
      servers: serviceEndpoints.natsUrl,
      stream,
      subject: stream.toLowerCase(),
    })
    let placed = 0
    for await (const record of journal.read({ fromSeq: 1 })) {
      if (record.kind !== 'command') continue
      if (decodeExchangeCommand(record.payload, record.seq).type === 'placeOrder') placed++
    }
    await journal.close()
    expect(placed).toBe(acked.length)
    expect(new Set(acked).size).toBe(acked.length)
    // The ledger in PostgreSQL balances: every asset's debits equal its credits.
    const store = await createPostgresStore({ connectionString: database.url })
    try {
      const ledger = await openLedger({ store, clock: createSystemClock() })
      const totals = await ledger.assetTotals()
      expect(totals.map((t) => t.asset).sort()).toEqual(['ETH', 'USDC'])
      for (const t of totals) {
        expect(t.debitsPosted).toBe(t.creditsPosted)
        expect(t.debitsPosted).toBeGreaterThan(0n)
      }
    } finally {
      await store.close()
    }

    await start()
    expect(exchange!.custody.hotAddress).toBe(before.hotAddress)
    const state = await admin.get<State>('/v1/admin/state')
    expect(state.stateHash).toBe(before.state.stateHash)
    expect(state.settlementSeq).toBe(before.state.settlementSeq)
    expect(state.ledgerCheck).toMatchObject({ ok: true, problems: [] })
    expect(await balances('alice')).toEqual(before.balances.alice)
    expect(await balances('bob')).toEqual(before.balances.bob)
    expect(
      await client('alice').get(`/v1/withdrawals/${before.withdrawal.withdrawalId}`),
    ).toMatchObject({ status: 'confirmed', txHash: before.withdrawal.txHash })
    // Every acknowledged order is still there, finished ones included (from the snapshot).
    expect(await client('bob').get(`/v1/orders/${acked[0]}`)).toMatchObject({ status: 'filled' })
    for (const id of acked) {
      const owner =
        (await client('alice')
          .get(`/v1/orders/${id}`)
          .then(() => 'alice')
          .catch(() => undefined)) ??
        (await client('bob')
          .get(`/v1/orders/${id}`)
          .then(() => 'bob'))
      expect(owner).toBeDefined()
    }
    const open = [
      ...(await client('alice').get<{ orders: { orderId: string }[] }>('/v1/orders')).orders,
      ...(await client('bob').get<{ orders: { orderId: string }[] }>('/v1/orders')).orders,
    ].map((o) => o.orderId)
    expect(open.sort()).toEqual([acked[1]!, acked[3]!].sort())
    // It keeps trading: Alice's resting ask is taken, with a fresh order id.
    const bought = await client('bob').post<{ orderId: string; status: string }>('/v1/orders', {
      symbol: 'ETH-USDC',
      side: 'buy',
      type: 'limit',
      price: '3100',
      quantity: '0.25',
    })
    expect(bought.status).toBe('filled')
    expect(Number(bought.orderId)).toBeGreaterThan(Math.max(...acked.map(Number)))
    expect(await exchange!.checkLedger()).toMatchObject({ ok: true, problems: [] })
  }, 120_000)
})
