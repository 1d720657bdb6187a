// The floor under the session's one-in-flight round trip: raw node:net ping-pong between two
// processes over loopback with the same byte sizes (a NewOrderSingle out, an ExecutionReport
// back), no FIX code on the path. `spin`: both processes keep their event loop polling (a setImmediate
// loop) instead of sleeping in epoll_wait between messages.
// Run alone: `node --conditions=@strongroom/source --import tsx bench/pingPong.ts` (prints both modes).
import { spawn } from 'node:child_process'
import { connect, createServer, type Socket } from 'node:net'
import { createFixSpinLoop } from '../src/session/spinLoop.js'
import { formatRoundTrip, type RoundTrip, timeRoundTrips } from './loopback.js'
import { executionReportBytes, newOrderSingleBytes } from './messages.js'

const REQUEST = newOrderSingleBytes()
const ANSWER = executionReportBytes()

/** Keeps the event loop polling (the session's spin loop, held without an idle cap) until called. */
function spinLoop(): () => void {
  const hold = createFixSpinLoop().hold(Number.POSITIVE_INFINITY)
  return () => hold.release()
}

/** Calls `onMessage` once per `size` bytes received. */
function onMessages(socket: Socket, size: number, onMessage: () => void): void {
  let have = 0
  socket.on('data', (chunk: Buffer) => {
    have += chunk.length
    while (have >= size) {
      have -= size
      onMessage()
    }
  })
}

async function child(spin: boolean): Promise<void> {
  const stop = spin ? spinLoop() : () => {}
  const server = createServer((socket) => {
    socket.setNoDelay(true)
    onMessages(socket, REQUEST.length, () => socket.write(ANSWER))
    socket.on('close', () => {
      stop()
      server.close()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  process.stdout.write(`port ${typeof address === 'object' && address ? address.port : 0}\n`)
}

/** Round trips with one message in flight against an echo process; percentiles in µs. */
export async function pingPong(spin: boolean, count = 20_000): Promise<RoundTrip> {
  const peer = spawn(
    process.execPath,
    [
      '--conditions=@strongroom/source',
      '--import',
      'tsx',
      new URL(import.meta.url).pathname,
      'child',
      spin ? 'spin' : 'sleep',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const port = await new Promise<number>((resolve, reject) => {
    let out = ''
    peer.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /port (\d+)/.exec(out)
      if (m) resolve(Number(m[1]))
    })
    peer.once('exit', (code) => reject(new Error(`ping-pong peer exited ${code}`)))
  })
  const socket = connect({ host: '127.0.0.1', port })
  socket.setNoDelay(true)
  await new Promise((resolve) => socket.once('connect', resolve))
  const stop = spin ? spinLoop() : () => {}
  let answered: () => void = () => {}
  onMessages(socket, ANSWER.length, () => answered())
  const result = await timeRoundTrips(
    count,
    () =>
      new Promise<void>((resolve) => {
        answered = resolve
        socket.write(REQUEST)
      }),
  )
  stop()
  socket.destroy()
  await new Promise((resolve) => peer.once('exit', resolve))
  return result
}

if (process.argv[2] === 'child') await child(process.argv[3] === 'spin')
else if (import.meta.url === `file://${process.argv[1]}`) {
  await pingPongBenchmark((line) => process.stdout.write(`${line}\n`))
}

/** Prints the raw ping-pong round trip, sleeping and spinning. */
export async function pingPongBenchmark(print: (line: string) => void): Promise<void> {
  for (const spin of [false, true]) {
    const r = await pingPong(spin)
    print(
      `  raw node:net ping-pong between two processes (${REQUEST.length} B out, ${ANSWER.length} B back, no FIX code), ${spin ? 'spinning' : 'sleeping'}: round trip ${formatRoundTrip(r, false)}`,
    )
  }
}
