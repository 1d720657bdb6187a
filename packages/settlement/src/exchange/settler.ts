import { createHash } from 'node:crypto'
import { type LedgerAccountRef, mulDiv } from '@strongroom/core'
import { SettlementInputError, type SettlementRejection, transferIdOf } from '../errors.js'
import { accountUpdateCtes, insufficient } from '../ledger/accountDeltas.js'
import { type Ledger, ledgerInternals } from '../ledger/openLedger.js'
import { ACCOUNT_FLAG_BITS } from '../ledger/types.js'
import type { SqlExecutor } from '../store/sqlStore.js'
import { sqlState } from '../store/sqlStore.js'
import {
  ACCOUNT_ROLES,
  availableAccount,
  feeAccount,
  lockedAccount,
  TRANSFER_CODES,
} from './accounts.js'
import { assertSettlementEvents, type SettlementEvent } from './events.js'

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

type Slot = { available: number; locked: number }

/** One leg of an event: debit and credit account ids (numbers), amount, transfer code. */
type LegSink = (debit: number, credit: number, amount: bigint, code: number) => void

class Netting {
  readonly debits = new Map<number, bigint>()
  readonly credits = new Map<number, bigint>()
  readonly sink: LegSink = (debit, credit, amount) => {
    this.debits.set(debit, (this.debits.get(debit) ?? 0n) + amount)
    this.credits.set(credit, (this.credits.get(credit) ?? 0n) + amount)
  }

  ids(): number[] {
    const ids = new Set<number>(this.debits.keys())
    for (const id of this.credits.keys()) ids.add(id)
    return [...ids].sort((a, b) => a - b)
  }

  arrays(ids: readonly number[]): [string, string, string] {
    let d = ''
    let c = ''
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!
      if (i > 0) {
        d += ','
        c += ','
      }
      d += this.debits.get(id) ?? 0n
      c += this.credits.get(id) ?? 0n
    }
    return [`{${ids.join(',')}}`, `{${d}}`, `{${c}}`]
  }

  digest(events: readonly SettlementEvent[]): string {
    const ids = this.ids()
    const hash = createHash('sha256')
    hash.update(`${events.length}|${events[0]!.key}|${events[events.length - 1]!.key}`)
    for (const id of ids)
      hash.update(`|${id}:${this.debits.get(id) ?? 0n}:${this.credits.get(id) ?? 0n}`)
    return hash.digest('hex')
  }
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

/**
 * Creates the settler that applies journaled exchange events to a ledger.
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
  const customers = new Map<string, Map<string, Slot>>()
  const feeSlots = new Map<string, { maker: number; taker: number }>()
  const refById = new Map<number, { ref: LedgerAccountRef; flags: number }>()

  const customer = (owner: string, asset: string): Slot | undefined =>
    customers.get(owner)?.get(asset)

  /** Makes sure every account the events touch is known; returns the first unknown one. */
  async function prepare(
    events: readonly SettlementEvent[],
  ): Promise<{ ref: LedgerAccountRef; key: string } | undefined> {
    const wanted: { ref: LedgerAccountRef; key: string }[] = []
    const want = (owner: string, asset: string, key: string) => {
      if (!customer(owner, asset)) {
        wanted.push({ ref: availableAccount(owner, asset), key })
        wanted.push({ ref: lockedAccount(owner, asset), key })
      }
    }
    const wantFees = (asset: string, key: string) => {
      if (!feeSlots.has(asset)) {
        wanted.push({ ref: feeAccount(asset, 'maker'), key })
        wanted.push({ ref: feeAccount(asset, 'taker'), key })
      }
    }
    for (const event of events) {
      if (event.type === 'trade') {
        want(event.buyer, event.base, event.key)
        want(event.buyer, event.quote, event.key)
        want(event.seller, event.base, event.key)
        want(event.seller, event.quote, event.key)
        wantFees(event.base, event.key)
        wantFees(event.quote, event.key)
      } else {
        want(event.owner, event.asset, event.key)
      }
    }
    if (wanted.length === 0) return undefined
    await internals.cache.resolve(
      internals.store,
      wanted.map((w) => w.ref),
    )
    for (const { ref, key } of wanted) {
      const found = internals.cache.get(ref)
      if (!found) return { ref, key }
      refById.set(Number(found.id), { ref: found.ref, flags: found.flags })
    }
    for (const { ref } of wanted) {
      const id = Number(internals.cache.get(ref)!.id)
      if (ref.role === ACCOUNT_ROLES.available || ref.role === ACCOUNT_ROLES.locked) {
        let byAsset = customers.get(ref.owner)
        if (!byAsset) {
          byAsset = new Map()
          customers.set(ref.owner, byAsset)
        }
        const slot = byAsset.get(ref.asset) ?? { available: -1, locked: -1 }
        if (ref.role === ACCOUNT_ROLES.available) slot.available = id
        else slot.locked = id
        byAsset.set(ref.asset, slot)
      } else {
        const slot = feeSlots.get(ref.asset) ?? { maker: -1, taker: -1 }
        if (ref.role === ACCOUNT_ROLES.makerFees) slot.maker = id
        else slot.taker = id
        feeSlots.set(ref.asset, slot)
      }
    }
    return undefined
  }

  /** Emits the legs of one event (accounts known). */
  function legs(event: SettlementEvent, sink: LegSink): void {
    if (event.type === 'lock') {
      const slot = customer(event.owner, event.asset)!
      sink(slot.available, slot.locked, event.amount, TRANSFER_CODES.lock)
      return
    }
    if (event.type === 'release') {
      const slot = customer(event.owner, event.asset)!
      sink(slot.locked, slot.available, event.amount, TRANSFER_CODES.release)
      return
    }
    const buyerBase = customer(event.buyer, event.base)!
    const buyerQuote = customer(event.buyer, event.quote)!
    const sellerBase = customer(event.seller, event.base)!
    const sellerQuote = customer(event.seller, event.quote)!
    const buyerRate = event.maker === 'buyer' ? fees.maker : fees.taker
    const sellerRate = event.maker === 'seller' ? fees.maker : fees.taker
    const buyerFee =
      event.buyerFee ?? mulDiv(event.baseAmount, buyerRate.numerator, buyerRate.denominator, 'ceil')
    const sellerFee =
      event.sellerFee ??
      mulDiv(event.quoteAmount, sellerRate.numerator, sellerRate.denominator, 'ceil')
    const baseFees = feeSlots.get(event.base)!
    const quoteFees = feeSlots.get(event.quote)!
    // Delivery: base from the seller's hold to the buyer, less the buyer's fee.
    if (event.baseAmount > buyerFee) {
      sink(
        sellerBase.locked,
        buyerBase.available,
        event.baseAmount - buyerFee,
        TRANSFER_CODES.trade,
      )
    }
    if (buyerFee > 0n) {
      const to = event.maker === 'buyer' ? baseFees.maker : baseFees.taker
      sink(
        sellerBase.locked,
        to,
        buyerFee,
        event.maker === 'buyer' ? TRANSFER_CODES.makerFee : TRANSFER_CODES.takerFee,
      )
    }
    // Payment: quote from the buyer's hold to the seller, less the seller's fee.
    if (event.quoteAmount > sellerFee) {
      sink(
        buyerQuote.locked,
        sellerQuote.available,
        event.quoteAmount - sellerFee,
        TRANSFER_CODES.trade,
      )
    }
    if (sellerFee > 0n) {
      const to = event.maker === 'seller' ? quoteFees.maker : quoteFees.taker
      sink(
        buyerQuote.locked,
        to,
        sellerFee,
        event.maker === 'seller' ? TRANSFER_CODES.makerFee : TRANSFER_CODES.takerFee,
      )
    }
  }

  function net(events: readonly SettlementEvent[]): Netting {
    const netting = new Netting()
    for (const event of events) legs(event, netting.sink)
    return netting
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
        net(slice).digest(slice) === batch.digest
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

  async function writeNetted(
    db: SqlExecutor,
    stream: string,
    fresh: readonly SettlementEvent[],
    netting: Netting,
    now: number,
  ): Promise<void> {
    const ids = netting.ids()
    await db.query(
      `with ws as (select nextval('ledger_write_seq') as s),
       b as (
         insert into settlement_batches
           (stream, first_seq, last_seq, event_count, first_key, last_key, digest, write_seq, at)
         select $1, $2, $3, $4, $5, $6, $7, s, $8 from ws
         returning 1
       ),
       c as (update settlement_cursors set last_seq = $3 where stream = $1 returning 1),
       ${accountUpdateCtes(9, '(select s from ws)', '$8::int8', true)}
       select (select count(*) from a)::int as accounts`,
      [
        stream,
        fresh[0]!.seq,
        fresh[fresh.length - 1]!.seq,
        fresh.length,
        fresh[0]!.key,
        fresh[fresh.length - 1]!.key,
        netting.digest(fresh),
        String(now),
        ...netting.arrays(ids),
      ],
    )
  }

  async function writePerLeg(
    db: SqlExecutor,
    stream: string,
    fresh: readonly SettlementEvent[],
    netting: Netting,
    now: number,
  ): Promise<void> {
    const [seqRow] = await db.query<{ s: string }>(`select nextval('ledger_write_seq')::text as s`)
    const writeSeq = seqRow!.s
    for (const event of fresh) {
      const eventLegs: [number, number, bigint, number][] = []
      legs(event, (debit, credit, amount, code) => eventLegs.push([debit, credit, amount, code]))
      for (let n = 0; n < eventLegs.length; n++) {
        const [debit, credit, amount, code] = eventLegs[n]!
        await db.query(
          `insert into ledger_transfers (id, debit_account_id, credit_account_id, amount, kind,
             code, reference, write_seq, created_at)
           values ($1, $2, $3, $4, 0, $5, $6, $7, $8)`,
          [
            `~${stream}:${event.seq}:${n}`,
            debit,
            credit,
            amount.toString(),
            code,
            event.key,
            writeSeq,
            String(now),
          ],
        )
        await db.query(
          'update ledger_accounts set debits_posted = debits_posted + $1 where id = $2',
          [amount.toString(), debit],
        )
        await db.query(
          'update ledger_accounts set credits_posted = credits_posted + $1 where id = $2',
          [amount.toString(), credit],
        )
      }
    }
    await db.query(
      `insert into settlement_batches
         (stream, first_seq, last_seq, event_count, first_key, last_key, digest, write_seq, at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        stream,
        fresh[0]!.seq,
        fresh[fresh.length - 1]!.seq,
        fresh.length,
        fresh[0]!.key,
        fresh[fresh.length - 1]!.key,
        netting.digest(fresh),
        writeSeq,
        String(now),
      ],
    )
    await db.query('update settlement_cursors set last_seq = $2 where stream = $1', [
      stream,
      fresh[fresh.length - 1]!.seq,
    ])
    await db.query(
      `insert into ledger_balance_history
         (account_id, write_seq, at, debits_pending, debits_posted, credits_pending, credits_posted)
       select id, $2, $3, debits_pending, debits_posted, credits_pending, credits_posted
         from ledger_accounts where id = any($1::int8[]) and flags & ${ACCOUNT_FLAG_BITS.history} <> 0`,
      [`{${netting.ids().join(',')}}`, writeSeq, String(now)],
    )
  }

  /** After a CHECK breach: which account, and the first event that debits it. */
  async function diagnose(
    events: readonly SettlementEvent[],
    netting: Netting,
  ): Promise<SettlementRejection> {
    const ids = netting.ids()
    const rows = await internals.store.query<{
      id: string
      flags: number
      dpe: string
      dpo: string
      cpe: string
      cpo: string
    }>(
      `select id::text as id, flags, debits_pending::text as dpe, debits_posted::text as dpo,
              credits_pending::text as cpe, credits_posted::text as cpo
         from ledger_accounts where id = any($1::int8[]) order by id`,
      [`{${ids.join(',')}}`],
    )
    for (const row of rows) {
      const id = Number(row.id)
      const debits = BigInt(row.dpe) + BigInt(row.dpo) + (netting.debits.get(id) ?? 0n)
      const credits = BigInt(row.cpo) + (netting.credits.get(id) ?? 0n)
      if (row.flags & ACCOUNT_FLAG_BITS.debitsMustNotExceedCredits && debits > credits) {
        const culprit = events.find((event) => {
          let hit = false
          legs(event, (debit) => {
            if (debit === id) hit = true
          })
          return hit
        })
        return insufficient(refById.get(id)?.ref, culprit?.key, debits - credits)
      }
    }
    return insufficient(undefined, undefined, undefined)
  }

  async function applyOnce(
    stream: string,
    events: readonly SettlementEvent[],
  ): Promise<ApplyEventsReturnType> {
    let netting: Netting | undefined
    let fresh: readonly SettlementEvent[] = []
    try {
      return await internals.withRetry(async (tx) => {
        const lastSeq = await lockCursor(tx, stream)
        const firstFresh = events.findIndex((e) => e.seq > lastSeq)
        const applied = firstFresh === -1 ? events : events.slice(0, firstFresh)
        fresh = firstFresh === -1 ? [] : events.slice(firstFresh)
        if (applied.length > 0) {
          const refused = await verifyApplied(tx, stream, applied)
          if (refused) throw new Rejected(refused)
        }
        if (fresh.length === 0) {
          return { ok: true, applied: 0, skipped: applied.length, lastSeq } as const
        }
        netting = net(fresh)
        const now = internals.clock.now()
        try {
          if (strategy === 'netted') await writeNetted(tx, stream, fresh, netting, now)
          else await writePerLeg(tx, stream, fresh, netting, now)
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
      if (error instanceof BalanceBreach && netting) {
        return { ok: false, rejection: await diagnose(fresh, netting) }
      }
      throw error
    }
  }

  return {
    async apply({ stream, events }) {
      if (typeof stream !== 'string' || !/^[A-Za-z0-9_.:@/-]{1,128}$/.test(stream)) {
        throw new SettlementInputError('must be 1-128 characters from A-Z a-z 0-9 _ . : @ / -.', {
          path: ['stream'],
          rule: 'format',
        })
      }
      assertSettlementEvents(events)
      const unknown = await prepare(events)
      if (unknown) {
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
      return applyOnce(stream, events)
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
