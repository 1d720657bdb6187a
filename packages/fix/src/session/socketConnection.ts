import type { Socket } from 'node:net'
import { FixFramer, type FixFramerOptions } from '../codec/framer.js'
import type { FixTransport } from './types.js'

/** Callbacks of {@link attachSocket}. */
export type SocketHandlers = {
  /** One framed message (bytes valid during the call). */
  frame(bytes: Uint8Array, start: number, end: number): void
  /** Bytes that could not be framed were skipped. */
  garbled(reason: string): void
  /** The socket closed. */
  close(reason: string): void
}

/** A socket with a framer in front of it. */
export type SocketConnection = FixTransport & {
  readonly socket: Socket
  /** Replaces the handlers (the acceptor switches from logon handling to the session). */
  setHandlers(handlers: SocketHandlers): void
  /** Stops reading (backpressure while an async logon check runs). */
  pause(): void
  resume(): void
  destroy(): void
}

/** Wraps a TCP or TLS socket: frames what it reads, writes what the session sends. */
export function attachSocket(
  socket: Socket,
  handlers: SocketHandlers,
  options: FixFramerOptions = {},
): SocketConnection {
  const framer = new FixFramer(options)
  let current = handlers
  let closed = false
  socket.setNoDelay(true)
  socket.on('data', (chunk: Buffer) => {
    framer.push(chunk)
    for (;;) {
      const result = framer.next()
      if (result === 'more') break
      if (result === 'frame') current.frame(framer.frameBytes, framer.frameStart, framer.frameEnd)
      else current.garbled(framer.garbledReason)
      if (socket.destroyed) break
    }
  })
  const onClose = (reason: string) => {
    if (closed) return
    closed = true
    current.close(reason)
  }
  socket.on('error', (error) => onClose(`socket error: ${error.message}`))
  socket.on('close', () => onClose('connection closed'))
  socket.on('end', () => {
    // The peer half-closed: FIX has no use for a half-open connection.
    socket.end()
  })
  return {
    socket,
    write(bytes) {
      if (!socket.destroyed && socket.writable) socket.write(bytes)
    },
    end() {
      if (!socket.destroyed) socket.end()
      // Do not wait for the peer: close for good once our bytes are out.
      setTimeout(() => socket.destroy(), 1000).unref()
    },
    destroy() {
      socket.destroy()
    },
    setHandlers(next) {
      current = next
    },
    pause() {
      socket.pause()
    },
    resume() {
      socket.resume()
    },
  }
}
