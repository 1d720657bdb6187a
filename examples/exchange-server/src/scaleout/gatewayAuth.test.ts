import { describe, expect, it } from 'vitest'
import { type ApiKey, createAuthenticator, signRequest } from '../gateway/auth.js'
import { authorizeGatewayRequest } from './gatewayAuth.js'

const keys: Record<string, ApiKey> = {
  'key-alice': {
    keyId: 'key-alice',
    secret: 'alice-secret-0123456789',
    accountId: 'alice',
    permissions: ['trade'],
  },
  'key-ops': {
    keyId: 'key-ops',
    secret: 'ops-secret-0123456789',
    accountId: 'ops',
    permissions: ['admin'],
  },
}
const NOW = 1_800_000_000_000

type Signed = {
  request: { method: string; url: string; headers: Record<string, string> }
  raw: Buffer
  body: unknown
}

function signed(
  keyId: string,
  path: string,
  body: unknown,
  timestamp = NOW,
  secret?: string,
): Signed {
  const raw = Buffer.from(JSON.stringify(body))
  const signature = signRequest(secret ?? keys[keyId]!.secret, {
    timestamp: String(timestamp),
    method: 'POST',
    path,
    body: raw,
  })
  return {
    request: {
      method: 'POST',
      url: path,
      headers: {
        'x-sr-key': keyId,
        'x-sr-timestamp': String(timestamp),
        'x-sr-signature': signature,
      },
    },
    raw,
    body,
  }
}

describe('scaled-out gateway authentication (signed API keys)', () => {
  const authenticator = createAuthenticator({ keys: (id) => keys[id], now: () => NOW })
  const order = { account: 'alice', symbol: 'ETH-USDC', side: 'buy', quantity: 1 }

  it('accepts a key signing for its own account, once', () => {
    const request = signed('key-alice', '/v1/orders', order)
    const first = authorizeGatewayRequest({ authenticator, permission: 'trade', ...request })
    expect(first).toEqual({ ok: true, key: keys['key-alice'] })
    expect(
      authorizeGatewayRequest({ authenticator, permission: 'trade', ...request }),
    ).toMatchObject({
      ok: false,
      status: 401,
      body: { error: { code: 'replayed' } },
    })
  })

  it('refuses missing, forged, stale or re-targeted signatures with 401', () => {
    const refusal = (request: Signed) =>
      authorizeGatewayRequest({ authenticator, permission: 'trade', ...request })
    const code = (request: Signed) => {
      const result = refusal(request)
      return result.ok ? 'accepted' : `${result.status} ${result.body.error.code}`
    }
    expect(
      code({
        request: { method: 'POST', url: '/v1/orders', headers: {} },
        raw: Buffer.from('{}'),
        body: {},
      }),
    ).toBe('401 missing_credentials')
    expect(code(signed('key-alice', '/v1/orders', order, NOW, 'not-the-secret'))).toBe(
      '401 bad_signature',
    )
    expect(code(signed('key-alice', '/v1/orders', order, NOW - 6_000))).toBe('401 stale_timestamp')
    expect(code(signed('key-nobody', '/v1/orders', order, NOW, 'x'))).toBe('401 unknown_key')
    // Signed for one path, sent to another: the signature covers the path.
    const moved = signed('key-alice', '/v1/orders/cancel', { ...order, quantity: 2 })
    expect(code({ ...moved, request: { ...moved.request, url: '/v1/orders' } })).toBe(
      '401 bad_signature',
    )
    // The body that was signed, not another one.
    const swapped = signed('key-alice', '/v1/orders', { ...order, quantity: 3 })
    expect(code({ ...swapped, raw: Buffer.from(JSON.stringify({ ...order, quantity: 4 })) })).toBe(
      '401 bad_signature',
    )
  })

  it('refuses with 403 a missing permission or another account; admin keys act for anyone', () => {
    const forBob = signed('key-alice', '/v1/orders', { ...order, account: 'bob' })
    expect(authorizeGatewayRequest({ authenticator, permission: 'trade', ...forBob })).toEqual({
      ok: false,
      status: 403,
      body: { error: { code: 'forbidden', message: 'This API key acts for account alice only.' } },
    })
    const fund = signed('key-alice', '/v1/fund', { account: 'alice', amount: '1' })
    expect(authorizeGatewayRequest({ authenticator, permission: 'admin', ...fund })).toMatchObject({
      ok: false,
      status: 403,
      body: { error: { code: 'forbidden' } },
    })
    const ops = signed('key-ops', '/v1/orders', { ...order, account: 'bob' })
    expect(authorizeGatewayRequest({ authenticator, permission: 'trade', ...ops })).toEqual({
      ok: true,
      key: keys['key-ops'],
    })
  })
})
