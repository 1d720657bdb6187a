// Signed requests from the browser: the same HMAC scheme as every other client of the exchange
// (x-sr-key, x-sr-timestamp, x-sr-signature = hex(HMAC-SHA256(secret, timestamp \n METHOD \n
// path?query \n hex(SHA-256(body))))), computed with WebCrypto. The API secret stays in memory.

/** The operator's API key. */
export type Credentials = { keyId: string; secret: string }

/** An error answer of the exchange: its code, message and field issues. */
export class ConsoleApiError extends Error {
  readonly status: number
  readonly code: string
  constructor(status: number, code: string, message: string) {
    super(message)
    this.status = status
    this.code = code
  }
}

const encoder = new TextEncoder()
const hex = (buffer: ArrayBuffer) =>
  [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('')

async function sign(secret: string, payload: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  return hex(await crypto.subtle.sign('HMAC', key, encoder.encode(payload)))
}

/** The headers of a signed request. */
export async function signedHeaders(
  credentials: Credentials,
  method: string,
  path: string,
  body = '',
): Promise<Record<string, string>> {
  const timestamp = String(Date.now())
  const bodyHash = hex(await crypto.subtle.digest('SHA-256', encoder.encode(body)))
  const signature = await sign(
    credentials.secret,
    `${timestamp}\n${method.toUpperCase()}\n${path}\n${bodyHash}`,
  )
  return { 'x-sr-key': credentials.keyId, 'x-sr-timestamp': timestamp, 'x-sr-signature': signature }
}

/** A client for the console's JSON API (and the public market-data routes). */
export function createConsoleClient(credentials: Credentials) {
  async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const text = body === undefined ? '' : JSON.stringify(body)
    const headers = await signedHeaders(credentials, method, path, text)
    if (body !== undefined) headers['content-type'] = 'application/json'
    const response = await fetch(path, {
      method,
      headers,
      ...(body === undefined ? {} : { body: text }),
    })
    const json = (await response.json().catch(() => ({}))) as {
      error?: { code: string; message: string; issues?: { path: unknown[]; message: string }[] }
    }
    if (!response.ok) {
      const e = json.error
      const issues = e?.issues?.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
      throw new ConsoleApiError(
        response.status,
        e?.code ?? `http_${response.status}`,
        `${e?.message ?? response.statusText}${issues ? ` (${issues})` : ''}`,
      )
    }
    return json as T
  }
  return {
    credentials,
    get: <T>(path: string) => request<T>('GET', path),
    post: <T>(path: string, body: unknown) => request<T>('POST', path, body),
  }
}

export type ConsoleClient = ReturnType<typeof createConsoleClient>
