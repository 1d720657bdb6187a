import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FEE_ACCOUNT } from './balances.js'
import type { ExchangeCommand } from './commands.js'
import type { ExchangeEvent } from './events.js'
import { type CoreSnapshot, createExchangeCore } from './exchangeCore.js'
import { testMarkets } from './testMarkets.js'

const E18 = 10n ** 18n
const E6 = 10n ** 6n

function setup(snapshot?: CoreSnapshot) {
  const events: ExchangeEvent[] = []
  const core = createExchangeCore({ markets: testMarkets, emit: (e) => events.push(e), snapshot })
  let seq = snapshot?.appliedSeq ?? 0
  const run = (command: ExchangeCommand, time = 1_000 + seq) => core.apply(command, ++seq, time)
  return { core, events, run }
}

function fund(
  run: (c: ExchangeCommand) => unknown,
  account: string,
  asset: string,
  amount: bigint,
) {
  run({ type: 'openAccount', account })
  run({
    type: 'credit',
    account,
    asset,
    amount: amount.toString(),
    reference: `dep-${account}-${asset}`,
  })
}

describe('exchange core', () => {
  it('holds funds for orders, settles a trade with fees, and conserves every asset', () => {
    const { core, events, run } = setup()
    fund(run, 'alice', 'USDC', 10_000n * E6)
    fund(run, 'bob', 'ETH', 5n * E18)
    // Bob offers 1 ETH at 3000; Alice buys 0.5 ETH at 3100 (trades at 3000, the maker's price).
    expect(
      run({
        type: 'placeOrder',
        account: 'bob',
        symbol: 'ETH-USDC',
        side: 'sell',
        orderType: 'limit',
        price: 300_000,
        quantity: 10_000,
      }),
    ).toEqual({ ok: true, orderId: 1 })
    expect(core.balance('bob', 'ETH')).toEqual({ available: 4n * E18, locked: E18 })
    const result = run({
      type: 'placeOrder',
      account: 'alice',
      symbol: 'ETH-USDC',
      side: 'buy',
      orderType: 'limit',
      price: 310_000,
      quantity: 5_000,
    })
    expect(result).toEqual({ ok: true, orderId: 2 })
    const fill = events.find((e) => e.kind === 'fill')
    expect(fill).toMatchObject({
      price: 300_000,
      quantity: 5_000,
      aggressorSide: 'buy',
      makerAccount: 'bob',
      takerAccount: 'alice',
    })
    // Alice paid 1500 USDC, kept the price improvement, received 0.5 ETH less the 5 bps taker fee.
    expect(core.balance('alice', 'USDC')).toEqual({ available: 8_500n * E6, locked: 0n })
    expect(core.balance('alice', 'ETH')).toEqual({
      available: E18 / 2n - ((E18 / 2n) * 5n) / 10_000n,
      locked: 0n,
    })
    // Bob got 1500 USDC less the 2 bps maker fee; half his ETH is still locked on the book.
    expect(core.balance('bob', 'USDC')).toEqual({
      available: 1_500n * E6 - (1_500n * E6 * 2n) / 10_000n,
      locked: 0n,
    })
    expect(core.balance('bob', 'ETH')).toEqual({ available: 4n * E18, locked: E18 / 2n })
    expect(core.balance(FEE_ACCOUNT, 'USDC').available).toBe(300_000n)
    expect(core.totals()).toEqual(
      new Map([
        ['USDC', 10_000n * E6],
        ['ETH', 5n * E18],
      ]),
    )
    const settlement = events.flatMap((e) => (e.kind === 'settlement' ? [e.event] : []))
    expect(settlement.map((e) => [e.seq, e.type])).toEqual([
      [1, 'lock'],
      [2, 'lock'],
      [3, 'trade'],
      [4, 'release'],
    ])
    expect(settlement[3]).toMatchObject({
      type: 'release',
      owner: 'alice',
      asset: 'USDC',
      amount: 50n * E6,
    })
  })

  it('refuses orders it cannot cover and changes nothing', () => {
    const { core, events, run: runAt } = setup()
    // One journaled time for every command, so only the commands themselves could change state.
    const run = (command: ExchangeCommand) => runAt(command, 5_000)
    fund(run, 'carol', 'USDC', 100n * E6)
    run({ type: 'tick' })
    const before = core.stateHash()
    const count = events.length
    expect(
      run({
        type: 'placeOrder',
        account: 'carol',
        symbol: 'ETH-USDC',
        side: 'buy',
        orderType: 'limit',
        price: 300_000,
        quantity: 10_000,
      }),
    ).toMatchObject({ ok: false, code: 'insufficient_funds' })
    expect(
      run({
        type: 'placeOrder',
        account: 'nobody',
        symbol: 'ETH-USDC',
        side: 'buy',
        orderType: 'limit',
        price: 1,
        quantity: 1,
      }),
    ).toMatchObject({ ok: false, code: 'unknown_account' })
    expect(
      run({
        type: 'placeOrder',
        account: 'carol',
        symbol: 'DOGE-USDC',
        side: 'buy',
        orderType: 'limit',
        price: 1,
        quantity: 1,
      }),
    ).toMatchObject({ ok: false, code: 'unknown_instrument' })
    // The book's own checks: off-grid quantity.
    expect(
      run({
        type: 'placeOrder',
        account: 'carol',
        symbol: 'ETH-USDC',
        side: 'buy',
        orderType: 'limit',
        price: 100,
        quantity: 0,
      }),
    ).toMatchObject({ ok: false })
    expect(core.balance('carol', 'USDC')).toEqual({ available: 100n * E6, locked: 0n })
    expect(events.slice(count).filter((e) => e.kind === 'settlement')).toEqual([])
    expect(core.stateHash()).toBe(before)
  })

  it('releases on cancel, adjusts holds on amend, and sizes market buys by the band edge', () => {
    const { core, run } = setup()
    fund(run, 'dave', 'USDC', 10_000n * E6)
    fund(run, 'erin', 'ETH', 2n * E18)
    run({ type: 'setReferencePrice', symbol: 'ETH-USDC', price: 300_000 })
    const order = run({
      type: 'placeOrder',
      account: 'dave',
      symbol: 'ETH-USDC',
      side: 'buy',
      orderType: 'limit',
      price: 290_000,
      quantity: 10_000,
    })
    expect(core.balance('dave', 'USDC').locked).toBe(2_900n * E6)
    expect(
      run({ type: 'amendOrder', account: 'dave', symbol: 'ETH-USDC', orderId: 1, quantity: 5_000 }),
    ).toEqual({ ok: true, orderId: 1 })
    expect(core.balance('dave', 'USDC').locked).toBe(1_450n * E6)
    expect(
      run({
        type: 'amendOrder',
        account: 'dave',
        symbol: 'ETH-USDC',
        orderId: 1,
        quantity: 40_000,
      }),
    ).toMatchObject({ ok: false, code: 'insufficient_funds' })
    expect(
      run({ type: 'amendOrder', account: 'dave', symbol: 'ETH-USDC', orderId: 1, price: 295_000 }),
    ).toEqual({ ok: true, orderId: 1 })
    expect(core.balance('dave', 'USDC').locked).toBe(1_475n * E6)
    expect(
      run({ type: 'cancelOrder', account: 'erin', symbol: 'ETH-USDC', orderId: 1 }),
    ).toMatchObject({ ok: false, code: 'unknown_order' })
    expect(
      run({
        type: 'cancelOrder',
        account: 'dave',
        symbol: 'ETH-USDC',
        orderId: (order as { orderId: number }).orderId,
      }),
    ).toEqual({ ok: true, orderId: 1 })
    expect(core.balance('dave', 'USDC')).toEqual({ available: 10_000n * E6, locked: 0n })
    // Market buy of 1 ETH: reserve at the band edge (3000 + 20 % = 3600), trade at 3000, release the rest.
    run({
      type: 'placeOrder',
      account: 'erin',
      symbol: 'ETH-USDC',
      side: 'sell',
      orderType: 'limit',
      price: 300_000,
      quantity: 10_000,
    })
    expect(
      run({
        type: 'placeOrder',
        account: 'dave',
        symbol: 'ETH-USDC',
        side: 'buy',
        orderType: 'market',
        quantity: 10_000,
      }),
    ).toMatchObject({ ok: true })
    expect(core.balance('dave', 'USDC')).toEqual({ available: 7_000n * E6, locked: 0n })
    expect(
      run({
        type: 'placeOrder',
        account: 'dave',
        symbol: 'ETH-USDC',
        side: 'buy',
        orderType: 'stopMarket',
        stopPrice: 310_000,
        quantity: 1,
      }),
    ).toMatchObject({ ok: false, code: 'quote_budget_required' })
  })

  it('holds, releases and completes withdrawals', () => {
    const { core, run } = setup()
    fund(run, 'fred', 'ETH', 3n * E18)
    expect(
      run({
        type: 'withdrawHold',
        account: 'fred',
        asset: 'ETH',
        amount: (4n * E18).toString(),
        withdrawalId: 'w1',
      }),
    ).toMatchObject({ code: 'insufficient_funds' })
    expect(
      run({
        type: 'withdrawHold',
        account: 'fred',
        asset: 'ETH',
        amount: E18.toString(),
        withdrawalId: 'w1',
      }).ok,
    ).toBe(true)
    expect(
      run({
        type: 'withdrawHold',
        account: 'fred',
        asset: 'ETH',
        amount: E18.toString(),
        withdrawalId: 'w2',
      }).ok,
    ).toBe(true)
    expect(core.balance('fred', 'ETH')).toEqual({ available: E18, locked: 2n * E18 })
    expect(run({ type: 'withdrawComplete', withdrawalId: 'w1' }).ok).toBe(true)
    expect(run({ type: 'withdrawRelease', withdrawalId: 'w2' }).ok).toBe(true)
    expect(run({ type: 'withdrawRelease', withdrawalId: 'w2' })).toMatchObject({
      code: 'unknown_withdrawal',
    })
    expect(core.balance('fred', 'ETH')).toEqual({ available: 2n * E18, locked: 0n })
    expect(
      run({
        type: 'credit',
        account: 'fred',
        asset: 'ETH',
        amount: '1',
        reference: 'dep-fred-ETH',
      }),
    ).toMatchObject({ code: 'duplicate_credit' })
  })
})

// ---------------------------------------------------------------------------------------------
// Property: any stream of commands is deterministic, conserves funds, never goes negative, and a
// snapshot taken half-way plus the rest of the stream reproduces the state hash.

const accounts = ['a', 'b', 'c', 'd']
const commandArb: fc.Arbitrary<ExchangeCommand> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({
        type: fc.constant('placeOrder' as const),
        account: fc.constantFrom(...accounts),
        symbol: fc.constantFrom('ETH-USDC', 'BTC-USDC'),
        side: fc.constantFrom('buy' as const, 'sell' as const),
        orderType: fc.constantFrom(
          'limit' as const,
          'limit' as const,
          'market' as const,
          'stopLimit' as const,
        ),
        price: fc.integer({ min: 280_000, max: 320_000 }),
        quantity: fc.integer({ min: 1, max: 20_000 }),
        stopPrice: fc.integer({ min: 280_000, max: 320_000 }),
        timeInForce: fc.constantFrom(undefined, 'IOC' as const, 'FOK' as const),
        postOnly: fc.constantFrom(undefined, true),
        selfTradePrevention: fc.constantFrom(
          undefined,
          'cancelResting' as const,
          'decrementAndCancel' as const,
        ),
      })
      .map((c) => {
        const { stopPrice, price, timeInForce, postOnly, ...rest } = c
        if (c.orderType === 'market') return { ...rest, timeInForce: timeInForce ?? 'IOC' }
        if (c.orderType === 'stopLimit') return { ...rest, price, stopPrice }
        return { ...rest, price, timeInForce, postOnly: timeInForce ? undefined : postOnly }
      }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('cancelOrder' as const),
      account: fc.constantFrom(...accounts),
      symbol: fc.constantFrom('ETH-USDC', 'BTC-USDC'),
      orderId: fc.integer({ min: 1, max: 60 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('amendOrder' as const),
      account: fc.constantFrom(...accounts),
      symbol: fc.constant('ETH-USDC'),
      orderId: fc.integer({ min: 1, max: 60 }),
      quantity: fc.integer({ min: 1, max: 30_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('withdrawHold' as const),
      account: fc.constantFrom(...accounts),
      asset: fc.constantFrom('ETH', 'USDC'),
      amount: fc.bigInt({ min: 1n, max: 10n ** 18n }).map(String),
      withdrawalId: fc.integer({ min: 1, max: 10 }).map((n) => `w${n}`),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constantFrom('withdrawComplete' as const, 'withdrawRelease' as const),
      withdrawalId: fc.integer({ min: 1, max: 10 }).map((n) => `w${n}`),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('massCancel' as const),
      account: fc.constantFrom(undefined, ...accounts),
    }),
  },
)

function genesis(): ExchangeCommand[] {
  const commands: ExchangeCommand[] = [
    { type: 'setReferencePrice', symbol: 'ETH-USDC', price: 300_000 },
    { type: 'setReferencePrice', symbol: 'BTC-USDC', price: 300_000 },
  ]
  for (const account of accounts) {
    commands.push({ type: 'openAccount', account })
    for (const [asset, amount] of [
      ['ETH', 10n * E18],
      ['BTC', 10n ** 8n],
      ['USDC', 50_000n * E6],
    ] as const) {
      commands.push({
        type: 'credit',
        account,
        asset,
        amount: amount.toString(),
        reference: `${account}-${asset}`,
      })
    }
  }
  return commands
}

describe('exchange core properties', () => {
  it('is deterministic, conserves funds, never overdraws, and snapshot + replay reproduces the hash', () => {
    fc.assert(
      fc.property(
        fc.array(commandArb, { minLength: 1, maxLength: 150 }),
        fc.nat(),
        (stream, cut) => {
          const commands = [...genesis(), ...stream]
          const a = setup()
          const b = setup()
          const withdrawn = new Map<string, bigint>()
          commands.forEach((command, i) => {
            const ra = a.run(command, 1_000 + i)
            expect(b.run(command, 1_000 + i)).toEqual(ra)
          })
          expect(a.events).toEqual(b.events)
          expect(a.core.stateHash()).toBe(b.core.stateHash())
          for (const e of a.events)
            if (e.kind === 'funds' && e.action === 'withdrawComplete')
              withdrawn.set(e.asset, (withdrawn.get(e.asset) ?? 0n) + e.amount)
          for (const [asset, total] of a.core.totals()) {
            const credited =
              asset === 'ETH' ? 40n * E18 : asset === 'BTC' ? 4n * 10n ** 8n : 200_000n * E6
            expect(total + (withdrawn.get(asset) ?? 0n)).toBe(credited)
          }
          for (const account of [...accounts, FEE_ACCOUNT]) {
            for (const [, balance] of a.core.balances(account)) {
              expect(balance.available >= 0n && balance.locked >= 0n).toBe(true)
            }
          }
          // Snapshot after `k` commands, restore, replay the rest: same hash and same events.
          const k = cut % (commands.length + 1)
          const c = setup()
          commands.slice(0, k).forEach((command, i) => {
            c.run(command, 1_000 + i)
          })
          const snapshot = JSON.parse(JSON.stringify(c.core.snapshot())) as CoreSnapshot
          const d = setup(snapshot)
          const tail: ExchangeEvent[] = []
          const eventsBefore = c.events.length
          commands.slice(k).forEach((command, i) => {
            d.run(command, 1_000 + k + i)
          })
          commands.slice(k).forEach((command, i) => {
            c.run(command, 1_000 + k + i)
          })
          tail.push(...c.events.slice(eventsBefore))
          expect(d.events).toEqual(tail)
          expect(d.core.stateHash()).toBe(a.core.stateHash())
        },
      ),
      { numRuns: 150 },
    )
  })
})
