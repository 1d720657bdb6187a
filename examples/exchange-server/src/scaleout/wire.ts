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

const replacer = (_key: string, value: unknown) =>
  typeof value === 'bigint' ? { [BIG]: value.toString() } : value

const reviver = (_key: string, value: unknown) => {
  if (typeof value === 'object' && value !== null && BIG in value) {
    const text = (value as Record<string, unknown>)[BIG]
    if (typeof text === 'string' && /^-?[0-9]+$/.test(text)) return BigInt(text)
  }
  return value
}

/** JSON text of an entry (bigints tagged), as published and as compared by standbys. */
export function encodeEntry(entry: ShardEntry): string {
  return JSON.stringify(entry, replacer)
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
  const value = JSON.parse(decoder.decode(data), reviver) as Partial<ShardMessage>
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

/** The entries of a batch message as their JSON texts (same bytes as `encodeEntry` produced). */
export function rawEntries(data: Uint8Array): string[] {
  const value = JSON.parse(decoder.decode(data)) as { entries?: unknown[] }
  return (value.entries ?? []).map((e) => JSON.stringify(e))
}
