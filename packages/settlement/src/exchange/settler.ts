import {
  PredecessorFailedError,
  SettlementInputError,
  type SettlementRejection,
  transferIdOf,
} from '../errors.js'
import { insufficient } from '../ledger/accountDeltas.js'
import { type Ledger, ledgerInternals } from '../ledger/openLedger.js'
import { ACCOUNT_FLAG_BITS } from '../ledger/types.js'
import type { SqlExecutor } from '../store/sqlStore.js'
import { sqlState } from '../store/sqlStore.js'
import { AccountSlots, availableAt, lockedAt } from './accountSlots.js'
import { TRANSFER_CODES } from './accounts.js'
import { assertSettlementEvents, type SettlementEvent } from './events.js'
import { Netting } from './netting.js'
import { writeNetted, writePerLeg } from './settlementWrites.js'

/** A fee rate as a fraction: `{ numerator: 10n, denominator: 10_000n }` is 10 basis points. */
export type FeeRate = { readonly numerator: bigint; readonly denominator: bigint }

/** Maker and taker fee rates, taken from what each side receives, rounded up (ceil). */
export type FeeSchedule = { readonly maker: FeeRate; readonly taker: FeeRate }

/**
 * How batches are written. `netted` (default): one statement per batch updates each touched
 * account once with the batch's summed debits and credits. `perLeg`: the straightforward
 * reference, one transfer row and two balance updates per leg. Both give the same balances.
 */
export type SettlementStrategy = 'netted' | 'perLeg'

/** Parameters of {@link createSettler}. */
export type CreateSettlerParameters = {
  readonly ledger: Ledger
  readonly fees: FeeSchedule
  readonly strategy?: SettlementStrategy | undefined
}

/** Parameters of {@link Settler.apply}. */
export type ApplyEventsParameters = {
  /** The journal stream (e.g. an instrument shard); sequence numbers are per stream. */
  readonly stream: string
  readonly events: readonly SettlementEvent[]
}

/** What {@link Settler.apply} returns. */
export type ApplyEventsReturnType =
  | {
      readonly ok: true
      /** Events written by this call. */
      readonly applied: number
      /** Events already applied before (skipped after checking them). */
      readonly skipped: number
      /** The stream's last applied sequence number after the call. */
      readonly lastSeq: number
    }
  | { readonly ok: false; readonly rejection: SettlementRejection }

/** Applies journaled order holds, releases and trades to the ledger, exactly once. */
export type Settler = {
  /**
   * Applies a batch of events of one stream in one database transaction (both legs of every
   * trade and its fees together: delivery versus payment). Events at or below the stream's last
   * applied sequence number are skipped, after checking that whole stored batches among them
   * have the same contents; so a batch replayed after a crash changes nothing.
   */
  apply(parameters: ApplyEventsParameters): Promise<ApplyEventsReturnType>
  /** The last sequence number applied for `stream` (0 when none). */
  lastApplied(stream: string): Promise<number>
}

function sharedSlots(shared: Map<string, unknown>): AccountSlots {
  const existing = shared.get('settler.slots')
  if (existing instanceof AccountSlots) return existing
  const slots = new AccountSlots()
  shared.set('settler.slots', slots)
  return slots
}

/** One leg of an event: debit and credit account slots, amount, transfer code. */
type LegSink = (debit: number, credit: number, amount: bigint, code: number) => void

/** A queued batch: when its write statement is on the wire, and whether it succeeded. */
type Link = { readonly dispatched: Promise<void>; readonly done: Promise<boolean> }

const IDLE: Link = { dispatched: Promise.resolve(), done: Promise.resolve(true) }

/** Events netted between two yields to the event loop while another batch is being written. */
const NET_SLICE = 4_096

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve))

/** A fee at `rate` of a non-negative amount, rounded up (ceil): exact bigint arithmetic. */
function feeOf(amount: bigint, rate: FeeRate): bigint {
  if (rate.numerator === 0n) return 0n
  return (amount * rate.numerator + rate.denominator - 1n) / rate.denominator
}

class Rejected extends Error {
  readonly rejection: SettlementRejection
  constructor(rejection: SettlementRejection) {
    super(rejection.message)
    this.rejection = rejection
  }
}

class BalanceBreach extends Error {}

function assertRate(rate: FeeRate, path: string): void {
  if (
    typeof rate?.numerator !== 'bigint' ||
    typeof rate.denominator !== 'bigint' ||
    rate.numerator < 0n ||
    rate.denominator <= 0n ||
    rate.numerator > rate.denominator
  ) {
    throw new SettlementInputError('must be a fraction from 0 to 1 with a positive denominator.', {
      path: ['fees', path],
      rule: 'out_of_range',
    })
  }
}

const STREAM = /^[A-Za-z0-9_.:@/-]{1,128}$/

/**
 * Creates the settler that applies journaled exchange events to a ledger.
 *
 * Calls to {@link Settler.apply} may overlap: each batch is validated and netted at once (while
 * an earlier batch is still being written), and written strictly in call order. If a batch
 * fails, the batches queued behind it on the same stream are refused with
 * {@link PredecessorFailedError} rather than applied out of order.
 *
 * @example
 * ```ts
 * const settler = createSettler({ ledger, fees: { maker: { numerator: 1n, denominator: 10_000n }, taker: { numerator: 5n, denominator: 10_000n } } })
 * await settler.apply({ stream: 'BTC-USDT', events })
 * ```
 * @throws {SettlementInputError} when the fee schedule is malformed.
 */
export function createSettler(parameters: CreateSettlerParameters): Settler {
  const { fees } = parameters
  assertRate(fees.maker, 'maker')
  assertRate(fees.taker, 'taker')
  const strategy = parameters.strategy ?? 'netted'
  const internals = ledgerInternals(parameters.ledger)
  // One set of slots per ledger: every settler of it reuses the accounts already resolved.
  const slots = sharedSlots(internals.shared)
  /** Per stream: the last queued write (statement sent; done and whether it succeeded). */
  const chains = new Map<string, Link>()

  /**
   * Emits the legs of one event as slots. Returns false, emitting nothing, when one of its
   * accounts has no slot yet (then the accounts are resolved and the batch netted again).
   */
  function legs(event: SettlementEvent, sink: LegSink): boolean {
    if (event.type !== 'trade') {
      const row = slots.owner(event.owner)
      const a = slots.asset(event.asset)
      if (row === undefined || a === undefined) return false
      const available = row[availableAt(a)]
      const locked = row[lockedAt(a)]
      if (available === undefined || locked === undefined) return false
      if (event.type === 'lock') sink(available, locked, event.amount, TRANSFER_CODES.lock)
      else sink(locked, available, event.amount, TRANSFER_CODES.release)
      return true
    }
    const buyer = slots.owner(event.buyer)
    const seller = slots.owner(event.seller)
    const b = slots.asset(event.base)
    const q = slots.asset(event.quote)
    if (buyer === undefined || seller === undefined || b === undefined || q === undefined) {
      return false
    }
    const buyerBase = buyer[availableAt(b)]
    const buyerQuote = buyer[lockedAt(q)]
    const sellerBase = seller[lockedAt(b)]
    const sellerQuote = seller[availableAt(q)]
    const buyerIsMaker = event.maker === 'buyer'
    const baseFees = buyerIsMaker ? slots.makerFees[b] : slots.takerFees[b]
    const quoteFees = buyerIsMaker ? slots.takerFees[q] : slots.makerFees[q]
    if (
      buyerBase === undefined ||
      buyerQuote === undefined ||
      sellerBase === undefined ||
      sellerQuote === undefined ||
      baseFees === undefined ||
      quoteFees === undefined
    ) {
      return false
    }
    const buyerFee =
      event.buyerFee ?? feeOf(event.baseAmount, buyerIsMaker ? fees.maker : fees.taker)
    const sellerFee =
      event.sellerFee ?? feeOf(event.quoteAmount, buyerIsMaker ? fees.taker : fees.maker)
    // Delivery: base from the seller's hold to the buyer, less the buyer's fee.
    if (event.baseAmount > buyerFee) {
      sink(sellerBase, buyerBase, event.baseAmount - buyerFee, TRANSFER_CODES.trade)
    }
    if (buyerFee > 0n) {
      sink(
        sellerBase,
        baseFees,
        buyerFee,
        buyerIsMaker ? TRANSFER_CODES.makerFee : TRANSFER_CODES.takerFee,
      )
    }
    // Payment: quote from the buyer's hold to the seller, less the seller's fee.
    if (event.quoteAmount > sellerFee) {
      sink(buyerQuote, sellerQuote, event.quoteAmount - sellerFee, TRANSFER_CODES.trade)
    }
    if (sellerFee > 0n) {
      sink(
        buyerQuote,
        quoteFees,
        sellerFee,
        buyerIsMaker ? TRANSFER_CODES.takerFee : TRANSFER_CODES.makerFee,
      )
    }
    return true
  }

  type Prepared = {
    netting: Netting
    sorted: number[]
    arrays: [string, string, string]
    digest: string
  }

  /** Nets a batch; `undefined` when an account it names has no slot yet. */
  function net(events: readonly SettlementEvent[]): Prepared | undefined {
    const netting = new Netting(slots.size)
    for (const event of events) if (!legs(event, netting.add)) return undefined
    return finish(events, netting)
  }

  /**
   * {@link net} in slices, yielding to the event loop between them, so that the statement of
   * the batch before (megabytes of parameters) keeps flowing to the database meanwhile.
   */
  async function netInSlices(events: readonly SettlementEvent[]): Promise<Prepared | undefined> {
    const netting = new Netting(slots.size)
    for (let start = 0; start < events.length; start += NET_SLICE) {
      if (start > 0) await yieldToEventLoop()
      const end = Math.min(events.length, start + NET_SLICE)
      for (let i = start; i < end; i++) if (!legs(events[i]!, netting.add)) return undefined
    }
    await yieldToEventLoop()
    return finish(events, netting)
  }

  function finish(events: readonly SettlementEvent[], netting: Netting): Prepared {
    const sorted = netting.sorted(slots.order, slots.accountIds)
    const arrays = netting.arrays(sorted, slots.accountIds)
    const digest = Netting.digest(
      events.length,
      events[0]!.key,
      events[events.length - 1]!.key,
      arrays,
    )
    return { netting, sorted, arrays, digest }
  }

  /** Checks already-applied events against the stored batches they fully cover. */
  async function verifyApplied(
    db: SqlExecutor,
    stream: string,
    applied: readonly SettlementEvent[],
  ): Promise<SettlementRejection | undefined> {
    const first = applied[0]!.seq
    const last = applied[applied.length - 1]!.seq
    const stored = await db.query<{
      first_seq: string
      last_seq: string
      event_count: number
      first_key: string
      last_key: string
      digest: string
    }>(
      `select first_seq::text as first_seq, last_seq::text as last_seq, event_count, first_key,
              last_key, digest
         from settlement_batches where stream = $1 and last_seq >= $2 and first_seq <= $3
        order by first_seq`,
      [stream, first, last],
    )
    for (const batch of stored) {
      const from = Number(batch.first_seq)
      const to = Number(batch.last_seq)
      if (from < first || to > last) continue
      const slice = applied.filter((e) => e.seq >= from && e.seq <= to)
      const same =
        slice.length === Number(batch.event_count) &&
        slice[0]?.key === batch.first_key &&
        slice[slice.length - 1]?.key === batch.last_key &&
        net(slice)?.digest === batch.digest
      if (!same) {
        return {
          code: 'SETTLEMENT_ID_CONFLICT',
          message: `Events ${from}..${to} of stream ${stream} were applied before with different contents.`,
          transferId: transferIdOf(slice[0]?.key),
        }
      }
    }
    return undefined
  }

  async function lockCursor(db: SqlExecutor, stream: string): Promise<number> {
    const [row] = await db.query<{ last_seq: string }>(
      `insert into settlement_cursors (stream, last_seq) values ($1, 0)
       on conflict (stream) do update set last_seq = settlement_cursors.last_seq
       returning last_seq::text as last_seq`,
      [stream],
    )
    return Number(row!.last_seq)
  }

  /** After a CHECK breach: which account, and the first event that debits it. */
  async function diagnose(
    events: readonly SettlementEvent[],
    prepared: Prepared,
  ): Promise<SettlementRejection> {
    const { netting, sorted } = prepared
    const rows = await internals.store.query<{
      id: string
      flags: number
      dpe: string
      dpo: string
      cpo: string
    }>(
      `select id::text as id, flags, debits_pending::text as dpe, debits_posted::text as dpo,
              credits_posted::text as cpo
         from ledger_accounts where id = any($1::int8[]) order by id`,
      [`{${sorted.map((slot) => slots.accountIds[slot]).join(',')}}`],
    )
    const slotOf = new Map(sorted.map((slot) => [slots.accountIds[slot]!, slot]))
    for (const row of rows) {
      const slot = slotOf.get(Number(row.id))!
      const debits = BigInt(row.dpe) + BigInt(row.dpo) + netting.debits[slot]!
      const credits = BigInt(row.cpo) + netting.credits[slot]!
      if (row.flags & ACCOUNT_FLAG_BITS.debitsMustNotExceedCredits && debits > credits) {
        const culprit = events.find((event) => {
          let hit = false
          legs(event, (debit) => {
            if (debit === slot) hit = true
          })
          return hit
        })
        return insufficient(slots.refs[slot], culprit?.key, debits - credits)
      }
    }
    return insufficient(undefined, undefined, undefined)
  }

  const legsWithIds = (event: SettlementEvent) => {
    const out: [number, number, bigint, number][] = []
    legs(event, (debit, credit, amount, code) =>
      out.push([slots.accountIds[debit]!, slots.accountIds[credit]!, amount, code]),
    )
    return out
  }

  async function commit(
    stream: string,
    events: readonly SettlementEvent[],
    prepared: Prepared,
    dispatched: () => void,
  ): Promise<ApplyEventsReturnType> {
    let written: { fresh: readonly SettlementEvent[]; prepared: Prepared } | undefined
    try {
      return await internals.withRetry(async (tx) => {
        const lastSeq = await lockCursor(tx, stream)
        const firstFresh = events.findIndex((e) => e.seq > lastSeq)
        const applied = firstFresh === -1 ? events : events.slice(0, firstFresh)
        const fresh = firstFresh === -1 ? [] : events.slice(firstFresh)
        if (applied.length > 0) {
          const refused = await verifyApplied(tx, stream, applied)
          if (refused) throw new Rejected(refused)
        }
        if (fresh.length === 0) {
          dispatched()
          return { ok: true, applied: 0, skipped: applied.length, lastSeq } as const
        }
        const freshPrepared = firstFresh === 0 ? prepared : net(fresh)!
        written = { fresh, prepared: freshPrepared }
        const batch = {
          stream,
          events: fresh,
          arrays: freshPrepared.arrays,
          slots: freshPrepared.sorted,
          accountIds: slots.accountIds,
          flags: slots.flags,
          digest: freshPrepared.digest,
          now: internals.clock.now(),
        }
        try {
          if (strategy === 'netted') await writeNetted(tx, batch, dispatched)
          else {
            dispatched()
            await writePerLeg(tx, batch, legsWithIds)
          }
        } catch (error) {
          if (sqlState(error) === '23514') throw new BalanceBreach()
          throw error
        }
        return {
          ok: true,
          applied: fresh.length,
          skipped: applied.length,
          lastSeq: fresh[fresh.length - 1]!.seq,
        } as const
      })
    } catch (error) {
      if (error instanceof Rejected) return { ok: false, rejection: error.rejection }
      if (error instanceof BalanceBreach && written) {
        return { ok: false, rejection: await diagnose(written.fresh, written.prepared) }
      }
      throw error
    }
  }

  return {
    async apply({ stream, events }) {
      if (typeof stream !== 'string' || !STREAM.test(stream)) {
        throw new SettlementInputError('must be 1-128 characters from A-Z a-z 0-9 _ . : @ / -.', {
          path: ['stream'],
          rule: 'format',
        })
      }
      assertSettlementEvents(events)
      const previous = chains.get(stream) ?? IDLE
      let dispatched: () => void = () => {}
      let settle: (ok: boolean) => void = () => {}
      const link: Link = {
        dispatched: new Promise<void>((resolve) => {
          dispatched = resolve
        }),
        done: new Promise<boolean>((resolve) => {
          settle = resolve
        }),
      }
      chains.set(stream, link)
      try {
        // Net this batch while the one before it executes in the database (its statement is
        // on the wire by then), then write after it.
        await previous.dispatched
        let prepared = previous === IDLE ? net(events) : await netInSlices(events)
        if (!prepared) {
          // Accounts not seen before: resolve them, then net again.
          const unknown = await slots.prepare(internals.store, internals.cache, events)
          if (unknown) {
            await previous.done
            settle(false)
            return {
              ok: false,
              rejection: {
                code: 'SETTLEMENT_UNKNOWN_ACCOUNT',
                message: `No account ${unknown.ref.owner}/${unknown.ref.asset}/${unknown.ref.role}.`,
                transferId: transferIdOf(unknown.key),
                account: unknown.ref,
              },
            }
          }
          prepared = net(events)!
        }
        if (!(await previous.done)) {
          throw new PredecessorFailedError(
            `An earlier batch of stream ${stream} failed; this one (from sequence ${events[0]!.seq}) was not applied.`,
            { code: 'SETTLEMENT_PREDECESSOR_FAILED' },
          )
        }
        const result = await commit(stream, events, prepared, dispatched)
        settle(result.ok)
        return result
      } catch (error) {
        settle(false)
        throw error
      } finally {
        dispatched()
        if (chains.get(stream) === link) chains.delete(stream)
      }
    },

    async lastApplied(stream) {
      const [row] = await internals.store.query<{ last_seq: string }>(
        'select last_seq::text as last_seq from settlement_cursors where stream = $1',
        [stream],
      )
      return row ? Number(row.last_seq) : 0
    },
  }
}
