// Launches the scaled-out topology's processes for tests and benchmarks: a fresh PostgreSQL
// database, a topology file with its own NATS prefix, and children that print `READY <json>`.
import { type ChildProcess, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DeliverPolicy } from '@nats-io/jetstream'
import { AUTH_HEADERS, signRequest } from '../src/gateway/auth.js'
import { type NatsTopology, openNatsTopology } from '../src/scaleout/natsTopology.js'
import { parseTopology, type Topology } from '../src/scaleout/topology.js'
import { decodeShardMessage, type ShardMessage } from '../src/scaleout/wire.js'

const packageDir = fileURLToPath(new URL('..', import.meta.url))

/** Two markets on distinct instruments, one shard each. */
export function twoShardTopology(options: {
  natsUrl: string
  pgUrl: string
  prefix: string
  shards?: { id: string; symbols: string[] }[]
  maxBatch?: number
}): Topology {
  return parseTopology({
    nats: { url: options.natsUrl, prefix: options.prefix },
    postgres: { url: options.pgUrl },
    lease: { ttlMs: 1_000, renewMs: 200 },
    maxBatch: options.maxBatch ?? 500,
    shards: options.shards ?? [
      { id: 'eth', symbols: ['ETH-USDC'] },
      { id: 'btc', symbols: ['BTC-USDC'] },
    ],
    assets: [
      { code: 'ETH', decimals: 18, kind: 'offchain', confirmations: 1 },
      { code: 'BTC', decimals: 8, kind: 'offchain', confirmations: 1 },
      { code: 'USDC', decimals: 6, kind: 'offchain', confirmations: 1 },
    ],
    markets: [
      {
        base: 'ETH',
        quote: 'USDC',
        tickSize: '0.01',
        lotSize: '0.0001',
        maxQuantityLots: 100_000_000,
        maxPriceTicks: 1_000_000_000,
        referencePrice: '3000',
      },
      {
        base: 'BTC',
        quote: 'USDC',
        tickSize: '0.01',
        lotSize: '0.0001',
        maxQuantityLots: 100_000_000,
        maxPriceTicks: 1_000_000_000,
        referencePrice: '60000',
      },
    ],
  })
}

/** A child process of the topology. */
export type Launched = {
  child: ChildProcess
  ready: Record<string, string>
  output: () => string
}

/** Spawns one of `src/scaleout/*Process.ts` and waits for its READY line. */
export function launch(
  entry: 'shardProcess' | 'gatewayProcess' | 'settlementProcess',
  args: string[],
  topologyFile: string,
  children: ChildProcess[],
  env: Record<string, string> = {},
): Promise<Launched> {
  const child = spawn(
    process.execPath,
    [
      // e.g. STRONGROOM_SCALEOUT_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile them
      ...(process.env.STRONGROOM_SCALEOUT_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      '--conditions=@strongroom/source',
      '--import',
      'tsx',
      `src/scaleout/${entry}.ts`,
      '--topology',
      topologyFile,
      ...args,
    ],
    { cwd: packageDir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  children.push(child)
  let output = ''
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString()
  })
  return new Promise((resolve, reject) => {
    let buffer = ''
    child.stdout?.on('data', (d: Buffer) => {
      buffer += d.toString()
      const line = buffer.split('\n').find((l) => l.startsWith('READY '))
      if (line)
        resolve({
          child,
          ready: JSON.parse(line.slice(6)) as Record<string, string>,
          output: () => output,
        })
    })
    child.once('exit', (code, signal) =>
      reject(new Error(`${entry} exited (${code ?? signal}): ${output}`)),
    )
  })
}

/** Writes a topology file into `dir`. */
export function writeTopology(dir: string, topology: Topology): string {
  const file = join(dir, `topology-${topology.nats.prefix}.json`)
  writeFileSync(file, JSON.stringify(topology))
  return file
}

export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url)
  return (await response.json()) as T
}

/** POSTs JSON, signed with `key` (the API-key HMAC scheme of every gateway) when given. */
export async function postJson<T>(
  url: string,
  body: unknown,
  key?: { keyId: string; secret: string },
): Promise<{ status: number; body: T }> {
  const text = JSON.stringify(body)
  const timestamp = String(Date.now())
  const signature = key
    ? signRequest(key.secret, {
        timestamp,
        method: 'POST',
        path: new URL(url).pathname,
        body: text,
      })
    : undefined
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key && signature
        ? {
            [AUTH_HEADERS.key]: key.keyId,
            [AUTH_HEADERS.timestamp]: timestamp,
            [AUTH_HEADERS.signature]: signature,
          }
        : {}),
    },
    body: text,
    signal: AbortSignal.timeout(20_000),
  })
  return { status: response.status, body: (await response.json()) as T }
}

/** Every message of the event stream, in order, with its stream sequence. */
export async function readEventStream(
  nats: NatsTopology,
  prefix: string,
): Promise<{ seq: number; message: ShardMessage }[]> {
  const last = (await nats.jsm.streams.info(nats.names.eventStream)).state.last_seq
  const out: { seq: number; message: ShardMessage }[] = []
  if (last === 0) return out
  const consumer = await nats.js.consumers.get(nats.names.eventStream, {
    filter_subjects: `${prefix}.evt.*`,
    deliver_policy: DeliverPolicy.All,
  })
  const messages = await consumer.consume({ max_messages: 1_024 })
  for await (const m of messages) {
    out.push({ seq: m.seq, message: decodeShardMessage(m.data) })
    if (m.seq >= last) break
  }
  messages.stop()
  return out
}

export { openNatsTopology }
