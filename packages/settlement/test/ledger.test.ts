import { createManualClock, MAX_UINT256, type TransferId } from '@strongroom/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SettlementInputError } from '../src/errors.js'
import { type Ledger, openLedger } from '../src/ledger/openLedger.js'
import { available, ledgerState, ref } from './helpers.js'
import { openTestStore, storeKinds, type TestStore } from './stores.js'

const noOverdraft = { debitsMustNotExceedCredits: true, history: true }

describe.each(storeKinds)('ledger on %s', (kind) => {
  let test: TestStore
  let ledger: Ledger
  const clock = createManualClock(1_700_000_000_000)
  const alice = ref('alice', 'BTC')
  const bob = ref('bob', 'BTC')
  const aliceEth = ref('alice', 'ETH')
  const world = ref('world', 'BTC', 'control')
  const worldEth = ref('world', 'ETH', 'control')

  beforeAll(async () => {
    test = await openTestStore(kind)
    ledger = await openLedger({ store: test.store, clock })
    const created = await ledger.createAccounts([
      { account: alice, code: 1, flags: noOverdraft },
      { account: bob, code: 1, flags: noOverdraft },
      { account: aliceEth, code: 1, flags: noOverdraft },
      { account: world, code: 9 },
      { account: worldEth, code: 9 },
    ])
    expect(created).toMatchObject({ ok: true, replayed: false })
  })
  afterAll(async () => {
    await test?.dispose()
  })

  it('creating the same accounts again is a no-op; different contents conflict', async () => {
    expect(
      await ledger.createAccounts([{ account: alice, code: 1, flags: noOverdraft }]),
    ).toMatchObject({
      ok: true,
      replayed: true,
    })
    const before = await ledgerState(ledger)
    const conflict = await ledger.createAccounts([
      { account: ref('carol', 'BTC'), code: 1 },
      { account: alice, code: 2, flags: noOverdraft },
    ])
    expect(conflict).toMatchObject({
      ok: false,
      rejection: { code: 'SETTLEMENT_ACCOUNT_CONFLICT', account: alice },
    })
    expect(await ledgerState(ledger)).toEqual(before)
  })

  it('moves funds with a balanced double entry and keeps balance history', async () => {
    const result = await ledger.createTransfers([
      { id: 'dep-1', debit: world, credit: alice, amount: 1_000n, code: 10 },
    ])
    expect(result).toMatchObject({ ok: true, replayed: false })
    const [a, w] = await ledger.lookupAccounts([alice, world])
    expect(a).toMatchObject({
      creditsPosted: 1_000n,
      debitsPosted: 0n,
      flags: { debitsMustNotExceedCredits: true },
    })
    expect(w).toMatchObject({ debitsPosted: 1_000n, creditsPosted: 0n })
    const history = await ledger.balanceHistory({ account: alice })
    expect(history.map((h) => h.creditsPosted)).toEqual([1_000n])
    expect(history[0]!.at).toBe(clock.now())
    // world has no history flag
    expect(await ledger.balanceHistory({ account: world })).toEqual([])
    const [stored] = await ledger.lookupTransfers(['dep-1'])
    expect(stored).toMatchObject({
      kind: 'single',
      debit: world,
      credit: alice,
      amount: 1_000n,
      code: 10,
    })
  })

  it('re-submitting the same transfer is a no-op; the same id with other contents is a conflict', async () => {
    const before = await ledgerState(ledger)
    const again = await ledger.createTransfers([
      { id: 'dep-1', debit: world, credit: alice, amount: 1_000n, code: 10 },
    ])
    expect(again).toMatchObject({ ok: true, replayed: true })
    const conflict = await ledger.createTransfers([
      { id: 'dep-1', debit: world, credit: alice, amount: 999n, code: 10 },
    ])
    expect(conflict).toMatchObject({
      ok: false,
      rejection: { code: 'SETTLEMENT_ID_CONFLICT', transferId: 'dep-1' },
    })
    const partial = await ledger.createTransfers([
      { id: 'dep-1', debit: world, credit: alice, amount: 1_000n, code: 10 },
      { id: 'dep-1b', debit: world, credit: alice, amount: 1n, code: 10 },
    ])
    expect(partial).toMatchObject({ ok: false, rejection: { code: 'SETTLEMENT_ID_CONFLICT' } })
    expect(await ledgerState(ledger)).toEqual(before)
  })

  it('a linked batch applies all transfers or none', async () => {
    const before = await ledgerState(ledger)
    const result = await ledger.createTransfers([
      { id: 'link-1', debit: alice, credit: bob, amount: 600n, code: 1 },
      { id: 'link-2', debit: alice, credit: bob, amount: 600n, code: 1 },
    ])
    expect(result).toMatchObject({
      ok: false,
      rejection: { code: 'SETTLEMENT_INSUFFICIENT_FUNDS', transferId: 'link-1', account: alice },
    })
    expect(await ledgerState(ledger)).toEqual(before)
    // Funds that arrive within the batch count: checks are on the balances at its end.
    const netted = await ledger.createTransfers([
      { id: 'net-1', debit: alice, credit: bob, amount: 1_500n, code: 1 },
      { id: 'net-2', debit: world, credit: alice, amount: 500n, code: 10 },
    ])
    expect(netted).toMatchObject({ ok: true })
    expect(await available(ledger, alice)).toBe(0n)
    expect(await available(ledger, bob)).toBe(1_500n)
  })

  it('refuses bad input with a typed error naming the field, writing nothing', async () => {
    const before = await ledgerState(ledger)
    const cases: [unknown[], string, string][] = [
      [
        [{ id: 'z1', debit: bob, credit: alice, amount: 0n, code: 1 }],
        'transfers[0].amount',
        'not_positive',
      ],
      [
        [{ id: 'z2', debit: bob, credit: alice, amount: -5n, code: 1 }],
        'transfers[0].amount',
        'not_positive',
      ],
      [
        [{ id: 'z3', debit: bob, credit: alice, amount: MAX_UINT256 + 1n, code: 1 }],
        'transfers[0].amount',
        'out_of_range',
      ],
      [
        [{ id: 'z4', debit: bob, credit: aliceEth, amount: 1n, code: 1 }],
        'transfers[0].credit.asset',
        'asset_mismatch',
      ],
      [
        [{ id: 'z5', debit: bob, credit: bob, amount: 1n, code: 1 }],
        'transfers[0].credit',
        'same_account',
      ],
      [
        [{ id: 'bad id!', debit: bob, credit: alice, amount: 1n, code: 1 }],
        'transfers[0].id',
        'format',
      ],
      [
        [
          { id: 'z6', debit: bob, credit: alice, amount: 1n, code: 1 },
          { id: 'z6', debit: bob, credit: alice, amount: 1n, code: 1 },
        ],
        'transfers[1].id',
        'duplicate_id',
      ],
      [
        [{ id: 'z7', debit: bob, credit: alice, amount: 1, code: 1 }],
        'transfers[0].amount',
        'format',
      ],
      [
        [{ id: 'z8', debit: bob, credit: alice, amount: 1n, code: -1 }],
        'transfers[0].code',
        'out_of_range',
      ],
      [[], 'transfers', 'empty'],
    ]
    for (const [batch, path, rule] of cases) {
      const error = await ledger.createTransfers(batch as never).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error, path).toBeInstanceOf(SettlementInputError)
      expect((error as SettlementInputError).shortMessage.startsWith(`${path}:`), path).toBe(true)
      expect((error as SettlementInputError).rule).toBe(rule)
      expect((error as SettlementInputError).code).toBe('SETTLEMENT_INVALID_INPUT')
    }
    const unknown = await ledger.createTransfers([
      { id: 'u1', debit: bob, credit: ref('nobody', 'BTC'), amount: 1n, code: 1 },
    ])
    expect(unknown).toMatchObject({
      ok: false,
      rejection: {
        code: 'SETTLEMENT_UNKNOWN_ACCOUNT',
        transferId: 'u1',
        account: ref('nobody', 'BTC'),
      },
    })
    expect(await ledgerState(ledger)).toEqual(before)
  })

  it('two-phase transfers: pending, partial post, void, and the refusals', async () => {
    const hold = await ledger.createTransfers([
      { kind: 'pending', id: 'p1', debit: bob, credit: alice, amount: 400n, code: 2 },
      { kind: 'pending', id: 'p2', debit: bob, credit: alice, amount: 300n, code: 2 },
    ])
    expect(hold).toMatchObject({ ok: true })
    let [b] = await ledger.lookupAccounts([bob])
    expect(b).toMatchObject({ debitsPending: 700n, creditsPosted: 1_500n })
    expect(await available(ledger, bob)).toBe(800n)
    // more than what is free
    expect(
      await ledger.createTransfers([
        { kind: 'pending', id: 'p3', debit: bob, credit: alice, amount: 801n, code: 2 },
      ]),
    ).toMatchObject({ ok: false, rejection: { code: 'SETTLEMENT_INSUFFICIENT_FUNDS' } })

    const before = await ledgerState(ledger)
    expect(
      await ledger.createTransfers([
        { kind: 'post', id: 'p1-post', pendingId: 'p1', amount: 401n },
      ]),
    ).toMatchObject({ ok: false, rejection: { code: 'SETTLEMENT_EXCEEDS_PENDING_AMOUNT' } })
    expect(
      await ledger.createTransfers([{ kind: 'post', id: 'p9-post', pendingId: 'p9' }]),
    ).toMatchObject({ ok: false, rejection: { code: 'SETTLEMENT_PENDING_NOT_FOUND' } })
    expect(
      await ledger.createTransfers([{ kind: 'void', id: 'x-void', pendingId: 'dep-1' }]),
    ).toMatchObject({ ok: false, rejection: { code: 'SETTLEMENT_NOT_PENDING' } })
    expect(await ledgerState(ledger)).toEqual(before)

    expect(
      await ledger.createTransfers([
        { kind: 'post', id: 'p1-post', pendingId: 'p1', amount: 250n },
      ]),
    ).toMatchObject({ ok: true })
    expect(
      await ledger.createTransfers([{ kind: 'void', id: 'p2-void', pendingId: 'p2' }]),
    ).toMatchObject({ ok: true })
    ;[b] = await ledger.lookupAccounts([bob])
    expect(b).toMatchObject({ debitsPending: 0n, debitsPosted: 250n })
    expect(await available(ledger, alice)).toBe(250n)
    const [p1, p2, post] = await ledger.lookupTransfers(['p1', 'p2', 'p1-post'])
    expect(p1).toMatchObject({ state: 'posted', amount: 400n })
    expect(p2).toMatchObject({ state: 'voided' })
    expect(post).toMatchObject({ kind: 'post', pendingId: 'p1', amount: 250n, code: 2, debit: bob })

    const after = await ledgerState(ledger)
    expect(
      await ledger.createTransfers([{ kind: 'void', id: 'p1-void', pendingId: 'p1' }]),
    ).toMatchObject({ ok: false, rejection: { code: 'SETTLEMENT_PENDING_ALREADY_POSTED' } })
    expect(
      await ledger.createTransfers([{ kind: 'post', id: 'p2-post', pendingId: 'p2' }]),
    ).toMatchObject({ ok: false, rejection: { code: 'SETTLEMENT_PENDING_ALREADY_VOIDED' } })
    // the post replayed is a no-op; with another amount, a conflict
    expect(
      await ledger.createTransfers([
        { kind: 'post', id: 'p1-post', pendingId: 'p1', amount: 250n },
      ]),
    ).toMatchObject({ ok: true, replayed: true })
    expect(
      await ledger.createTransfers([{ kind: 'post', id: 'p1-post', pendingId: 'p1' }]),
    ).toMatchObject({ ok: false, rejection: { code: 'SETTLEMENT_ID_CONFLICT' } })
    expect(await ledgerState(ledger)).toEqual(after)
  })

  it('a pending transfer and its post in one batch', async () => {
    const result = await ledger.createTransfers([
      { kind: 'pending', id: 'pp1', debit: bob, credit: alice, amount: 50n, code: 2 },
      { kind: 'post', id: 'pp1-post', pendingId: 'pp1', amount: 20n },
    ])
    expect(result).toMatchObject({ ok: true })
    const [pp1] = await ledger.lookupTransfers(['pp1'])
    expect(pp1).toMatchObject({ state: 'posted' })
    const [b] = await ledger.lookupAccounts([bob])
    expect(b).toMatchObject({ debitsPending: 0n, debitsPosted: 270n })
  })

  it('pending transfers expire after their timeout', async () => {
    expect(
      await ledger.createTransfers([
        {
          kind: 'pending',
          id: 't1',
          debit: bob,
          credit: alice,
          amount: 100n,
          code: 2,
          timeoutMs: 1_000,
        },
      ]),
    ).toMatchObject({ ok: true })
    expect((await ledger.expirePendingTransfers()).expired).toBe(0)
    clock.advance(1_000)
    expect(
      await ledger.createTransfers([{ kind: 'post', id: 't1-post', pendingId: 't1' }]),
    ).toMatchObject({ ok: false, rejection: { code: 'SETTLEMENT_PENDING_EXPIRED' } })
    expect((await ledger.expirePendingTransfers()).expired).toBe(1)
    const [t1] = await ledger.lookupTransfers(['t1'])
    expect(t1).toMatchObject({ state: 'expired', expiresAt: clock.now() })
    const [b] = await ledger.lookupAccounts([bob])
    expect(b!.debitsPending).toBe(0n)
    expect(
      await ledger.createTransfers([{ kind: 'void', id: 't1-void', pendingId: 't1' }]),
    ).toMatchObject({ ok: false, rejection: { code: 'SETTLEMENT_PENDING_EXPIRED' } })
  })

  it('credits must not exceed debits where flagged (a custody wallet)', async () => {
    const wallet = ref('wallet:hot-1', 'ETH', 'custody')
    await ledger.createAccounts([
      { account: wallet, code: 20, flags: { creditsMustNotExceedDebits: true } },
    ])
    expect(
      await ledger.createTransfers([
        { id: 'w1', debit: worldEth, credit: wallet, amount: 1n, code: 3 },
      ]),
    ).toMatchObject({
      ok: false,
      rejection: { code: 'SETTLEMENT_CREDITS_EXCEED_DEBITS', account: wallet },
    })
  })

  it('stores free text exactly, whatever it contains', async () => {
    const nasty = [
      'NULL',
      'a"b',
      'back\\slash',
      '{x,y}',
      "it's",
      'tab\tnew\nline',
      'ünï😀',
      ' spaced ',
    ]
    const result = await ledger.createTransfers(
      nasty.map((reference, i) => ({
        id: `text-${i}`,
        debit: worldEth,
        credit: aliceEth,
        amount: 1n,
        code: 10,
        reference,
      })),
    )
    expect(result).toMatchObject({ ok: true })
    const stored = await ledger.lookupTransfers(nasty.map((_, i) => `text-${i}`))
    expect(stored.map((t) => t?.reference)).toEqual(nasty)
    const [none] = await ledger.lookupTransfers(['dep-1'])
    expect(none!.reference).toBeUndefined()
  })

  it('keeps 256-bit amounts exact', async () => {
    const big = MAX_UINT256 - 7n
    expect(
      await ledger.createTransfers([
        { id: 'huge', debit: worldEth, credit: aliceEth, amount: big, code: 10 },
      ]),
    ).toMatchObject({ ok: true })
    // with the 8 units of the free-text test: a balance of exactly 2^256, beyond any one amount
    expect(await available(ledger, aliceEth)).toBe(big + 8n)
    expect(big + 8n).toBe(2n ** 256n)
    const totals = await ledger.assetTotals()
    const eth = totals.find((t) => t.asset === 'ETH')!
    expect(eth.creditsPosted).toBe(big + 8n)
    expect(eth.debitsPosted).toBe(big + 8n)
  })

  it('implements LedgerPort: transfer, hold, postHold, voidHold, balances', async () => {
    const id = (s: string) => s as TransferId
    expect(
      await ledger.transfer([
        { id: id('port-1'), debit: world, credit: bob, amount: 10n, code: 10 },
      ]),
    ).toMatchObject({ ok: true })
    expect(
      await ledger.hold({ id: id('port-h1'), debit: bob, credit: alice, amount: 7n, code: 2 }),
    ).toMatchObject({ ok: true })
    expect(await ledger.postHold({ holdId: id('port-h1'), amount: 5n })).toMatchObject({ ok: true })
    expect(await ledger.postHold({ holdId: id('port-h1'), amount: 5n })).toMatchObject({
      ok: true,
      replayed: true,
    })
    expect(await ledger.voidHold({ holdId: id('port-h1') })).toMatchObject({
      ok: false,
      rejection: { code: 'SETTLEMENT_PENDING_ALREADY_POSTED' },
    })
    expect(
      await ledger.hold({ id: id('port-h2'), debit: bob, credit: alice, amount: 3n, code: 2 }),
    ).toMatchObject({ ok: true })
    expect(await ledger.voidHold({ holdId: id('port-h2') })).toMatchObject({ ok: true })
    const balances = await ledger.balances({ owner: 'bob' })
    expect(balances).toEqual([
      {
        account: bob,
        debitsPosted: 275n,
        creditsPosted: 1_510n,
        debitsPending: 0n,
        creditsPending: 0n,
      },
    ])
    expect(await ledger.balances({ owner: 'alice', asset: 'ETH' })).toHaveLength(1)
  })

  it('every asset sums to zero', async () => {
    for (const totals of await ledger.assetTotals()) {
      expect(totals.debitsPosted).toBe(totals.creditsPosted)
      expect(totals.debitsPending).toBe(totals.creditsPending)
    }
    const transfers = await ledger.accountTransfers({ account: bob })
    expect(transfers.length).toBeGreaterThan(5)
  })
})
