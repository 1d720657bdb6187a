import { createManualClock } from '@strongroom/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SettlementInputError } from '../src/errors.js'
import {
  ACCOUNT_ROLES,
  availableAccount,
  openCustomerAccounts,
  openVenueAccounts,
  VENUE_OWNER,
  walletAccount,
} from '../src/exchange/accounts.js'
import { createDeposits, type Deposits } from '../src/exchange/deposits.js'
import { type CustodyBalance, reconcile } from '../src/exchange/reconcile.js'
import { createWithdrawals, type Withdrawals } from '../src/exchange/withdrawals.js'
import { type Ledger, openLedger } from '../src/ledger/openLedger.js'
import { ledgerState } from './helpers.js'
import { openTestStore, storeKinds, type TestStore } from './stores.js'

describe.each(storeKinds)('deposits, withdrawals and reconciliation on %s', (kind) => {
  let test: TestStore
  let ledger: Ledger
  let deposits: Deposits
  let withdrawals: Withdrawals
  const clock = createManualClock(5_000)
  const wallets = [
    { walletId: 'hot-1', tier: 'hot' as const },
    { walletId: 'warm-1', tier: 'warm' as const },
    { walletId: 'cold-1', tier: 'cold' as const },
  ]
  const aliceBtc = availableAccount('alice', 'BTC')

  const account = async (ref: { owner: string; asset: string; role: string }) =>
    (await ledger.lookupAccounts([ref]))[0]!

  beforeAll(async () => {
    test = await openTestStore(kind)
    ledger = await openLedger({ store: test.store, clock })
    expect((await openVenueAccounts({ ledger, assets: ['BTC', 'ETH'], wallets })).ok).toBe(true)
    expect(
      (await openCustomerAccounts({ ledger, owner: 'alice', assets: ['BTC', 'ETH'] })).ok,
    ).toBe(true)
    deposits = createDeposits({ ledger, confirmationDepth: { BTC: 3, ETH: 12 } })
    withdrawals = createWithdrawals({ ledger })
  })
  afterAll(async () => {
    await test?.dispose()
  })

  it('a deposit is pending on detection and posted at the asset depth', async () => {
    expect(
      await deposits.detect({
        depositId: 'tx1:0',
        owner: 'alice',
        asset: 'BTC',
        walletId: 'hot-1',
        amount: 50_000n,
        txRef: 'tx1',
      }),
    ).toMatchObject({ ok: true })
    // re-detection is idempotent
    expect(
      await deposits.detect({
        depositId: 'tx1:0',
        owner: 'alice',
        asset: 'BTC',
        walletId: 'hot-1',
        amount: 50_000n,
        txRef: 'tx1',
      }),
    ).toMatchObject({ ok: true, replayed: true })
    expect(await account(aliceBtc)).toMatchObject({ creditsPending: 50_000n, creditsPosted: 0n })
    expect(await deposits.confirmations({ depositId: 'tx1:0', confirmations: 2 })).toEqual({
      ok: true,
      state: 'pending',
      confirmations: 2,
      required: 3,
    })
    expect(await deposits.confirmations({ depositId: 'tx1:0', confirmations: 3 })).toEqual({
      ok: true,
      state: 'posted',
      confirmations: 3,
      required: 3,
    })
    expect(await deposits.confirmations({ depositId: 'tx1:0', confirmations: 4 })).toMatchObject({
      ok: true,
      state: 'posted',
    })
    expect(await account(aliceBtc)).toMatchObject({ creditsPending: 0n, creditsPosted: 50_000n })
    expect(await account(walletAccount('hot-1', 'BTC'))).toMatchObject({ debitsPosted: 50_000n })
    // a posted deposit cannot be voided by a (too deep) reorg
    expect(await deposits.reorged({ depositId: 'tx1:0' })).toMatchObject({
      ok: false,
      rejection: { code: 'SETTLEMENT_PENDING_ALREADY_POSTED' },
    })
  })

  it('a reorg before the depth voids the pending credit', async () => {
    await deposits.detect({
      depositId: 'tx2:1',
      owner: 'alice',
      asset: 'BTC',
      walletId: 'hot-1',
      amount: 7n,
    })
    expect(await deposits.reorged({ depositId: 'tx2:1' })).toMatchObject({ ok: true })
    expect(await account(aliceBtc)).toMatchObject({ creditsPending: 0n, creditsPosted: 50_000n })
    expect(await deposits.confirmations({ depositId: 'tx2:1', confirmations: 10 })).toMatchObject({
      ok: false,
      rejection: { code: 'SETTLEMENT_PENDING_ALREADY_VOIDED' },
    })
    expect(await deposits.confirmations({ depositId: 'nope', confirmations: 10 })).toMatchObject({
      ok: false,
      rejection: { code: 'SETTLEMENT_PENDING_NOT_FOUND' },
    })
  })

  it('bad deposit input is a typed error; nothing is written', async () => {
    const before = await ledgerState(ledger)
    await expect(
      deposits.detect({
        depositId: 'tx3',
        owner: 'alice',
        asset: 'DOGE',
        walletId: 'hot-1',
        amount: 1n,
      }),
    ).rejects.toMatchObject({ code: 'SETTLEMENT_INVALID_INPUT', path: ['asset'] })
    await expect(
      deposits.detect({
        depositId: 'tx3',
        owner: 'alice',
        asset: 'BTC',
        walletId: 'hot-1',
        amount: 0n,
      }),
    ).rejects.toBeInstanceOf(SettlementInputError)
    expect(
      await deposits.detect({
        depositId: 'tx3',
        owner: 'alice',
        asset: 'BTC',
        walletId: 'nowhere',
        amount: 1n,
      }),
    ).toMatchObject({ ok: false, rejection: { code: 'SETTLEMENT_UNKNOWN_ACCOUNT' } })
    expect(() => createDeposits({ ledger, confirmationDepth: { BTC: 0 } })).toThrow(
      SettlementInputError,
    )
    expect(await ledgerState(ledger)).toEqual(before)
  })

  it('a withdrawal holds on request, posts out of the sending wallet on confirmation', async () => {
    expect(
      await withdrawals.request({
        withdrawalId: 'w1',
        owner: 'alice',
        asset: 'BTC',
        amount: 10_000n,
        fee: 100n,
      }),
    ).toMatchObject({ ok: true })
    expect(await account(aliceBtc)).toMatchObject({ debitsPending: 10_100n, debitsPosted: 0n })
    // the held funds are not spendable
    expect(
      await withdrawals.request({
        withdrawalId: 'w2',
        owner: 'alice',
        asset: 'BTC',
        amount: 39_901n,
      }),
    ).toMatchObject({
      ok: false,
      rejection: { code: 'SETTLEMENT_INSUFFICIENT_FUNDS', account: aliceBtc },
    })
    expect(
      await withdrawals.confirm({ withdrawalId: 'w1', walletId: 'hot-1', networkFee: 300n }),
    ).toMatchObject({
      ok: true,
    })
    expect(
      await withdrawals.confirm({ withdrawalId: 'w1', walletId: 'hot-1', networkFee: 300n }),
    ).toMatchObject({
      ok: true,
      replayed: true,
    })
    expect(await account(aliceBtc)).toMatchObject({ debitsPending: 0n, debitsPosted: 10_100n })
    const hot = await account(walletAccount('hot-1', 'BTC'))
    expect(hot.debitsPosted - hot.creditsPosted).toBe(50_000n - 10_000n - 300n)
    const fees = await account({
      owner: VENUE_OWNER,
      asset: 'BTC',
      role: ACCOUNT_ROLES.withdrawalFees,
    })
    expect(fees.creditsPosted).toBe(100n)
    const clearing = await account({
      owner: VENUE_OWNER,
      asset: 'BTC',
      role: ACCOUNT_ROLES.clearing,
    })
    expect(clearing.creditsPosted - clearing.debitsPosted).toBe(0n)
    expect(await withdrawals.fail({ withdrawalId: 'w1' })).toMatchObject({
      ok: false,
      rejection: { code: 'SETTLEMENT_PENDING_ALREADY_POSTED' },
    })
  })

  it('a failed or rejected withdrawal releases the hold', async () => {
    expect(
      await withdrawals.request({
        withdrawalId: 'w3',
        owner: 'alice',
        asset: 'BTC',
        amount: 1_000n,
        fee: 10n,
      }),
    ).toMatchObject({ ok: true })
    expect(await withdrawals.fail({ withdrawalId: 'w3' })).toMatchObject({ ok: true })
    expect(await account(aliceBtc)).toMatchObject({ debitsPending: 0n, debitsPosted: 10_100n })
    expect(await withdrawals.confirm({ withdrawalId: 'w3', walletId: 'hot-1' })).toMatchObject({
      ok: false,
      rejection: { code: 'SETTLEMENT_PENDING_ALREADY_VOIDED' },
    })
    // a wallet cannot send more than the ledger says it holds
    await deposits.detect({
      depositId: 'tx9',
      owner: 'alice',
      asset: 'ETH',
      walletId: 'cold-1',
      amount: 5n,
    })
    await deposits.confirmations({ depositId: 'tx9', confirmations: 12 })
    await withdrawals.request({ withdrawalId: 'w4', owner: 'alice', asset: 'ETH', amount: 5n })
    expect(await withdrawals.confirm({ withdrawalId: 'w4', walletId: 'hot-1' })).toMatchObject({
      ok: false,
      rejection: {
        code: 'SETTLEMENT_CREDITS_EXCEED_DEBITS',
        account: walletAccount('hot-1', 'ETH'),
      },
    })
    expect(await withdrawals.confirm({ withdrawalId: 'w4', walletId: 'cold-1' })).toMatchObject({
      ok: true,
    })
  })

  it('reconciles liabilities against every wallet custody reports, listing differences', async () => {
    const onChain: CustodyBalance[] = [
      { walletId: 'hot-1', tier: 'hot', asset: 'BTC', amount: 39_700n },
      { walletId: 'warm-1', tier: 'warm', asset: 'BTC', amount: 0n },
      { walletId: 'cold-1', tier: 'cold', asset: 'BTC', amount: 0n },
      { walletId: 'cold-1', tier: 'cold', asset: 'ETH', amount: 0n },
    ]
    const custody = { balances: async () => onChain }
    const report = await reconcile({ ledger, custody })
    expect(report.differences).toEqual([])
    const btc = report.assets.find((a) => a.asset === 'BTC')!
    expect(btc).toMatchObject({
      customerLiabilities: 50_000n - 10_100n,
      venueBalance: 100n - 300n,
      ledgerCustody: 39_700n,
      custody: 39_700n,
      difference: 0n,
      coverage: 39_700n - 39_900n,
    })
    expect(btc.wallets.map((w) => [w.walletId, w.tier, w.ledger, w.custody])).toEqual([
      ['cold-1', 'cold', 0n, 0n],
      ['hot-1', 'hot', 39_700n, 39_700n],
      ['warm-1', 'warm', 0n, 0n],
    ])
    // The books agree with the chain, but the network fee (300) exceeded the withdrawal fee
    // earned (100): customer funds are short by 200, so BTC is not balanced.
    expect(btc.balanced).toBe(false)
    const eth = report.assets.find((a) => a.asset === 'ETH')!
    expect(eth).toMatchObject({
      customerLiabilities: 0n,
      ledgerCustody: 0n,
      custody: 0n,
      balanced: true,
    })
    expect(report.balanced).toBe(false)

    // Custody reports less in the hot wallet and an unknown wallet: both show as differences.
    const short = await reconcile({
      ledger,
      assets: ['BTC'],
      custody: {
        balances: async () => [
          { walletId: 'hot-1', tier: 'hot', asset: 'BTC', amount: 39_000n },
          { walletId: 'hot-9', tier: 'hot', asset: 'BTC', amount: 5n },
        ],
      },
    })
    expect(short.differences).toEqual([
      { asset: 'BTC', walletId: 'hot-1', difference: -700n },
      { asset: 'BTC', walletId: 'hot-9', difference: 5n },
    ])
    expect(short.assets[0]).toMatchObject({ custody: 39_005n, difference: -695n, balanced: false })
  })
})
