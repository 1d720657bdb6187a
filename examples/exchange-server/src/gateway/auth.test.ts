import { describe, expect, it } from 'vitest'
import { type ApiKey, createAuthenticator, signRequest } from './auth.js'

const key: ApiKey = {
  keyId: 'k1',
  secret: 's3cret',
  accountId: 'acc_1',
  permissions: ['read', 'trade'],
}

function setup(now = 1_700_000_000_000) {
  let clock = now
  const auth = createAuthenticator({
    keys: (id) => (id === key.keyId ? key : undefined),
    now: () => clock,
  })
  const request = (
    overrides: {
      body?: string
      timestamp?: number
      signature?: string
      permission?: 'trade' | 'withdraw'
    } = {},
  ) => {
    const body = overrides.body ?? '{"side":"buy"}'
    const timestamp = String(overrides.timestamp ?? clock)
    const signature =
      overrides.signature ??
      signRequest(key.secret, { timestamp, method: 'POST', path: '/v1/orders', body })
    return auth.authenticate({
      headers: { 'x-sr-key': 'k1', 'x-sr-timestamp': timestamp, 'x-sr-signature': signature },
      method: 'POST',
      path: '/v1/orders',
      body,
      permission: overrides.permission ?? 'trade',
    })
  }
  return { auth, request, advance: (ms: number) => (clock += ms) }
}

describe('HMAC request authentication', () => {
  it('accepts a correctly signed request with the needed permission', () => {
    const { request } = setup()
    expect(request()).toEqual({ ok: true, key })
  })

  it('refuses a signature over a different body', () => {
    const { request } = setup()
    const signature = signRequest(key.secret, {
      timestamp: '1700000000000',
      method: 'POST',
      path: '/v1/orders',
      body: '{}',
    })
    expect(request({ signature })).toMatchObject({ ok: false, failure: 'bad_signature' })
  })

  it('refuses stale timestamps and replays', () => {
    const { request, advance } = setup()
    expect(request({ timestamp: 1_700_000_000_000 - 6_000 })).toMatchObject({
      ok: false,
      failure: 'stale_timestamp',
    })
    expect(request().ok).toBe(true)
    expect(request()).toMatchObject({ ok: false, failure: 'replayed' })
    advance(1)
    expect(request().ok).toBe(true) // a new timestamp is a new request
  })

  it('refuses missing headers, unknown keys, malformed timestamps and missing permissions', () => {
    const { auth, request } = setup()
    expect(
      auth.authenticate({ headers: {}, method: 'GET', path: '/', body: '', permission: 'read' }),
    ).toMatchObject({
      failure: 'missing_credentials',
    })
    expect(
      auth.authenticate({
        headers: { 'x-sr-key': 'nope', 'x-sr-timestamp': '1', 'x-sr-signature': 'ab' },
        method: 'GET',
        path: '/',
        body: '',
        permission: 'read',
      }),
    ).toMatchObject({ failure: 'unknown_key' })
    expect(
      auth.authenticate({
        headers: { 'x-sr-key': 'k1', 'x-sr-timestamp': '12abc', 'x-sr-signature': 'ab' },
        method: 'GET',
        path: '/',
        body: '',
        permission: 'read',
      }),
    ).toMatchObject({ failure: 'bad_timestamp' })
    expect(request({ permission: 'withdraw' })).toMatchObject({ ok: false, failure: 'forbidden' })
    expect(request({ signature: 'zz' })).toMatchObject({ failure: 'bad_signature' })
  })
})
