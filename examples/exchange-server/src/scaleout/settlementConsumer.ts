import { DeliverPolicy } from '@nats-io/jetstream'
import type { Logger } from '@strongroom/core'
import type { LedgerService } from '../services/ledgerService.js'
import { createSettlementPump, type SettlementPump } from '../services/settlementPump.js'
import type { NatsTopology } from './natsTopology.js'
import type { Topology } from './topology.js'
import { decodeShardMessage } from './wire.js'

type ShardProgress = {
  pump: SettlementPump
  /** Last result number and fencing token seen, the settlement sequence the shard reached. */
  n: number
  token: number
  settlementSeq: number
  takeovers: number
}

/**
 * Applies every shard's settlement events to the PostgreSQL ledger, exactly once: each shard is
 * its own settlement stream in the ledger, keyed by the core's gap-free settlement sequence, so
 * replaying the event stream (after a restart, or a result republished by a new primary) changes
 * nothing twice. It also checks what it reads: results numbered without gap or repeat, fencing
 * tokens that never go back, takeovers that start where the last primary stopped.
 */
export async function startSettlementConsumer(parameters: {
  nats: NatsTopology
  topology: Topology
  ledger: LedgerService
  logger: Logger
}) {
  const { nats, topology, ledger, logger } = parameters
  const { js, names } = nats
  const shards = new Map<string, ShardProgress>()
  for (const { id } of topology.shards) {
    const stream = names.settlementStream(id)
    shards.set(id, {
      pump: createSettlementPump({
        settler: ledger.settler,
        stream,
        logger,
        lastApplied: await ledger.settler.lastApplied(stream),
      }),
      n: 0,
      token: 0,
      settlementSeq: 0,
      takeovers: 0,
    })
  }
  const violations: string[] = []
  const violation = (text: string) => {
    violations.push(text)
    logger.error('event stream invariant broken', { text })
  }
  const consumer = await js.consumers.get(names.eventStream, {
    filter_subjects: `${topology.nats.prefix}.evt.*`,
    deliver_policy: DeliverPolicy.All,
  })
  const messages = await consumer.consume({ max_messages: 1_024 })
  let lastSeq = 0
  const following = (async () => {
    for await (const m of messages) {
      lastSeq = m.seq
      const message = decodeShardMessage(m.data)
      const shard = shards.get(message.shard)
      if (!shard) {
        violation(`event ${m.seq} from unknown shard ${message.shard}`)
        continue
      }
      if (message.token < shard.token)
        violation(`event ${m.seq}: token ${message.token} after ${shard.token}`)
      shard.token = Math.max(shard.token, message.token)
      if (message.type === 'takeover') {
        shard.takeovers++
        if (message.after !== shard.n)
          violation(`takeover ${m.seq} after ${message.after}, results reached ${shard.n}`)
        continue
      }
      for (const entry of message.entries) {
        if (entry.n !== shard.n + 1)
          violation(`${message.shard}: result ${entry.n} follows ${shard.n} (event ${m.seq})`)
        shard.n = Math.max(shard.n, entry.n)
        for (const event of entry.events) {
          if (event.kind !== 'settlement') continue
          shard.settlementSeq = Math.max(shard.settlementSeq, event.event.seq)
          shard.pump.push(event.event)
        }
      }
    }
  })().catch((error: unknown) => logger.error('event consumer stopped', { error: String(error) }))

  return {
    status() {
      return {
        eventSeq: lastSeq,
        violations: violations.slice(0, 20),
        shards: Object.fromEntries(
          [...shards].map(([id, s]) => [
            id,
            {
              n: s.n,
              token: s.token,
              takeovers: s.takeovers,
              settlementSeq: s.settlementSeq,
              ledgerSeq: s.pump.lastApplied,
              lag: s.pump.lag,
            },
          ]),
        ),
      }
    },
    async stop() {
      messages.stop()
      await following
      for (const s of shards.values()) await s.pump.stop()
    },
  }
}
