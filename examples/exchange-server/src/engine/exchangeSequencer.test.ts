import { join } from 'node:path'
import { createManualClock, type Journal } from '@strongroom/core'
import { openFileJournal } from '@strongroom/orderbook'
import { createTempDir } from '@strongroom/testkit'
import { afterAll, describe, expect, it } from 'vitest'
import type { ExchangeCommand } from '../core/commands.js'
import type { ExchangeEvent } from '../core/events.js'
import { testMarkets } from '../core/testMarkets.js'
import { createOrderViews, type OrderViewsSnapshot } from '../services/orderViews.js'
import { createExchangeSequencer } from './exchangeSequencer.js'
import { recoverExchangeCore } from './recoverExchange.js'

const dir = createTempDir('strongroom-exchange-seq-')
afterAll(() => dir.remove())

const commands = (n: number): ExchangeCommand[] => {
  const out: ExchangeCommand[] = [
    { type: 'openAccount', account: 'mm' },
    { type: 'openAccount', account: 'taker' },
    {
      type: 'credit',
      account: 'mm',
      asset: 'ETH',
      amount: (10n ** 24n).toString(),
      reference: 'd1',
    },
    {
      type: 'credit',
      account: 'taker',
      asset: 'USDC',
      amount: (10n ** 15n).toString(),
      reference: 'd2',
    },
  ]
  for (let i = 0; i < n; i++) {
    out.push({
      type: 'placeOrder',
      account: 'mm',
      symbol: 'ETH-USDC',
      side: 'sell',
      orderType: 'limit',
      price: 300_000 + (i % 50),
      quantity: 10 + (i % 7),
    })
    if (i % 3 === 0)
      out.push({
        type: 'placeOrder',
        account: 'taker',
        symbol: 'ETH-USDC',
        side: 'buy',
        orderType: 'limit',
        price: 300_020,
        quantity: 15,
        timeInForce: 'IOC',
      })
  }
  return out
}

describe('exchange sequencer and recovery', () => {
  it('journals before it applies, and a reopened journal replays to the same state hash', async () => {
    const path = join(dir.path, 'a.journal')
    const clock = createManualClock(1_700_000_000_000)
    let journal = await openFileJournal({ path })
    let recovered = await recoverExchangeCore({ journal, markets: testMarkets })
    const published: ExchangeEvent[] = []
    const views = createOrderViews()
    const sequencer = createExchangeSequencer({
      journal,
      core: recovered.core,
      clock,
      outbox: recovered.outbox,
      publish: (events) => {
        // Everything published is already durable: its command's seq is at or below the journal's.
        for (const e of events) expect(e.seq).toBeLessThanOrEqual(journal.lastSeq())
        published.push(...events)
        views.apply(events)
      },
      snapshotEvery: 500,
      attachment: () => ({ views: views.snapshot() }),
    })
    const all = commands(900)
    const results = await Promise.all(
      all.map((c) => {
        clock.advance(1)
        return sequencer.submit(c)
      }),
    )
    expect(results.map((r) => r.seq)).toEqual([...results.map((r) => r.seq)].sort((a, b) => a - b))
    expect(results.filter((r) => r.result.ok).length).toBe(all.length)
    expect(published.some((e) => e.kind === 'fill')).toBe(true)
    const hash = recovered.core.stateHash()
    const appliedSeq = recovered.core.appliedSeq
    await sequencer.close()
    await journal.close()

    journal = await openFileJournal({ path })
    const replayEvents: ExchangeEvent[] = []
    const restoredViews = createOrderViews()
    recovered = await recoverExchangeCore({
      journal,
      markets: testMarkets,
      onSnapshot: (a) => restoredViews.restore((a as { views: OrderViewsSnapshot }).views),
      onReplayEvent: (e) => {
        replayEvents.push(e)
        restoredViews.apply([e])
      },
    })
    expect(recovered.snapshotSeq).toBeGreaterThan(0) // started from a snapshot, not from scratch
    expect(recovered.core.appliedSeq).toBe(appliedSeq)
    expect(recovered.core.stateHash()).toBe(hash)
    // The order views (the API's read model) come back too: the snapshot's, then the replay's.
    const byId = (v: ReturnType<typeof createOrderViews>) =>
      [...v.snapshot().orders].sort((a, b) => a.orderId - b.orderId)
    expect(byId(views).length).toBeGreaterThan(100)
    expect(byId(restoredViews)).toEqual(byId(views))
    expect(restoredViews.snapshot().trades).toEqual(views.snapshot().trades)

    // Replaying from the very beginning up to a point reproduces that point too.
    const full = await recoverExchangeCore({ journal, markets: testMarkets, untilSeq: appliedSeq })
    expect(full.snapshotSeq).toBe(0)
    expect(full.core.stateHash()).toBe(hash)
    await journal.close()
  })

  it('a periodic snapshot that cannot be written does not stop the sequencer', async () => {
    const path = join(dir.path, 'b.journal')
    const journal = await openFileJournal({ path })
    const recovered = await recoverExchangeCore({ journal, markets: testMarkets })
    // A journal that refuses snapshot records, as NATS refuses one above its max_payload.
    const refusing: Journal = {
      ...journal,
      append: (records) =>
        records.some((r) => r.kind === 'snapshot')
          ? Promise.reject(new Error('maximum payload exceeded'))
          : journal.append(records),
    }
    const errors: unknown[] = []
    const sequencer = createExchangeSequencer({
      journal: refusing,
      core: recovered.core,
      clock: createManualClock(1_700_000_000_000),
      outbox: recovered.outbox,
      publish: () => {},
      snapshotEvery: 50,
      onSnapshotError: (error) => errors.push(error),
    })
    const all = commands(300)
    const first = await Promise.all(all.slice(0, 100).map((c) => sequencer.submit(c)))
    await sequencer.flush()
    expect(errors.length).toBe(1)
    // It carries on after the failed snapshot.
    const rest = await Promise.all(all.slice(100).map((c) => sequencer.submit(c)))
    expect([...first, ...rest].every((r) => r.result.ok)).toBe(true)
    await sequencer.flush()
    expect(errors.length).toBe(2)
    expect(String(errors[0])).toContain('maximum payload exceeded')
    await expect(sequencer.snapshot()).rejects.toThrow('maximum payload exceeded')
    expect(recovered.core.appliedSeq).toBe(journal.lastSeq())
    await sequencer.close()
    await journal.close()
  })
})
