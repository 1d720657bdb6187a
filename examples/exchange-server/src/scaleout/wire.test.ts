import { describe, expect, it } from 'vitest'
import {
  batchHead,
  decodeShardMessage,
  encodeBatch,
  encodeEntry,
  rawEntries,
  type ShardEntry,
} from './wire.js'

const entry: ShardEntry = {
  n: 7,
  cmd: 42,
  time: 1_700_000_000_000,
  result: { ok: true, orderId: 3 },
  events: [
    {
      kind: 'balance',
      seq: 42,
      time: 1_700_000_000_000,
      account: 'alice',
      asset: 'USDC',
      available: 12_345_678_901_234_567_890n,
      locked: -5n,
    },
    {
      kind: 'settlement',
      seq: 42,
      time: 1_700_000_000_000,
      event: { type: 'lock', seq: 9, key: 'ord-3', owner: 'alice', asset: 'USDC', amount: 10n },
    },
  ],
}

describe('shard event wire format', () => {
  it('round-trips bigints through a batch, and standbys see the same entry text', () => {
    const text = encodeEntry(entry)
    expect(text).toContain('"available":{"$big":"12345678901234567890"}')
    const data = new TextEncoder().encode(
      encodeBatch({ shard: 'eth', node: 'a', token: 5 }, [text]),
    )
    const message = decodeShardMessage(data)
    expect(message).toEqual({ type: 'batch', shard: 'eth', node: 'a', token: 5, entries: [entry] })
    expect(rawEntries(data)).toEqual([text])
    expect(batchHead(data)).toEqual({ node: 'a', token: 5 })
    const quoted = encodeBatch({ shard: 'eth', node: 'n"1', token: 12 }, [text])
    expect(batchHead(new TextEncoder().encode(quoted))).toEqual({ node: 'n"1', token: 12 })
    // The entry itself is not modified by encoding.
    expect((entry.events[0] as { available: bigint }).available).toBe(12_345_678_901_234_567_890n)
  })

  it('refuses what is not a shard message', () => {
    expect(() => decodeShardMessage(new TextEncoder().encode('{"type":"other"}'))).toThrow(
      /not a shard event message/,
    )
  })
})
