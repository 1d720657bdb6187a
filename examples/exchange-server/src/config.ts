import { readFileSync } from 'node:fs'
import { defineAsset, InputError, parseAmount } from '@strongroom/core'
import { assertTierPolicy, type TierPolicy } from '@strongroom/custody'
import { z } from 'zod'

const decimal = z.string().regex(/^(0|[1-9][0-9]*)(\.[0-9]+)?$/, 'must be a plain decimal string')
const permission = z.enum(['read', 'trade', 'withdraw', 'approve', 'admin'])

const assetSchema = z.strictObject({
  code: z.string().regex(/^[A-Z0-9]{2,10}$/),
  decimals: z.number().int().min(0).max(36),
  /**
   * `native`: the chain's own coin (ETH), deposited and withdrawn on chain; `offchain`: held by
   * the venue off chain (the reference exchange funds it through the development faucet).
   */
  kind: z.enum(['native', 'offchain']),
  /** Confirmations before a deposit is credited and a withdrawal counts as final. */
  confirmations: z.number().int().min(0).max(1_000).default(2),
  /** Amount above which withdrawals need approvals (whole units). */
  approvalThreshold: decimal.default('1000'),
})

const marketSchema = z.strictObject({
  base: z.string(),
  quote: z.string(),
  tickSize: decimal,
  lotSize: decimal,
  maxQuantityLots: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  maxPriceTicks: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  priceBandBps: z.number().int().min(1).max(1_000_000).optional(),
  makerFeeBps: z.number().int().min(0).max(1_000).default(2),
  takerFeeBps: z.number().int().min(0).max(1_000).default(5),
  /** Starting reference price for the simulated market (decimal, quote per base). */
  referencePrice: decimal,
})

const tierBand = z.strictObject({
  minBps: z.number().int().min(0).max(10_000),
  maxBps: z.number().int().min(0).max(10_000),
})
const tierWallet = z.strictObject({
  /** The wallet's id in the ledger (its custody account is `wallet:<walletId>`). */
  walletId: z.string().regex(/^[a-z0-9-]{1,64}$/, 'lower-case letters, digits and "-" only'),
  /**
   * The tier's address on the chain, watched only: the exchange never holds warm (FROST group)
   * or cold (Shamir-split) keys. Without it the tier's balance is what the ledger has booked.
   */
  address: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x-prefixed 20-byte hex address')
    .optional(),
})
const TIER_DEFAULTS = {
  hot: { minBps: 200, maxBps: 500 },
  warm: { minBps: 1_000, maxBps: 1_500 },
  hotCoverDays: 1,
  warmCoverDays: 3,
  minimumMove: {},
  wallets: { warm: { walletId: 'warm-evm' }, cold: { walletId: 'cold-evm' } },
}

/** The whole configuration of the reference exchange. Every field has an embedded default. */
export const configSchema = z.strictObject({
  host: z.string().default('127.0.0.1'),
  httpPort: z.number().int().min(0).max(65_535).default(8080),
  fixPort: z.number().int().min(0).max(65_535).default(9878),
  /** Where the journal, the ledger, the audit log and signer shares live. */
  dataDir: z.string().default('.strongroom'),
  journal: z
    .discriminatedUnion('kind', [
      z.strictObject({
        kind: z.literal('file'),
        groupCommitMaxDelayMs: z.number().min(0).max(50).default(0),
      }),
      z.strictObject({
        kind: z.literal('nats'),
        url: z.string().url(),
        /** JetStream stream (created when missing); records go to `<stream lower-cased>.*`. */
        stream: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, "_" and "-" only (a NATS stream name)')
          .default('STRONGROOM'),
        /** Replicas when the stream is created (a clustered JetStream; 3 in production). */
        replicas: z.number().int().min(1).max(5).default(1),
      }),
    ])
    .default({ kind: 'file', groupCommitMaxDelayMs: 0 }),
  ledger: z
    .discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('pglite') }),
      z.strictObject({ kind: z.literal('postgres'), url: z.string().url() }),
    ])
    .default({ kind: 'pglite' }),
  chain: z
    .discriminatedUnion('kind', [
      /** Launch a local hardhat node (default). */
      z.strictObject({
        kind: z.literal('hardhat'),
        port: z.number().int().min(0).max(65_535).default(0),
        blockTimeMs: z.number().int().min(0).default(500),
      }),
      /** Use existing JSON-RPC endpoints (first is primary, the rest fail over). */
      z.strictObject({
        kind: z.literal('rpc'),
        urls: z.array(z.string().url()).min(1),
        chainId: z.number().int().positive(),
      }),
    ])
    .default({ kind: 'hardhat', port: 0, blockTimeMs: 500 }),
  signer: z
    .discriminatedUnion('kind', [
      /** Development key store: keys encrypted on disk under dataDir, clearly not an HSM. */
      z.strictObject({ kind: z.literal('dev-keystore') }),
      /** Keys generated and used inside a PKCS#11 token (an HSM); never extractable. */
      z.strictObject({
        kind: z.literal('pkcs11'),
        /** Path of the vendor's PKCS#11 library. */
        module: z.string().min(1),
        /** The user PIN (or `STRONGROOM_PKCS11_PIN_FILE`: a file holding it). */
        pin: z.string().min(1),
        tokenLabel: z.string().min(1),
      }),
    ])
    .default({ kind: 'dev-keystore' }),
  approvals: z
    .strictObject({
      required: z.number().int().min(1).max(10).default(2),
      approvers: z.number().int().min(1).max(10).default(3),
    })
    .default({ required: 2, approvers: 3 }),
  assets: z
    .array(assetSchema)
    .min(1)
    .default([
      { code: 'ETH', decimals: 18, kind: 'native', confirmations: 2, approvalThreshold: '10' },
      { code: 'USDC', decimals: 6, kind: 'offchain', confirmations: 1, approvalThreshold: '10000' },
    ]),
  markets: z
    .array(marketSchema)
    .min(1)
    .default([
      {
        base: 'ETH',
        quote: 'USDC',
        tickSize: '0.01',
        lotSize: '0.0001',
        maxQuantityLots: 100_000_000,
        maxPriceTicks: 1_000_000_000,
        priceBandBps: 2_000,
        makerFeeBps: 2,
        takerFeeBps: 5,
        referencePrice: '3000',
      },
    ]),
  rateLimit: z
    .strictObject({
      perSecond: z.number().positive().default(2_000),
      burst: z.number().int().positive().default(4_000),
    })
    .default({ perSecond: 2_000, burst: 4_000 }),
  simulation: z
    .strictObject({
      enabled: z.boolean().default(true),
      makers: z.number().int().min(0).max(50).default(2),
      takers: z.number().int().min(0).max(50).default(2),
      ordersPerSecond: z.number().min(0).max(10_000).default(20),
    })
    .default({ enabled: true, makers: 2, takers: 2, ordersPerSecond: 20 }),
  compliance: z
    .strictObject({
      /**
       * Addresses refused as withdrawal destinations and flagged as deposit sources, in addition
       * to any list file. The default is a clearly fake demonstration address.
       */
      sanctionedAddresses: z
        .array(z.string().min(1))
        .default(['0x000000000000000000000000000000000000bad1']),
      /** A directory with OFAC's legacy CSV files (SDN.CSV, ADD.CSV, ALT.CSV, SDN_COMMENTS.CSV). */
      ofacSdnCsvDir: z.string().optional(),
      /** Prices used to value events in USD for limits and typologies (whole units). */
      usdPrices: z.record(z.string(), decimal).default({ ETH: '3000', USDC: '1' }),
    })
    .default({
      sanctionedAddresses: ['0x000000000000000000000000000000000000bad1'],
      usdPrices: { ETH: '3000', USDC: '1' },
    }),
  /**
   * Custody tiers of the on-chain assets (checked by the custody package's `assertTierPolicy`):
   * the hot band, the warm band (cold holds the rest), how many days of forecast peak
   * withdrawals hot and warm must cover, the smallest move worth proposing per asset (whole
   * units), and the warm and cold wallets (hot is the exchange's own hot wallet).
   */
  tiers: z
    .strictObject({
      hot: tierBand.default(TIER_DEFAULTS.hot),
      warm: tierBand.default(TIER_DEFAULTS.warm),
      hotCoverDays: z.number().int().min(0).max(365).default(TIER_DEFAULTS.hotCoverDays),
      warmCoverDays: z.number().int().min(0).max(365).default(TIER_DEFAULTS.warmCoverDays),
      minimumMove: z.record(z.string(), decimal).default({}),
      wallets: z
        .strictObject({
          warm: tierWallet.default(TIER_DEFAULTS.wallets.warm),
          cold: tierWallet.default(TIER_DEFAULTS.wallets.cold),
        })
        .default(TIER_DEFAULTS.wallets),
    })
    .default(TIER_DEFAULTS),
  /** Development faucet for off-chain assets (admin only). Off in production. */
  faucet: z.boolean().default(true),
  /** API keys created at start-up (development); production keys come from the admin API. */
  apiKeys: z
    .array(
      z.strictObject({
        keyId: z.string().min(8),
        secret: z.string().min(16),
        accountId: z.string(),
        permissions: z.array(permission).min(1),
      }),
    )
    .default([]),
})

/** The validated configuration. */
export type ExchangeConfig = z.output<typeof configSchema>

/** The hot wallet's ledger id (the warm and cold ones are configured under `tiers.wallets`). */
export const HOT_WALLET_ID = 'hot-evm'

/**
 * The rebalancing policy of an asset, from `tiers`.
 * @throws {InvalidAmountError} when the asset's `minimumMove` has more decimals than the asset.
 */
export function tierPolicyOf(config: ExchangeConfig, asset: string): TierPolicy {
  const spec = config.assets.find((a) => a.code === asset)
  if (!spec) throw new Error(`unknown asset ${asset}`)
  const { tiers } = config
  const minimum = tiers.minimumMove[asset]
  return {
    asset,
    hot: tiers.hot,
    warm: tiers.warm,
    hotCoverDays: tiers.hotCoverDays,
    warmCoverDays: tiers.warmCoverDays,
    minimumMove:
      minimum === undefined
        ? 0n
        : parseAmount({
            asset: defineAsset({ code: spec.code, decimals: spec.decimals }),
            value: minimum,
            path: ['tiers', 'minimumMove', asset],
          }),
  }
}

/** Environment variables that override the file, and the field each one sets. */
export const ENV_OVERRIDES = {
  STRONGROOM_HOST: 'host',
  STRONGROOM_HTTP_PORT: 'httpPort',
  STRONGROOM_FIX_PORT: 'fixPort',
  STRONGROOM_DATA_DIR: 'dataDir',
  STRONGROOM_NATS_URL: 'journal',
  STRONGROOM_NATS_STREAM: 'journal',
  STRONGROOM_PG_URL: 'ledger',
  STRONGROOM_RPC_URLS: 'chain',
  STRONGROOM_CHAIN_ID: 'chain',
  STRONGROOM_PKCS11_MODULE: 'signer',
  STRONGROOM_PKCS11_PIN: 'signer',
  STRONGROOM_PKCS11_PIN_FILE: 'signer',
  STRONGROOM_PKCS11_TOKEN: 'signer',
  STRONGROOM_SIMULATION: 'simulation',
} as const

/** A configuration problem: which field (or environment variable) and what is wrong with it. */
export class ConfigError extends Error {
  readonly issues: readonly { path: string; message: string }[]
  constructor(source: string, issues: readonly { path: string; message: string }[]) {
    super(
      `Invalid configuration (${source}):\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`,
    )
    this.name = 'ConfigError'
    this.issues = issues
  }
}

function applyEnv(raw: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>) {
  const out: Record<string, unknown> = { ...raw }
  const int = (name: string, value: string) => {
    if (!/^[0-9]+$/.test(value))
      throw new ConfigError('environment', [
        { path: name, message: `"${value}" is not a whole number` },
      ])
    return Number(value)
  }
  if (env.STRONGROOM_HOST) out.host = env.STRONGROOM_HOST
  if (env.STRONGROOM_HTTP_PORT) out.httpPort = int('STRONGROOM_HTTP_PORT', env.STRONGROOM_HTTP_PORT)
  if (env.STRONGROOM_FIX_PORT) out.fixPort = int('STRONGROOM_FIX_PORT', env.STRONGROOM_FIX_PORT)
  if (env.STRONGROOM_DATA_DIR) out.dataDir = env.STRONGROOM_DATA_DIR
  if (env.STRONGROOM_NATS_URL || env.STRONGROOM_NATS_STREAM) {
    const file = raw.journal as { kind?: unknown } | undefined
    out.journal = {
      ...(file?.kind === 'nats' ? file : { kind: 'nats' }),
      ...(env.STRONGROOM_NATS_URL ? { url: env.STRONGROOM_NATS_URL } : {}),
      ...(env.STRONGROOM_NATS_STREAM ? { stream: env.STRONGROOM_NATS_STREAM } : {}),
    }
  }
  if (env.STRONGROOM_PG_URL) out.ledger = { kind: 'postgres', url: env.STRONGROOM_PG_URL }
  if (env.STRONGROOM_RPC_URLS) {
    out.chain = {
      kind: 'rpc',
      urls: env.STRONGROOM_RPC_URLS.split(',').map((u) => u.trim()),
      chainId: int('STRONGROOM_CHAIN_ID', env.STRONGROOM_CHAIN_ID ?? ''),
    }
  }
  if (env.STRONGROOM_PKCS11_MODULE) {
    out.signer = {
      kind: 'pkcs11',
      module: env.STRONGROOM_PKCS11_MODULE,
      pin: env.STRONGROOM_PKCS11_PIN ?? '',
      tokenLabel: env.STRONGROOM_PKCS11_TOKEN ?? 'strongroom',
    }
  }
  const pinFile = env.STRONGROOM_PKCS11_PIN_FILE
  if (pinFile) {
    const signer = out.signer as { kind?: unknown } | undefined
    if (signer?.kind !== 'pkcs11')
      throw new ConfigError('environment', [
        { path: 'STRONGROOM_PKCS11_PIN_FILE', message: 'set without a PKCS#11 signer' },
      ])
    let pin: string
    try {
      pin = readFileSync(pinFile, 'utf8').trim()
    } catch (error) {
      throw new ConfigError('environment', [
        { path: 'STRONGROOM_PKCS11_PIN_FILE', message: (error as Error).message },
      ])
    }
    out.signer = { ...signer, pin }
  }
  if (env.STRONGROOM_SIMULATION) {
    const value = env.STRONGROOM_SIMULATION
    if (value !== 'on' && value !== 'off') {
      throw new ConfigError('environment', [
        { path: 'STRONGROOM_SIMULATION', message: `must be "on" or "off", not "${value}"` },
      ])
    }
    out.simulation = { ...(raw.simulation as object | undefined), enabled: value === 'on' }
  }
  return out
}

/**
 * Loads the configuration: the JSON file (when given), then the environment overrides in
 * {@link ENV_OVERRIDES}, then validation. Every field has an embedded default, so no file is needed.
 *
 * @throws {ConfigError} naming each invalid field (or environment variable) and why.
 */
export function loadConfig(
  options: { file?: string | undefined; env?: Readonly<Record<string, string | undefined>> } = {},
): ExchangeConfig {
  let raw: Record<string, unknown> = {}
  const source = options.file ?? 'defaults'
  if (options.file) {
    let text: string
    try {
      text = readFileSync(options.file, 'utf8')
    } catch (error) {
      throw new ConfigError(options.file, [{ path: '(file)', message: (error as Error).message }])
    }
    try {
      raw = JSON.parse(text) as Record<string, unknown>
    } catch (error) {
      throw new ConfigError(options.file, [
        { path: '(file)', message: `not valid JSON: ${(error as Error).message}` },
      ])
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new ConfigError(options.file, [{ path: '(root)', message: 'must be a JSON object' }])
    }
  }
  const merged = applyEnv(raw, options.env ?? {})
  const parsed = configSchema.safeParse(merged)
  if (!parsed.success) {
    throw new ConfigError(
      source,
      parsed.error.issues.map((issue) => ({
        path: issue.path.join('.') || '(root)',
        message: issue.message,
      })),
    )
  }
  const config = parsed.data
  const codes = new Set(config.assets.map((a) => a.code))
  const problems: { path: string; message: string }[] = []
  config.markets.forEach((market, i) => {
    if (!codes.has(market.base))
      problems.push({ path: `markets.${i}.base`, message: `unknown asset ${market.base}` })
    if (!codes.has(market.quote))
      problems.push({ path: `markets.${i}.quote`, message: `unknown asset ${market.quote}` })
  })
  if (config.approvals.required > config.approvals.approvers) {
    problems.push({ path: 'approvals.required', message: 'cannot exceed approvals.approvers' })
  }
  problems.push(...tierProblems(config))
  if (problems.length) throw new ConfigError(source, problems)
  return config
}

/** What is wrong with `tiers`: the custody package's policy rules, asset codes, wallet ids. */
function tierProblems(config: ExchangeConfig): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = []
  for (const asset of Object.keys(config.tiers.minimumMove)) {
    if (!config.assets.some((a) => a.code === asset))
      problems.push({ path: `tiers.minimumMove.${asset}`, message: `unknown asset ${asset}` })
  }
  const { warm, cold } = config.tiers.wallets
  if (warm.walletId === cold.walletId || [warm, cold].some((w) => w.walletId === HOT_WALLET_ID))
    problems.push({
      path: 'tiers.wallets',
      message: `the hot (${HOT_WALLET_ID}), warm and cold wallet ids must differ`,
    })
  if (warm.address && warm.address.toLowerCase() === cold.address?.toLowerCase())
    problems.push({ path: 'tiers.wallets', message: 'warm and cold need different addresses' })
  for (const asset of config.assets) {
    if (problems.length) break
    try {
      assertTierPolicy(tierPolicyOf(config, asset.code))
    } catch (error) {
      // TierPolicyError (a band or horizon) or InvalidAmountError (a minimum move).
      if (!(error instanceof InputError)) throw error
      const field = error.path[0] === 'tiers' ? error.path : ['tiers', ...error.path]
      problems.push({ path: field.join('.'), message: error.issue.message })
    }
  }
  return problems
}
