import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { type ApiKey, createAuthenticator, signRequest } from './auth.js'
import { createHttpGateway, HttpError, type Route } from './http.js'
import { buildOpenApiDocument } from './openapi.js'
import { createRateLimiter } from './rateLimit.js'

const key: ApiKey = { keyId: 'k1', secret: 'secret', accountId: 'acc_1', permissions: ['trade'] }
const orders: { side: string; quantity: string }[] = []

const routes: Route[] = [
  {
    method: 'POST',
    path: '/v1/orders',
    summary: 'Place an order',
    tags: ['orders'],
    permission: 'trade',
    body: z.strictObject({
      side: z.enum(['buy', 'sell']),
      quantity: z.string().regex(/^\d+(\.\d+)?$/),
    }),
    response: z.object({ accepted: z.boolean() }),
    async handler({ body }) {
      orders.push(body as { side: string; quantity: string })
      return { status: 200, body: { accepted: true } }
    },
  } satisfies Route<{ side: 'buy' | 'sell'; quantity: string }>,
  {
    method: 'GET',
    path: '/v1/orders/:orderId',
    summary: 'Get an order',
    tags: ['orders'],
    permission: null,
    response: z.object({ id: z.string() }),
    async handler({ params }) {
      if (params.orderId === 'missing')
        throw new HttpError(404, 'order_not_found', 'No such order.')
      return { status: 200, body: { id: params.orderId } }
    },
  },
]

let base = ''
let clock = 1_700_000_000_000
const gateway = createHttpGateway({
  routes,
  authenticator: createAuthenticator({
    keys: (id) => (id === 'k1' ? key : undefined),
    now: () => clock,
  }),
  rateLimiter: createRateLimiter({ limit: { perSecond: 1, burst: 5 }, now: () => clock }),
  maxBodyBytes: 1024,
})

beforeAll(async () => {
  const address = await gateway.listen(0, '127.0.0.1')
  base = `http://127.0.0.1:${address.port}`
})
afterAll(() => gateway.close())

async function signedPost(body: string, headers: Record<string, string> = {}) {
  clock += 1
  const timestamp = String(clock)
  const signature = signRequest(key.secret, { timestamp, method: 'POST', path: '/v1/orders', body })
  const response = await fetch(`${base}/v1/orders`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-sr-key': 'k1',
      'x-sr-timestamp': timestamp,
      'x-sr-signature': signature,
      ...headers,
    },
  })
  return {
    status: response.status,
    body: (await response.json()) as { error?: { code: string; issues?: unknown[] } },
  }
}

describe('REST gateway', () => {
  it('accepts a valid signed request', async () => {
    const before = orders.length
    expect(await signedPost('{"side":"buy","quantity":"1.5"}')).toEqual({
      status: 200,
      body: { accepted: true },
    })
    expect(orders.length).toBe(before + 1)
  })

  it('answers bad input with a clear error and changes nothing', async () => {
    const before = orders.length
    const malformed = await signedPost('{"side":')
    expect(malformed).toMatchObject({ status: 400, body: { error: { code: 'invalid_json' } } })
    const unknownField = await signedPost('{"side":"buy","quantity":"1","leverage":100}')
    expect(unknownField.status).toBe(422)
    expect(unknownField.body.error?.issues).toEqual([
      expect.objectContaining({
        code: 'unrecognized_keys',
        path: ['body', 'leverage'],
        message: 'unknown field "leverage"',
      }),
    ])
    const wrongType = await signedPost('{"side":"buy","quantity":5}')
    expect(wrongType.body.error?.issues).toEqual([
      expect.objectContaining({ path: ['body', 'quantity'] }),
    ])
    const oversized = await signedPost(JSON.stringify({ side: 'buy', quantity: '1'.repeat(2_000) }))
    expect(oversized).toMatchObject({ status: 413, body: { error: { code: 'body_too_large' } } })
    expect(orders.length).toBe(before)
  })

  it('rejects unsigned, badly signed and forbidden requests', async () => {
    const unsigned = await fetch(`${base}/v1/orders`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    })
    expect(unsigned.status).toBe(401)
    const bad = await signedPost('{"side":"buy","quantity":"1"}', {
      'x-sr-signature': 'a'.repeat(64),
    })
    expect(bad).toMatchObject({ status: 401, body: { error: { code: 'bad_signature' } } })
  })

  it('limits the rate per key with 429 and Retry-After', async () => {
    let limited = 0
    for (let i = 0; i < 10; i++)
      if ((await signedPost('{"side":"sell","quantity":"1"}')).status === 429) limited++
    expect(limited).toBeGreaterThan(0)
  })

  it('routes parameters, 404 and 405', async () => {
    expect(await (await fetch(`${base}/v1/orders/ord_1`)).json()).toEqual({ id: 'ord_1' })
    const missing = await fetch(`${base}/v1/orders/missing`)
    expect(missing.status).toBe(404)
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe(
      'order_not_found',
    )
    expect((await fetch(`${base}/nope`)).status).toBe(404)
    expect((await fetch(`${base}/v1/orders/x`, { method: 'DELETE' })).status).toBe(405)
    expect((await fetch(`${base}/v1/orders/x?extra=1`)).status).toBe(422)
  })

  it('describes itself in OpenAPI 3.1', () => {
    const doc = buildOpenApiDocument({ routes, title: 't', version: '1', serverUrl: base })
    const post = doc.paths['/v1/orders']!.post as {
      requestBody: {
        content: {
          'application/json': { schema: { required: string[]; additionalProperties: boolean } }
        }
      }
      responses: Record<string, unknown>
    }
    expect(post.requestBody.content['application/json'].schema.required).toEqual([
      'side',
      'quantity',
    ])
    expect(post.requestBody.content['application/json'].schema.additionalProperties).toBe(false)
    expect(Object.keys(post.responses)).toEqual(
      expect.arrayContaining(['200', '401', '403', '413', '422', '429']),
    )
    expect(doc.paths['/v1/orders/{orderId}']).toBeDefined()
  })
})
