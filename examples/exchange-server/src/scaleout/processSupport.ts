// Shared plumbing of the scaled-out processes: arguments, a JSON-lines logger, a small JSON
// status server and a clean shutdown on SIGTERM/SIGINT.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { parseArgs } from 'node:util'
import type { Logger } from '@strongroom/core'
import { loadTopology, type Topology } from './topology.js'

/** Parses `--topology <file>` (or STRONGROOM_TOPOLOGY) and the named string options. */
export function processArguments<const K extends string>(
  keys: readonly K[],
): { topology: Topology; options: Partial<Record<K, string>>; port: number; host: string } {
  const { values } = parseArgs({
    options: {
      topology: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      ...Object.fromEntries(keys.map((k) => [k, { type: 'string' as const }])),
    },
    strict: true,
  })
  const file = (values.topology as string | undefined) ?? process.env.STRONGROOM_TOPOLOGY
  if (!file) throw new Error('--topology <file> (or STRONGROOM_TOPOLOGY) is required')
  const port = Number((values.port as string | undefined) ?? '0')
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error('--port must be an integer between 0 and 65535')
  return {
    topology: loadTopology(file),
    options: values as Partial<Record<K, string>>,
    port,
    host: (values.host as string | undefined) ?? '127.0.0.1',
  }
}

/** A logger writing one JSON line per record to stderr. */
export function jsonLogger(name: string): Logger {
  const write =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      process.stderr.write(
        `${JSON.stringify({ t: new Date().toISOString(), level, name, message, ...fields })}\n`,
      )
    }
  return { debug() {}, info: write('info'), warn: write('warn'), error: write('error') }
}

/** Largest request body accepted, bytes. */
const MAX_BODY = 64 * 1024

/** A route: the request, its parsed JSON body and the raw bytes (what a signature covers). */
export type JsonHandler = (
  request: IncomingMessage,
  body: unknown,
  raw: Buffer,
) => Promise<{ status: number; body: unknown }> | { status: number; body: unknown }

/** Serves JSON routes (`METHOD /path`); resolves with the listening URL. */
export async function serveJson(
  routes: Record<string, JsonHandler>,
  options: { host: string; port: number },
): Promise<{ url: string; close(): Promise<void> }> {
  const send = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' })
    response.end(JSON.stringify(body))
  }
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY) {
        send(response, 413, {
          error: { code: 'body_too_large', message: `over ${MAX_BODY} bytes` },
        })
        request.destroy()
      } else chunks.push(c)
    })
    request.on('end', () => {
      const path = (request.url ?? '/').split('?')[0]
      const handler = routes[`${request.method} ${path}`]
      if (!handler) return send(response, 404, { error: { code: 'not_found', message: path } })
      const raw = Buffer.concat(chunks)
      let body: unknown
      try {
        body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined
      } catch {
        return send(response, 400, { error: { code: 'invalid_json', message: 'body is not JSON' } })
      }
      Promise.resolve(handler(request, body, raw))
        .then((r) => send(response, r.status, r.body))
        .catch((error: unknown) =>
          send(response, 500, { error: { code: 'internal', message: String(error) } }),
        )
    })
  })
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : options.port
  return {
    url: `http://${options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** Runs `close` on SIGTERM or SIGINT, then exits. */
export function onShutdown(close: () => Promise<void>): void {
  let closing = false
  const stop = () => {
    if (closing) return
    closing = true
    close()
      .catch((error: unknown) => process.stderr.write(`shutdown: ${String(error)}\n`))
      .finally(() => process.exit(0))
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
}

/** The line a launcher waits for: `READY <json>`. */
export function announceReady(info: Record<string, unknown>): void {
  process.stdout.write(`READY ${JSON.stringify(info)}\n`)
}
