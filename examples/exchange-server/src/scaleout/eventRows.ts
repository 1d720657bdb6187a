import type { SettlementEvent } from '@strongroom/settlement'
import type { ExchangeEvent } from '../core/events.js'

// The events of a published result as positional rows: `[kind, ...fields]` in the order of the
// tables below, bigints as decimal strings, `undefined` as null. An event's `seq` and `time` are
// its command's (the entry's `cmd` and `time`) and are left out; were they ever to differ, they
// follow the fields. One JSON.stringify of plain arrays per entry is several times cheaper than
// keyed objects with tagged bigints, and the text is a third of the size.

type Kind = ExchangeEvent['kind']
type EventOf<K extends Kind> = Extract<ExchangeEvent, { kind: K }>
type FieldOf<K extends Kind> = Exclude<keyof EventOf<K>, 'kind' | 'seq' | 'time'>
type BigintFieldOf<T> = { [F in keyof T]-?: T[F] extends bigint | undefined ? F : never }[keyof T]
type SettlementType = SettlementEvent['type']
type SettlementOf<T extends SettlementType> = Extract<SettlementEvent, { type: T }>

/** Field order of each event kind; a kind's code is its position (append new kinds at the end). */
const EVENT_FIELDS = {
  orderAccepted: [
    'account',
    'symbol',
    'orderId',
    'clientOrderId',
    'side',
    'orderType',
    'price',
    'quantity',
    'quoteBudget',
    'stopPrice',
  ],
  orderRejected: ['account', 'symbol', 'orderId', 'clientOrderId', 'action', 'code'],
  fill: [
    'symbol',
    'tradeId',
    'price',
    'quantity',
    'aggressorSide',
    'makerOrderId',
    'makerAccount',
    'takerOrderId',
    'takerAccount',
    'makerRemaining',
    'takerRemaining',
    'makerClientOrderId',
    'takerClientOrderId',
    'buyerFee',
    'sellerFee',
  ],
  orderCancelled: [
    'account',
    'symbol',
    'orderId',
    'clientOrderId',
    'cancelledQuantity',
    'remainingQuantity',
    'reason',
  ],
  orderExpired: ['account', 'symbol', 'orderId', 'clientOrderId', 'quantity'],
  orderTriggered: ['account', 'symbol', 'orderId', 'clientOrderId', 'lastTradePrice'],
  orderAmended: [
    'account',
    'symbol',
    'orderId',
    'clientOrderId',
    'price',
    'quantity',
    'keptPriority',
  ],
  level: ['symbol', 'mdSeq', 'side', 'price', 'quantity', 'orders'],
  l3: ['symbol', 'mdSeq', 'action', 'orderId', 'side', 'price', 'quantity'],
  bbo: ['symbol', 'bidPrice', 'bidQuantity', 'askPrice', 'askQuantity'],
  status: ['symbol', 'status', 'referencePrice'],
  balance: ['account', 'asset', 'available', 'locked'],
  settlement: ['event'],
  funds: ['action', 'account', 'asset', 'amount', 'reference'],
} as const satisfies { readonly [K in Kind]: readonly FieldOf<K>[] }

/** Bigint fields, decoded from their strings (checked against the event types below). */
const EVENT_BIGINTS = {
  fill: ['buyerFee', 'sellerFee'],
  balance: ['available', 'locked'],
  funds: ['amount'],
} as const satisfies { readonly [K in Kind]?: readonly BigintFieldOf<EventOf<K>>[] }

/** Field order of each settlement event type (its own `seq` included). */
const SETTLEMENT_FIELDS = {
  lock: ['seq', 'key', 'owner', 'asset', 'amount'],
  release: ['seq', 'key', 'owner', 'asset', 'amount'],
  trade: [
    'seq',
    'key',
    'base',
    'quote',
    'buyer',
    'seller',
    'baseAmount',
    'quoteAmount',
    'maker',
    'buyerFee',
    'sellerFee',
  ],
} as const satisfies {
  readonly [T in SettlementType]: readonly Exclude<keyof SettlementOf<T>, 'type'>[]
}

const SETTLEMENT_BIGINTS = {
  lock: ['amount'],
  release: ['amount'],
  trade: ['baseAmount', 'quoteAmount', 'buyerFee', 'sellerFee'],
} as const satisfies { readonly [T in SettlementType]: readonly BigintFieldOf<SettlementOf<T>>[] }

// Compile-time completeness: a field added to an event type without a place in the tables (or a
// bigint field not marked as one) fails the build here instead of vanishing from the wire.
type MissingEventField = {
  [K in Kind]: Exclude<FieldOf<K>, (typeof EVENT_FIELDS)[K][number]>
}[Kind]
type MissingEventBigint = {
  [K in Kind]: Exclude<
    BigintFieldOf<EventOf<K>>,
    K extends keyof typeof EVENT_BIGINTS ? (typeof EVENT_BIGINTS)[K][number] : never
  >
}[Kind]
type MissingSettlementField = {
  [T in SettlementType]:
    | Exclude<Exclude<keyof SettlementOf<T>, 'type'>, (typeof SETTLEMENT_FIELDS)[T][number]>
    | Exclude<BigintFieldOf<SettlementOf<T>>, (typeof SETTLEMENT_BIGINTS)[T][number]>
}[SettlementType]
type Unlisted = MissingEventField | MissingEventBigint | MissingSettlementField
const tablesComplete: [Unlisted] extends [never] ? true : Unlisted = true
void tablesComplete

type Layout = { readonly type: string; readonly fields: readonly string[]; readonly big: boolean[] }

function layouts(
  fields: Record<string, readonly string[]>,
  bigints: Partial<Record<string, readonly string[]>>,
): Layout[] {
  return Object.entries(fields).map(([type, names]) => ({
    type,
    fields: names,
    big: names.map((name) => bigints[type]?.includes(name) ?? false),
  }))
}

const EVENTS = layouts(EVENT_FIELDS, EVENT_BIGINTS)
const EVENT_CODE = new Map(EVENTS.map((l, i) => [l.type, i]))
const SETTLEMENTS = layouts(SETTLEMENT_FIELDS, SETTLEMENT_BIGINTS)
const SETTLEMENT_CODE = new Map(SETTLEMENTS.map((l, i) => [l.type, i]))
const SETTLEMENT = EVENT_CODE.get('settlement')!

function rowOf(code: number, layout: Layout, value: Record<string, unknown>): unknown[] {
  const fields = layout.fields
  const row: unknown[] = [code]
  for (let i = 0; i < fields.length; i++) {
    const v = value[fields[i]!]
    row.push(typeof v === 'bigint' ? v.toString() : v === undefined ? null : v)
  }
  return row
}

/** Fills `out` from a row's fields (from index 1); returns the index after them. */
function readRow(layout: Layout, row: unknown[], out: Record<string, unknown>): number {
  const { fields, big } = layout
  if (row.length < fields.length + 1) throw new Error(`short ${layout.type} row`)
  for (let i = 0; i < fields.length; i++) {
    const v = row[i + 1]
    if (v === null) out[fields[i]!] = undefined
    else if (big[i]) {
      if (typeof v !== 'string') throw new Error(`${layout.type}.${fields[i]} is not an integer`)
      out[fields[i]!] = BigInt(v)
    } else out[fields[i]!] = v
  }
  return fields.length + 1
}

/** The row of one event of the command `seq` at `time`. */
export function eventRow(event: ExchangeEvent, seq: number, time: number): unknown[] {
  const code = EVENT_CODE.get(event.kind)
  if (code === undefined) throw new Error(`no wire layout for event kind ${event.kind}`)
  let row: unknown[]
  if (event.kind === 'settlement') {
    const inner = event.event
    const innerCode = SETTLEMENT_CODE.get(inner.type)
    if (innerCode === undefined) throw new Error(`no wire layout for settlement ${inner.type}`)
    row = [code, rowOf(innerCode, SETTLEMENTS[innerCode]!, inner)]
  } else row = rowOf(code, EVENTS[code]!, event)
  if (event.seq !== seq || event.time !== time) row.push(event.seq, event.time)
  return row
}

/**
 * The event of a row published for the command `seq` at `time`.
 *
 * @throws {Error} when the row does not match any layout.
 */
export function eventOfRow(row: unknown, seq: number, time: number): ExchangeEvent {
  if (!Array.isArray(row)) throw new Error('event row is not an array')
  const layout = typeof row[0] === 'number' ? EVENTS[row[0]] : undefined
  if (!layout) throw new Error(`unknown event kind ${String(row[0])}`)
  const out: Record<string, unknown> = { kind: layout.type, seq, time }
  let next: number
  if (layout === EVENTS[SETTLEMENT]) {
    const inner = row[1] as unknown[]
    const innerLayout =
      Array.isArray(inner) && typeof inner[0] === 'number' ? SETTLEMENTS[inner[0]] : undefined
    if (!innerLayout) throw new Error('unknown settlement event')
    const event: Record<string, unknown> = { type: innerLayout.type }
    readRow(innerLayout, inner, event)
    out.event = event
    next = 2
  } else next = readRow(layout, row, out)
  if (row.length === next + 2) {
    out.seq = row[next]
    out.time = row[next + 1]
  } else if (row.length !== next) throw new Error(`${layout.type} row of ${row.length} values`)
  return out as ExchangeEvent
}
