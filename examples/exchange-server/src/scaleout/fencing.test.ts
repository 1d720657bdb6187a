// Fencing against a real NATS JetStream server: a deposed primary that wakes up cannot publish,
// and a lease holder that stopped renewing loses the lease to a standby after the TTL.
import { randomBytes } from 'node:crypto'
import { requireServices, serviceEndpoints } from '@strongroom/testkit'
import { afterAll, describe, expect, it } from 'vitest'
import { publishFenced, ShardFencedError } from './fencedPublisher.js'
import {
  destroyNatsTopology,
  lastSubjectSeq,
  type NatsTopology,
  openNatsTopology,
} from './natsTopology.js'
import { createShardLease, type LeaseState } from './shardLease.js'
import { parseTopology } from './topology.js'
import { encodeTakeover } from './wire.js'

const services = await requireServices('exchange-server: scale-out fencing', ['nats'])
const opened: NatsTopology[] = []
afterAll(async () => {
  for (const nats of opened) {
    await destroyNatsTopology(nats)
    await nats.close()
  }
})

async function open(): Promise<NatsTopology> {
  const topology = parseTopology({
    nats: { url: serviceEndpoints.natsUrl, prefix: `f${randomBytes(4).toString('hex')}` },
    postgres: { url: 'postgres://unused@127.0.0.1/unused' },
    shards: [{ id: 'eth', symbols: ['ETH-USDC'] }],
  })
  const nats = await openNatsTopology(topology, 'fencing-test')
  opened.push(nats)
  return nats
}

describe.skipIf(!services.available)('fencing', () => {
  it('refuses a publish from a primary that did not see the latest message of the subject', async () => {
    const nats = await open()
    const subject = nats.names.eventSubject('eth')
    const publish = (expectedLastSeq: number, node: string, token: number) =>
      publishFenced({
        js: nats.js,
        subject,
        expectedLastSeq,
        data: encodeTakeover({ shard: 'eth', node, token, after: 0 }),
      })
    // Primary A opens its term and publishes twice, each time from the sequence it last saw.
    const a1 = await publish(0, 'a', 1)
    const a2 = await publish(a1, 'a', 1)
    // A freezes; B takes over from the latest message it saw.
    const b1 = await publish(a2, 'b', 2)
    // A wakes up and tries to continue from where it was: refused, the subject is B's.
    const refused = await publish(a2, 'a', 1).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(ShardFencedError)
    expect((refused as ShardFencedError).code).toBe('SCALEOUT_FENCED')
    expect((refused as ShardFencedError).expectedLastSeq).toBe(a2)
    // Two writers from the same point: exactly one wins.
    const race = await Promise.allSettled([publish(b1, 'b', 2), publish(b1, 'c', 3)])
    expect(race.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    expect(race.filter((r) => r.status === 'rejected')[0]).toMatchObject({
      reason: expect.any(ShardFencedError),
    })
    const last = await lastSubjectSeq(nats.jsm, nats.names.eventStream, subject)
    expect(last).toBe(b1 + 1)
    const info = await nats.jsm.streams.info(nats.names.eventStream)
    expect(info.state.messages).toBe(4)
  })

  it('hands the lease to a standby once the holder stops renewing, with a higher token', async () => {
    const nats = await open()
    const states: Record<string, LeaseState[]> = { a: [], b: [] }
    const lease = (node: 'a' | 'b') =>
      createShardLease({
        kv: nats.leases,
        shard: 'eth',
        node,
        ttlMs: 300,
        renewMs: 50,
        onChange: (state) => states[node]!.push(state),
      })
    const a = lease('a')
    a.start()
    await expect.poll(() => a.isPrimary, { timeout: 5_000 }).toBe(true)
    const b = lease('b')
    b.start()
    // While A renews, B stays a standby.
    await new Promise((r) => setTimeout(r, 700))
    expect(b.isPrimary).toBe(false)
    expect(states.b).toEqual([])
    // A stops renewing (frozen): B takes the lease after the TTL with a larger token.
    a.stop()
    await expect.poll(() => b.isPrimary, { timeout: 5_000 }).toBe(true)
    expect(b.token).toBeGreaterThan(a.token)
    // A compare-and-set from any revision of A's term is refused now.
    const entry = await nats.leases.get('eth')
    await expect(nats.leases.update('eth', '{"node":"a"}', a.token)).rejects.toThrow(
      /wrong last sequence/,
    )
    expect(JSON.parse(entry!.string())).toEqual({ node: 'b' })
    b.stop()
  })
})
