// The README's embedding example, run as written (a temporary journal file instead of ./).
import { join } from 'node:path'
import { createSystemClock, defineAsset, defineInstrument } from '@strongroom/core'
import { createTempDir } from '@strongroom/testkit'
import { expect, it } from 'vitest'
import {
  type BookEvent,
  createEventCollector,
  createSequencer,
  openFileJournal,
  recoverMatchingEngine,
} from '../src/index.js'

it('the README example journals, matches and recovers', async () => {
  const dir = createTempDir('strongroom-readme-')
  try {
    const BTC_USDC = defineInstrument({
      base: defineAsset({ code: 'BTC', decimals: 8 }),
      quote: defineAsset({ code: 'USDC', decimals: 6 }),
      tickSize: '0.01',
      lotSize: '0.0001',
      maxQuantityLots: 100_000_000,
      maxPriceTicks: 1_000_000_000,
    })
    const path = join(dir.path, 'btc-usdc.journal')
    const events: BookEvent[] = []
    let journal = await openFileJournal({ path })
    const { engine } = await recoverMatchingEngine({
      journal,
      instruments: [BTC_USDC],
      sinkFor: () => createEventCollector((event) => events.push(event)),
    })
    const sequencer = createSequencer({ journal, engine, clock: createSystemClock() })
    sequencer.submit({
      type: 'place',
      symbol: 'BTC-USDC',
      orderId: 1,
      account: 7,
      side: 'sell',
      orderType: 'limit',
      price: 6_500_000,
      quantity: 25,
      peakQuantity: 5,
    })
    sequencer.submit({
      type: 'place',
      symbol: 'BTC-USDC',
      orderId: 2,
      account: 9,
      side: 'buy',
      orderType: 'market',
      quantity: 10,
      selfTradePrevention: 'cancelResting',
    })
    await sequencer.flush()
    await sequencer.snapshot()
    expect(
      events.filter((e) => e.type === 'fill').map((e) => (e.type === 'fill' ? e.quantity : 0)),
    ).toEqual([5, 5])
    expect(engine.book('BTC-USDC')!.l2Snapshot(10).asks).toEqual([
      { price: 6_500_000, quantity: 5, orders: 1 },
    ])
    const hash = engine.stateHash()
    await journal.close()
    journal = await openFileJournal({ path })
    const again = await recoverMatchingEngine({ journal, instruments: [BTC_USDC] })
    expect(again.engine.stateHash()).toBe(hash)
    expect(again.snapshotSeq).toBe(3)
    await journal.close()
  } finally {
    dir.remove()
  }
})
