import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  createAddressScreen,
  createComplianceEngine,
  createKycRegistry,
  createNameScreen,
  createReviewQueue,
  createStaticValuator,
  parseOfacSdnCsv,
} from '@strongroom/compliance'
import type {
  AuditLog,
  Clock,
  ComplianceEvent,
  Decision,
  IdGenerator,
  Logger,
} from '@strongroom/core'
import type { ExchangeConfig } from '../config.js'
import type { ExchangeEvent } from '../core/events.js'
import type { Market } from '../core/exchangeCore.js'

/** KYC levels of the reference venue, in USD. */
export const KYC_LEVELS = [
  {
    level: 1,
    name: 'basic',
    limits: { withdrawal: { perDay: '2000' }, deposit: { perDay: '10000' } },
  },
  {
    level: 2,
    name: 'verified',
    limits: { withdrawal: { perDay: '1000000' }, deposit: { perDay: '10000000' } },
  },
  { level: 3, name: 'institutional', limits: {} },
]

/** The rule set: KYC gating, sanctions, and the FinCEN typologies as alerts. */
export const RULES = {
  version: 'reference-1',
  referenceCurrency: 'USD',
  rules: [
    { id: 'kyc', type: 'kyc' },
    { id: 'sanctioned-address', type: 'sanctionedAddress', action: 'block' },
    { id: 'structuring', type: 'structuring', threshold: '10000', windowMs: 86_400_000 },
    { id: 'rapid-movement', type: 'rapidMovement', windowMs: 900_000, minValue: '1000' },
    { id: 'velocity', type: 'velocity', kinds: ['withdrawal'], windowMs: 3_600_000, maxCount: 20 },
  ],
}

/**
 * Compliance as the exchange uses it: the pre-trade gate (KYC, in memory), deposit and withdrawal
 * screening before funds move, post-trade monitoring of every fill, and a review queue ordered
 * by score for whatever is held or alerts.
 */
export function createComplianceService(options: {
  config: ExchangeConfig
  markets: readonly Market[]
  clock: Clock
  ids: IdGenerator
  audit: AuditLog
  logger: Logger
}) {
  const { config, clock, ids, audit, logger } = options
  const kyc = createKycRegistry()
  const addresses = createAddressScreen()
  addresses.load({
    source: 'venue-config',
    addresses: config.compliance.sanctionedAddresses.map((address, i) => ({
      address,
      currency: 'ETH',
      entityId: `config-${i}`,
    })),
  })
  const names = createNameScreen({ threshold: 0.88 })
  const dir = config.compliance.ofacSdnCsvDir
  if (dir) {
    const read = (file: string) =>
      existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8') : undefined
    const sdn = read('SDN.CSV') ?? read('sdn.csv')
    if (!sdn) throw new Error(`compliance.ofacSdnCsvDir: no SDN.CSV in ${dir}`)
    const list = parseOfacSdnCsv({
      sdn,
      comments: read('SDN_COMMENTS.CSV') ?? read('sdn_comments.csv'),
      alt: read('ALT.CSV') ?? read('alt.csv'),
    })
    addresses.load(list)
    names.load(list)
    logger.info('sanctions list loaded', { source: list.source, addresses: list.addresses.length })
  }
  const decimals = new Map(config.assets.map((a) => [a.code, a.decimals]))
  const valuator = createStaticValuator({
    currencies: { USD: 2 },
    assets: Object.fromEntries(
      Object.entries(config.compliance.usdPrices).map(([asset, price]) => [
        asset,
        { decimals: decimals.get(asset) ?? 18, prices: { USD: price } },
      ]),
    ),
  })
  const engine = createComplianceEngine({
    rules: RULES,
    valuator,
    kyc,
    kycLevels: KYC_LEVELS,
    addresses,
    names,
    audit,
    logger,
  })
  const reviews = createReviewQueue({ clock, ids, audit })
  const instruments = new Map(options.markets.map((m) => [m.instrument.symbol, m.instrument]))

  const review = (event: ComplianceEvent, decision: Decision) => {
    if (decision.outcome !== 'allow' || decision.alerts.length > 0) reviews.add(event, decision)
    return decision
  }

  return {
    engine,
    reviews,
    kyc,
    addresses,
    /** Marks an account verified at `level` (the reference venue verifies at account creation). */
    verify(accountId: string, level: number) {
      kyc.set({ accountId, status: level > 0 ? 'verified' : 'pending', level })
    },
    /** The in-memory pre-trade gate: undefined when the account may trade. */
    preTradeCheck(accountId: string): string | undefined {
      const status = kyc.statusAt(accountId, clock.now())
      return status === 'verified'
        ? undefined
        : `KYC is ${status}: trading needs a verified account.`
    },
    /** Screens a withdrawal before any hold is taken. */
    async screenWithdrawal(w: {
      id: string
      account: string
      asset: string
      amount: bigint
      address: string
      chain: string
    }) {
      const event: ComplianceEvent = {
        kind: 'withdrawal',
        id: w.id,
        timestamp: clock.now(),
        accountId: w.account,
        asset: w.asset,
        amount: w.amount,
        chain: w.chain,
        destinationAddress: w.address,
      }
      return review(event, await engine.evaluate(event))
    },
    /** Screens a deposit before it is credited. */
    async screenDeposit(d: {
      id: string
      account: string
      asset: string
      amount: bigint
      chain: string
      source?: string | undefined
      txHash?: string | undefined
    }) {
      const event: ComplianceEvent = {
        kind: 'deposit',
        id: d.id,
        timestamp: clock.now(),
        accountId: d.account,
        asset: d.asset,
        amount: d.amount,
        chain: d.chain,
        sourceAddress: d.source,
        txHash: d.txHash,
      }
      return review(event, await engine.evaluate(event))
    },
    /** Post-trade monitoring: every fill, from both sides, in journaled time. */
    monitor(events: readonly ExchangeEvent[]) {
      for (const e of events) {
        if (e.kind !== 'fill') continue
        const instrument = instruments.get(e.symbol)!
        const baseAmount = BigInt(e.quantity) * instrument.lotUnits
        const quoteAmount =
          BigInt(e.price) * BigInt(e.quantity) * instrument.notionalUnitsPerTickLot
        for (const [accountId, counterparty, side] of [
          [e.takerAccount, e.makerAccount, e.aggressorSide],
          [e.makerAccount, e.takerAccount, e.aggressorSide === 'buy' ? 'sell' : 'buy'],
        ] as const) {
          const event: ComplianceEvent = {
            kind: 'trade',
            id: `${e.symbol}.t${e.tradeId}.${side}`,
            timestamp: e.time,
            accountId,
            counterpartyAccountId: counterparty,
            instrument: e.symbol,
            side,
            baseAsset: instrument.base.code,
            baseAmount,
            quoteAsset: instrument.quote.code,
            quoteAmount,
          }
          try {
            review(event, engine.evaluateSync(event))
          } catch (error) {
            logger.warn('post-trade monitoring could not evaluate a fill', {
              id: event.id,
              error: String(error),
            })
          }
        }
      }
    },
  }
}

export type ComplianceService = ReturnType<typeof createComplianceService>
