import { existsSync, readFileSync, statSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, normalize, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { createAuthenticator } from '../gateway/auth.js'
import type { Route } from '../gateway/http.js'
import type { EventHub } from '../services/eventHub.js'
import { type ConsoleDeps, createConsoleData } from './consoleData.js'
import { createConsoleRoutes } from './consoleRoutes.js'
import { openConsoleStream } from './consoleStream.js'
import { instrumentExchange } from './instrument.js'
import { createMetrics, PROMETHEUS_CONTENT_TYPE } from './metrics.js'

/** Where the console's build lands (examples/console/dist; not committed). */
export const CONSOLE_DIST = fileURLToPath(new URL('../../../console/dist/', import.meta.url))

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
}
const STREAM_PATH = '/v1/console/stream'

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
  res.end(JSON.stringify(body))
}

/**
 * The operations console of the reference exchange: the page (the built `examples/console`) at
 * `/console`, its JSON API under `/v1/console`, its live push at `/v1/console/stream`, and the
 * metrics in the Prometheus text format at `/metrics`. The exchange mounts `routes` with its
 * other routes and calls `handle` from its HTTP gateway's `extra` hook.
 */
export function createOperationsConsole(
  options: Omit<ConsoleDeps, 'latency'> & {
    hub: EventHub
    authenticator: ReturnType<typeof createAuthenticator>
    distDir?: string
  },
) {
  const metrics = createMetrics()
  const latency = instrumentExchange({
    metrics,
    core: options.core,
    custody: options.custody,
    hub: options.hub,
  })
  const data = createConsoleData({ ...options, latency })
  const dist = options.distDir ?? CONSOLE_DIST
  const streams = new Set<{ close(): void }>()

  function serveStatic(pathname: string, res: ServerResponse) {
    const relative = pathname.replace(/^\/console\/?/, '') || 'index.html'
    const file = normalize(join(dist, relative))
    const inside = file.startsWith(dist.endsWith(sep) ? dist : dist + sep)
    const target =
      inside && existsSync(file) && statSync(file).isFile() ? file : join(dist, 'index.html')
    if (!existsSync(target)) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
      res.end('The console is not built: run `pnpm --filter @strongroom/console build`.\n')
      return
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(target)] ?? 'application/octet-stream',
      'cache-control': target.endsWith('index.html') ? 'no-store' : 'max-age=3600',
    })
    res.end(readFileSync(target))
  }

  function openStream(req: IncomingMessage, res: ServerResponse, url: URL) {
    const auth = options.authenticator.authenticate({
      headers: req.headers,
      method: 'GET',
      path: url.pathname + url.search,
      body: '',
      permission: 'read',
    })
    if (!auth.ok) {
      sendJson(res, auth.failure === 'forbidden' ? 403 : 401, {
        error: { code: auth.failure, message: auth.message },
      })
      return
    }
    const stream = openConsoleStream({
      res,
      key: auth.key,
      api: options.api,
      hub: options.hub,
      data,
    })
    streams.add(stream)
    res.on('close', () => streams.delete(stream))
  }

  return {
    routes: createConsoleRoutes(data) as Route[],
    metrics,
    data,
    /** Serves `/console`, `/metrics` and the stream; false for anything else. */
    handle(req: IncomingMessage, res: ServerResponse): boolean {
      if (req.method !== 'GET') return false
      const url = new URL(req.url ?? '/', 'http://localhost')
      if (url.pathname === '/metrics') {
        res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE })
        res.end(metrics.render())
        return true
      }
      if (url.pathname === STREAM_PATH) {
        openStream(req, res, url)
        return true
      }
      if (url.pathname === '/console' || url.pathname.startsWith('/console/')) {
        serveStatic(url.pathname, res)
        return true
      }
      return false
    },
    close() {
      for (const stream of streams) stream.close()
      streams.clear()
    },
  }
}
