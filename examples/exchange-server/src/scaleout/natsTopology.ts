import {
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream'
import { type KV, Kvm } from '@nats-io/kv'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { namesOf, type Topology } from './topology.js'

/** A connection to the topology's NATS, its streams and its lease bucket. */
export type NatsTopology = {
  readonly nc: NatsConnection
  readonly js: JetStreamClient
  readonly jsm: JetStreamManager
  readonly leases: KV
  readonly names: ReturnType<typeof namesOf>
  close(): Promise<void>
}

/**
 * Connects and makes sure the command stream (`<prefix>.cmd.<shard>`), the event stream
 * (`<prefix>.evt.<shard>`, both file storage with the configured replicas) and the lease bucket
 * exist. Any process of the topology may be the first to start.
 */
export async function openNatsTopology(
  topology: Topology,
  name = 'strongroom-scaleout',
): Promise<NatsTopology> {
  const names = namesOf(topology)
  const nc = await connect({ servers: topology.nats.url, name })
  const jsm = await jetstreamManager(nc)
  const js = jetstream(nc)
  const ensure = async (stream: string, subjects: string[]) => {
    const info = await jsm.streams.info(stream).catch(() => undefined)
    if (info) return
    await jsm.streams
      .add({
        name: stream,
        subjects,
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        num_replicas: topology.nats.replicas,
        duplicate_window: 120_000_000_000,
      })
      .catch(async (error: unknown) => {
        // Another process created it meanwhile.
        if (!(await jsm.streams.info(stream).catch(() => undefined))) throw error
      })
  }
  const p = topology.nats.prefix
  await ensure(names.commandStream, [`${p}.cmd.*`])
  await ensure(names.eventStream, [`${p}.evt.*`])
  const leases = await new Kvm(nc).create(names.leaseBucket, {
    history: 1,
    replicas: topology.nats.replicas,
  })
  return {
    nc,
    js,
    jsm,
    leases,
    names,
    async close() {
      await nc.drain().catch(() => undefined)
    },
  }
}

/** Deletes a topology's streams and lease bucket (tests and benchmarks). */
export async function destroyNatsTopology(nats: NatsTopology): Promise<void> {
  await nats.jsm.streams.delete(nats.names.commandStream).catch(() => undefined)
  await nats.jsm.streams.delete(nats.names.eventStream).catch(() => undefined)
  await nats.leases.destroy().catch(() => undefined)
}

/** Stream sequence of the last message on `subject` (0: none). */
export async function lastSubjectSeq(
  jsm: JetStreamManager,
  stream: string,
  subject: string,
): Promise<number> {
  const message = await jsm.streams
    .getMessage(stream, { last_by_subj: subject })
    .catch((error: unknown) => {
      if (String((error as Error)?.message ?? error).includes('no message found')) return null
      throw error
    })
  return message?.seq ?? 0
}
