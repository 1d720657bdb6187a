import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { ConfigError, configSchema, type ExchangeConfig } from '../config.js'
import type { Market } from '../core/exchangeCore.js'
import { marketsOf } from '../server.js'

const name = z.string().regex(/^[a-z0-9_-]{1,32}$/, 'must be 1-32 of a-z, 0-9, _ and -')

/**
 * The scaled-out topology, shared by every process of it (gateways, shard engines and their
 * standbys, the settlement consumer): where NATS and PostgreSQL are, which shard trades which
 * instruments, and the markets themselves (the same `assets` and `markets` as the single-process
 * exchange's configuration).
 */
export const topologySchema = z.strictObject({
  nats: z.strictObject({
    url: z.string().url(),
    /** Prefix of the streams, subjects and the lease bucket (one topology per prefix). */
    prefix: name.default('sr'),
    /** JetStream replicas of the command and event streams (3 on a three-node cluster). */
    replicas: z.number().int().min(1).max(5).default(1),
  }),
  postgres: z.strictObject({ url: z.string().url() }),
  lease: z
    .strictObject({
      /** A primary that has not renewed its lease for this long is replaced by a standby. */
      ttlMs: z.number().int().min(100).max(60_000).default(1_000),
      /** How often the primary renews (and a standby looks at) the lease. */
      renewMs: z.number().int().min(10).max(10_000).default(200),
    })
    .default({ ttlMs: 1_000, renewMs: 200 }),
  /** Most command results per published event message (the engine's group commit). */
  maxBatch: z.number().int().min(1).max(10_000).default(500),
  shards: z.array(z.strictObject({ id: name, symbols: z.array(z.string()).min(1) })).min(1),
  assets: configSchema.shape.assets,
  markets: configSchema.shape.markets,
})

/** A validated topology. */
export type Topology = z.output<typeof topologySchema>

/**
 * Validates a topology: the schema, then that every shard's symbols are markets of the
 * configuration and that no symbol belongs to two shards.
 *
 * @throws {ConfigError} naming each invalid field and why.
 */
export function parseTopology(raw: unknown, source = 'topology'): Topology {
  const parsed = topologySchema.safeParse(raw)
  if (!parsed.success) {
    throw new ConfigError(
      source,
      parsed.error.issues.map((issue) => ({
        path: issue.path.join('.') || '(root)',
        message: issue.message,
      })),
    )
  }
  const topology = parsed.data
  const symbols = new Set(marketsOfTopology(topology).map((m) => m.instrument.symbol))
  const owner = new Map<string, string>()
  const problems: { path: string; message: string }[] = []
  topology.shards.forEach((shard, i) => {
    if (topology.shards.findIndex((s) => s.id === shard.id) !== i)
      problems.push({ path: `shards.${i}.id`, message: `duplicate shard id ${shard.id}` })
    shard.symbols.forEach((symbol, j) => {
      if (!symbols.has(symbol))
        problems.push({ path: `shards.${i}.symbols.${j}`, message: `no market ${symbol}` })
      else if (owner.has(symbol))
        problems.push({
          path: `shards.${i}.symbols.${j}`,
          message: `${symbol} already belongs to shard ${owner.get(symbol)}`,
        })
      owner.set(symbol, shard.id)
    })
  })
  if (problems.length) throw new ConfigError(source, problems)
  return topology
}

/** Reads and validates a topology file (JSON). */
export function loadTopology(file: string): Topology {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new ConfigError(file, [{ path: '(file)', message: (error as Error).message }])
  }
  return parseTopology(raw, file)
}

/** The exchange configuration of a topology's markets, with its ledger in PostgreSQL. */
export function exchangeConfigOf(topology: Topology): ExchangeConfig {
  return configSchema.parse({
    assets: topology.assets,
    markets: topology.markets,
    ledger: { kind: 'postgres', url: topology.postgres.url },
  })
}

/** Every market of a topology. */
export function marketsOfTopology(topology: Topology): Market[] {
  return marketsOf(
    configSchema.parse({ assets: topology.assets, markets: topology.markets }) as ExchangeConfig,
  )
}

/** The markets one shard trades. */
export function shardMarkets(topology: Topology, shardId: string): Market[] {
  const shard = topology.shards.find((s) => s.id === shardId)
  if (!shard) throw new ConfigError('topology', [{ path: 'shard', message: `no shard ${shardId}` }])
  return marketsOfTopology(topology).filter((m) => shard.symbols.includes(m.instrument.symbol))
}

/** The shard that trades `symbol`, if any. */
export function shardOf(topology: Topology, symbol: string): string | undefined {
  return topology.shards.find((s) => s.symbols.includes(symbol))?.id
}

/** Stream, subject and bucket names of a topology. */
export function namesOf(topology: Topology) {
  const p = topology.nats.prefix
  const upper = p.toUpperCase().replace(/-/g, '_')
  return {
    commandStream: `${upper}_CMD`,
    eventStream: `${upper}_EVT`,
    leaseBucket: `${upper}_LEASE`,
    commandSubject: (shard: string) => `${p}.cmd.${shard}`,
    eventSubject: (shard: string) => `${p}.evt.${shard}`,
    allEvents: `${p}.evt.>`,
    /** The ledger's settlement stream of a shard (idempotency by its settlement sequence). */
    settlementStream: (shard: string) => `${p}.${shard}`,
  }
}
