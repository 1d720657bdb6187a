import {
  createManualClock,
  type Journal,
  type JournalAppend,
  type JournalRecord,
} from '@strongroom/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { availableAccount, lockedAccount } from '../src/exchange/accounts.js'
import { applyJournal } from '../src/exchange/applyJournal.js'
import type { SettlementEvent } from '../src/exchange/events.js'
import { createSettler } from '../src/exchange/settler.js'
import { type Ledger, openLedger } from '../src/ledger/openLedger.js'
import { FEES, setupExchange } from './exchange.js'
import { openTestStore, storeKinds, type TestStore } from './stores.js'

/** A journal in memory (the port's contract: seqs 1, 2, 3… without gaps). */
function memoryJournal(): Journal {
  const records: JournalRecord[] = []
  return {
    async append(appends: readonly JournalAppend[]) {
      const seqs = appends.map((a) => {
        const record = { ...a, seq: records.length + 1 }
        records.push(record)
        return record.seq
      })
      return { seqs }
    },
    async *read({ fromSeq, toSeq }) {
      for (const record of records) {
        if (record.seq >= fromSeq && (toSeq === undefined || record.seq <= toSeq)) yield record
      }
    },
    lastSeq: () => records.length,
    latestSnapshot: async () => undefined,
    close: async () => {},
  }
}

type Wire = Omit<SettlementEvent, 'seq'>
const encode = (event: Wire | { type: 'book' }) =>
  new TextEncoder().encode(JSON.stringify(event, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)))
const decode = (record: JournalRecord): SettlementEvent | undefined => {
  const value = JSON.parse(new TextDecoder().decode(record.payload), (_, v) =>
    typeof v === 'string' && /^\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v,
  )
  return value.type === 'book' ? undefined : { ...value, seq: record.seq }
}
const append = (journal: Journal, events: (Wire | { type: 'book' })[]) =>
  journal.append(events.map((e) => ({ kind: 'event' as const, timestamp: 0, payload: encode(e) })))

const lock = (key: string, owner: string, asset: string, amount: bigint): Wire =>
  ({ type: 'lock', key, owner, asset, amount }) as Wire
const trade = (key: string, baseAmount: bigint, quoteAmount: bigint): Wire =>
  ({
    type: 'trade',
    key,
    base: 'BTC',
    quote: 'USDT',
    buyer: 'alice',
    seller: 'bob',
    baseAmount,
    quoteAmount,
    maker: 'seller',
  }) as Wire

describe.each(storeKinds)('applying a journal on %s', (kind) => {
  let test: TestStore
  let ledger: Ledger

  beforeAll(async () => {
    test = await openTestStore(kind)
    ledger = await openLedger({ store: test.store, clock: createManualClock(0) })
    await setupExchange(ledger, {
      owners: ['alice', 'bob'],
      assets: ['BTC', 'USDT'],
      funds: 10n ** 9n,
    })
  })
  afterAll(async () => {
    await test?.dispose()
  })

  it('applies the ledger events of the journal in batches, once, and stops at a refusal', async () => {
    const journal = memoryJournal()
    const settler = createSettler({ ledger, fees: FEES })
    await append(journal, [
      lock('a1', 'alice', 'USDT', 1_000_000n),
      { type: 'book' },
      lock('b1', 'bob', 'BTC', 1_000n),
      trade('t1', 100n, 50_000n),
      { type: 'book' },
      trade('t2', 200n, 100_000n),
      trade('t3', 300n, 150_000n),
    ])
    expect(await applyJournal({ settler, journal, stream: 'j', decode, batchSize: 2 })).toEqual({
      ok: true,
      applied: 5,
      lastSeq: 7,
    })
    // run again: nothing new
    expect(await applyJournal({ settler, journal, stream: 'j', decode, batchSize: 2 })).toEqual({
      ok: true,
      applied: 0,
      lastSeq: 7,
    })
    const [bobLocked, aliceBtc] = await ledger.lookupAccounts([
      lockedAccount('bob', 'BTC'),
      availableAccount('alice', 'BTC'),
    ])
    expect(bobLocked!.creditsPosted - bobLocked!.debitsPosted).toBe(1_000n - 600n)
    // alice is the taker: 25 bp of each fill in base, rounded up (1 + 1 + 1)
    expect(aliceBtc!.creditsPosted - aliceBtc!.debitsPosted).toBe(10n ** 9n + 600n - 3n)

    // more records; the third trade needs more than bob holds: refused, the rest not applied
    await append(journal, [trade('t4', 100n, 1n), trade('t5', 1_000n, 1n), trade('t6', 1n, 1n)])
    const result = await applyJournal({ settler, journal, stream: 'j', decode, batchSize: 1 })
    expect(result).toMatchObject({
      ok: false,
      applied: 1,
      rejection: { code: 'SETTLEMENT_INSUFFICIENT_FUNDS', transferId: 't5' },
    })
    expect(await settler.lastApplied('j')).toBe(8)
  })
})
