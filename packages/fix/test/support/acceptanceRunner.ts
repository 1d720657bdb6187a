// A runner for QuickFIX's acceptance-test definitions (`.def` files), written from the format
// description in shared/testdata/fix44-acceptance/NOTES.md: the runner plays the initiator
// over TCP, sends `I` lines (after substitutions and framing) and compares every `E` line with
// the next message the acceptor sends.
import { connect, type Socket } from 'node:net'

/** One step of a definition. */
export type DefStep =
  | { kind: 'connect'; conn: number; line: number }
  | { kind: 'disconnect'; conn: number; line: number }
  | { kind: 'expectDisconnect'; conn: number; line: number }
  | { kind: 'send'; conn: number; text: string; line: number }
  | { kind: 'expect'; conn: number; text: string; line: number }

/** Parses a `.def` file (Latin-1 text, SOH separators). */
export function parseDefinition(text: string): DefStep[] {
  const steps: DefStep[] = []
  const lines = text.split('\n')
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n]!.replace(/\r$/, '')
    if (raw.trim() === '' || raw.startsWith('#')) continue
    const kind = raw[0]!
    let rest = raw.slice(1)
    let conn = 1
    const prefix = /^(\d),/.exec(rest)
    if (prefix) {
      conn = Number(prefix[1])
      rest = rest.slice(2)
    }
    const line = n + 1
    if (kind === 'i' && rest.trim() === 'CONNECT') steps.push({ kind: 'connect', conn, line })
    else if (kind === 'i' && rest.trim() === 'DISCONNECT')
      steps.push({ kind: 'disconnect', conn, line })
    else if (kind === 'e' && rest.trim() === 'DISCONNECT')
      steps.push({ kind: 'expectDisconnect', conn, line })
    else if (kind === 'I') steps.push({ kind: 'send', conn, text: rest, line })
    else if (kind === 'E') steps.push({ kind: 'expect', conn, text: rest, line })
    else throw new Error(`line ${line}: cannot parse ${JSON.stringify(raw)}`)
  }
  return steps
}

const pad = (n: number) => String(n).padStart(2, '0')
function fixTime(ms: number): string {
  const d = new Date(ms)
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
}

/** Offset of a trailing `10=…<SOH>` field (at the start or after an SOH), or -1. */
function trailingChecksumField(body: string): number {
  if (!body.endsWith('\x01')) return -1
  const start = body.lastIndexOf('\x01', body.length - 2) + 1
  if (!body.startsWith('10=', start)) return -1
  return body.slice(start + 3, body.length - 1).includes('\x01') ? -1 : start
}

/** `<TIME>`, `<TIME+N>`, `<TIME-N>` substitution, then framing (BodyLength and CheckSum). */
export function prepare(text: string, now: number): string {
  let body = text.replace(/<TIME([+-]\d+)?>/g, (_, offset: string | undefined) =>
    fixTime(now + (offset ? Number(offset) * 1000 : 0)),
  )
  if (!body.startsWith('8=')) return body
  if (!body.includes('\x019=')) {
    const first = body.indexOf('\x01') + 1
    const checksumAt = trailingChecksumField(body)
    const end = checksumAt >= 0 ? checksumAt : body.length
    const length = end - first
    body = `${body.slice(0, first)}9=${length}\x01${body.slice(first)}`
  }
  if (trailingChecksumField(body) < 0) {
    let sum = 0
    for (let i = 0; i < body.length; i++) sum += body.charCodeAt(i) & 255
    body += `10=${String(sum % 256).padStart(3, '0')}\x01`
  }
  return body
}

/** Tags whose received value must match an unanchored regex (`fields.fmt`) instead of equality. */
const FORMATS: Record<string, RegExp> = {
  '10': /\d{3}/,
  '42': /\d{8}-\d{2}:\d{2}:\d{2}/,
  '52': /\d{8}-\d{2}:\d{2}:\d{2}|\d{8}-\d{2}:\d{2}:\d{2}[.]\d{3}/,
  '60': /\d{8}-\d{2}:\d{2}:\d{2}/,
  '122': /\d{8}-\d{2}:\d{2}:\d{2}/,
}

/** Compares an expected message with a received one; returns a description of the difference. */
export function compareMessages(expected: string, received: string): string | undefined {
  const e = expected.split('\x01').filter((f) => f !== '')
  const r = received.split('\x01').filter((f) => f !== '')
  const show = (fields: string[]) => fields.join('|')
  if (e.length !== r.length) return `field count ${r.length} != ${e.length}`
  for (let i = 0; i < e.length; i++) {
    const [et, ...ev] = e[i]!.split('=')
    const [rt, ...rv] = r[i]!.split('=')
    if (et !== rt) return `field ${i}: tag ${rt} != ${et}`
    const format = FORMATS[et!]
    const value = rv.join('=')
    if (format ? !format.test(value) : value !== ev.join('=')) {
      return `tag ${et}: ${JSON.stringify(value)} vs expected ${JSON.stringify(ev.join('='))} (${show(r)})`
    }
  }
  return undefined
}

/** A tester-side connection: a socket with a read buffer. */
class TesterConnection {
  private buffer = Buffer.alloc(0)
  private ended = false
  private waiter: (() => void) | undefined
  readonly socket: Socket
  constructor(socket: Socket) {
    this.socket = socket
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk])
      this.waiter?.()
    })
    socket.on('end', () => {
      this.ended = true
      this.waiter?.()
    })
    socket.on('close', () => {
      this.ended = true
      this.waiter?.()
    })
    socket.on('error', () => {})
  }

  private async waitFor(deadline: number): Promise<boolean> {
    if (Date.now() >= deadline) return false
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, deadline - Date.now())
      this.waiter = () => {
        clearTimeout(t)
        this.waiter = undefined
        resolve()
      }
    })
    return true
  }

  /** Reads one message: up to `<SOH>9=`, the length, BodyLength bytes, then through the next SOH. */
  async readMessage(timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const text = this.buffer.toString('latin1')
      const nine = text.indexOf('\x019=')
      if (nine >= 0) {
        const soh = text.indexOf('\x01', nine + 3)
        if (soh >= 0) {
          const length = Number(text.slice(nine + 3, soh))
          const bodyEnd = soh + 1 + length
          const end = text.indexOf('\x01', bodyEnd)
          if (bodyEnd <= text.length && end >= 0) {
            this.buffer = this.buffer.subarray(end + 1)
            return text.slice(0, end + 1)
          }
        }
      }
      if (this.ended)
        throw new Error(`connection closed while reading (buffer: ${JSON.stringify(text)})`)
      if (!(await this.waitFor(deadline))) throw new Error(`no message within ${timeoutMs} ms`)
    }
  }

  /** Within `timeoutMs` the connection must reach EOF with no data. */
  async expectDisconnect(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      if (this.buffer.length > 0) {
        throw new Error(
          `Expected disconnection, got data: ${this.buffer.toString('latin1').replaceAll('\x01', '|')}`,
        )
      }
      if (this.ended) return
      if (!(await this.waitFor(deadline)))
        throw new Error(`no disconnection within ${timeoutMs} ms`)
    }
  }
}

function open(port: number): Promise<TesterConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(new TesterConnection(socket)))
    socket.once('error', reject)
  })
}

/** Plays a definition against the acceptor on `port`; throws on the first mismatch. */
export async function runDefinition(
  steps: readonly DefStep[],
  port: number,
  options: { readTimeoutMs?: number } = {},
): Promise<{ sent: number; received: number }> {
  const readTimeout = options.readTimeoutMs ?? 40_000
  const connections = new Map<number, TesterConnection>()
  let sent = 0
  let received = 0
  // The harness first polls the port (connect, then close): the engine must tolerate that.
  const probe = await open(port)
  probe.socket.destroy()
  try {
    for (const step of steps) {
      const where = `line ${step.line}`
      const conn = connections.get(step.conn)
      switch (step.kind) {
        case 'connect':
          connections.set(step.conn, await open(port))
          break
        case 'disconnect':
          conn?.socket.destroy()
          connections.delete(step.conn)
          break
        case 'expectDisconnect':
          if (!conn) throw new Error(`${where}: no connection ${step.conn}`)
          await conn.expectDisconnect(10_000).catch((error: Error) => {
            throw new Error(`${where}: ${error.message}`)
          })
          connections.delete(step.conn)
          break
        case 'send':
          if (!conn) throw new Error(`${where}: no connection ${step.conn}`)
          conn.socket.write(Buffer.from(prepare(step.text, Date.now()), 'latin1'))
          sent++
          break
        case 'expect': {
          if (!conn) throw new Error(`${where}: no connection ${step.conn}`)
          const got = await conn.readMessage(readTimeout).catch((error: Error) => {
            throw new Error(
              `${where}: expected ${step.text.replaceAll('\x01', '|')}: ${error.message}`,
            )
          })
          const expected = prepare(step.text, Date.now())
          const difference = compareMessages(expected, got)
          if (difference) {
            throw new Error(
              `${where}: ${difference}\n  expected ${expected.replaceAll('\x01', '|')}\n  received ${got.replaceAll('\x01', '|')}`,
            )
          }
          received++
          break
        }
      }
    }
  } finally {
    for (const conn of connections.values()) conn.socket.destroy()
  }
  return { sent, received }
}
