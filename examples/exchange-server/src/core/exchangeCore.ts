import { createHash } from 'node:crypto'
import {
  canonicalJson,
  type Instrument,
  lotsToBaseUnits,
  mulDiv,
  notionalUnits,
} from '@strongroom/core'
import {
  type BookCommand,
  type BookEventSink,
  createMatchingEngine,
  type EngineState,
  type MatchingEngine,
  priceBandEdges,
  type Side,
} from '@strongroom/orderbook'
import type { SettlementEvent } from '@strongroom/settlement'
import { type Balance, Balances, FEE_ACCOUNT } from './balances.js'
import type { ExchangeCommand } from './commands.js'
import type { ExchangeEvent } from './events.js'

/** A market: its instrument and fees in basis points. */
export type Market = {
  readonly instrument: Instrument
  readonly makerFeeBps: number
  readonly takerFeeBps: number
}

/** What applying a command returns to the gateway that submitted it. */
export type CommandResult =
  | { readonly ok: true; readonly orderId?: number | undefined }
  | { readonly ok: false; readonly code: string; readonly message: string }

/** An open order's reservation: the asset and amount moved to `locked` for it. */
type OrderHold = {
  account: string
  symbol: string
  side: Side
  clientOrderId: string | undefined
  asset: string
  reserved: bigint
}

type Withdrawal = { account: string; asset: string; amount: bigint }

/** The core's complete state, for snapshots (JSON-safe). */
export type CoreSnapshot = {
  readonly version: 1
  readonly appliedSeq: number
  readonly nextOrderId: number
  readonly settlementSeq: number
  readonly accounts: readonly string[]
  readonly balances: [string, [string, string, string][]][]
  readonly orders: [number, string, string, Side, string | null, string, string][]
  readonly withdrawals: [string, string, string, string][]
  readonly credited: readonly string[]
  readonly referencePrices: [string, number][]
  readonly engine: EngineState
}

const reject = (code: string, message: string): CommandResult => ({ ok: false, code, message })

/**
 * The deterministic heart of the exchange: balance holds in memory around the matching engine.
 * Same commands with the same sequence numbers and times give the same events and state, byte
 * for byte; {@link ExchangeCore.stateHash} proves it after a replay. It never touches I/O.
 */
export type ExchangeCore = {
  apply(command: ExchangeCommand, seq: number, time: number): CommandResult
  balance(account: string, asset: string): Readonly<Balance>
  balances(account: string): [string, Readonly<Balance>][]
  /** Totals per asset over every account (deposits minus withdrawals). */
  totals(): Map<string, bigint>
  hasAccount(account: string): boolean
  /** Open order ids of an account with their symbols. */
  orderOwner(
    orderId: number,
  ): { account: string; symbol: string; clientOrderId: string | undefined } | undefined
  readonly engine: MatchingEngine
  readonly markets: ReadonlyMap<string, Market>
  readonly appliedSeq: number
  /** Sequence number of the last settlement event emitted. */
  readonly settlementSeq: number
  /** Open orders with their holds (for read models after a restart). */
  openOrders(): {
    orderId: number
    account: string
    symbol: string
    clientOrderId: string | undefined
  }[]
  snapshot(): CoreSnapshot
  stateHash(): string
}

/** Options of {@link createExchangeCore}. */
export type CreateExchangeCoreParameters = {
  markets: readonly Market[]
  /** Receives every event, in order, while `apply` runs. */
  emit: (event: ExchangeEvent) => void
  /** Resume from a snapshot. */
  snapshot?: CoreSnapshot | undefined
}

/** Creates the core, empty or from a snapshot. */
export function createExchangeCore(parameters: CreateExchangeCoreParameters): ExchangeCore {
  const markets = new Map(parameters.markets.map((m) => [m.instrument.symbol, m]))
  const emit = parameters.emit
  const snap = parameters.snapshot
  const balances = snap ? Balances.import(snap.balances) : new Balances()
  const accounts = new Map<string, number>()
  const accountNames: string[] = []
  for (const name of snap?.accounts ?? []) {
    accounts.set(name, accountNames.length)
    accountNames.push(name)
  }
  const orders = new Map<number, OrderHold>(
    (snap?.orders ?? []).map(([id, account, symbol, side, clientOrderId, asset, reserved]) => [
      id,
      {
        account,
        symbol,
        side,
        clientOrderId: clientOrderId ?? undefined,
        asset,
        reserved: BigInt(reserved),
      },
    ]),
  )
  const withdrawals = new Map<string, Withdrawal>(
    (snap?.withdrawals ?? []).map(([id, account, asset, amount]) => [
      id,
      { account, asset, amount: BigInt(amount) },
    ]),
  )
  const credited = new Set<string>(snap?.credited ?? [])
  const referencePrices = new Map<string, number>(snap?.referencePrices ?? [])
  let nextOrderId = snap?.nextOrderId ?? 1
  let settlementSeq = snap?.settlementSeq ?? 0
  let appliedSeq = snap?.appliedSeq ?? 0
  // Context of the command being applied.
  let seq = 0
  let time = 0
  let pending: { orderId: number; hold: OrderHold; accepted: boolean } | undefined
  let amending: { orderId: number; extra: bigint } | undefined

  const settle = (event: Omit<LockLike, 'seq'> | Omit<TradeLike, 'seq'>) => {
    settlementSeq++
    emit({
      kind: 'settlement',
      seq,
      time,
      event: { ...event, seq: settlementSeq } as SettlementEvent,
    })
  }
  const balanceChanged = (account: string, asset: string) => {
    const b = balances.get(account, asset)
    emit({ kind: 'balance', seq, time, account, asset, available: b.available, locked: b.locked })
  }
  const release = (orderId: number, hold: OrderHold, amount: bigint) => {
    if (amount <= 0n) return
    const b = balances.get(hold.account, hold.asset)
    b.locked -= amount
    b.available += amount
    hold.reserved -= amount
    settle({
      type: 'release',
      key: `ord-${orderId}`,
      owner: hold.account,
      asset: hold.asset,
      amount,
    })
    balanceChanged(hold.account, hold.asset)
  }
  const finish = (orderId: number) => {
    const hold = orders.get(orderId)
    if (!hold) return
    release(orderId, hold, hold.reserved)
    orders.delete(orderId)
  }

  const sinkFor = (symbol: string): BookEventSink => {
    const market = markets.get(symbol)!
    const { instrument } = market
    const base = instrument.base.code
    const quote = instrument.quote.code
    return {
      accepted(
        orderId,
        _account,
        clientOrderId,
        side,
        orderType,
        price,
        quantity,
        quoteBudget,
        stopPrice,
      ) {
        const hold = pending?.orderId === orderId ? pending.hold : orders.get(orderId)
        if (!hold) return
        if (pending?.orderId === orderId) {
          pending.accepted = true
          orders.set(orderId, hold)
          settle({
            type: 'lock',
            key: `ord-${orderId}`,
            owner: hold.account,
            asset: hold.asset,
            amount: hold.reserved,
          })
        }
        emit({
          kind: 'orderAccepted',
          seq,
          time,
          account: hold.account,
          symbol,
          orderId,
          clientOrderId,
          side,
          orderType,
          price,
          quantity,
          quoteBudget,
          stopPrice,
        })
      },
      rejected(action, orderId, account, code) {
        emit({
          kind: 'orderRejected',
          seq,
          time,
          account: accountNames[account] ?? '',
          symbol,
          orderId,
          clientOrderId: pending?.hold.clientOrderId,
          action,
          code,
        })
      },
      fill(
        tradeId,
        price,
        quantity,
        aggressorSide,
        makerOrderId,
        _ma,
        takerOrderId,
        _ta,
        makerRemaining,
        takerRemaining,
      ) {
        const maker = orders.get(makerOrderId)!
        const taker = orders.get(takerOrderId)!
        const buyer = aggressorSide === 'buy' ? taker : maker
        const seller = aggressorSide === 'buy' ? maker : taker
        const baseAmount = lotsToBaseUnits(instrument, quantity)
        const quoteAmount = notionalUnits(instrument, price, quantity)
        const buyerBps = BigInt(buyer === maker ? market.makerFeeBps : market.takerFeeBps)
        const sellerBps = BigInt(seller === maker ? market.makerFeeBps : market.takerFeeBps)
        const buyerFee = mulDiv(baseAmount, buyerBps, 10_000n, 'floor')
        const sellerFee = mulDiv(quoteAmount, sellerBps, 10_000n, 'floor')
        const buyerQuote = balances.get(buyer.account, quote)
        const sellerBase = balances.get(seller.account, base)
        if (buyer.reserved < quoteAmount || seller.reserved < baseAmount) {
          throw new Error(`invariant: trade ${symbol}:${tradeId} exceeds an order's hold`)
        }
        buyerQuote.locked -= quoteAmount
        buyer.reserved -= quoteAmount
        sellerBase.locked -= baseAmount
        seller.reserved -= baseAmount
        balances.get(buyer.account, base).available += baseAmount - buyerFee
        balances.get(seller.account, quote).available += quoteAmount - sellerFee
        balances.get(FEE_ACCOUNT, base).available += buyerFee
        balances.get(FEE_ACCOUNT, quote).available += sellerFee
        settle({
          type: 'trade',
          key: `${symbol}.t${tradeId}`,
          base,
          quote,
          buyer: buyer.account,
          seller: seller.account,
          baseAmount,
          quoteAmount,
          maker: buyer === maker ? 'buyer' : 'seller',
          buyerFee,
          sellerFee,
        })
        emit({
          kind: 'fill',
          seq,
          time,
          symbol,
          tradeId,
          price,
          quantity,
          aggressorSide,
          makerOrderId,
          makerAccount: maker.account,
          takerOrderId,
          takerAccount: taker.account,
          makerRemaining,
          takerRemaining,
          makerClientOrderId: maker.clientOrderId,
          takerClientOrderId: taker.clientOrderId,
          buyerFee,
          sellerFee,
        })
        referencePrices.set(symbol, price)
        for (const [account, asset] of [
          [buyer.account, quote],
          [buyer.account, base],
          [seller.account, base],
          [seller.account, quote],
        ] as const)
          balanceChanged(account, asset)
        if (makerRemaining === 0) finish(makerOrderId)
        if (takerRemaining === 0) finish(takerOrderId)
      },
      cancelled(orderId, _account, cancelledQuantity, remainingQuantity, reason) {
        const hold = orders.get(orderId)
        if (!hold) return
        emit({
          kind: 'orderCancelled',
          seq,
          time,
          account: hold.account,
          symbol,
          orderId,
          clientOrderId: hold.clientOrderId,
          cancelledQuantity,
          remainingQuantity,
          reason,
        })
        if (remainingQuantity === 0) finish(orderId)
      },
      expired(orderId, _account, quantity) {
        const hold = orders.get(orderId)
        if (!hold) return
        emit({
          kind: 'orderExpired',
          seq,
          time,
          account: hold.account,
          symbol,
          orderId,
          clientOrderId: hold.clientOrderId,
          quantity,
        })
        finish(orderId)
      },
      triggered(orderId, _account, lastTradePrice) {
        const hold = orders.get(orderId)
        if (!hold) return
        emit({
          kind: 'orderTriggered',
          seq,
          time,
          account: hold.account,
          symbol,
          orderId,
          clientOrderId: hold.clientOrderId,
          lastTradePrice,
        })
      },
      amended(orderId, _account, price, quantity, keptPriority) {
        const hold = orders.get(orderId)
        if (!hold) return
        // The ledger locks what the amend added before any trade the new price may make.
        if (amending?.orderId === orderId && amending.extra > 0n) {
          settle({
            type: 'lock',
            key: `ord-${orderId}`,
            owner: hold.account,
            asset: hold.asset,
            amount: amending.extra,
          })
          amending.extra = 0n
        }
        emit({
          kind: 'orderAmended',
          seq,
          time,
          account: hold.account,
          symbol,
          orderId,
          clientOrderId: hold.clientOrderId,
          price,
          quantity,
          keptPriority,
        })
        // Give back what the amended order no longer needs (a smaller size or a lower buy price).
        release(orderId, hold, hold.reserved - required(instrument, hold.side, price, quantity))
      },
      level(mdSeq, side, price, quantity, count) {
        emit({ kind: 'level', seq, time, symbol, mdSeq, side, price, quantity, orders: count })
      },
      book(mdSeq, action, orderId, side, price, quantity) {
        emit({ kind: 'l3', seq, time, symbol, mdSeq, action, orderId, side, price, quantity })
      },
      bbo(bidPrice, bidQuantity, askPrice, askQuantity) {
        emit({ kind: 'bbo', seq, time, symbol, bidPrice, bidQuantity, askPrice, askQuantity })
      },
      status(status, referencePrice) {
        if (referencePrice > 0) referencePrices.set(symbol, referencePrice)
        emit({ kind: 'status', seq, time, symbol, status, referencePrice })
      },
    }
  }

  const engine = createMatchingEngine({
    instruments: parameters.markets.map((m) => m.instrument),
    sinkFor,
    state: snap?.engine,
  })

  const accountNumber = (account: string) => accounts.get(account)

  function placeOrder(command: Extract<ExchangeCommand, { type: 'placeOrder' }>): CommandResult {
    const market = markets.get(command.symbol)
    if (!market) return reject('unknown_instrument', `No market ${command.symbol}.`)
    const number = accountNumber(command.account)
    if (number === undefined)
      return reject('unknown_account', `Account ${command.account} has not been opened.`)
    const { instrument } = market
    const buy = command.side === 'buy'
    const asset = buy ? instrument.quote.code : instrument.base.code
    let reserve: bigint
    if (!buy) {
      if (command.quantity === undefined)
        return reject('quantity_required', 'Sell orders are sized by quantity.')
      reserve = safeLots(instrument, command.quantity)
    } else if (command.orderType === 'limit' || command.orderType === 'stopLimit') {
      reserve =
        command.price === undefined || command.quantity === undefined
          ? -1n
          : safeNotional(instrument, command.price, command.quantity)
    } else if (command.quoteBudget !== undefined) {
      reserve =
        Number.isSafeInteger(command.quoteBudget) && command.quoteBudget > 0
          ? BigInt(command.quoteBudget) * instrument.notionalUnitsPerTickLot
          : -1n
    } else if (command.orderType === 'stopMarket') {
      return reject('quote_budget_required', 'Stop-market buys are sized by quoteBudget.')
    } else {
      // A market buy by quantity cannot trade above the band edge: reserve for that price.
      const edges = priceBandEdges(instrument, referencePrices.get(command.symbol) ?? 0)
      if (!edges)
        return reject(
          'quote_budget_required',
          'Without a reference price, market buys are sized by quoteBudget.',
        )
      reserve =
        command.quantity === undefined ? -1n : safeNotional(instrument, edges[1], command.quantity)
    }
    if (reserve < 0n) {
      // Let the book name what is wrong with the order (it rejects with its own code).
      reserve = 0n
    }
    const balance = balances.get(command.account, asset)
    if (balance.available < reserve) {
      return reject(
        'insufficient_funds',
        `Needs ${reserve} ${asset} minor units available, has ${balance.available}.`,
      )
    }
    const orderId = nextOrderId++
    const hold: OrderHold = {
      account: command.account,
      symbol: command.symbol,
      side: command.side,
      clientOrderId: command.clientOrderId,
      asset,
      reserved: reserve,
    }
    balance.available -= reserve
    balance.locked += reserve
    pending = { orderId, hold, accepted: false }
    const { type: _t, account: _a, ...fields } = command
    const status = engine.execute(
      { ...fields, type: 'place', orderId, account: number } as BookCommand,
      time,
    )
    const accepted = pending.accepted
    pending = undefined
    if (!accepted) {
      // Rejected by the book: nothing was locked in the ledger; undo the tentative hold and id.
      nextOrderId--
      balance.available += reserve
      balance.locked -= reserve
      return reject(status, `The order was rejected: ${status}.`)
    }
    balanceChanged(command.account, asset)
    // An order that finished within the command (filled, IOC rest cancelled) already released.
    return { ok: true, orderId }
  }

  function amendOrder(command: Extract<ExchangeCommand, { type: 'amendOrder' }>): CommandResult {
    const market = markets.get(command.symbol)
    if (!market) return reject('unknown_instrument', `No market ${command.symbol}.`)
    const number = accountNumber(command.account)
    const hold = orders.get(command.orderId)
    const state = engine.book(command.symbol)?.getOrder(command.orderId)
    if (
      number === undefined ||
      !hold ||
      hold.account !== command.account ||
      hold.symbol !== command.symbol ||
      !state
    ) {
      return reject(
        'unknown_order',
        `No open order ${command.orderId} of ${command.account} on ${command.symbol}.`,
      )
    }
    const price = command.price ?? state.price
    const quantity = command.quantity ?? state.quantity + state.hidden
    let extra = 0n
    if (
      Number.isSafeInteger(price) &&
      Number.isSafeInteger(quantity) &&
      price > 0 &&
      quantity > 0
    ) {
      const needed = required(market.instrument, hold.side, price, quantity)
      extra = needed > hold.reserved ? needed - hold.reserved : 0n
    }
    const balance = balances.get(hold.account, hold.asset)
    if (balance.available < extra)
      return reject(
        'insufficient_funds',
        `The amended order needs ${extra} more ${hold.asset} minor units.`,
      )
    balance.available -= extra
    balance.locked += extra
    hold.reserved += extra
    amending = { orderId: command.orderId, extra }
    const status = engine.execute(
      {
        type: 'amend',
        symbol: command.symbol,
        orderId: command.orderId,
        account: number,
        price: command.price,
        quantity: command.quantity,
      },
      time,
    )
    amending = undefined
    if (status !== 'ok') {
      balance.available += extra
      balance.locked -= extra
      hold.reserved -= extra
      return reject(status, `The amend was rejected: ${status}.`)
    }
    if (extra > 0n) balanceChanged(hold.account, hold.asset)
    return { ok: true, orderId: command.orderId }
  }

  function apply(command: ExchangeCommand): CommandResult {
    switch (command.type) {
      case 'openAccount': {
        if (accounts.has(command.account))
          return reject('account_exists', `Account ${command.account} exists.`)
        accounts.set(command.account, accountNames.length)
        accountNames.push(command.account)
        return { ok: true }
      }
      case 'placeOrder':
        return placeOrder(command)
      case 'amendOrder':
        return amendOrder(command)
      case 'cancelOrder': {
        const number = accountNumber(command.account)
        const hold = orders.get(command.orderId)
        if (
          number === undefined ||
          !hold ||
          hold.account !== command.account ||
          hold.symbol !== command.symbol
        ) {
          return reject(
            'unknown_order',
            `No open order ${command.orderId} of ${command.account} on ${command.symbol}.`,
          )
        }
        const status = engine.execute(
          { type: 'cancel', symbol: command.symbol, orderId: command.orderId, account: number },
          time,
        )
        return status === 'ok'
          ? { ok: true, orderId: command.orderId }
          : reject(status, `The cancel was rejected: ${status}.`)
      }
      case 'massCancel': {
        const number = command.account === undefined ? undefined : accountNumber(command.account)
        if (command.account !== undefined && number === undefined)
          return reject('unknown_account', `Account ${command.account} has not been opened.`)
        if (command.symbol !== undefined && !markets.has(command.symbol))
          return reject('unknown_instrument', `No market ${command.symbol}.`)
        const status = engine.execute(
          { type: 'massCancel', symbol: command.symbol, account: number },
          time,
        )
        return status === 'ok'
          ? { ok: true }
          : reject(status, `The mass cancel was rejected: ${status}.`)
      }
      case 'halt':
      case 'resume':
      case 'setReferencePrice': {
        if (command.symbol !== undefined && !markets.has(command.symbol))
          return reject('unknown_instrument', `No market ${command.symbol}.`)
        const status = engine.execute(command as BookCommand, time)
        return status === 'ok' ? { ok: true } : reject(status, `Rejected: ${status}.`)
      }
      case 'tick':
        engine.execute({ type: 'tick' }, time)
        return { ok: true }
      case 'credit': {
        if (credited.has(command.reference))
          return reject('duplicate_credit', `Deposit ${command.reference} was already credited.`)
        const amount = BigInt(command.amount)
        credited.add(command.reference)
        balances.get(command.account, command.asset).available += amount
        emit({
          kind: 'funds',
          seq,
          time,
          action: 'credit',
          account: command.account,
          asset: command.asset,
          amount,
          reference: command.reference,
        })
        balanceChanged(command.account, command.asset)
        return { ok: true }
      }
      case 'withdrawHold': {
        if (withdrawals.has(command.withdrawalId))
          return reject('duplicate_withdrawal', `Withdrawal ${command.withdrawalId} exists.`)
        const amount = BigInt(command.amount)
        const balance = balances.get(command.account, command.asset)
        if (amount <= 0n) return reject('invalid_amount', 'The amount must be positive.')
        if (balance.available < amount)
          return reject(
            'insufficient_funds',
            `Needs ${amount} ${command.asset} minor units available, has ${balance.available}.`,
          )
        balance.available -= amount
        balance.locked += amount
        withdrawals.set(command.withdrawalId, {
          account: command.account,
          asset: command.asset,
          amount,
        })
        emit({
          kind: 'funds',
          seq,
          time,
          action: 'withdrawHold',
          account: command.account,
          asset: command.asset,
          amount,
          reference: command.withdrawalId,
        })
        balanceChanged(command.account, command.asset)
        return { ok: true }
      }
      case 'withdrawRelease':
      case 'withdrawComplete': {
        const w = withdrawals.get(command.withdrawalId)
        if (!w)
          return reject('unknown_withdrawal', `No pending withdrawal ${command.withdrawalId}.`)
        withdrawals.delete(command.withdrawalId)
        const balance = balances.get(w.account, w.asset)
        balance.locked -= w.amount
        if (command.type === 'withdrawRelease') balance.available += w.amount
        emit({
          kind: 'funds',
          seq,
          time,
          action: command.type,
          account: w.account,
          asset: w.asset,
          amount: w.amount,
          reference: command.withdrawalId,
        })
        balanceChanged(w.account, w.asset)
        return { ok: true }
      }
    }
  }

  function snapshot(): CoreSnapshot {
    return {
      version: 1,
      appliedSeq,
      nextOrderId,
      settlementSeq,
      accounts: [...accountNames],
      balances: balances.export(),
      orders: [...orders]
        .sort(([a], [b]) => a - b)
        .map(([id, h]) => [
          id,
          h.account,
          h.symbol,
          h.side,
          h.clientOrderId ?? null,
          h.asset,
          h.reserved.toString(),
        ]),
      withdrawals: [...withdrawals]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([id, w]) => [id, w.account, w.asset, w.amount.toString()]),
      credited: [...credited].sort(),
      referencePrices: [...referencePrices].sort(([a], [b]) => (a < b ? -1 : 1)),
      engine: engine.exportState(),
    }
  }

  return {
    engine,
    markets,
    get appliedSeq() {
      return appliedSeq
    },
    get settlementSeq() {
      return settlementSeq
    },
    openOrders: () =>
      [...orders].map(([orderId, h]) => ({
        orderId,
        account: h.account,
        symbol: h.symbol,
        clientOrderId: h.clientOrderId,
      })),
    apply(command, commandSeq, commandTime) {
      seq = commandSeq
      time = commandTime
      const result = apply(command)
      appliedSeq = commandSeq
      return result
    },
    balance: (account, asset) => balances.peek(account, asset) ?? { available: 0n, locked: 0n },
    balances: (account) => balances.accountBalances(account),
    totals: () => balances.totals(),
    hasAccount: (account) => accounts.has(account),
    orderOwner(orderId) {
      const hold = orders.get(orderId)
      return (
        hold && { account: hold.account, symbol: hold.symbol, clientOrderId: hold.clientOrderId }
      )
    },
    snapshot,
    stateHash() {
      const { engine: _engine, appliedSeq: _seq, ...rest } = snapshot()
      return createHash('sha256')
        .update(engine.stateHash())
        .update(canonicalJson(rest as unknown as Parameters<typeof canonicalJson>[0]))
        .digest('hex')
    },
  }
}

type LockLike = Extract<SettlementEvent, { type: 'lock' | 'release' }>
type TradeLike = Extract<SettlementEvent, { type: 'trade' }>

/** Minor units an order of `quantity` lots at `price` ticks must hold. */
function required(instrument: Instrument, side: Side, price: number, quantity: number): bigint {
  return side === 'buy'
    ? notionalUnits(instrument, price, quantity)
    : lotsToBaseUnits(instrument, quantity)
}

function safeLots(instrument: Instrument, quantity: number): bigint {
  return Number.isSafeInteger(quantity) && quantity > 0
    ? lotsToBaseUnits(instrument, quantity)
    : -1n
}

function safeNotional(instrument: Instrument, price: number, quantity: number): bigint {
  return Number.isSafeInteger(price) && Number.isSafeInteger(quantity) && price > 0 && quantity > 0
    ? notionalUnits(instrument, price, quantity)
    : -1n
}
