import { DeliverPolicy } from '@nats-io/jetstream'
import type { Logger } from '@strongroom/core'
import { z } from 'zod'
import { type ExchangeCommand, encodeExchangeCommand } from '../core/commands.js'
import type { CommandResult } from '../core/exchangeCore.js'
import type { LedgerService } from '../services/ledgerService.js'
import type { NatsTopology } from './natsTopology.js'
import { shardOf, type Topology } from './topology.js'
import { decodeShardMessage } from './wire.js'

const id = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1-64 of A-Z a-z 0-9 _ . : -')
const lots = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)

/** Bodies of the gateway's routes (prices in ticks, quantities in lots, amounts in minor units). */
export const gatewaySchemas = {
  account: z.strictObject({ account: id }),
  fund: z.strictObject({
    account: id,
    shard: z.string().min(1),
    asset: z.string().regex(/^[A-Z0-9]{2,10}$/),
    amount: z.string().regex(/^[1-9][0-9]{0,40}$/, 'must be a positive integer of minor units'),
    reference: id,
  }),
  order: z.strictObject({
    account: id,
    symbol: z.string(),
    side: z.enum(['buy', 'sell']),
    type: z.enum(['limit', 'market']),
    price: lots.optional(),
    quantity: lots,
    timeInForce: z.enum(['GTC', 'IOC', 'FOK']).optional(),
    clientOrderId: id.optional(),
  }),
  cancel: z.strictObject({ account: id, symbol: z.string(), orderId: lots }),
  transfer: z.strictObject({
    account: id,
    asset: z.string().regex(/^[A-Z0-9]{2,10}$/),
    amount: z.string().regex(/^[1-9][0-9]{0,40}$/, 'must be a positive integer of minor units'),
    from: z.string().min(1),
    to: z.string().min(1),
    reference: id,
  }),
}

/** A request the gateway refuses; `issues` name the fields. */
export class GatewayRequestError extends Error {
  readonly status: number
  readonly code: string
  readonly issues: { path: string; message: string }[]
  constructor(
    status: number,
    code: string,
    message: string,
    issues: { path: string; message: string }[] = [],
  ) {
    super(message)
    this.status = status
    this.code = code
    this.issues = issues
  }
}

/** What the gateway answers once a command's result is in the event stream. */
export type Acknowledged = { shard: string; cmd: number; n: number; result: CommandResult }

/**
 * A gateway of the scaled-out exchange: validates requests, publishes each command to its shard's
 * subject of the command stream and answers only when the shard's primary has published the
 * command's result on the event stream — an acknowledged command is therefore one in the event
 * history, which every standby has too.
 */
export async function startShardGateway(parameters: {
  nats: NatsTopology
  topology: Topology
  ledger: LedgerService
  logger: Logger
  /** How long to wait for a result before answering 504 (default 10 s). */
  timeoutMs?: number | undefined
}) {
  const { nats, topology, ledger, logger } = parameters
  const { js, jsm, names } = nats
  const timeoutMs = parameters.timeoutMs ?? 10_000
  const results = new Map<number, Acknowledged>()
  const waiters = new Map<number, (a: Acknowledged) => void>()
  const abort = new AbortController()

  const start = (await jsm.streams.info(names.eventStream)).state.last_seq + 1
  const consumer = await js.consumers.get(names.eventStream, {
    filter_subjects: `${topology.nats.prefix}.evt.*`,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: start,
  })
  const messages = await consumer.consume({ max_messages: 1_024 })
  abort.signal.addEventListener('abort', () => void messages.stop(), { once: true })
  const following = (async () => {
    for await (const m of messages) {
      const message = decodeShardMessage(m.data)
      if (message.type !== 'batch') continue
      for (const entry of message.entries) {
        const ack = { shard: message.shard, cmd: entry.cmd, n: entry.n, result: entry.result }
        const waiter = waiters.get(entry.cmd)
        if (waiter) {
          waiters.delete(entry.cmd)
          waiter(ack)
        } else {
          // The result can arrive before the publish acknowledgement: keep it briefly.
          results.set(entry.cmd, ack)
          if (results.size > 100_000) results.delete(results.keys().next().value!)
        }
      }
    }
  })().catch((error: unknown) => logger.error('event consumer stopped', { error: String(error) }))

  async function submit(shard: string, command: ExchangeCommand): Promise<Acknowledged> {
    const ack = await js.publish(names.commandSubject(shard), encodeExchangeCommand(command))
    const ready = results.get(ack.seq)
    if (ready) {
      results.delete(ack.seq)
      return ready
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(ack.seq)
        reject(
          new GatewayRequestError(
            504,
            'result_timeout',
            `Command ${ack.seq} is in the stream but no result was published within ${timeoutMs} ms.`,
          ),
        )
      }, timeoutMs)
      waiters.set(ack.seq, (a) => {
        clearTimeout(timer)
        resolve(a)
      })
    })
  }

  const parse = <T>(schema: z.ZodType<T>, body: unknown): T => {
    const parsed = schema.safeParse(body)
    if (parsed.success) return parsed.data
    throw new GatewayRequestError(
      422,
      'validation_failed',
      'The body failed validation.',
      parsed.error.issues.map((i) => ({ path: ['body', ...i.path].join('.'), message: i.message })),
    )
  }
  const shardFor = (symbol: string) => {
    const shard = shardOf(topology, symbol)
    if (!shard)
      throw new GatewayRequestError(422, 'validation_failed', `No market ${symbol}.`, [
        { path: 'body.symbol', message: `no market ${symbol}` },
      ])
    return shard
  }
  const answer = (a: Acknowledged) => ({ status: a.result.ok ? 200 : 422, body: a })

  return {
    submit,
    /** Opens an account in the ledger and in every shard. */
    async openAccount(body: unknown) {
      const { account } = parse(gatewaySchemas.account, body)
      await ledger.openCustomer(account)
      const acks = await Promise.all(
        topology.shards.map((s) => submit(s.id, { type: 'openAccount', account })),
      )
      const failed = acks.find((a) => !a.result.ok && a.result.code !== 'account_exists')
      return failed ? answer(failed) : { status: 200, body: { account, shards: acks } }
    },
    /**
     * Funds an account's balance partition on one shard: a balanced deposit from the faucet
     * wallet in the ledger, then a credit to the shard's core with the same reference. Both are
     * idempotent by the reference, so a request retried after a failure between them completes.
     */
    async fund(body: unknown) {
      const b = parse(gatewaySchemas.fund, body)
      if (!topology.shards.some((s) => s.id === b.shard))
        throw new GatewayRequestError(422, 'validation_failed', `No shard ${b.shard}.`, [
          { path: 'body.shard', message: `no shard ${b.shard}` },
        ])
      if (!topology.assets.some((a) => a.code === b.asset))
        throw new GatewayRequestError(422, 'validation_failed', `No asset ${b.asset}.`, [
          { path: 'body.asset', message: `no asset ${b.asset}` },
        ])
      await ledger.faucet(b.reference, b.account, b.asset, BigInt(b.amount))
      const credited = await submit(b.shard, {
        type: 'credit',
        account: b.account,
        asset: b.asset,
        amount: b.amount,
        reference: b.reference,
      })
      // A retried request: the deposit and the credit were both made the first time.
      if (!credited.result.ok && credited.result.code === 'duplicate_credit')
        return { status: 200, body: { ...credited, duplicate: true } }
      return answer(credited)
    },
    async placeOrder(body: unknown) {
      const b = parse(gatewaySchemas.order, body)
      return answer(
        await submit(shardFor(b.symbol), {
          type: 'placeOrder',
          account: b.account,
          symbol: b.symbol,
          side: b.side,
          orderType: b.type,
          price: b.price,
          quantity: b.quantity,
          timeInForce: b.timeInForce,
          clientOrderId: b.clientOrderId,
        }),
      )
    },
    /**
     * Moves funds of an account from its partition on one shard to its partition on another
     * (the ledger does not change: the owner's balance is the same, only where it can trade).
     * Three commands under one reference: hold on `from`, credit on `to`, then complete the hold.
     * Retrying the same reference after a failure finishes the transfer exactly once: a hold that
     * is still pending is found (`duplicate_withdrawal`), a credit already made is not repeated
     * (`duplicate_credit`), and a hold placed afresh for a transfer that had already completed
     * is released instead of completed (if the source no longer has the amount available, that
     * retry answers `insufficient_funds`; nothing moves twice). One caller retries a reference at
     * a time.
     */
    async transfer(body: unknown) {
      const b = parse(gatewaySchemas.transfer, body)
      for (const field of ['from', 'to'] as const)
        if (!topology.shards.some((s) => s.id === b[field]))
          throw new GatewayRequestError(422, 'validation_failed', `No shard ${b[field]}.`, [
            { path: `body.${field}`, message: `no shard ${b[field]}` },
          ])
      if (b.from === b.to)
        throw new GatewayRequestError(422, 'validation_failed', 'from and to are the same shard.', [
          { path: 'body.to', message: 'must differ from from' },
        ])
      const reference = `transfer:${b.reference}`
      const hold = await submit(b.from, {
        type: 'withdrawHold',
        account: b.account,
        asset: b.asset,
        amount: b.amount,
        withdrawalId: reference,
      })
      const holdCode = hold.result.ok ? 'ok' : hold.result.code
      if (holdCode !== 'ok' && holdCode !== 'duplicate_withdrawal') return answer(hold)
      const credit = await submit(b.to, {
        type: 'credit',
        account: b.account,
        asset: b.asset,
        amount: b.amount,
        reference,
      })
      const creditCode = credit.result.ok ? 'ok' : credit.result.code
      if (creditCode !== 'ok' && creditCode !== 'duplicate_credit') return answer(credit)
      const alreadyDone = holdCode === 'ok' && creditCode === 'duplicate_credit'
      const close = await submit(b.from, {
        type: alreadyDone ? 'withdrawRelease' : 'withdrawComplete',
        withdrawalId: reference,
      })
      if (!close.result.ok) return answer(close)
      return { status: 200, body: { reference, moved: !alreadyDone, hold, credit, close } }
    },
    async cancelOrder(body: unknown) {
      const b = parse(gatewaySchemas.cancel, body)
      return answer(await submit(shardFor(b.symbol), { type: 'cancelOrder', ...b }))
    },
    async stop() {
      abort.abort()
      await following
    },
  }
}

export type ShardGateway = Awaited<ReturnType<typeof startShardGateway>>
