import type { ExchangeEvent } from '../core/events.js'
import type { CommandResult } from '../core/exchangeCore.js'

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

const BIG = '$big'

/**
 * The value with every bigint replaced by `{ $big: "<digits>" }`, copying only the objects that
 * hold one (a JSON.stringify replacer would call back into JavaScript for every value).
 */
function tagBigints(value: unknown): unknown {
  if (typeof value === 'bigint') return { [BIG]: value.toString() }
  if (typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) {
    let out: unknown[] | undefined
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i]
      const t = typeof v === 'bigint' || (typeof v === 'object' && v !== null) ? tagBigints(v) : v
      if (t !== v) {
        out ??= value.slice()
        out[i] = t
      }
    }
    return out ?? value
  }
  let out: Record<string, unknown> | undefined
  const record = value as Record<string, unknown>
  for (const key in record) {
    const v = record[key]
    const t = typeof v === 'bigint' || (typeof v === 'object' && v !== null) ? tagBigints(v) : v
    if (t !== v) {
      out ??= { ...record }
      out[key] = t
    }
  }
  return out ?? value
}

/** Turns every `{ $big: "<digits>" }` back into a bigint, in place. */
function untagBigints(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value
  const record = value as Record<string, unknown>
  const text = record[BIG]
  if (typeof text === 'string' && /^-?[0-9]+$/.test(text)) return BigInt(text)
  for (const key in record) {
    const v = record[key]
    if (typeof v === 'object' && v !== null) record[key] = untagBigints(v)
  }
  return value
}

/** JSON text of an entry (bigints tagged), as published and as compared by standbys. */
export function encodeEntry(entry: ShardEntry): string {
  return JSON.stringify(tagBigints(entry))
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
 * Decodes an event message; with `raw`, entries keep their JSON text too (standbys compare it
 * with their own output byte for byte).
 *
 * @throws {Error} when the message is not a shard message.
 */
export function decodeShardMessage(data: Uint8Array): ShardMessage {
  const value = untagBigints(JSON.parse(decoder.decode(data))) as Partial<ShardMessage>
  if (
    typeof value !== 'object' ||
    value === null ||
    (value.type !== 'batch' && value.type !== 'takeover') ||
    typeof value.shard !== 'string' ||
    typeof value.token !== 'number'
  ) {
    throw new Error('not a shard event message')
  }
  return value as ShardMessage
}

const HEAD = /^\{"type":"batch","shard":"[^"]*","node":("(?:[^"\\]|\\.)*"),"token":([0-9]+),/

/** Node and token of a batch message, read from its first bytes only (no full parse). */
export function batchHead(data: Uint8Array): { node: string; token: number } | undefined {
  const match = HEAD.exec(new TextDecoder().decode(data.subarray(0, 256)))
  return match ? { node: JSON.parse(match[1]!) as string, token: Number(match[2]) } : undefined
}

/** The entries of a batch message as their JSON texts (same bytes as `encodeEntry` produced). */
export function rawEntries(data: Uint8Array): string[] {
  const value = JSON.parse(decoder.decode(data)) as { entries?: unknown[] }
  return (value.entries ?? []).map((e) => JSON.stringify(e))
}
