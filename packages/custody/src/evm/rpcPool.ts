import { type Clock, type Logger, noopLogger } from '@strongroom/core'
import { CustodyError } from '../custodyErrors.js'
import type { ChainIdReporter } from '../orchestrator/payloadBinder.js'

/** One JSON-RPC endpoint. */
export type RpcEndpoint = { readonly name: string; readonly url: string }

/** A JSON-RPC error answered by a node (as opposed to a transport failure). */
export type RpcErrorReply = {
  readonly code: number
  readonly message: string
  readonly data?: unknown
}

/** Thrown when a node answers a call with a JSON-RPC error. */
export class RpcReplyError extends Error {
  override name = 'RpcReplyError'
  readonly code: number
  readonly endpoint: string
  constructor(endpoint: string, reply: RpcErrorReply) {
    super(`${endpoint}: ${reply.message} (${reply.code})`)
    this.code = reply.code
    this.endpoint = endpoint
  }
}

/** Statistics of a pool, for tests and monitoring. */
export type RpcPoolStats = {
  readonly calls: number
  readonly failovers: number
  readonly hedged: number
  readonly perEndpoint: Readonly<Record<string, { ok: number; failed: number }>>
}

/** Several endpoints of one chain used as one: failover, hedging, health. */
export type RpcPool = {
  /** Calls `method`, failing over to the next endpoint on transport errors and timeouts. */
  request<T = unknown>(method: string, params?: readonly unknown[]): Promise<T>
  /** Calls every endpoint at once; one result per endpoint (value or error). */
  requestAll<T = unknown>(
    method: string,
    params?: readonly unknown[],
  ): Promise<readonly { endpoint: string; value?: T; error?: unknown }[]>
  /** The chains the endpoints report (`eth_chainId`), for chain-id pinning. */
  readonly chainIdReporter: ChainIdReporter
  stats(): RpcPoolStats
  readonly endpoints: readonly RpcEndpoint[]
}

/** Parameters of {@link createRpcPool}. */
export type CreateRpcPoolParameters = {
  /** CAIP-2 chain the endpoints are configured for (`eip155:1`). */
  chain: string
  /** In order of preference. */
  endpoints: readonly RpcEndpoint[]
  clock: Clock
  logger?: Logger | undefined
  /** A call without an answer after this long counts as failed. Default 5,000 ms. */
  timeoutMs?: number | undefined
  /**
   * Hedging: when an endpoint has not answered after this long, the next endpoint is asked too,
   * and the first answer wins. Default 250 ms; `0` disables hedging.
   */
  hedgeDelayMs?: number | undefined
  /** An endpoint that failed is tried last for this long. Default 10,000 ms. */
  cooldownMs?: number | undefined
}

let nextId = 1

async function post(url: string, method: string, params: readonly unknown[], timeoutMs: number) {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), timeoutMs)
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }),
      signal: controller.signal,
    })
    if (!response.ok) throw new Error(`HTTP ${response.status}`)
    const body = (await response.json()) as { result?: unknown; error?: RpcErrorReply }
    return body
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Creates an {@link RpcPool}. Transport failures (connection refused, HTTP errors, timeouts)
 * fail over to the next endpoint; an endpoint that failed is put at the back for `cooldownMs`.
 * A JSON-RPC error reply is the node's answer and is returned as a {@link RpcReplyError}, not
 * retried elsewhere (for `eth_sendRawTransaction` every node would say the same).
 *
 * @throws {CustodyError} `CUSTODY_RPC_FAILED` when every endpoint failed.
 */
export function createRpcPool(parameters: CreateRpcPoolParameters): RpcPool {
  const { endpoints, clock } = parameters
  if (endpoints.length === 0) {
    throw new CustodyError('An RPC pool needs at least one endpoint.', {
      code: 'CUSTODY_INVALID_CONFIG',
    })
  }
  const logger = parameters.logger ?? noopLogger
  const timeoutMs = parameters.timeoutMs ?? 5_000
  const hedgeDelayMs = parameters.hedgeDelayMs ?? 250
  const cooldownMs = parameters.cooldownMs ?? 10_000
  const failedAt = new Map<string, number>()
  const perEndpoint: Record<string, { ok: number; failed: number }> = {}
  for (const e of endpoints) perEndpoint[e.name] = { ok: 0, failed: 0 }
  let calls = 0
  let failovers = 0
  let hedged = 0

  const ordered = () => {
    const now = clock.now()
    const healthy = endpoints.filter((e) => (failedAt.get(e.name) ?? -Infinity) + cooldownMs <= now)
    const cooling = endpoints.filter((e) => !healthy.includes(e))
    return [...healthy, ...cooling]
  }

  async function attempt(endpoint: RpcEndpoint, method: string, params: readonly unknown[]) {
    try {
      const body = await post(endpoint.url, method, params, timeoutMs)
      perEndpoint[endpoint.name]!.ok++
      failedAt.delete(endpoint.name)
      if (body.error) return { reply: new RpcReplyError(endpoint.name, body.error) }
      return { value: body.result }
    } catch (error) {
      perEndpoint[endpoint.name]!.failed++
      failedAt.set(endpoint.name, clock.now())
      logger.warn('rpc endpoint failed', { endpoint: endpoint.name, method, error: String(error) })
      throw new Error(`${endpoint.name}: ${error instanceof Error ? error.message : String(error)}`)
    }
  }

  async function request<T>(method: string, params: readonly unknown[] = []): Promise<T> {
    calls++
    const order = ordered()
    const errors: string[] = []
    return new Promise<T>((resolve, reject) => {
      let settled = false
      let inFlight = 0
      let next = 0
      let hedgeTimer: ReturnType<typeof setTimeout> | undefined
      const finish = (fn: () => void) => {
        if (settled) return
        settled = true
        if (hedgeTimer) clearTimeout(hedgeTimer)
        fn()
      }
      const launch = () => {
        if (settled || next >= order.length) return
        const endpoint = order[next++]!
        inFlight++
        if (hedgeDelayMs > 0 && next < order.length) {
          if (hedgeTimer) clearTimeout(hedgeTimer)
          hedgeTimer = setTimeout(() => {
            if (!settled) {
              hedged++
              launch()
            }
          }, hedgeDelayMs)
        }
        attempt(endpoint, method, params).then(
          (outcome) => {
            inFlight--
            if ('reply' in outcome) finish(() => reject(outcome.reply))
            else finish(() => resolve(outcome.value as T))
          },
          (error: Error) => {
            inFlight--
            errors.push(error.message)
            if (settled) return
            if (next < order.length) {
              failovers++
              launch()
            } else if (inFlight === 0) {
              finish(() =>
                reject(
                  new CustodyError(`Every RPC endpoint failed for ${method}.`, {
                    code: 'CUSTODY_RPC_FAILED',
                    details: errors.join('; '),
                  }),
                ),
              )
            }
          },
        )
      }
      launch()
    })
  }

  async function requestAll<T>(method: string, params: readonly unknown[] = []) {
    return Promise.all(
      endpoints.map(async (endpoint) => {
        try {
          const outcome = await attempt(endpoint, method, params)
          if ('reply' in outcome) return { endpoint: endpoint.name, error: outcome.reply }
          return { endpoint: endpoint.name, value: outcome.value as T }
        } catch (error) {
          return { endpoint: endpoint.name, error }
        }
      }),
    )
  }

  return {
    endpoints,
    request,
    requestAll,
    chainIdReporter: {
      chain: parameters.chain,
      async report() {
        const results = await requestAll<string>('eth_chainId')
        return results
          .filter((r) => typeof r.value === 'string' && /^0x[0-9a-fA-F]{1,16}$/.test(r.value))
          .map((r) => ({ endpoint: r.endpoint, chain: `eip155:${BigInt(r.value!).toString()}` }))
      },
    },
    stats: () => ({ calls, failovers, hedged, perEndpoint: structuredClone(perEndpoint) }),
  }
}
