import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

/** What an API key may do. */
export type Permission = 'read' | 'trade' | 'withdraw' | 'approve' | 'admin'

/** A registered API key. The secret is the HMAC key the client signs requests with. */
export type ApiKey = {
  readonly keyId: string
  readonly secret: string
  readonly accountId: string
  readonly permissions: readonly Permission[]
}

/** Headers of a signed request. */
export const AUTH_HEADERS = {
  key: 'x-sr-key',
  timestamp: 'x-sr-timestamp',
  signature: 'x-sr-signature',
} as const

/**
 * The string a client signs: timestamp, method, path with query and the SHA-256 of the body,
 * one per line. Signature = hex(HMAC-SHA256(secret, payload)).
 */
export function signaturePayload(parts: {
  timestamp: string
  method: string
  path: string
  body: Uint8Array | string
}): string {
  const bodyHash = createHash('sha256').update(parts.body).digest('hex')
  return `${parts.timestamp}\n${parts.method.toUpperCase()}\n${parts.path}\n${bodyHash}`
}

/** Signs a request the way clients must (used by the simulator, the tests and client examples). */
export function signRequest(
  secret: string,
  parts: { timestamp: string; method: string; path: string; body: Uint8Array | string },
): string {
  return createHmac('sha256', secret).update(signaturePayload(parts)).digest('hex')
}

/** Why a request was not authenticated. */
export type AuthFailure =
  | 'missing_credentials'
  | 'unknown_key'
  | 'bad_timestamp'
  | 'stale_timestamp'
  | 'bad_signature'
  | 'replayed'
  | 'forbidden'

/** The HTTP status each failure answers with (every gateway speaking HTTP uses it). */
export const AUTH_FAILURE_STATUS: Record<AuthFailure, 401 | 403> = {
  missing_credentials: 401,
  unknown_key: 401,
  bad_timestamp: 401,
  stale_timestamp: 401,
  bad_signature: 401,
  replayed: 401,
  forbidden: 403,
}

export type AuthResult =
  | { readonly ok: true; readonly key: ApiKey }
  | { readonly ok: false; readonly failure: AuthFailure; readonly message: string }

/** Options for {@link createAuthenticator}. */
export type AuthenticatorOptions = {
  /** Look up a key by id. */
  keys: (keyId: string) => ApiKey | undefined
  /** Current time in epoch ms. */
  now: () => number
  /** Accepted clock difference between client and server, ms. Default 5,000. */
  windowMs?: number
}

/**
 * Verifies signed requests: known key, timestamp within the window, HMAC over the exact request,
 * no replay of the same signature within the window, and the permission the route needs.
 */
export function createAuthenticator(options: AuthenticatorOptions) {
  const windowMs = options.windowMs ?? 5_000
  // Signatures seen inside the window, expiring with it: a captured request cannot be replayed.
  const seen = new Map<string, number>()
  let lastSweep = 0

  function sweep(now: number) {
    if (now - lastSweep < 1_000) return
    lastSweep = now
    for (const [signature, expires] of seen) if (expires < now) seen.delete(signature)
  }

  return {
    authenticate(request: {
      headers: Readonly<Record<string, string | string[] | undefined>>
      method: string
      path: string
      body: Uint8Array | string
      permission: Permission
    }): AuthResult {
      const header = (name: string) => {
        const value = request.headers[name]
        return Array.isArray(value) ? value[0] : value
      }
      const keyId = header(AUTH_HEADERS.key)
      const timestamp = header(AUTH_HEADERS.timestamp)
      const signature = header(AUTH_HEADERS.signature)
      if (!keyId || !timestamp || !signature) {
        return {
          ok: false,
          failure: 'missing_credentials',
          message: `Signed requests need the ${Object.values(AUTH_HEADERS).join(', ')} headers.`,
        }
      }
      const key = options.keys(keyId)
      if (!key) return { ok: false, failure: 'unknown_key', message: 'Unknown API key.' }
      if (!/^[0-9]{1,16}$/.test(timestamp)) {
        return {
          ok: false,
          failure: 'bad_timestamp',
          message: `${AUTH_HEADERS.timestamp} must be epoch milliseconds.`,
        }
      }
      const now = options.now()
      if (Math.abs(now - Number(timestamp)) > windowMs) {
        return {
          ok: false,
          failure: 'stale_timestamp',
          message: `${AUTH_HEADERS.timestamp} is more than ${windowMs} ms from the server's clock.`,
        }
      }
      const expected = Buffer.from(signRequest(key.secret, { ...request, timestamp }), 'hex')
      const given = /^[0-9a-f]{64}$/.test(signature)
        ? Buffer.from(signature, 'hex')
        : Buffer.alloc(0)
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return {
          ok: false,
          failure: 'bad_signature',
          message: 'The request signature does not match.',
        }
      }
      sweep(now)
      if (seen.has(signature)) {
        return { ok: false, failure: 'replayed', message: 'This signed request was already used.' }
      }
      seen.set(signature, now + windowMs)
      if (!key.permissions.includes(request.permission) && !key.permissions.includes('admin')) {
        return {
          ok: false,
          failure: 'forbidden',
          message: `This API key lacks the "${request.permission}" permission.`,
        }
      }
      return { ok: true, key }
    },
  }
}
