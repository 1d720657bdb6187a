// HTTP transport between the coordinator and signer nodes (loopback or a private network; the
// messages are signed end to end, so the transport adds no trust). One POST per message, on
// kept-alive connections.
import { createServer, Agent as HttpAgent, request as httpRequest, type Server } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { NodeEnvelope } from './envelope.js'
import type { SignerNode } from './signerNode.js'
import { SignerNodeError } from './signerNodeErrors.js'

/** Sends one message to a node and resolves with its (untrusted) reply. */
export type NodeTransport = (message: NodeEnvelope) => Promise<unknown>

const MAX_BODY = 4 * 1024 * 1024

/** Serves a {@link SignerNode} over HTTP on `host:port` (port 0 picks a free one). */
export function serveSignerNode(
  node: SignerNode,
  options: { host?: string; port?: number } = {},
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/frost') {
      res.writeHead(404).end()
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY) req.destroy()
      else chunks.push(chunk)
    })
    req.on('end', () => {
      let parsed: unknown
      try {
        parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      } catch {
        parsed = undefined
      }
      node.handle(parsed).then(
        (reply) => {
          const body = JSON.stringify(reply)
          res
            .writeHead(200, {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
            })
            .end(body)
        },
        () => res.writeHead(500).end(),
      )
    })
  })
  server.keepAliveTimeout = 60_000
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve({
        server,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections()
            server.close(() => done())
          }),
      })
    })
  })
}

/**
 * A {@link NodeTransport} posting to `http://host:port/frost` (or `https:`) over one kept-alive
 * connection pool per node, with a timeout on the whole exchange.
 * @throws {SignerNodeError} `CUSTODY_NODE_UNAVAILABLE` when the node does not answer in time.
 */
export function httpNodeTransport(
  url: string,
  options: { timeoutMs?: number } = {},
): NodeTransport {
  const timeoutMs = options.timeoutMs ?? 5_000
  const target = new URL(url)
  const secure = target.protocol === 'https:'
  // Idle connections close before the node's own keep-alive timeout (60 s) would close them.
  const agent = secure
    ? new HttpsAgent({ keepAlive: true, timeout: 30_000 })
    : new HttpAgent({ keepAlive: true, timeout: 30_000 })
  const send = secure ? httpsRequest : httpRequest
  return (message) =>
    new Promise((resolve, reject) => {
      const body = Buffer.from(JSON.stringify(message), 'utf8')
      let settled = false
      const finish = (error: unknown, value?: unknown) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        if (error === undefined) resolve(value)
        else
          reject(
            new SignerNodeError(`Signer node at ${url} did not answer.`, {
              code: 'CUSTODY_NODE_UNAVAILABLE',
              cause: error,
              nodeId: message.to,
            }),
          )
      }
      const request = send(
        target,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': body.length },
        },
        (response) => {
          const chunks: Buffer[] = []
          let size = 0
          response.on('data', (chunk: Buffer) => {
            size += chunk.length
            if (size > MAX_BODY) response.destroy(new Error('reply too large'))
            else chunks.push(chunk)
          })
          response.on('error', (error) => finish(error))
          response.on('end', () => {
            if (response.statusCode !== 200) return finish(new Error(`HTTP ${response.statusCode}`))
            try {
              finish(undefined, JSON.parse(Buffer.concat(chunks).toString('utf8')))
            } catch (error) {
              finish(error)
            }
          })
        },
      )
      const timer = setTimeout(
        () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)),
        timeoutMs,
      )
      request.on('error', (error) => finish(error))
      request.end(body)
    })
}

/** An in-process {@link NodeTransport} (benchmarks, tests): hands the message straight to the node. */
export function directNodeTransport(node: SignerNode): NodeTransport {
  return (message) => node.handle(JSON.parse(JSON.stringify(message)))
}
