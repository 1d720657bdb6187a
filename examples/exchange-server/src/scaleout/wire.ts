import type { ExchangeEvent } from '../core/events.js'
import type { CommandResult } from '../core/exchangeCore.js'
import { eventOfRow, eventRow } from './eventRows.js'

/**
 * What a shard engine published for one command: `n` counts the shard's commands from 1 without
 * gaps (so a consumer sees any loss or duplicate), `cmd` is the command's sequence number in the
 * command stream (what the gateway waits for), `time` the command's journaled time.
 */
export type ShardEntry = {
  readonly n: number
  readonly cmd: number
  readonly time: number
  readonly result: CommandResult
  readonly events: readonly ExchangeEvent[]
}

/**
 * One message on a shard's event subject. `token` is the fencing token of the primary that
 * published it (the lease revision it acquired); a `takeover` opens a new primary's term and
 * carries the last `n` published before it.
 */
export type ShardMessage =
  | {
      readonly type: 'batch'
      readonly shard: string
      readonly node: string
      readonly token: number
      readonly entries: readonly ShardEntry[]
    }
  | {
      readonly type: 'takeover'
      readonly shard: string
      readonly node: string
      readonly token: number
      readonly after: number
    }

type ResultRow = [1] | [1, number] | [0, string, string]

const resultRow = (result: CommandResult): ResultRow =>
  result.ok
    ? result.orderId === undefined
      ? [1]
      : [1, result.orderId]
    : [0, result.code, result.message]

/**
 * JSON text of an entry, as published and as compared byte for byte by standbys:
 * `[n, cmd, time, result, events]` with the result as `[1]`, `[1, orderId]` or
 * `[0, code, message]` and each event as a positional row (see `eventRows.ts`).
 */
export function encodeEntry(entry: ShardEntry): string {
  const { cmd, time } = entry
  const events: unknown[][] = new Array(entry.events.length)
  for (let i = 0; i < events.length; i++) events[i] = eventRow(entry.events[i]!, cmd, time)
  return JSON.stringify([entry.n, cmd, time, resultRow(entry.result), events])
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v)

function entryOfRow(row: unknown): ShardEntry {
  if (!Array.isArray(row) || row.length !== 5) throw new Error('entry is not a 5-value row')
  const [n, cmd, time, r, rows] = row as unknown[]
  if (!isCount(n) || !isCount(cmd) || !isCount(time) || !Array.isArray(r) || !Array.isArray(rows))
    throw new Error('malformed entry row')
  let result: CommandResult
  if (r[0] === 1 && r.length === 1) result = { ok: true }
  else if (r[0] === 1 && r.length === 2 && isCount(r[1])) result = { ok: true, orderId: r[1] }
  else if (r[0] === 0 && r.length === 3 && typeof r[1] === 'string' && typeof r[2] === 'string')
    result = { ok: false, code: r[1], message: r[2] }
  else throw new Error('malformed result row')
  return { n, cmd, time, result, events: rows.map((e) => eventOfRow(e, cmd, time)) }
}

/** A batch message from already encoded entries (no second serialization on the hot path). */
export function encodeBatch(
  head: { shard: string; node: string; token: number },
  entries: readonly string[],
): string {
  return `{"type":"batch","shard":${JSON.stringify(head.shard)},"node":${JSON.stringify(head.node)},"token":${head.token},"entries":[${entries.join(',')}]}`
}

export function encodeTakeover(head: {
  shard: string
  node: string
  token: number
  after: number
}): string {
  return JSON.stringify({ type: 'takeover', ...head })
}

const decoder = new TextDecoder('utf-8', { fatal: true })

/**
 * Decodes an event message (entries with their events in full, bigints restored).
 *
 * @throws {Error} when the message is not a shard message.
 */
export function decodeShardMessage(data: Uint8Array): ShardMessage {
  const message = parseShardMessage(data)
  if (message.type === 'takeover') return message
  const { rows, ...head } = message
  return { ...head, entries: rows.map(entryOfRow) }
}

type TakeoverMessage = Extract<ShardMessage, { type: 'takeover' }>
type BatchHead = Omit<Extract<ShardMessage, { type: 'batch' }>, 'entries'>

function parseShardMessage(data: Uint8Array): TakeoverMessage | (BatchHead & { rows: unknown[] }) {
  const value = JSON.parse(decoder.decode(data)) as Record<string, unknown> | null
  if (
    typeof value !== 'object' ||
    value === null ||
    (value.type !== 'batch' && value.type !== 'takeover') ||
    typeof value.shard !== 'string' ||
    typeof value.node !== 'string' ||
    typeof value.token !== 'number'
  ) {
    throw new Error('not a shard event message')
  }
  const { shard, node, token } = value
  if (value.type === 'takeover') {
    if (!isCount(value.after)) throw new Error('not a shard event message: takeover without after')
    return { type: 'takeover', shard, node, token, after: value.after }
  }
  if (!Array.isArray(value.entries))
    throw new Error('not a shard event message: batch without entries')
  return { type: 'batch', shard, node, token, rows: value.entries }
}

/**
 * Decodes an event message keeping each batch entry as its number and its JSON text (the same
 * bytes as `encodeEntry` produced), without decoding the events: a standby compares the texts
 * with its own, byte for byte.
 *
 * @throws {Error} when the message is not a shard message or an entry has no number.
 */
export function decodeShardMessageTexts(
  data: Uint8Array,
): TakeoverMessage | (BatchHead & { entries: { n: number; text: string }[] }) {
  const message = parseShardMessage(data)
  if (message.type === 'takeover') return message
  const { rows, ...head } = message
  const entries = rows.map((row) => {
    if (!Array.isArray(row) || row.length !== 5 || !isCount(row[0]))
      throw new Error('entry is not a 5-value row')
    return { n: row[0], text: JSON.stringify(row) }
  })
  return { ...head, entries }
}

const HEAD = /^\{"type":"batch","shard":"[^"]*","node":("(?:[^"\\]|\\.)*"),"token":([0-9]+),/

/** Node and token of a batch message, read from its first bytes only (no full parse). */
export function batchHead(data: Uint8Array): { node: string; token: number } | undefined {
  const match = HEAD.exec(new TextDecoder().decode(data.subarray(0, 256)))
  return match ? { node: JSON.parse(match[1]!) as string, token: Number(match[2]) } : undefined
}
