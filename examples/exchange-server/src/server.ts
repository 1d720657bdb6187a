import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type Clock,
  type ComplianceCheck,
  createRandomIdGenerator,
  createSystemClock,
  defineAsset,
  defineInstrument,
  type Journal,
  type Logger,
  openAuditLog,
  openFileAuditSink,
} from '@strongroom/core'
import { openFileJournal, openNatsJournal } from '@strongroom/orderbook'
import { z } from 'zod'
import type { ExchangeApi } from './api/exchangeApi.js'
import { createRoutes } from './api/routes.js'
import { createDepositWatcher } from './chain/depositWatcher.js'
import { type LocalChain, sendFromDevAccount, startLocalChain } from './chain/hardhatNode.js'
import { jsonRpc } from './chain/jsonRpc.js'
import { type ExchangeConfig, HOT_WALLET_ID } from './config.js'
import { createOperationsConsole } from './console/operationsConsole.js'
import type { Market } from './core/exchangeCore.js'
import { createCustodyService } from './custody/custodyService.js'
import { createCustodyTiers } from './custody/custodyTiers.js'
import { createExchangeSequencer } from './engine/exchangeSequencer.js'
import { recoverExchangeCore } from './engine/recoverExchange.js'
import { openApiKeyStore } from './gateway/apiKeyStore.js'
import { createAuthenticator } from './gateway/auth.js'
import { createHttpGateway, HttpError } from './gateway/http.js'
import { buildOpenApiDocument } from './gateway/openapi.js'
import { createRateLimiter } from './gateway/rateLimit.js'
import { attachWebSocketGateway } from './gateway/websocket.js'
import { createComplianceService } from './services/complianceService.js'
import { createEventHub } from './services/eventHub.js'
import { openLedgerService } from './services/ledgerService.js'
import { createOrderViews, type OrderViewsSnapshot } from './services/orderViews.js'
import { createSettlementPump } from './services/settlementPump.js'
import { createWithdrawalService } from './services/withdrawalService.js'

/** The settlement stream of this exchange (one per engine process). */
const STREAM = 'exchange'

/** The markets of a configuration, with their instruments. */
export function marketsOf(config: ExchangeConfig): Market[] {
  const assets = new Map(
    config.assets.map((a) => [a.code, defineAsset({ code: a.code, decimals: a.decimals })]),
  )
  return config.markets.map((m) => ({
    instrument: defineInstrument({
      base: assets.get(m.base)!,
      quote: assets.get(m.quote)!,
      tickSize: m.tickSize,
      lotSize: m.lotSize,
      maxQuantityLots: m.maxQuantityLots,
      maxPriceTicks: m.maxPriceTicks,
      priceBandBps: m.priceBandBps,
    }),
    makerFeeBps: m.makerFeeBps,
    takerFeeBps: m.takerFeeBps,
  }))
}

/** A running exchange. */
export type RunningExchange = Awaited<ReturnType<typeof startExchange>>

/**
 * Starts the reference exchange exactly as ARCHITECTURE.md draws it: gateways (REST, WebSocket,
 * FIX) → pre-trade compliance gate → sequencer and journal → the deterministic core (balance holds
 * + matching) → events to settlement (batched, exactly once), market data, private streams,
 * post-trade monitoring; withdrawals through compliance, holds, the custody policy, approvals,
 * signing, broadcast and confirmations; deposits from a chain watcher; everything decided,
 * approved, signed or broadcast in the hash-chained audit log.
 */
export async function startExchange(options: {
  config: ExchangeConfig
  logger: Logger
  clock?: Clock | undefined
  /** Test hook: append `<appliedSeq> <stateHash>` after every applied batch (recovery tests). */
  stateLog?: string | undefined
}) {
  const { config, logger } = options
  const clock = options.clock ?? createSystemClock()
  const ids = createRandomIdGenerator({ clock })
  mkdirSync(config.dataDir, { recursive: true })
  const closers: (() => Promise<void> | void)[] = []

  // --- the chain (first: an embedded chain is ephemeral, and so is the state that refers to it)
  let chain: LocalChain | undefined
  let rpcUrls: string[]
  let chainId: number
  if (config.chain.kind === 'hardhat') {
    chain = await startLocalChain({
      dataDir: join(tmpdir(), `strongroom-chain-${process.pid}`),
      port: config.chain.port,
      blockTimeMs: config.chain.blockTimeMs,
    })
    closers.push(() => chain?.stop())
    rpcUrls = [chain.url]
    chainId = chain.chainId
  } else {
    rpcUrls = [...config.chain.urls]
    chainId = config.chain.chainId
  }
  const genesis = (
    await jsonRpc<{ hash: string }>(rpcUrls[0]!, 'eth_getBlockByNumber', ['0x0', false])
  ).hash
  const chainFile = join(config.dataDir, 'chain.json')
  if (
    existsSync(chainFile) &&
    (JSON.parse(readFileSync(chainFile, 'utf8')) as { genesis: string }).genesis !== genesis
  ) {
    // The data refers to another chain (the embedded chain restarted empty): keep it aside and
    // start afresh rather than mix two chains' histories.
    const aside = `${config.dataDir}.${clock.now()}.previous-chain`
    renameSync(config.dataDir, aside)
    mkdirSync(config.dataDir, { recursive: true })
    logger.warn('the chain is new: previous exchange data moved aside', { aside })
  }
  writeFileSync(chainFile, JSON.stringify({ genesis, chainId }))

  // --- audit, ledger, compliance, journal
  const audit = await openAuditLog({
    sink: await openFileAuditSink({
      path: join(config.dataDir, 'audit.jsonl'),
      onTornTail: 'truncate',
    }),
    clock,
  })
  closers.push(() => audit.close())
  const ledger = await openLedgerService({ config, clock })
  closers.push(() => ledger.close())
  const markets = marketsOf(config)
  const compliance = createComplianceService({ config, markets, clock, ids, audit, logger })
  const journal: Journal =
    config.journal.kind === 'nats'
      ? await openNatsJournal({
          servers: config.journal.url,
          stream: config.journal.stream,
          subject: config.journal.stream.toLowerCase(),
          replicas: config.journal.replicas,
        })
      : await openFileJournal({
          path: join(config.dataDir, 'journal.bin'),
          maxDelayMs: config.journal.groupCommitMaxDelayMs,
        })
  closers.push(() => journal.close())

  // --- recover the core, catching the ledger up on the way
  const pump = createSettlementPump({
    settler: ledger.settler,
    stream: STREAM,
    logger,
    lastApplied: await ledger.settler.lastApplied(STREAM),
  })
  closers.push(() => pump.stop())
  const views = createOrderViews()
  const recovered = await recoverExchangeCore({
    journal,
    markets,
    onSnapshot: (attachment) => {
      const saved = (attachment as { views?: OrderViewsSnapshot } | undefined)?.views
      if (saved) views.restore(saved)
    },
    onReplayEvent: (event) => {
      if (event.kind === 'settlement') pump.push(event.event)
      else views.apply([event])
    },
  })
  const { core } = recovered
  // Orders opened before the snapshot recovery started from: give the read model their state.
  for (const open of core.openOrders()) {
    const state = core.engine.book(open.symbol)?.getOrder(open.orderId)
    if (state && !views.order(open.orderId)) views.seed({ ...open, state })
  }
  const hub = createEventHub((error) =>
    logger.error('event subscriber failed', { error: String(error) }),
  )
  hub.subscribe((events) => {
    for (const e of events) if (e.kind === 'settlement') pump.push(e.event)
  })
  hub.subscribe((events) => views.apply(events))
  hub.subscribe((events) => compliance.monitor(events))
  const stateLog = options.stateLog
  if (stateLog)
    hub.subscribe(() => appendFileSync(stateLog, `${core.appliedSeq} ${core.stateHash()}\n`))
  const sequencer = createExchangeSequencer({
    journal,
    core,
    clock,
    outbox: recovered.outbox,
    publish: (events) => hub.publish(events),
    attachment: () => ({ views: views.snapshot({ finished: 1_000 }) }),
    onSnapshotError: (error) =>
      logger.warn('journal snapshot not written; recovery replays further back', {
        error: String(error),
      }),
  })
  closers.push(async () => {
    await sequencer.snapshot().catch(() => undefined)
    await sequencer.close()
  })
  logger.info('core recovered', {
    appliedSeq: core.appliedSeq,
    snapshotSeq: recovered.snapshotSeq,
    replayed: recovered.replayed,
    stateHash: core.stateHash(),
  })

  // --- accounts and keys
  const keyStore = openApiKeyStore(config.dataDir)
  for (const key of config.apiKeys)
    if (!keyStore.get(key.keyId)) keyStore.issue(key.accountId, key.permissions, 3, key)
  const ensureAccount = async (accountId: string) => {
    await ledger.openCustomer(accountId)
    if (!core.hasAccount(accountId))
      await sequencer.submit({ type: 'openAccount', account: accountId })
  }
  // The venue's own admin key first, so its account is opened now rather than on the next start
  // (which would change the state a restart must reproduce).
  const admin =
    keyStore.all().find((k) => k.permissions.includes('admin')) ??
    keyStore.issue('venue-ops', ['admin', 'read', 'approve'], 3)
  for (const key of keyStore.all()) {
    await ensureAccount(key.accountId)
    compliance.verify(key.accountId, key.kycLevel)
  }

  // --- custody, withdrawals, deposits
  const addressScreen: ComplianceCheck = {
    evaluate: (event) => {
      const address = event.kind === 'withdrawal' ? event.destinationAddress : ''
      const listed = compliance.addresses.isSanctioned(address)
      return {
        outcome: listed ? 'block' : 'allow',
        issues: listed
          ? [
              {
                code: 'sanctioned_address',
                path: ['destinationAddress'],
                message: 'the destination is on a sanctions list',
              },
            ]
          : [],
        alerts: [],
        ruleVersion: `addresses-${compliance.addresses.version}`,
      }
    },
  }
  const custody = await createCustodyService({
    config,
    rpcUrls,
    chainId,
    clock,
    ids,
    audit,
    logger,
    screening: addressScreen,
  })
  closers.push(() => custody.close())
  if (chain) {
    // Development chain: the venue's hot wallet starts with a float to pay withdrawals from
    // (deposits stay on the accounts' deposit addresses; the reference exchange does not sweep).
    const balance = BigInt(
      await jsonRpc<string>(rpcUrls[0]!, 'eth_getBalance', [custody.hotAddress, 'latest']),
    )
    const float = 1_000n * 10n ** 18n
    if (balance === 0n) await sendFromDevAccount(rpcUrls[0]!, 0, custody.hotAddress, float)
    // The float is the venue's own money: booked as capital, so the hot wallet reconciles.
    const native = config.assets.find((a) => a.kind === 'native')
    if (native)
      await ledger.bookCapital(`dev-float-${native.code}`, HOT_WALLET_ID, native.code, float)
  }
  const withdrawals = createWithdrawalService({
    config,
    core,
    sequencer,
    ledger,
    pump,
    compliance,
    custody,
    clock,
    ids,
    audit,
    logger,
  })
  withdrawals.resume()
  const native = config.assets.find((a) => a.kind === 'native')
  const depositAddresses = new Map<string, string>()
  const depositAddress = async (account: string) => {
    const address = (await custody.depositAddress(account)).toLowerCase()
    depositAddresses.set(address, account)
    return address
  }
  for (const key of keyStore.all()) await depositAddress(key.accountId)
  const watcher = native
    ? createDepositWatcher({
        rpcUrl: rpcUrls[0]!,
        asset: native.code,
        confirmations: native.confirmations,
        dataDir: config.dataDir,
        accountOf: (address) => depositAddresses.get(address),
        ledger,
        sequencer,
        compliance,
        chain: custody.chain,
        logger,
        pollMs: config.chain.kind === 'hardhat' ? Math.max(100, config.chain.blockTimeMs) : 2_000,
      })
    : undefined
  if (watcher) {
    watcher.start(Number(BigInt(await jsonRpc<string>(rpcUrls[0]!, 'eth_blockNumber'))))
    closers.push(() => watcher.stop())
  }

  // --- the API
  const api: ExchangeApi = {
    markets: core.markets,
    views,
    submit: (command) => sequencer.submit(command),
    balances: (account) =>
      core
        .balances(account)
        .map(([asset, b]) => ({ asset, available: b.available, locked: b.locked })),
    book: (symbol, depth) => core.engine.book(symbol)?.l2Snapshot(depth),
    preTradeCheck: (account) => compliance.preTradeCheck(account),
    depositAddress: (account, asset) => {
      if (asset !== native?.code)
        throw new HttpError(
          422,
          'no_deposit_address',
          `${asset} is not deposited on chain at this venue.`,
        )
      return depositAddress(account)
    },
    requestWithdrawal: (request) => withdrawals.request(request),
    withdrawal: (id) => withdrawals.get(id),
    withdrawals: (filter) => withdrawals.list(filter),
    approveWithdrawal: (id, approval) => withdrawals.approve(id, approval),
    async createAccount(request) {
      if (keyStore.hasAccount(request.accountId))
        throw new HttpError(409, 'account_exists', `Account ${request.accountId} exists.`)
      await ensureAccount(request.accountId)
      compliance.verify(request.accountId, request.kycLevel)
      await depositAddress(request.accountId)
      await audit.append({
        type: 'exchange.account.created',
        actor: 'admin',
        data: {
          accountId: request.accountId,
          permissions: [...request.permissions],
          kycLevel: request.kycLevel,
        },
      })
      return keyStore.issue(request.accountId, request.permissions, request.kycLevel)
    },
    async faucet(accountId, asset, amount) {
      if (!config.faucet) throw new HttpError(403, 'faucet_disabled', 'The faucet is disabled.')
      if (config.assets.find((a) => a.code === asset)?.kind !== 'offchain')
        throw new HttpError(422, 'not_a_faucet_asset', `${asset} is deposited on chain.`)
      if (!core.hasAccount(accountId))
        throw new HttpError(404, 'unknown_account', `No account ${accountId}.`)
      const depositId = ids.next('faucet')
      await ledger.faucet(depositId, accountId, asset, amount)
      await sequencer.submit({
        type: 'credit',
        account: accountId,
        asset,
        amount: amount.toString(),
        reference: depositId,
      })
      await audit.append({
        type: 'exchange.faucet',
        actor: 'admin',
        data: { accountId, asset, amount, depositId },
      })
    },
    async engageKillSwitch(reason, actor) {
      await custody.killSwitch.engage({
        scope: { kind: 'global' },
        operator: 'ops',
        reason: `${reason} (by ${actor})`,
      })
    },
  }
  const authenticator = createAuthenticator({
    keys: (id) => keyStore.get(id),
    now: () => clock.now(),
  })
  const rateLimiter = createRateLimiter({ limit: config.rateLimit, now: () => clock.now() })
  const routes = createRoutes(api, new Map(config.assets.map((a) => [a.code, a.decimals])))
  const stateRoute = {
    method: 'GET' as const,
    path: '/v1/admin/state',
    summary: 'The core state hash and totals (recovery checks)',
    tags: ['admin'],
    permission: 'admin' as const,
    response: z.object({
      appliedSeq: z.number(),
      stateHash: z.string(),
    }),
    async handler() {
      const ledgerCheck = await checkLedger()
      return {
        status: 200,
        body: {
          ledgerCheck,
          appliedSeq: core.appliedSeq,
          stateHash: core.stateHash(),
          settlementSeq: core.settlementSeq,
          ledgerSeq: pump.lastApplied,
          totals: Object.fromEntries(core.totals()),
        },
      }
    },
  }
  const tiers = createCustodyTiers({
    config,
    ledger: ledger.ledger,
    hotAddress: custody.hotAddress,
    chainBalance: async (address) =>
      BigInt(await jsonRpc<string>(rpcUrls[0]!, 'eth_getBalance', [address, 'latest'])),
    depositAddresses: () =>
      Promise.all(
        [...new Set(keyStore.all().map((k) => k.accountId))].map((a) => custody.depositAddress(a)),
      ),
    now: () => clock.now(),
  })
  const operations = createOperationsConsole({
    ...{ config, api, core, custody, compliance, withdrawals, audit, hub, authenticator, tiers },
  })
  closers.push(() => operations.close())
  const allRoutes = [...routes, stateRoute, ...operations.routes]

  /**
   * Checks the ledger against the core once the settlement pump has caught up: every asset sums to
   * zero, and each account's available + locked balance in the ledger equals the core's (pending
   * withdrawals aside, which the ledger holds differently).
   */
  async function checkLedger() {
    await sequencer.flush()
    await pump.drainTo(core.settlementSeq)
    const problems: string[] = []
    for (const t of await ledger.ledger.assetTotals()) {
      if (t.debitsPosted !== t.creditsPosted) problems.push(`${t.asset} does not sum to zero`)
    }
    for (const key of keyStore.all()) {
      const rows = await ledger.ledger.balances({ owner: key.accountId })
      for (const [asset, b] of core.balances(key.accountId)) {
        const sum = (role: string) => {
          const row = rows.find((r) => r.account.asset === asset && r.account.role === role)
          return row ? row.creditsPosted - row.debitsPosted : 0n
        }
        if (sum('available') + sum('locked') !== b.available + b.locked)
          problems.push(`${key.accountId} ${asset}: ledger and core differ`)
      }
    }
    return { ok: problems.length === 0, problems, ledgerSeq: pump.lastApplied }
  }
  let openapi: unknown
  const http = createHttpGateway({
    routes: allRoutes,
    authenticator,
    rateLimiter,
    onError: (error) =>
      logger.error('request failed', { error: String((error as Error)?.stack ?? error) }),
    extra(req, res) {
      if (operations.handle(req, res)) return true
      if (req.method === 'GET' && (req.url === '/openapi.json' || req.url === '/health')) {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(
          JSON.stringify(
            req.url === '/health' ? { ok: true, appliedSeq: core.appliedSeq } : openapi,
          ),
        )
        return true
      }
      return false
    },
  })
  const address = await http.listen(config.httpPort, config.host)
  const baseUrl = `http://${config.host}:${address.port}`
  openapi = buildOpenApiDocument({
    routes: allRoutes,
    title: 'Strongroom reference exchange',
    version: '1',
    serverUrl: baseUrl,
  })
  const ws = attachWebSocketGateway({
    server: http.server,
    api,
    authenticator,
    rateLimiter,
    subscribe: hub.subscribe,
  })
  closers.push(() => ws.close())
  closers.push(() => http.close())

  return {
    config,
    api,
    core,
    sequencer,
    hub,
    ledger,
    pump,
    compliance,
    custody,
    withdrawals,
    tiers,
    audit,
    keyStore,
    /** Per-key token buckets shared by every gateway (REST, WebSocket and FIX count together). */
    rateLimiter,
    adminKey: admin,
    rpcUrls,
    checkLedger,
    urls: {
      http: baseUrl,
      ws: `ws://${config.host}:${address.port}/ws`,
      openapi: `${baseUrl}/openapi.json`,
      console: `${baseUrl}/console/`,
      metrics: `${baseUrl}/metrics`,
      rpc: rpcUrls[0]!,
    },
    /** Registers something to close with the exchange (gateways added by the caller). */
    onClose(fn: () => Promise<void> | void) {
      closers.push(fn)
    },
    async close() {
      for (const fn of closers.reverse()) {
        try {
          const started = Date.now()
          await fn()
          logger.debug('closed', { step: fn.toString().slice(0, 60), ms: Date.now() - started })
        } catch (error) {
          logger.warn('error while closing', { error: String(error) })
        }
      }
    },
  }
}
