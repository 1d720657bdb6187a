// Authentication of the scaled-out gateway: the same signed API keys as the single-process
// exchange (x-sr-key, x-sr-timestamp, x-sr-signature over timestamp, method, path and body hash;
// a timestamp window; no replay), checked by the same authenticator. A key acts for its own
// account only; an `admin` key may act for any account (operations, funding, tooling).
import type { IncomingMessage } from 'node:http'
import {
  type ApiKey,
  AUTH_FAILURE_STATUS,
  type createAuthenticator,
  type Permission,
} from '../gateway/auth.js'

/** A refusal, as the gateway answers it. */
export type GatewayAuthRefusal = {
  status: 401 | 403
  body: { error: { code: string; message: string } }
}

/**
 * Authenticates one gateway request and checks that its key may act for the body's `account`.
 * Answers the key, or the refusal to send (401 for credentials, 403 for permissions).
 */
export function authorizeGatewayRequest(parameters: {
  authenticator: ReturnType<typeof createAuthenticator>
  permission: Permission
  request: Pick<IncomingMessage, 'headers' | 'method' | 'url'>
  raw: Uint8Array
  body: unknown
}): { ok: true; key: ApiKey } | ({ ok: false } & GatewayAuthRefusal) {
  const { request } = parameters
  const result = parameters.authenticator.authenticate({
    headers: request.headers,
    method: request.method ?? 'POST',
    path: request.url ?? '/',
    body: parameters.raw,
    permission: parameters.permission,
  })
  if (!result.ok)
    return {
      ok: false,
      status: AUTH_FAILURE_STATUS[result.failure],
      body: { error: { code: result.failure, message: result.message } },
    }
  const account = (parameters.body as { account?: unknown } | undefined)?.account
  if (
    !result.key.permissions.includes('admin') &&
    account !== undefined &&
    account !== result.key.accountId
  )
    return {
      ok: false,
      status: 403,
      body: {
        error: {
          code: 'forbidden',
          message: `This API key acts for account ${result.key.accountId} only.`,
        },
      },
    }
  return { ok: true, key: result.key }
}
