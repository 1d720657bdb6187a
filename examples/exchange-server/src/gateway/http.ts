import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { z } from 'zod'
import {
  type ApiKey,
  AUTH_FAILURE_STATUS,
  type createAuthenticator,
  type Permission,
} from './auth.js'
import type { createRateLimiter } from './rateLimit.js'

/** An API error as every client sees it. */
export type ApiErrorBody = {
  error: {
    code: string
    message: string
    issues?: { code: string; path: (string | number)[]; message: string }[]
  }
}

/** Thrown by handlers to answer with a status and an error body. */
export class HttpError extends Error {
  readonly status: number
  readonly code: string
  readonly issues: ApiErrorBody['error']['issues'] | undefined
  constructor(
    status: number,
    code: string,
    message: string,
    issues?: ApiErrorBody['error']['issues'],
  ) {
    super(message)
    this.status = status
    this.code = code
    this.issues = issues
  }
}

/** What a handler receives. */
export type RouteContext<body, query> = {
  body: body
  query: query
  params: Record<string, string>
  /** The authenticated key, for routes that need one. */
  key: ApiKey | undefined
}

/** One REST route: its contract (for validation and the OpenAPI document) and its handler. */
export type Route<body = unknown, query = unknown> = {
  method: 'GET' | 'POST' | 'DELETE' | 'PATCH'
  /** Path with `:name` parameters, e.g. `/v1/orders/:orderId`. */
  path: string
  summary: string
  tags: readonly string[]
  /** `null`: public. */
  permission: Permission | null
  body?: z.ZodType<body> | undefined
  query?: z.ZodType<query> | undefined
  response: z.ZodType
  /** Extra statuses the route can answer with, for the OpenAPI document. */
  errors?: readonly number[] | undefined
  // Method syntax on purpose: routes with different body types fit one `Route[]`.
  handler(context: RouteContext<body, query>): Promise<{ status: number; body: unknown }>
}

type Compiled = { route: Route; pattern: RegExp; names: string[] }

function compile(route: Route): Compiled {
  const names: string[] = []
  const source = route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    names.push(name)
    return '([A-Za-z0-9_.:-]{1,128})'
  })
  return { route, pattern: new RegExp(`^${source}$`), names }
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body, (_key, value) =>
    typeof value === 'bigint' ? value.toString() : value,
  )
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
  res.end(text)
}

function sendError(res: ServerResponse, error: HttpError, headers: Record<string, string> = {}) {
  const body: ApiErrorBody = { error: { code: error.code, message: error.message } }
  if (error.issues) body.error.issues = error.issues
  send(res, error.status, body, headers)
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > limit)
    throw new HttpError(413, 'body_too_large', `The body exceeds ${limit} bytes.`)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) throw new HttpError(413, 'body_too_large', `The body exceeds ${limit} bytes.`)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

/** Zod issues as API issues: path (under `prefix` when given), rule, message; one per unknown field. */
export function zodIssues(
  error: z.ZodError,
  prefix?: string,
): NonNullable<ApiErrorBody['error']['issues']> {
  return error.issues.flatMap((issue) => {
    const rule = (issue as { params?: { rule?: string } }).params?.rule
    const path = [
      ...(prefix === undefined ? [] : [prefix]),
      ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    ]
    // One issue per unknown field, each naming it (zod reports them together at the parent).
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => ({
        code: issue.code,
        path: [...path, key],
        message: `unknown field "${key}"`,
      }))
    return [{ code: rule ?? issue.code, path, message: issue.message }]
  })
}

/** Options for {@link createHttpGateway}. */
export type HttpGatewayOptions = {
  routes: readonly Route[]
  authenticator: ReturnType<typeof createAuthenticator>
  rateLimiter: ReturnType<typeof createRateLimiter>
  /** Largest accepted body in bytes. Default 64 KiB. */
  maxBodyBytes?: number
  /** Called with unexpected errors (answered with 500). */
  onError?: (error: unknown) => void
  /** Extra non-JSON routes (e.g. the OpenAPI document, a health check). */
  extra?: (req: IncomingMessage, res: ServerResponse) => boolean
}

/**
 * The REST gateway: routing, body limits, JSON parsing, strict schema validation (unknown fields
 * are errors), HMAC authentication with permissions, per-key rate limits, and uniform error
 * bodies. A rejected request changes no state: validation happens before any handler runs.
 */
export function createHttpGateway(options: HttpGatewayOptions) {
  const compiled = options.routes.map(compile)
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (options.extra?.(req, res)) return
    const matches = compiled.filter((c) => c.pattern.test(url.pathname))
    if (matches.length === 0) throw new HttpError(404, 'not_found', `No route ${url.pathname}.`)
    const match = matches.find((c) => c.route.method === req.method)
    if (!match) {
      const allowed = matches.map((c) => c.route.method).join(', ')
      throw new HttpError(
        405,
        'method_not_allowed',
        `${req.method} is not allowed here (allowed: ${allowed}).`,
      )
    }
    const { route } = match
    const raw = await readBody(req, maxBodyBytes)
    let key: ApiKey | undefined
    if (route.permission !== null) {
      const result = options.authenticator.authenticate({
        headers: req.headers,
        method: req.method ?? 'GET',
        path: url.pathname + url.search,
        body: raw,
        permission: route.permission,
      })
      if (!result.ok)
        throw new HttpError(AUTH_FAILURE_STATUS[result.failure], result.failure, result.message)
      key = result.key
      const limit = options.rateLimiter.take(key.keyId)
      if (!limit.allowed) {
        const error = new HttpError(
          429,
          'rate_limited',
          `Too many requests; retry in ${limit.retryAfterMs} ms.`,
        )
        sendError(res, error, { 'retry-after': String(Math.ceil(limit.retryAfterMs / 1000)) })
        return
      }
    }
    let body: unknown
    if (route.body) {
      const type = req.headers['content-type'] ?? ''
      if (!type.startsWith('application/json')) {
        throw new HttpError(415, 'unsupported_media_type', 'The body must be application/json.')
      }
      let json: unknown
      try {
        json = JSON.parse(raw.toString('utf8'))
      } catch {
        throw new HttpError(400, 'invalid_json', 'The body is not valid JSON.')
      }
      const parsed = route.body.safeParse(json)
      if (!parsed.success) {
        throw new HttpError(
          422,
          'validation_failed',
          'The body failed validation.',
          zodIssues(parsed.error, 'body'),
        )
      }
      body = parsed.data
    } else if (raw.length > 0) {
      throw new HttpError(400, 'unexpected_body', `${route.method} ${route.path} takes no body.`)
    }
    let query: unknown = Object.fromEntries(url.searchParams)
    if (route.query) {
      const parsed = route.query.safeParse(query)
      if (!parsed.success) {
        throw new HttpError(
          422,
          'validation_failed',
          'The query failed validation.',
          zodIssues(parsed.error, 'query'),
        )
      }
      query = parsed.data
    } else if (url.searchParams.size > 0) {
      throw new HttpError(422, 'validation_failed', 'This route takes no query parameters.')
    }
    const params: Record<string, string> = {}
    const values = match.pattern.exec(url.pathname)!
    match.names.forEach((name, i) => {
      params[name] = values[i + 1]!
    })
    const result = await route.handler({ body, query, params, key })
    send(res, result.status, result.body)
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy()
        return
      }
      if (error instanceof HttpError) {
        // Drain what is left of an oversized body without reading it into memory.
        if (error.status === 413) res.setHeader('connection', 'close')
        sendError(res, error)
        return
      }
      options.onError?.(error)
      sendError(res, new HttpError(500, 'internal_error', 'Internal error.'))
    })
  })
  server.headersTimeout = 10_000
  server.requestTimeout = 30_000

  return {
    server,
    async listen(port: number, host: string): Promise<AddressInfo> {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(port, host, () => {
          server.off('error', reject)
          resolve()
        })
      })
      return server.address() as AddressInfo
    },
    close(): Promise<void> {
      return new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}
