import type { AuditLog } from '@strongroom/core'
import { CustodyError } from '../custodyErrors.js'
import type { BroadcastRoute } from '../policy/policySchema.js'
import { type RpcEndpoint, type RpcPool, RpcReplyError } from './rpcPool.js'

/**
 * A client that can do one thing only: send a raw transaction to a private relay endpoint.
 * It has no read methods and no fallback, so nothing sent through it leaks to public nodes.
 */
export type PrivateRelayClient = {
  readonly endpoint: string
  sendRawTransaction(raw: string): Promise<string>
}

/** Creates a {@link PrivateRelayClient} for `endpoint`. */
export function createPrivateRelayClient(parameters: {
  endpoint: RpcEndpoint
  timeoutMs?: number | undefined
}): PrivateRelayClient {
  const timeoutMs = parameters.timeoutMs ?? 5_000
  let id = 1
  return {
    endpoint: parameters.endpoint.name,
    async sendRawTransaction(raw) {
      const controller = new AbortController()
      const timer = setTimeout(() => controller.abort(), timeoutMs)
      try {
        const response = await fetch(parameters.endpoint.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            jsonrpc: '2.0',
            id: id++,
            method: 'eth_sendRawTransaction',
            params: [raw],
          }),
          signal: controller.signal,
        })
        if (!response.ok) throw new Error(`HTTP ${response.status}`)
        const body = (await response.json()) as {
          result?: unknown
          error?: { code: number; message: string }
        }
        if (body.error) throw new RpcReplyError(parameters.endpoint.name, body.error)
        if (typeof body.result !== 'string')
          throw new Error('the relay returned no transaction hash')
        return body.result
      } finally {
        clearTimeout(timer)
      }
    },
  }
}

/** Where a transaction went. */
export type BroadcastResult = {
  readonly hash: string
  readonly via: 'private' | 'public'
  /** True when the node already had it (a rebroadcast). */
  readonly alreadyKnown: boolean
}

/** Sends signed transactions by the route the policy chose. */
export type BroadcastRouter = {
  broadcast(parameters: {
    requestId: string
    raw: string
    hash: string
    route: BroadcastRoute
  }): Promise<BroadcastResult>
}

/** Parameters of {@link createBroadcastRouter}. */
export type CreateBroadcastRouterParameters = {
  /** Public endpoints (failover and hedging). */
  public: RpcPool
  /** The private relay, if any. */
  privateRelay?: PrivateRelayClient | undefined
  audit: AuditLog
}

const ALREADY_KNOWN =
  /already known|known transaction|already imported|already in (the )?(mem)?pool/i

/**
 * Creates a {@link BroadcastRouter}: `private` sends only to the private relay and fails when it
 * does (never touching a public endpoint); `private_then_public` falls back to the public pool
 * only because the policy rule said so; `public` uses the pool (failover, hedging). Every
 * broadcast and failure is audited (`custody.broadcast`, `custody.broadcast.failed`).
 *
 * @throws {CustodyError} `CUSTODY_PRIVATE_ROUTE_FAILED`, `CUSTODY_RPC_FAILED`.
 */
export function createBroadcastRouter(
  parameters: CreateBroadcastRouterParameters,
): BroadcastRouter {
  const { audit } = parameters

  async function viaPublic(
    raw: string,
    hash: string,
  ): Promise<{ hash: string; alreadyKnown: boolean }> {
    try {
      const result = await parameters.public.request<string>('eth_sendRawTransaction', [raw])
      return { hash: result, alreadyKnown: false }
    } catch (error) {
      if (error instanceof RpcReplyError && ALREADY_KNOWN.test(error.message))
        return { hash, alreadyKnown: true }
      if (error instanceof RpcReplyError) {
        throw new CustodyError('The node refused the transaction.', {
          code: 'CUSTODY_RPC_FAILED',
          cause: error,
        })
      }
      throw error
    }
  }

  return {
    async broadcast({ requestId, raw, hash, route }) {
      const relay = parameters.privateRelay
      let privateError: unknown
      if (route !== 'public') {
        if (relay === undefined) {
          privateError = new Error('no private relay is configured')
        } else {
          try {
            const result = await relay.sendRawTransaction(raw)
            await audit.append({
              type: 'custody.broadcast',
              actor: 'broadcast-router',
              data: { requestId, hash: result, via: 'private', endpoint: relay.endpoint },
            })
            return { hash: result, via: 'private', alreadyKnown: false }
          } catch (error) {
            if (error instanceof RpcReplyError && ALREADY_KNOWN.test(error.message)) {
              return { hash, via: 'private', alreadyKnown: true }
            }
            privateError = error
          }
        }
        await audit.append({
          type: 'custody.broadcast.failed',
          actor: 'broadcast-router',
          data: {
            requestId,
            hash,
            via: 'private',
            fallback: route === 'private_then_public',
            error: privateError instanceof Error ? privateError.message : String(privateError),
          },
        })
        if (route === 'private') {
          throw new CustodyError(
            'The private relay failed and the policy allows no public fallback.',
            {
              code: 'CUSTODY_PRIVATE_ROUTE_FAILED',
              cause: privateError,
            },
          )
        }
      }
      try {
        const result = await viaPublic(raw, hash)
        await audit.append({
          type: 'custody.broadcast',
          actor: 'broadcast-router',
          data: { requestId, hash: result.hash, via: 'public', alreadyKnown: result.alreadyKnown },
        })
        return { hash: result.hash, via: 'public', alreadyKnown: result.alreadyKnown }
      } catch (error) {
        await audit.append({
          type: 'custody.broadcast.failed',
          actor: 'broadcast-router',
          data: {
            requestId,
            hash,
            via: 'public',
            error: error instanceof Error ? error.message.split('\n')[0]! : String(error),
          },
        })
        throw error
      }
    },
  }
}
