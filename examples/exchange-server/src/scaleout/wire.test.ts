import { describe, expect, it } from 'vitest'
import type { ExchangeEvent } from '../core/events.js'
import {
  batchHead,
  decodeShardMessage,
  decodeShardMessageTexts,
  encodeBatch,
  encodeEntry,
  encodeTakeover,
  type ShardEntry,
} from './wire.js'

const at = { seq: 42, time: 1_700_000_000_000 }
const order = { account: 'alice', symbol: 'ETH-USDC', orderId: 3, clientOrderId: 'c-1' }

/** One event of every kind (and every settlement type), bigints beyond 2^64 and below zero. */
const everyKind: ExchangeEvent[] = [
  {
    kind: 'orderAccepted',
    ...at,
    ...order,
    side: 'buy',
    orderType: 'limit',
    price: 300_000,
    quantity: 10,
    quoteBudget: 0,
    stopPrice: 0,
  },
  { kind: 'orderRejected', ...at, ...order, action: 'place', code: 'post_only_would_cross' },
  {
    kind: 'fill',
    ...at,
    symbol: 'ETH-USDC',
    tradeId: 9,
    price: 300_001,
    quantity: 4,
    aggressorSide: 'sell',
    makerOrderId: 3,
    makerAccount: 'alice',
    takerOrderId: 4,
    takerAccount: 'bob',
    makerRemaining: 6,
    takerRemaining: 0,
    makerClientOrderId: 'c-1',
    takerClientOrderId: undefined,
    buyerFee: 500_000_000_000n,
    sellerFee: 600n,
  },
  {
    kind: 'orderCancelled',
    ...at,
    ...order,
    cancelledQuantity: 6,
    remainingQuantity: 0,
    reason: 'requested',
  },
  { kind: 'orderExpired', ...at, ...order, clientOrderId: undefined, quantity: 6 },
  { kind: 'orderTriggered', ...at, ...order, lastTradePrice: 299_000 },
  { kind: 'orderAmended', ...at, ...order, price: 1, quantity: 2, keptPriority: true },
  {
    kind: 'level',
    ...at,
    symbol: 'ETH-USDC',
    mdSeq: 7,
    side: 'sell',
    price: 3,
    quantity: 0,
    orders: 0,
  },
  {
    kind: 'l3',
    ...at,
    symbol: 'ETH-USDC',
    mdSeq: 8,
    action: 'remove',
    orderId: 3,
    side: 'sell',
    price: 3,
    quantity: 0,
  },
  {
    kind: 'bbo',
    ...at,
    symbol: 'ETH-USDC',
    bidPrice: 1,
    bidQuantity: 2,
    askPrice: 3,
    askQuantity: 4,
  },
  { kind: 'status', ...at, symbol: 'ETH-USDC', status: 'halted', referencePrice: 300_000 },
  {
    kind: 'balance',
    ...at,
    account: 'alice',
    asset: 'USDC',
    available: 12_345_678_901_234_567_890n,
    locked: -5n,
  },
  {
    kind: 'settlement',
    ...at,
    event: { type: 'lock', seq: 9, key: 'ord-3', owner: 'alice', asset: 'USDC', amount: 10n },
  },
  {
    kind: 'settlement',
    ...at,
    event: { type: 'release', seq: 10, key: 'ord-3', owner: 'alice', asset: 'USDC', amount: 1n },
  },
  {
    kind: 'settlement',
    ...at,
    event: {
      type: 'trade',
      seq: 11,
      key: 'ETH-USDC.t9',
      base: 'ETH',
      quote: 'USDC',
      buyer: 'bob',
      seller: 'alice',
      baseAmount: 10n ** 30n,
      quoteAmount: 3n,
      maker: 'seller',
      buyerFee: 0n,
      sellerFee: undefined,
    },
  },
  {
    kind: 'funds',
    ...at,
    action: 'withdrawHold',
    account: 'alice',
    asset: 'BTC',
    amount: 7n,
    reference: 'w-"1"',
  },
  // An event stamped other than its command (kept on the wire, not assumed).
  {
    kind: 'status',
    seq: 41,
    time: 1_699_999_999_000,
    symbol: 'X',
    status: 'trading',
    referencePrice: 0,
  },
]

const entry: ShardEntry = {
  n: 7,
  cmd: 42,
  time: 1_700_000_000_000,
  result: { ok: true, orderId: 3 },
  events: everyKind,
}

const bytes = (text: string) => new TextEncoder().encode(text)

/** What JSON-free equality should see: `undefined` fields are absent or undefined alike. */
const decoded = (text: string) => {
  const message = decodeShardMessage(
    bytes(encodeBatch({ shard: 'eth', node: 'a', token: 5 }, [text])),
  )
  if (message.type !== 'batch') throw new Error('not a batch')
  return message.entries
}

describe('shard event wire format', () => {
  it('round-trips every event kind, bigints and results through a batch', () => {
    const text = encodeEntry(entry)
    expect(decoded(text)).toEqual([entry])
    for (const result of [
      { ok: true },
      { ok: false, code: 'insufficient_funds', message: 'Not "enough".' },
    ] as const) {
      const [back] = decoded(encodeEntry({ ...entry, result, events: [] }))
      expect(back).toEqual({ ...entry, result, events: [] })
    }
    // Values survive exactly: bigints (signed, past 2^64), undefined, strings needing escapes.
    const [back] = decoded(text)
    const balance = back!.events.find((e) => e.kind === 'balance')
    expect(balance).toMatchObject({ available: 12_345_678_901_234_567_890n, locked: -5n })
    expect(back!.events.at(-2)).toMatchObject({ kind: 'funds', amount: 7n, reference: 'w-"1"' })
    expect(back!.events.at(-1)).toMatchObject({ seq: 41, time: 1_699_999_999_000 })
    // The entry itself is not modified by encoding.
    expect((entry.events[11] as { available: bigint }).available).toBe(12_345_678_901_234_567_890n)
  })

  it('is positional and compact: no field names, no repeated seq or time', () => {
    const text = encodeEntry(entry)
    expect(text.startsWith('[7,42,1700000000000,[1,3],[[0,"alice","ETH-USDC",3,"c-1",')).toBe(true)
    expect(text).toContain('[11,"alice","USDC","12345678901234567890","-5"]')
    expect(text).toContain('[12,[0,9,"ord-3","alice","USDC","10"]]')
    expect(text).not.toContain('"kind"')
    expect(text.split('1700000000000').length).toBe(2) // the command's time appears once
    expect(text.length).toBeLessThan(
      JSON.stringify(entry, (_, v) => (typeof v === 'bigint' ? `${v}` : v)).length / 2,
    )
  })

  it('gives standbys the same entry text and the publisher its head without a full parse', () => {
    const text = encodeEntry(entry)
    const data = bytes(encodeBatch({ shard: 'eth', node: 'a', token: 5 }, [text, text]))
    expect(decodeShardMessageTexts(data)).toEqual({
      type: 'batch',
      shard: 'eth',
      node: 'a',
      token: 5,
      entries: [
        { n: 7, text },
        { n: 7, text },
      ],
    })
    expect(batchHead(data)).toEqual({ node: 'a', token: 5 })
    const quoted = encodeBatch({ shard: 'eth', node: 'n"1', token: 12 }, [text])
    expect(batchHead(bytes(quoted))).toEqual({ node: 'n"1', token: 12 })
    const takeover = { shard: 'eth', node: 'b', token: 6, after: 9 }
    expect(decodeShardMessage(bytes(encodeTakeover(takeover)))).toEqual({
      type: 'takeover',
      ...takeover,
    })
    expect(decodeShardMessageTexts(bytes(encodeTakeover(takeover)))).toEqual({
      type: 'takeover',
      ...takeover,
    })
    expect(() =>
      decodeShardMessageTexts(bytes(encodeBatch({ shard: 'eth', node: 'a', token: 5 }, ['[1]']))),
    ).toThrow(/5-value row/)
  })

  it('refuses what is not a shard message or a well-formed entry', () => {
    const batch = (entries: string) =>
      bytes(`{"type":"batch","shard":"eth","node":"a","token":1,"entries":[${entries}]}`)
    expect(() => decodeShardMessage(bytes('{"type":"other"}'))).toThrow(/not a shard event message/)
    expect(() =>
      decodeShardMessage(bytes('{"type":"takeover","shard":"eth","node":"a","token":1}')),
    ).toThrow(/takeover without after/)
    // The keyed format of earlier versions is not read as something else.
    expect(() => decodeShardMessage(batch('{"n":1,"cmd":1,"time":0}'))).toThrow(/5-value row/)
    expect(() => decodeShardMessage(batch('[1,1,0,[2],[]]'))).toThrow(/result row/)
    expect(() => decodeShardMessage(batch('[1,1,0,[1],[[99]]]'))).toThrow(/unknown event kind/)
    expect(() => decodeShardMessage(batch('[1,1,0,[1],[[11,"a","USDC"]]]'))).toThrow(/short/)
    expect(() => decodeShardMessage(batch('[1,1,0,[1],[[11,"a","USDC",5,"0"]]]'))).toThrow(
      /balance.available is not an integer/,
    )
    expect(() => decodeShardMessage(batch('[1,1,0,[1],[[11,"a","USDC","x","0"]]]'))).toThrow()
    expect(() => decodeShardMessage(batch('[1,1,0,[1],[[12,[7]]]]'))).toThrow(/settlement/)
    expect(() => decodeShardMessage(batch('[1,1,0,[1],[[10,"X","trading",0,1]]]'))).toThrow(
      /row of 5 values/,
    )
  })
})
