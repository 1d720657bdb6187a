import { createHmac } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import type { Logger } from '@strongroom/core'
import { FixEncoder } from '@strongroom/fix'
import { WebSocket } from 'ws'
import { loadConfig } from '../src/config.js'
import { signRequest } from '../src/gateway/auth.js'
import { type RunningExchange, startExchange } from '../src/server.js'

export const quietLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error: (m, f) => console.error(m, f),
}

/**
 * Starts the exchange on embedded defaults in `dataDir` for a test: ephemeral HTTP and FIX ports,
 * no simulation, its own hardhat chain (blocks every `blockTimeMs`) and the given per-key rate
 * limit. `file` holds configuration fields to load (and validate) as a configuration file.
 */
export async function startTestExchange(options: {
  dataDir: string
  blockTimeMs?: number
  rateLimit?: { perSecond: number; burst: number }
  file?: Record<string, unknown>
}): Promise<RunningExchange> {
  let file: string | undefined
  if (options.file) {
    file = join(options.dataDir, 'test-config.json')
    writeFileSync(file, JSON.stringify(options.file))
  }
  const config = loadConfig({
    file,
    env: {
      STRONGROOM_DATA_DIR: options.dataDir,
      STRONGROOM_HTTP_PORT: '0',
      STRONGROOM_FIX_PORT: '0',
      STRONGROOM_SIMULATION: 'off',
    },
  })
  return startExchange({
    config: {
      ...config,
      chain: { kind: 'hardhat', port: 0, blockTimeMs: options.blockTimeMs ?? 200 },
      rateLimit: options.rateLimit ?? { perSecond: 300, burst: 600 },
    },
    logger: quietLogger,
  })
}

/** Polls `probe` until it returns a value that is not undefined. */
export async function until<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** A WebSocket client that collects every message. */
export async function openWs(url: string) {
  const socket = new WebSocket(url)
  const messages: Record<string, unknown>[] = []
  socket.on('message', (data) =>
    messages.push(JSON.parse(data.toString()) as Record<string, unknown>),
  )
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve())
    socket.once('error', reject)
  })
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)))
  return {
    messages,
    /** The close code, once the connection is closed. */
    closed,
    isOpen: () => socket.readyState === WebSocket.OPEN,
    sendBinary: (bytes: Uint8Array) => socket.send(bytes, { binary: true }),
    send: (message: unknown) =>
      socket.send(typeof message === 'string' ? message : JSON.stringify(message)),
    auth(keyId: string, secret: string) {
      const timestamp = String(Date.now())
      socket.send(
        JSON.stringify({
          op: 'auth',
          keyId,
          timestamp,
          signature: signRequest(secret, { timestamp, method: 'GET', path: '/ws', body: '' }),
        }),
      )
    },
    close: () => socket.close(),
  }
}

export const hmac = (secret: string, text: string) =>
  createHmac('sha256', secret).update(text).digest('hex')

/**
 * A bare FIX 4.4 client over TCP that sends exactly the fields it is given (the library's
 * initiator validates what it sends and hides session-level Rejects) and keeps every message it
 * receives as `tag → value` maps.
 */
export async function openRawFixClient(options: { port: number; sender: string; target: string }) {
  const socket = connect({ host: '127.0.0.1', port: options.port })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  const received: Map<number, string>[] = []
  let buffer = ''
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('latin1')
    // A message ends with the CheckSum field: SOH "10=" three digits SOH.
    for (let end = buffer.indexOf('\u000110='); end >= 0 && buffer.length >= end + 8; ) {
      const text = buffer.slice(0, end + 8)
      buffer = buffer.slice(end + 8)
      end = buffer.indexOf('\u000110=')
      received.push(
        new Map(
          text
            .split('\x01')
            .filter(Boolean)
            .map((f) => [Number(f.slice(0, f.indexOf('='))), f.slice(f.indexOf('=') + 1)] as const),
        ),
      )
    }
  })
  let seq = 0
  const encoder = new FixEncoder()
  return {
    received,
    /** Sends one message: the header (CompIDs, MsgSeqNum, SendingTime), then `fields` as given. */
    send(msgType: string, fields: readonly (readonly [number, string])[]) {
      encoder
        .begin(msgType)
        .str(49, options.sender)
        .str(56, options.target)
        .int(34, ++seq)
        .timestamp(52, Date.now())
      for (const [tag, value] of fields) encoder.str(tag, value)
      socket.write(Buffer.from(encoder.finish()))
    },
    isOpen: () => !socket.destroyed && socket.readyState === 'open',
    close: () => socket.destroy(),
  }
}

/**
 * Runs `request` `total` times from `concurrency` parallel workers (each sends its next request
 * when the previous one is answered, so every request is signed fresh) and returns the statuses
 * (-429 for a 429 whose error code is not `rate_limited`).
 */
export async function flood(
  total: number,
  concurrency: number,
  request: () => Promise<unknown>,
): Promise<number[]> {
  const statuses: number[] = []
  let next = 0
  const worker = async () => {
    while (next++ < total) {
      statuses.push(
        await request().then(
          () => 200,
          (error: { status?: number; code?: string }) =>
            error.status === 429 && error.code !== 'rate_limited' ? -429 : (error.status ?? 0),
        ),
      )
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return statuses
}
