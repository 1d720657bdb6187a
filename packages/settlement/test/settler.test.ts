import { createManualClock } from '@strongroom/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SettlementInputError } from '../src/errors.js'
import { availableAccount, feeAccount, lockedAccount } from '../src/exchange/accounts.js'
import type { SettlementEvent } from '../src/exchange/events.js'
import { createSettler, type Settler } from '../src/exchange/settler.js'
import { type Ledger, openLedger } from '../src/ledger/openLedger.js'
import { FEES, setupExchange } from './exchange.js'
import { ledgerState } from './helpers.js'
import { openTestStore, storeKinds, type TestStore } from './stores.js'

const lock = (
  seq: number,
  key: string,
  owner: string,
  asset: string,
  amount: bigint,
): SettlementEvent => ({
  type: 'lock',
  seq,
  key,
  owner,
  asset,
  amount,
})

const trade = (
  seq: number,
  key: string,
  buyer: string,
  seller: string,
  baseAmount: bigint,
  quoteAmount: bigint,
  maker: 'buyer' | 'seller',
): SettlementEvent => ({
  type: 'trade',
  seq,
  key,
  base: 'BTC',
  quote: 'USDT',
  buyer,
  seller,
  baseAmount,
  quoteAmount,
  maker,
})

const balanceOf = async (ledger: Ledger, ref: { owner: string; asset: string; role: string }) => {
  const [account] = await ledger.lookupAccounts([ref])
  return account!.creditsPosted - account!.debitsPosted
}

describe.each(storeKinds)('settlement of journaled events on %s', (kind) => {
  for (const strategy of ['netted', 'perLeg'] as const) {
    describe(`${strategy}`, () => {
      let test: TestStore
      let ledger: Ledger
      let settler: Settler
      const clock = createManualClock(1_000)

      beforeAll(async () => {
        test = await openTestStore(kind)
        ledger = await openLedger({ store: test.store, clock })
        await setupExchange(ledger, {
          owners: ['alice', 'bob'],
          assets: ['BTC', 'USDT'],
          funds: 1_000_000n,
          history: true,
        })
        settler = createSettler({ ledger, fees: FEES, strategy })
      })
      afterAll(async () => {
        await test?.dispose()
      })

      it('holds, fills with fees to the maker and taker accounts, releases: exact balances', async () => {
        const events: SettlementEvent[] = [
          lock(1, 'order-a1', 'alice', 'USDT', 600_000n), // alice buys
          lock(2, 'order-b1', 'bob', 'BTC', 10_000n), // bob sells
          trade(3, 'trade-1', 'alice', 'bob', 4_000n, 200_000n, 'seller'),
          trade(4, 'trade-2', 'alice', 'bob', 6_000n, 330_000n, 'seller'),
          {
            type: 'release',
            seq: 5,
            key: 'order-a1',
            owner: 'alice',
            asset: 'USDT',
            amount: 70_000n,
          },
        ]
        const result = await settler.apply({ stream: 'BTC-USDT', events })
        expect(result).toEqual({ ok: true, applied: 5, skipped: 0, lastSeq: 5 })
        // alice (taker, 25 bp of base received, rounded up): 4000 -> fee 10, 6000 -> fee 15
        expect(await balanceOf(ledger, availableAccount('alice', 'BTC'))).toBe(
          1_000_000n + 10_000n - 25n,
        )
        expect(await balanceOf(ledger, availableAccount('alice', 'USDT'))).toBe(
          1_000_000n - 600_000n + 70_000n,
        )
        expect(await balanceOf(ledger, lockedAccount('alice', 'USDT'))).toBe(0n)
        // bob (maker, 10 bp of quote received): 200000 -> 200, 330000 -> 330
        expect(await balanceOf(ledger, availableAccount('bob', 'USDT'))).toBe(
          1_000_000n + 530_000n - 530n,
        )
        expect(await balanceOf(ledger, availableAccount('bob', 'BTC'))).toBe(1_000_000n - 10_000n)
        expect(await balanceOf(ledger, lockedAccount('bob', 'BTC'))).toBe(0n)
        expect(await balanceOf(ledger, feeAccount('BTC', 'taker'))).toBe(25n)
        expect(await balanceOf(ledger, feeAccount('USDT', 'maker'))).toBe(530n)
        expect(await settler.lastApplied('BTC-USDT')).toBe(5)
        for (const totals of await ledger.assetTotals()) {
          expect(totals.debitsPosted).toBe(totals.creditsPosted)
        }
        // one history entry per batch for flagged accounts
        const history = await ledger.balanceHistory({ account: availableAccount('alice', 'BTC') })
        expect(history.at(-1)!.creditsPosted).toBe(1_000_000n + 10_000n - 25n)
      })

      it('applies each event exactly once: a replayed or overlapping batch writes only the new ones', async () => {
        const before = await ledgerState(ledger)
        const replay = await settler.apply({
          stream: 'BTC-USDT',
          events: [
            lock(1, 'order-a1', 'alice', 'USDT', 600_000n),
            lock(2, 'order-b1', 'bob', 'BTC', 10_000n),
            trade(3, 'trade-1', 'alice', 'bob', 4_000n, 200_000n, 'seller'),
            trade(4, 'trade-2', 'alice', 'bob', 6_000n, 330_000n, 'seller'),
            {
              type: 'release',
              seq: 5,
              key: 'order-a1',
              owner: 'alice',
              asset: 'USDT',
              amount: 70_000n,
            },
          ],
        })
        expect(replay).toEqual({ ok: true, applied: 0, skipped: 5, lastSeq: 5 })
        expect(await ledgerState(ledger)).toEqual(before)
        const overlap = await settler.apply({
          stream: 'BTC-USDT',
          events: [
            {
              type: 'release',
              seq: 5,
              key: 'order-a1',
              owner: 'alice',
              asset: 'USDT',
              amount: 70_000n,
            },
            lock(6, 'order-b2', 'bob', 'BTC', 1_000n),
          ],
        })
        expect(overlap).toEqual({ ok: true, applied: 1, skipped: 1, lastSeq: 6 })
        expect(await balanceOf(ledger, lockedAccount('bob', 'BTC'))).toBe(1_000n)
        // Another stream has its own sequence numbers.
        expect(
          await settler.apply({
            stream: 'ETH-USDT',
            events: [lock(1, 'order-e1', 'bob', 'USDT', 5n)],
          }),
        ).toEqual({ ok: true, applied: 1, skipped: 0, lastSeq: 1 })
      })

      it('a replayed batch with different contents is a conflict, and nothing is written', async () => {
        const before = await ledgerState(ledger)
        const tampered = await settler.apply({
          stream: 'BTC-USDT',
          events: [
            lock(6, 'order-b2', 'bob', 'BTC', 2_000n),
            lock(7, 'order-b3', 'bob', 'BTC', 1n),
          ],
        })
        expect(tampered).toMatchObject({ ok: false, rejection: { code: 'SETTLEMENT_ID_CONFLICT' } })
        expect(await ledgerState(ledger)).toEqual(before)
      })

      it('a fill beyond the hold is refused naming the account and event; nothing is written', async () => {
        const before = await ledgerState(ledger)
        const result = await settler.apply({
          stream: 'BTC-USDT',
          events: [
            lock(7, 'order-a2', 'alice', 'USDT', 100n),
            trade(8, 'trade-3', 'alice', 'bob', 500n, 1_000n, 'buyer'),
          ],
        })
        expect(result).toMatchObject({
          ok: false,
          rejection: {
            code: 'SETTLEMENT_INSUFFICIENT_FUNDS',
            account: lockedAccount('alice', 'USDT'),
            transferId: 'trade-3',
          },
        })
        expect(await ledgerState(ledger)).toEqual(before)
      })

      it('unknown accounts and bad events are refused; nothing is written', async () => {
        const before = await ledgerState(ledger)
        expect(
          await settler.apply({
            stream: 'BTC-USDT',
            events: [lock(9, 'o-x', 'mallory', 'BTC', 1n)],
          }),
        ).toMatchObject({
          ok: false,
          rejection: {
            code: 'SETTLEMENT_UNKNOWN_ACCOUNT',
            account: availableAccount('mallory', 'BTC'),
          },
        })
        const bad: [SettlementEvent[], string, string][] = [
          [
            [lock(9, 'o', 'bob', 'BTC', 1n), lock(9, 'p', 'bob', 'BTC', 1n)],
            'events[1].seq',
            'not_increasing',
          ],
          [[lock(9, 'o', 'bob', 'BTC', 0n)], 'events[0].amount', 'not_positive'],
          [
            [
              {
                ...trade(9, 't', 'alice', 'bob', 10n, 10n, 'buyer'),
                buyerFee: 11n,
              } as SettlementEvent,
            ],
            'events[0].buyerFee',
            'out_of_range',
          ],
          [
            [
              {
                ...trade(9, 't', 'alice', 'bob', 10n, 10n, 'buyer'),
                quote: 'BTC',
              } as SettlementEvent,
            ],
            'events[0].quote',
            'asset_mismatch',
          ],
          [[lock(0, 'o', 'bob', 'BTC', 1n)], 'events[0].seq', 'not_increasing'],
        ]
        for (const [events, path, rule] of bad) {
          const error = await settler.apply({ stream: 'BTC-USDT', events }).catch((e: unknown) => e)
          expect(error, path).toBeInstanceOf(SettlementInputError)
          expect((error as SettlementInputError).path.join('.')).toBe(
            path.replace(/\[(\d+)\]/g, '.$1'),
          )
          expect((error as SettlementInputError).rule).toBe(rule)
        }
        expect(await ledgerState(ledger)).toEqual(before)
      })
    })
  }
})
