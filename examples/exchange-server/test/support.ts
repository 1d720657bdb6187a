import { createHmac } from 'node:crypto'
import type { Logger } from '@strongroom/core'
import { WebSocket } from 'ws'
import { signRequest } from '../src/gateway/auth.js'

export const quietLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error: (m, f) => console.error(m, f),
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
  return {
    messages,
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
