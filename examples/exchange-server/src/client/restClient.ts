import { AUTH_HEADERS, signRequest } from '../gateway/auth.js'

/** An API error answered by the exchange. */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly body: unknown
  constructor(status: number, code: string, message: string, body: unknown) {
    super(`${status} ${code}: ${message}`)
    this.status = status
    this.code = code
    this.body = body
  }
}

/** A small signed REST client: what a venue's customers would write against the API. */
export function createRestClient(options: {
  baseUrl: string
  keyId?: string | undefined
  secret?: string | undefined
  now?: () => number
}) {
  const now = options.now ?? (() => Date.now())
  let last = 0
  async function request<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    const text = body === undefined ? '' : JSON.stringify(body)
    const headers: Record<string, string> = {}
    if (body !== undefined) headers['content-type'] = 'application/json'
    if (options.keyId && options.secret) {
      // Strictly increasing timestamps: two identical requests in one millisecond stay distinct.
      last = Math.max(last + 1, now())
      const timestamp = String(last)
      headers[AUTH_HEADERS.key] = options.keyId
      headers[AUTH_HEADERS.timestamp] = timestamp
      headers[AUTH_HEADERS.signature] = signRequest(options.secret, {
        timestamp,
        method,
        path,
        body: text,
      })
    }
    const response = await fetch(`${options.baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: text }),
    })
    const json = (await response.json()) as { error?: { code: string; message: string } }
    if (!response.ok)
      throw new ApiError(
        response.status,
        json.error?.code ?? 'unknown',
        json.error?.message ?? '',
        json,
      )
    return json as T
  }
  return {
    get: <T = Record<string, unknown>>(path: string) => request<T>('GET', path),
    post: <T = Record<string, unknown>>(path: string, body: unknown) =>
      request<T>('POST', path, body),
    patch: <T = Record<string, unknown>>(path: string, body: unknown) =>
      request<T>('PATCH', path, body),
    delete: <T = Record<string, unknown>>(path: string) => request<T>('DELETE', path),
  }
}

export type RestClient = ReturnType<typeof createRestClient>
