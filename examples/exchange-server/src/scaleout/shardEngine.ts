import { DeliverPolicy, type JsMsg } from '@nats-io/jetstream'
import type { Logger } from '@strongroom/core'
import { decodeExchangeCommand } from '../core/commands.js'
import type { ExchangeEvent } from '../core/events.js'
import { type CommandResult, createExchangeCore } from '../core/exchangeCore.js'
import { publishFenced, ShardFencedError } from './fencedPublisher.js'
import { lastSubjectSeq, type NatsTopology } from './natsTopology.js'
import { createShardLease, type LeaseState } from './shardLease.js'
import { shardMarkets, type Topology } from './topology.js'
import {
  batchHead,
  decodeShardMessageTexts,
  encodeBatch,
  encodeEntry,
  encodeTakeover,
} from './wire.js'

/** Options of {@link startShardEngine}. */
export type StartShardEngineParameters = {
  nats: NatsTopology
  topology: Topology
  shard: string
  /** This engine's name (unique per process: primaries and standbys of a shard differ). */
  node: string
  logger: Logger
  /**
   * Results published before this engine applied their commands are held for comparison; past
   * this many (plus one event message), reading the event subject waits (default 50,000).
   */
  maxAhead?: number | undefined
  /**
   * Most bytes of results in one event message (default: the server's maximum payload less
   * 4 KiB for the envelope and headers); a batch holds at least one result.
   */
  maxBatchBytes?: number | undefined
}

type Pending = { readonly n: number; readonly json: string }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * One engine of an instrument shard, primary or hot standby: both consume the shard's command
 * subject in stream order and apply every command to the deterministic core, so their states
 * are the same. Only the lease holder publishes the results to the event subject, each message
 * fenced by JetStream's expected-last-subject-sequence; a standby follows the event subject,
 * checks each published result against its own byte for byte, and keeps the results nobody has
 * published yet. When the lease expires it takes over: it catches up with the event subject,
 * publishes a `takeover` (which fences off the old primary), then publishes from the first
 * command without a published result — so no acknowledged result is lost or published twice.
 */
export async function startShardEngine(parameters: StartShardEngineParameters) {
  const { nats, topology, shard, node, logger } = parameters
  const { js, jsm, names } = nats
  const commandSubject = names.commandSubject(shard)
  const eventSubject = names.eventSubject(shard)
  const maxBatch = topology.maxBatch
  const maxAhead = parameters.maxAhead ?? 50_000
  const maxBatchBytes = parameters.maxBatchBytes ?? (nats.nc.info?.max_payload ?? 1_048_576) - 4_096
  /** How many pending results the next event message takes: up to `maxBatch` and the byte cap. */
  const batchLength = () => {
    let count = 0
    let bytes = 0
    while (count < pending.length && count < maxBatch) {
      bytes += Buffer.byteLength(pending[count]!.json) + 1
      if (count > 0 && bytes > maxBatchBytes) break
      count++
    }
    return count
  }
  const outbox: ExchangeEvent[] = []
  const core = createExchangeCore({
    markets: shardMarkets(topology, shard),
    emit: (event) => outbox.push(event),
  })

  let n = 0
  let lastCmdSeq = 0
  let lastTime = 0
  let pending: Pending[] = []
  const confirmed = new Map<number, string>()
  let publishedN = 0
  let lastEvtSeq = 0
  let role: 'standby' | 'promoting' | 'primary' = 'standby'
  let token = 0
  let flushing = false
  let flushScheduled = false
  /** Last result number of the batch being published (0: none in flight). */
  let inFlightLastN = 0
  let stopped = false
  const stats = {
    fenced: 0,
    divergences: 0,
    violations: [] as string[],
    takeovers: 0,
    /** performance.timeOrigin-relative ms of the last promotion and its first publish. */
    promotedAt: 0,
    firstPublishAt: 0,
    /** Epoch ms of the first and last command applied and of the last result published. */
    firstApplyAt: 0,
    lastApplyAt: 0,
    lastPublishAt: 0,
    cpuAtFirstApply: { user: 0, system: 0 },
    /** Most results held ahead of their commands at once. */
    maxAhead: 0,
  }
  const abort = new AbortController()

  const violation = (text: string) => {
    stats.violations.push(text)
    logger.error('event stream invariant broken', { shard, text })
  }

  const dropPublished = () => {
    let i = 0
    while (i < pending.length && pending[i]!.n <= publishedN) i++
    if (i > 0) pending = pending.slice(i)
  }

  const apply = (m: JsMsg) => {
    const stamp = Math.floor(m.info.timestampNanos / 1_000_000)
    const time = Math.max(stamp, lastTime)
    lastTime = time
    lastCmdSeq = m.seq
    if (n++ === 0) {
      stats.firstApplyAt = performance.timeOrigin + performance.now()
      stats.cpuAtFirstApply = process.cpuUsage()
    }
    let result: CommandResult
    try {
      result = core.apply(decodeExchangeCommand(m.data, m.seq), m.seq, time)
    } catch (error) {
      // Deterministic for every engine: the same bytes fail the same way.
      outbox.length = 0
      result = { ok: false, code: 'malformed_command', message: String(error) }
    }
    const json = encodeEntry({ n, cmd: m.seq, time, result, events: outbox.splice(0) })
    stats.lastApplyAt = performance.timeOrigin + performance.now()
    if (n <= publishedN) {
      const published = confirmed.get(n)
      confirmed.delete(n)
      if (published !== undefined && published !== json) {
        stats.divergences++
        logger.error('published result differs from this engine', { shard, n })
      }
    } else {
      pending.push({ n, json })
      if (role === 'primary' && !flushing && !flushScheduled) {
        // Once per run of commands: the batch gathers what arrives before it is published.
        flushScheduled = true
        setImmediate(flush)
      }
    }
  }

  const onEvent = (m: JsMsg) => {
    if (m.seq <= lastEvtSeq) return // our own publish, already accounted for
    lastEvtSeq = m.seq
    if (inFlightLastN > 0) {
      // Our own batch, delivered before its publish acknowledgement: no need to parse it.
      const head = batchHead(m.data)
      if (head?.node === node && head.token === token) {
        if (inFlightLastN > publishedN) publishedN = inFlightLastN
        dropPublished()
        return
      }
    }
    let message: ReturnType<typeof decodeShardMessageTexts>
    try {
      message = decodeShardMessageTexts(m.data)
    } catch {
      violation(`event ${m.seq} is not a shard message`)
      return
    }
    if (message.type === 'takeover') {
      if (message.after !== publishedN)
        violation(`takeover ${m.seq} after ${message.after}, published ${publishedN}`)
      if (role !== 'standby' && message.token !== token) demote(`takeover by ${message.node}`)
      return
    }
    for (const entry of message.entries) {
      if (entry.n !== publishedN + 1)
        violation(`event ${m.seq}: result ${entry.n} follows ${publishedN}`)
      if (entry.n > publishedN) publishedN = entry.n
      // `pending` holds consecutive numbers: this entry's own result is found by offset.
      const mine = pending.length > 0 ? pending[entry.n - pending[0]!.n] : undefined
      if (mine?.n === entry.n) {
        if (mine.json !== entry.text) {
          stats.divergences++
          logger.error('published result differs from this engine', { shard, n: entry.n })
        }
      } else if (entry.n > n) confirmed.set(entry.n, entry.text)
    }
    dropPublished()
  }

  const demote = (why: string) => {
    if (role === 'standby') return
    logger.warn('no longer primary', { shard, node, why })
    role = 'standby'
    lease.resign()
  }

  async function flush() {
    flushScheduled = false
    if (flushing || role !== 'primary') return
    flushing = true
    try {
      while (role === 'primary' && pending.length > 0 && !stopped) {
        const batch = pending.slice(0, batchLength())
        if (batch[0]!.n !== publishedN + 1) {
          violation(`primary would publish ${batch[0]!.n} after ${publishedN}`)
          demote('out of step')
          break
        }
        const data = encodeBatch(
          { shard, node, token },
          batch.map((e) => e.json),
        )
        try {
          inFlightLastN = batch[batch.length - 1]!.n
          const seq = await publishFenced({
            js,
            subject: eventSubject,
            expectedLastSeq: lastEvtSeq,
            data,
          }).finally(() => {
            inFlightLastN = 0
          })
          if (seq > lastEvtSeq) lastEvtSeq = seq
          const last = batch[batch.length - 1]!.n
          if (last > publishedN) publishedN = last
          if (stats.firstPublishAt === 0) stats.firstPublishAt = performance.now()
          stats.lastPublishAt = performance.timeOrigin + performance.now()
          dropPublished()
        } catch (error) {
          if (error instanceof ShardFencedError) {
            stats.fenced++
            demote('fenced: another primary published')
            break
          }
          logger.error('event publish failed; retrying', { shard, error: String(error) })
          await sleep(50)
        }
      }
    } finally {
      flushing = false
    }
  }

  async function takeOver(newToken: number) {
    role = 'promoting'
    token = newToken
    stats.promotedAt = performance.now()
    stats.firstPublishAt = 0
    while (role === 'promoting' && !stopped) {
      try {
        const last = await lastSubjectSeq(jsm, names.eventStream, eventSubject)
        while (lastEvtSeq < last && role === 'promoting') await sleep(2)
        if (role !== 'promoting') return
        const seq = await publishFenced({
          js,
          subject: eventSubject,
          expectedLastSeq: lastEvtSeq,
          data: encodeTakeover({ shard, node, token, after: publishedN }),
        })
        if (seq > lastEvtSeq) lastEvtSeq = seq
        stats.takeovers++
        role = 'primary'
        logger.info('primary', { shard, node, token, after: publishedN })
        if (stats.firstPublishAt === 0 && pending.length === 0)
          stats.firstPublishAt = performance.now()
        void flush()
      } catch (error) {
        if (!(error instanceof ShardFencedError))
          logger.error('takeover failed; retrying', { shard, error: String(error) })
        await sleep(10)
      }
    }
  }

  const lease = createShardLease({
    kv: nats.leases,
    shard,
    node,
    ttlMs: topology.lease.ttlMs,
    renewMs: topology.lease.renewMs,
    onChange(state: LeaseState) {
      if (state.role === 'primary') void takeOver(state.token)
      else demote('lease lost')
    },
    onError: (error) => logger.warn('lease', { shard, error: String(error) }),
  })

  // Follow both subjects from the start: the state is rebuilt from the commands, the published
  // history from the events. The lease is only sought once both are caught up.
  const follow = async (
    stream: string,
    subject: string,
    handle: (m: JsMsg) => void,
    /** Resolves when the handler may take the next message (back-pressure). */
    ready?: () => Promise<void>,
  ): Promise<void> => {
    const consumer = await js.consumers.get(stream, {
      filter_subjects: subject,
      deliver_policy: DeliverPolicy.All,
    })
    if (!ready) {
      // No back-pressure: a callback per message, no promise or await per message.
      const messages = await consumer.consume({
        max_messages: 4_096,
        callback: (m) => {
          if (!stopped) handle(m)
        },
      })
      abort.signal.addEventListener('abort', () => void messages.stop(), { once: true })
      const closed = await messages.closed()
      if (closed instanceof Error) throw closed
      return
    }
    const messages = await consumer.consume({ max_messages: 1_024 })
    abort.signal.addEventListener('abort', () => void messages.stop(), { once: true })
    for await (const m of messages) {
      if (stopped) break
      handle(m)
      await ready()
    }
  }
  // Results published ahead of the commands this engine has applied wait in `confirmed`; while
  // it catches up (a restart replays both subjects), keep that bounded.
  const eventsMayRunAhead = async () => {
    if (confirmed.size > stats.maxAhead) stats.maxAhead = confirmed.size
    while (confirmed.size >= maxAhead && !stopped) await sleep(5)
  }
  const lastCommand = await lastSubjectSeq(jsm, names.commandStream, commandSubject)
  const lastEvent = await lastSubjectSeq(jsm, names.eventStream, eventSubject)
  const followers = [
    follow(names.eventStream, eventSubject, onEvent, eventsMayRunAhead),
    follow(names.commandStream, commandSubject, apply),
  ].map((p) =>
    p.catch((error: unknown) => {
      if (!stopped) logger.error('consumer stopped', { shard, error: String(error) })
    }),
  )
  while ((lastEvtSeq < lastEvent || lastCmdSeq < lastCommand) && !stopped) await sleep(5)
  lease.start()

  return {
    shard,
    node,
    get role() {
      return role
    },
    get token() {
      return token
    },
    /** Role and progress (cheap: no state export). */
    status() {
      return {
        shard,
        node,
        role,
        token,
        n,
        publishedN,
        pending: pending.length,
        appliedSeq: lastCmdSeq,
        settlementSeq: core.settlementSeq,
        fenced: stats.fenced,
        divergences: stats.divergences,
        violations: stats.violations.slice(0, 20),
        takeovers: stats.takeovers,
        maxAhead: stats.maxAhead,
        promotedAt: stats.promotedAt,
        firstPublishAt: stats.firstPublishAt,
        timeOrigin: performance.timeOrigin,
        firstApplyAt: stats.firstApplyAt,
        lastApplyAt: stats.lastApplyAt,
        lastPublishAt: stats.lastPublishAt,
        /** CPU µs this process used since it applied its first command. */
        cpuSinceFirstApply: process.cpuUsage(stats.cpuAtFirstApply),
      }
    },
    /** {@link status} with the state hash and every balance (exports the state). */
    state() {
      return { ...this.status(), stateHash: core.stateHash(), balances: core.snapshot().balances }
    },
    async stop(options: { release?: boolean } = {}) {
      stopped = true
      if (options.release) await lease.release()
      else lease.stop()
      abort.abort()
      await Promise.all(followers)
    },
  }
}

export type ShardEngine = Awaited<ReturnType<typeof startShardEngine>>
