// Shard engines in this process against a real NATS JetStream server: a primary publishes every
// result; a second engine started afterwards rebuilds the same state from both subjects (holding
// a bounded number of results ahead of its commands), takes over when the lease is released,
// and carries on the numbering.
import { randomBytes } from 'node:crypto'
import type { Logger } from '@strongroom/core'
import { requireServices, serviceEndpoints } from '@strongroom/testkit'
import { afterAll, describe, expect, it } from 'vitest'
import { type ExchangeCommand, encodeExchangeCommand } from '../core/commands.js'
import { destroyNatsTopology, type NatsTopology, openNatsTopology } from './natsTopology.js'
import { type ShardEngine, startShardEngine } from './shardEngine.js'
import { parseTopology } from './topology.js'
import { decodeShardMessage, encodeEntry } from './wire.js'

const services = await requireServices('exchange-server: shard engine', ['nats'])
const logger: Logger = { debug() {}, info() {}, warn() {}, error: (m, f) => console.error(m, f) }
const engines: ShardEngine[] = []
let nats: NatsTopology | undefined
const others: NatsTopology[] = []
afterAll(async () => {
  for (const engine of engines) await engine.stop()
  for (const topology of [nats, ...others]) {
    if (!topology) continue
    await destroyNatsTopology(topology)
    await topology.close()
  }
})

const until = async (probe: () => boolean, what: string) => {
  const deadline = Date.now() + 20_000
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** A one-shard topology of its own (lease TTL long enough that nobody takes over in a test). */
const openTopology = async (name: string, maxBatch = 5) => {
  const topology = parseTopology({
    nats: { url: serviceEndpoints.natsUrl, prefix: `e${randomBytes(4).toString('hex')}` },
    postgres: { url: 'postgres://unused@127.0.0.1/unused' },
    lease: { ttlMs: 60_000, renewMs: 50 },
    maxBatch,
    shards: [{ id: 'eth', symbols: ['ETH-USDC'] }],
  })
  const connection = await openNatsTopology(topology, name)
  others.push(connection)
  const send = (command: ExchangeCommand) =>
    connection.js.publish(connection.names.commandSubject('eth'), encodeExchangeCommand(command))
  return { topology, connection, send }
}

describe.skipIf(!services.available)('shard engine', () => {
  it('a later engine rebuilds the same state, bounded, and continues after a handover', async () => {
    const topology = parseTopology({
      nats: { url: serviceEndpoints.natsUrl, prefix: `e${randomBytes(4).toString('hex')}` },
      postgres: { url: 'postgres://unused@127.0.0.1/unused' },
      lease: { ttlMs: 300, renewMs: 50 },
      maxBatch: 5,
      shards: [{ id: 'eth', symbols: ['ETH-USDC'] }],
    })
    nats = await openNatsTopology(topology, 'engine-test')
    const send = (command: ExchangeCommand) =>
      nats!.js.publish(nats!.names.commandSubject('eth'), encodeExchangeCommand(command))
    const a = await startShardEngine({ nats, topology, shard: 'eth', node: 'a', logger })
    engines.push(a)
    await until(() => a.role === 'primary', 'a primary')

    const commands: ExchangeCommand[] = []
    for (const account of ['maker', 'taker']) {
      commands.push({ type: 'openAccount', account })
      for (const asset of ['ETH', 'USDC'])
        commands.push({
          type: 'credit',
          account,
          asset,
          amount: `${10n ** 24n}`,
          reference: `${account}-${asset}`,
        })
    }
    for (let i = 0; i < 60; i++) {
      const price = 300_000 + (i % 7)
      commands.push(
        {
          type: 'placeOrder',
          account: 'maker',
          symbol: 'ETH-USDC',
          side: 'sell',
          orderType: 'limit',
          price,
          quantity: 10,
        },
        {
          type: 'placeOrder',
          account: 'taker',
          symbol: 'ETH-USDC',
          side: 'buy',
          orderType: 'limit',
          price: 300_010,
          quantity: 5,
          timeInForce: 'IOC',
        },
      )
    }
    for (const command of commands) await send(command)
    await until(() => a.status().publishedN === commands.length, 'a published everything')
    const before = a.state()
    await a.stop({ release: true })

    // B starts from nothing: it replays both subjects, comparing every published result.
    const b = await startShardEngine({
      nats,
      topology,
      shard: 'eth',
      node: 'b',
      logger,
      maxAhead: 10,
    })
    engines.push(b)
    const caughtUp = b.state()
    expect(caughtUp.n).toBe(commands.length)
    expect(caughtUp.publishedN).toBe(commands.length)
    expect(caughtUp.stateHash).toBe(before.stateHash)
    expect(caughtUp.balances).toEqual(before.balances)
    expect(caughtUp.divergences).toBe(0)
    expect(caughtUp.violations).toEqual([])
    expect(caughtUp.maxAhead).toBeLessThanOrEqual(10 + topology.maxBatch)

    // A released the lease: B takes over at once and numbers on from where A stopped.
    await until(() => b.role === 'primary', 'b primary')
    expect(b.token).toBeGreaterThan(before.token)
    await send({
      type: 'placeOrder',
      account: 'taker',
      symbol: 'ETH-USDC',
      side: 'buy',
      orderType: 'limit',
      price: 299_000,
      quantity: 1,
    })
    await until(() => b.status().publishedN === commands.length + 1, 'b published')
    expect(b.status().violations).toEqual([])
  }, 60_000)

  it('a standby compares every result of a published batch with its own', async () => {
    const commands: ExchangeCommand[] = ['u1', 'u2', 'u3', 'u4'].flatMap((account) => [
      { type: 'openAccount', account } as const,
      { type: 'credit', account, asset: 'USDC', amount: '5', reference: `r-${account}` } as const,
    ])
    // A real history, with several results per batch, published by a primary of one topology...
    const first = await openTopology('engine-test-history')
    for (const command of commands) await first.send(command)
    const a = await startShardEngine({
      ...first,
      nats: first.connection,
      shard: 'eth',
      node: 'a',
      logger,
    })
    engines.push(a)
    await until(() => a.status().publishedN === commands.length, 'a published everything')
    await a.stop()
    const { jsm, names } = first.connection
    const last = (await jsm.streams.info(names.eventStream)).state.last_seq
    const history: Uint8Array[] = []
    for (let seq = 1; seq <= last; seq++)
      history.push((await jsm.streams.getMessage(names.eventStream, { seq }))!.data)
    expect(history.length).toBeLessThan(commands.length) // batches of several results

    // ...replayed onto a second one whose commands were journaled later: every result differs
    // from what a standby there computes (its times), and it must notice each one, including
    // results after the first of a batch, which it holds as pending when the batch arrives.
    const second = await openTopology('engine-test-replay')
    await second.connection.leases.put('eth', JSON.stringify({ node: 'someone-else' }))
    for (const command of commands) await second.send(command)
    const b = await startShardEngine({
      ...second,
      nats: second.connection,
      shard: 'eth',
      node: 'b',
      logger,
    })
    engines.push(b)
    await until(() => b.status().pending === commands.length, 'b applied every command')
    for (const data of history)
      await second.connection.js.publish(second.connection.names.eventSubject('eth'), data)
    await until(() => b.status().publishedN === commands.length, 'b read the history')
    expect(b.status()).toMatchObject({
      role: 'standby',
      pending: 0,
      divergences: commands.length,
      violations: [],
    })
  }, 60_000)

  it('keeps each event message under the byte cap, several results to a message', async () => {
    const { topology, connection, send } = await openTopology('engine-test-bytes', 500)
    const accounts = Array.from({ length: 20 }, (_, i) => `account-${i}`)
    for (const account of accounts) {
      await send({ type: 'openAccount', account })
      await send({ type: 'credit', account, asset: 'USDC', amount: '7', reference: `r-${account}` })
    }
    // Every command is in the stream before the engine starts: it publishes them from its backlog.
    const c = await startShardEngine({
      topology,
      nats: connection,
      shard: 'eth',
      node: 'c',
      logger,
      maxBatchBytes: 1_000,
    })
    engines.push(c)
    await until(() => c.status().publishedN === 2 * accounts.length, 'c published everything')
    const { jsm, names } = connection
    const last = (await jsm.streams.info(names.eventStream)).state.last_seq
    const sizes: number[] = []
    let results = 0
    for (let seq = 1; seq <= last; seq++) {
      const data = (await jsm.streams.getMessage(names.eventStream, { seq }))!.data
      const message = decodeShardMessage(data)
      if (message.type !== 'batch') continue
      results += message.entries.length
      sizes.push(message.entries.map((e) => encodeEntry(e).length + 1).reduce((a, b) => a + b))
    }
    expect(results).toBe(2 * accounts.length)
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1_000)
    expect(sizes.length).toBeGreaterThan(1) // the cap split the backlog (maxBatch would not)...
    expect(sizes.length).toBeLessThan(results) // ...into messages of several results each
  }, 60_000)
})
