import { z } from 'zod'

const decimal = z
  .string()
  .max(64)
  .regex(/^(0|[1-9][0-9]*)(\.[0-9]+)?$/, 'must be a plain decimal string such as "12.5"')
const id = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1-64 characters from A-Z a-z 0-9 _ . : -')
const symbol = z.string().regex(/^[A-Z0-9]{1,16}-[A-Z0-9]{1,16}$/, 'must be BASE-QUOTE')

export const placeOrderBody = z
  .strictObject({
    symbol,
    side: z.enum(['buy', 'sell']),
    type: z.enum(['limit', 'market', 'stopLimit', 'stopMarket']),
    price: decimal.optional(),
    quantity: decimal.optional(),
    /** Market and stop-market buys: most quote to spend (decimal, quote units). */
    quoteBudget: decimal.optional(),
    stopPrice: decimal.optional(),
    timeInForce: z.enum(['GTC', 'IOC', 'FOK', 'GTD']).optional(),
    expireAt: z.number().int().positive().optional(),
    postOnly: z.boolean().optional(),
    /** Iceberg: the visible quantity. */
    displayQuantity: decimal.optional(),
    selfTradePrevention: z
      .enum(['none', 'cancelResting', 'cancelIncoming', 'cancelBoth', 'decrementAndCancel'])
      .optional(),
    clientOrderId: id.optional(),
  })
  .superRefine((body, context) => {
    const needs = (field: keyof typeof body, when: string) => {
      if (body[field] === undefined)
        context.addIssue({ code: 'custom', path: [field], message: `is required for ${when}` })
    }
    if (body.type === 'limit' || body.type === 'stopLimit') needs('price', `${body.type} orders`)
    if (body.type === 'stopLimit' || body.type === 'stopMarket')
      needs('stopPrice', `${body.type} orders`)
    if (body.quantity === undefined && body.quoteBudget === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['quantity'],
        message: 'quantity or quoteBudget is required',
      })
    }
    if (body.timeInForce === 'GTD') needs('expireAt', 'GTD orders')
  })
export type PlaceOrderBody = z.output<typeof placeOrderBody>

export const amendOrderBody = z
  .strictObject({ symbol, price: decimal.optional(), quantity: decimal.optional() })
  .refine((b) => b.price !== undefined || b.quantity !== undefined, {
    message: 'price or quantity is required',
    path: ['price'],
  })

export const cancelOrderQuery = z.strictObject({ symbol })
export const cancelAllBody = z.strictObject({ symbol: symbol.optional() })
export const bookQuery = z.strictObject({
  depth: z.coerce.number().int().min(1).max(1_000).optional(),
})
export const assetQuery = z.strictObject({ asset: z.string().regex(/^[A-Z0-9]{2,10}$/) })
export const withdrawalBody = z.strictObject({
  asset: z.string().regex(/^[A-Z0-9]{2,10}$/),
  amount: decimal,
  address: z.string().min(1).max(128),
  clientWithdrawalId: id.optional(),
})
export const approvalBody = z.strictObject({
  approverId: id,
  /** Ed25519 signature (hex) over the approval statement of the request digest. */
  signature: z.string().regex(/^[0-9a-f]{128}$/, 'must be a 64-byte hex Ed25519 signature'),
  approvedAt: z.number().int().positive(),
})
export const createAccountBody = z.strictObject({
  accountId: id,
  permissions: z
    .array(z.enum(['read', 'trade', 'withdraw', 'approve', 'admin']))
    .min(1)
    .default(['read', 'trade', 'withdraw']),
  kycLevel: z.number().int().min(0).max(3).default(2),
})
export const killSwitchBody = z.strictObject({
  scope: z.enum(['global']).default('global'),
  reason: z.string().min(1).max(200),
})

// Responses (for the OpenAPI document).
export const orderView = z.object({
  orderId: z.string(),
  symbol: z.string(),
  clientOrderId: z.string().optional(),
  side: z.enum(['buy', 'sell']),
  type: z.string(),
  price: z.string(),
  quantity: z.string(),
  filled: z.string(),
  status: z.enum(['open', 'filled', 'cancelled', 'expired', 'rejected']),
})
export const orderAck = z.object({ orderId: z.string(), seq: z.number(), status: z.string() })
export const balancesView = z.object({
  balances: z.array(z.object({ asset: z.string(), available: z.string(), locked: z.string() })),
})
export const bookView = z.object({
  symbol: z.string(),
  seq: z.number(),
  bids: z.array(z.tuple([z.string(), z.string()])),
  asks: z.array(z.tuple([z.string(), z.string()])),
})
export const withdrawalView = z.object({
  withdrawalId: z.string(),
  asset: z.string(),
  amount: z.string(),
  address: z.string(),
  status: z.string(),
  requestDigest: z.string().optional(),
  txHash: z.string().optional(),
  reason: z.string().optional(),
})

export const faucetBody = z.strictObject({
  accountId: id,
  asset: z.string().regex(/^[A-Z0-9]{2,10}$/),
  amount: decimal,
})
