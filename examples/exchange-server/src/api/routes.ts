import {
  defineAsset,
  formatAmount,
  InputError,
  type Instrument,
  lotsToQuantity,
  parseAmount,
  priceToTicks,
  quantityToLots,
  ticksToPrice,
} from '@strongroom/core'
import type { L2Snapshot } from '@strongroom/orderbook'
import { z } from 'zod'
import type { ExchangeCommand } from '../core/commands.js'
import { HttpError, type Route } from '../gateway/http.js'
import type { ExchangeApi, WithdrawalState } from './exchangeApi.js'
import {
  amendOrderBody,
  approvalBody,
  assetQuery,
  balancesView,
  bookQuery,
  bookView,
  cancelAllBody,
  cancelOrderQuery,
  createAccountBody,
  faucetBody,
  killSwitchBody,
  orderAck,
  orderView,
  type PlaceOrderBody,
  placeOrderBody,
  withdrawalBody,
  withdrawalView,
} from './schemas.js'

/** Maps a rejection code of the core or book to an HTTP status. */
function statusOf(code: string): number {
  if (
    code === 'insufficient_funds' ||
    code === 'post_only_would_take' ||
    code === 'halted' ||
    code === 'duplicate_client_order_id'
  )
    return 409
  if (code === 'unknown_order' || code === 'unknown_instrument' || code === 'unknown_account')
    return 404
  return 422
}

/** Converts a decimal field to ticks or lots, reporting a bad value as a 422 naming the field. */
function grid<T>(fn: () => T): T {
  try {
    return fn()
  } catch (error) {
    if (error instanceof InputError) {
      throw new HttpError(422, 'validation_failed', 'The body failed validation.', [
        { code: error.rule, path: ['body', ...error.path], message: error.issue.message },
      ])
    }
    throw error
  }
}

function market(api: ExchangeApi, symbol: string): Instrument {
  const found = api.markets.get(symbol)
  if (!found) throw new HttpError(404, 'unknown_instrument', `No market ${symbol}.`)
  return found.instrument
}

function toCommand(api: ExchangeApi, account: string, body: PlaceOrderBody): ExchangeCommand {
  const instrument = market(api, body.symbol)
  const price =
    body.price === undefined
      ? undefined
      : grid(() => priceToTicks(instrument, body.price!, { path: ['price'] }))
  const stopPrice =
    body.stopPrice === undefined
      ? undefined
      : grid(() => priceToTicks(instrument, body.stopPrice!, { path: ['stopPrice'] }))
  const quantity =
    body.quantity === undefined
      ? undefined
      : grid(() => quantityToLots(instrument, body.quantity!, { path: ['quantity'] }))
  const peakQuantity =
    body.displayQuantity === undefined
      ? undefined
      : grid(() => quantityToLots(instrument, body.displayQuantity!, { path: ['displayQuantity'] }))
  let quoteBudget: number | undefined
  if (body.quoteBudget !== undefined) {
    // A budget in quote units becomes whole tick-lots (rounded down: never spend more than asked).
    const units = grid(() =>
      parseAmount({ asset: instrument.quote, value: body.quoteBudget!, path: ['quoteBudget'] }),
    )
    quoteBudget = Number(units / instrument.notionalUnitsPerTickLot)
    if (quoteBudget < 1)
      throw new HttpError(422, 'validation_failed', 'The body failed validation.', [
        {
          code: 'too_small',
          path: ['body', 'quoteBudget'],
          message: 'buys less than one tick-lot',
        },
      ])
  }
  return {
    type: 'placeOrder',
    account,
    symbol: body.symbol,
    clientOrderId: body.clientOrderId,
    side: body.side,
    orderType: body.type,
    price,
    quantity,
    quoteBudget,
    stopPrice,
    timeInForce: body.timeInForce,
    expireAt: body.expireAt,
    postOnly: body.postOnly,
    peakQuantity,
    selfTradePrevention: body.selfTradePrevention,
  }
}

function orderJson(api: ExchangeApi, orderId: number) {
  const view = api.views.order(orderId)
  if (!view) return undefined
  const instrument = market(api, view.symbol)
  return {
    orderId: String(view.orderId),
    symbol: view.symbol,
    ...(view.clientOrderId ? { clientOrderId: view.clientOrderId } : {}),
    side: view.side,
    type: view.orderType,
    price: view.price > 0 ? ticksToPrice(instrument, view.price) : '0',
    quantity: lotsToQuantity(instrument, view.quantity),
    filled: lotsToQuantity(instrument, view.filled),
    status: view.status,
  }
}

/** An L2 snapshot as the API shows it: [price, quantity] levels in decimal strings. */
export function bookJson(instrument: Instrument, book: L2Snapshot) {
  const side = (levels: L2Snapshot['bids']) =>
    levels.map((l) => [ticksToPrice(instrument, l.price), lotsToQuantity(instrument, l.quantity)])
  return { symbol: instrument.symbol, seq: book.seq, bids: side(book.bids), asks: side(book.asks) }
}

/** A withdrawal as the API shows it (amount in whole units). */
export function withdrawalJson(w: WithdrawalState, decimals: number) {
  const asset = defineAsset({ code: w.asset, decimals })
  return {
    withdrawalId: w.withdrawalId,
    asset: w.asset,
    amount: formatAmount(asset, w.amount, true),
    address: w.address,
    status: w.status,
    ...(w.requestDigest ? { requestDigest: w.requestDigest } : {}),
    ...(w.txHash ? { txHash: w.txHash } : {}),
    ...(w.reason ? { reason: w.reason } : {}),
  }
}

/** The REST API of the reference exchange. */
export function createRoutes(
  api: ExchangeApi,
  assetDecimals: ReadonlyMap<string, number>,
): Route[] {
  const decimalsOf = (asset: string) => {
    const d = assetDecimals.get(asset)
    if (d === undefined) throw new HttpError(404, 'unknown_asset', `No asset ${asset}.`)
    return d
  }
  const accountOf = (key: { accountId: string } | undefined) => key!.accountId
  const tradeGate = (account: string) => {
    const reason = api.preTradeCheck(account)
    if (reason) throw new HttpError(403, 'compliance_blocked', reason)
  }
  const rejectIfFailed = (applied: Awaited<ReturnType<ExchangeApi['submit']>>) => {
    if (!applied.result.ok)
      throw new HttpError(
        statusOf(applied.result.code),
        applied.result.code,
        applied.result.message,
      )
    return applied.result
  }
  const orderIdParam = (value: string | undefined) => {
    if (!value || !/^[1-9][0-9]{0,15}$/.test(value))
      throw new HttpError(422, 'validation_failed', 'orderId must be a positive integer.', [
        { code: 'format', path: ['path', 'orderId'], message: 'must be a positive integer' },
      ])
    return Number(value)
  }

  return [
    {
      method: 'GET',
      path: '/v1/markets',
      summary: 'List markets with their grids and fees',
      tags: ['market data'],
      permission: null,
      response: z.object({
        markets: z.array(
          z.object({
            symbol: z.string(),
            base: z.string(),
            quote: z.string(),
            tickSize: z.string(),
            lotSize: z.string(),
            makerFeeBps: z.number(),
            takerFeeBps: z.number(),
          }),
        ),
      }),
      async handler() {
        return {
          status: 200,
          body: {
            markets: [...api.markets.values()].map((m) => ({
              symbol: m.instrument.symbol,
              base: m.instrument.base.code,
              quote: m.instrument.quote.code,
              tickSize: m.instrument.tickSize,
              lotSize: m.instrument.lotSize,
              makerFeeBps: m.makerFeeBps,
              takerFeeBps: m.takerFeeBps,
            })),
          },
        }
      },
    },
    {
      method: 'GET',
      path: '/v1/markets/:symbol/book',
      summary: 'Aggregated order book (L2 snapshot) with its sequence number',
      tags: ['market data'],
      permission: null,
      query: bookQuery,
      response: bookView,
      errors: [404],
      async handler({ params, query }) {
        const instrument = market(api, params.symbol!)
        const book = api.book(params.symbol!, (query as z.output<typeof bookQuery>).depth ?? 50)!
        return { status: 200, body: bookJson(instrument, book) }
      },
    },
    {
      method: 'GET',
      path: '/v1/markets/:symbol/trades',
      summary: 'Recent public trades',
      tags: ['market data'],
      permission: null,
      response: z.object({
        trades: z.array(
          z.object({
            tradeId: z.string(),
            price: z.string(),
            quantity: z.string(),
            side: z.string(),
            time: z.number(),
          }),
        ),
      }),
      errors: [404],
      async handler({ params }) {
        const instrument = market(api, params.symbol!)
        return {
          status: 200,
          body: {
            trades: api.views.trades(params.symbol!).map((t) => ({
              tradeId: String(t.tradeId),
              price: ticksToPrice(instrument, t.price),
              quantity: lotsToQuantity(instrument, t.quantity),
              side: t.aggressorSide,
              time: t.time,
            })),
          },
        }
      },
    },
    {
      method: 'POST',
      path: '/v1/orders',
      summary: 'Place an order',
      tags: ['orders'],
      permission: 'trade',
      body: placeOrderBody,
      response: orderAck,
      errors: [404, 409],
      async handler({ body, key }) {
        const account = accountOf(key)
        tradeGate(account)
        const command = toCommand(api, account, body as PlaceOrderBody)
        const result = rejectIfFailed(await api.submit(command))
        const view = api.views.order(result.orderId!)
        return {
          status: 200,
          body: { orderId: String(result.orderId), status: view?.status ?? 'open' },
        }
      },
    },
    {
      method: 'GET',
      path: '/v1/orders',
      summary: 'Open orders of the account',
      tags: ['orders'],
      permission: 'read',
      response: z.object({ orders: z.array(orderView) }),
      async handler({ key }) {
        return {
          status: 200,
          body: {
            orders: api.views.openOrders(accountOf(key)).map((o) => orderJson(api, o.orderId)),
          },
        }
      },
    },
    {
      method: 'GET',
      path: '/v1/orders/:orderId',
      summary: 'One order of the account',
      tags: ['orders'],
      permission: 'read',
      response: orderView,
      errors: [404],
      async handler({ key, params }) {
        const orderId = orderIdParam(params.orderId)
        const view = api.views.order(orderId)
        if (!view || view.account !== accountOf(key))
          throw new HttpError(404, 'unknown_order', `No order ${orderId}.`)
        return { status: 200, body: orderJson(api, orderId) }
      },
    },
    {
      method: 'DELETE',
      path: '/v1/orders/:orderId',
      summary: 'Cancel an order',
      tags: ['orders'],
      permission: 'trade',
      query: cancelOrderQuery,
      response: orderAck,
      errors: [404],
      async handler({ key, params, query }) {
        const orderId = orderIdParam(params.orderId)
        const { symbol } = query as z.output<typeof cancelOrderQuery>
        const result = rejectIfFailed(
          await api.submit({ type: 'cancelOrder', account: accountOf(key), symbol, orderId }),
        )
        return {
          status: 200,
          body: {
            orderId: String(result.orderId),
            status: api.views.order(orderId)?.status ?? 'cancelled',
          },
        }
      },
    },
    {
      method: 'PATCH',
      path: '/v1/orders/:orderId',
      summary: 'Amend an order (price and/or quantity)',
      tags: ['orders'],
      permission: 'trade',
      body: amendOrderBody,
      response: orderAck,
      errors: [404, 409],
      async handler({ key, params, body }) {
        const orderId = orderIdParam(params.orderId)
        const b = body as z.output<typeof amendOrderBody>
        const instrument = market(api, b.symbol)
        const price =
          b.price === undefined
            ? undefined
            : grid(() => priceToTicks(instrument, b.price!, { path: ['price'] }))
        const quantity =
          b.quantity === undefined
            ? undefined
            : grid(() => quantityToLots(instrument, b.quantity!, { path: ['quantity'] }))
        rejectIfFailed(
          await api.submit({
            type: 'amendOrder',
            account: accountOf(key),
            symbol: b.symbol,
            orderId,
            price,
            quantity,
          }),
        )
        return {
          status: 200,
          body: { orderId: String(orderId), status: api.views.order(orderId)?.status ?? 'open' },
        }
      },
    },
    {
      method: 'POST',
      path: '/v1/orders/cancel-all',
      summary: 'Cancel every open order of the account (optionally of one market)',
      tags: ['orders'],
      permission: 'trade',
      body: cancelAllBody,
      response: z.object({ ok: z.boolean() }),
      async handler({ key, body }) {
        const { symbol } = body as z.output<typeof cancelAllBody>
        rejectIfFailed(await api.submit({ type: 'massCancel', account: accountOf(key), symbol }))
        return { status: 200, body: { ok: true } }
      },
    },
    {
      method: 'GET',
      path: '/v1/balances',
      summary: 'Balances of the account (available and locked)',
      tags: ['account'],
      permission: 'read',
      response: balancesView,
      async handler({ key }) {
        const rows = api.balances(accountOf(key)).map((b) => {
          const asset = defineAsset({ code: b.asset, decimals: decimalsOf(b.asset) })
          return {
            asset: b.asset,
            available: formatAmount(asset, b.available, true),
            locked: formatAmount(asset, b.locked, true),
          }
        })
        return { status: 200, body: { balances: rows } }
      },
    },
    {
      method: 'GET',
      path: '/v1/deposit-address',
      summary: "The account's deposit address for an asset",
      tags: ['account'],
      permission: 'read',
      query: assetQuery,
      response: z.object({ asset: z.string(), address: z.string() }),
      errors: [404],
      async handler({ key, query }) {
        const { asset } = query as z.output<typeof assetQuery>
        decimalsOf(asset)
        return {
          status: 200,
          body: { asset, address: await api.depositAddress(accountOf(key), asset) },
        }
      },
    },
    {
      method: 'POST',
      path: '/v1/withdrawals',
      summary:
        'Request a withdrawal (compliance, settlement hold, custody policy, approvals, signing, broadcast)',
      tags: ['withdrawals'],
      permission: 'withdraw',
      body: withdrawalBody,
      response: withdrawalView,
      errors: [404, 409],
      async handler({ key, body }) {
        const b = body as z.output<typeof withdrawalBody>
        const decimals = decimalsOf(b.asset)
        const amount = grid(() =>
          parseAmount({
            asset: defineAsset({ code: b.asset, decimals }),
            value: b.amount,
            path: ['amount'],
          }),
        )
        if (amount === 0n)
          throw new HttpError(422, 'validation_failed', 'The body failed validation.', [
            { code: 'too_small', path: ['body', 'amount'], message: 'must be greater than zero' },
          ])
        const state = await api.requestWithdrawal({
          account: accountOf(key),
          asset: b.asset,
          amount,
          address: b.address,
          clientWithdrawalId: b.clientWithdrawalId,
        })
        const status = state.status === 'rejected' ? 403 : 200
        return { status, body: withdrawalJson(state, decimals) }
      },
    },
    {
      method: 'GET',
      path: '/v1/withdrawals/:withdrawalId',
      summary: 'A withdrawal of the account',
      tags: ['withdrawals'],
      permission: 'read',
      response: withdrawalView,
      errors: [404],
      async handler({ key, params }) {
        const w = api.withdrawal(params.withdrawalId!)
        const admin = key!.permissions.includes('approve') || key!.permissions.includes('admin')
        if (!w || (w.account !== accountOf(key) && !admin))
          throw new HttpError(404, 'unknown_withdrawal', 'No such withdrawal.')
        return { status: 200, body: withdrawalJson(w, decimalsOf(w.asset)) }
      },
    },
    {
      method: 'GET',
      path: '/v1/approvals',
      summary: 'Withdrawals waiting for approvals (approvers)',
      tags: ['withdrawals'],
      permission: 'approve',
      response: z.object({ withdrawals: z.array(withdrawalView) }),
      async handler() {
        return {
          status: 200,
          body: {
            withdrawals: api
              .withdrawals({ status: 'awaiting_approvals' })
              .map((w) => withdrawalJson(w, decimalsOf(w.asset))),
          },
        }
      },
    },
    {
      method: 'POST',
      path: '/v1/withdrawals/:withdrawalId/approvals',
      summary: "Approve a withdrawal with the approver's Ed25519 signature over its request digest",
      tags: ['withdrawals'],
      permission: 'approve',
      body: approvalBody,
      response: withdrawalView,
      errors: [404, 409],
      async handler({ params, body }) {
        const w = api.withdrawal(params.withdrawalId!)
        if (!w) throw new HttpError(404, 'unknown_withdrawal', 'No such withdrawal.')
        const next = await api.approveWithdrawal(
          w.withdrawalId,
          body as z.output<typeof approvalBody>,
        )
        return { status: 200, body: withdrawalJson(next, decimalsOf(next.asset)) }
      },
    },
    {
      method: 'POST',
      path: '/v1/admin/accounts',
      summary: 'Open an account and issue its API key (the secret is shown once)',
      tags: ['admin'],
      permission: 'admin',
      body: createAccountBody,
      response: z.object({
        accountId: z.string(),
        keyId: z.string(),
        secret: z.string(),
        permissions: z.array(z.string()),
      }),
      errors: [409],
      async handler({ body }) {
        const b = body as z.output<typeof createAccountBody>
        const key = await api.createAccount({
          accountId: b.accountId,
          permissions: b.permissions,
          kycLevel: b.kycLevel,
        })
        return {
          status: 200,
          body: {
            accountId: key.accountId,
            keyId: key.keyId,
            secret: key.secret,
            permissions: key.permissions,
          },
        }
      },
    },
    {
      method: 'POST',
      path: '/v1/admin/kill-switch',
      summary: 'Freeze all signing at once (lifting needs a quorum of approvers)',
      tags: ['admin'],
      permission: 'admin',
      body: killSwitchBody,
      response: z.object({ engaged: z.boolean() }),
      async handler({ body, key }) {
        await api.engageKillSwitch((body as z.output<typeof killSwitchBody>).reason, key!.keyId)
        return { status: 200, body: { engaged: true } }
      },
    },
    {
      method: 'POST',
      path: '/v1/admin/faucet',
      summary:
        'Development faucet: credit an off-chain asset to an account (disabled in production)',
      tags: ['admin'],
      permission: 'admin',
      body: faucetBody,
      response: z.object({ ok: z.boolean() }),
      errors: [403, 404],
      async handler({ body }) {
        const b = body as z.output<typeof faucetBody>
        const asset = defineAsset({ code: b.asset, decimals: decimalsOf(b.asset) })
        const amount = grid(() => parseAmount({ asset, value: b.amount, path: ['amount'] }))
        await api.faucet(b.accountId, b.asset, amount)
        return { status: 200, body: { ok: true } }
      },
    },
  ] as Route[]
}
