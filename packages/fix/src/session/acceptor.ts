import { createServer, type Server, type Socket } from 'node:net'
import { createServer as createTlsServer, type TlsOptions } from 'node:tls'
import { type Clock, createSystemClock, type Logger, noopLogger } from '@strongroom/core'
import { copyBytes } from '../codec/bytes.js'
import type { FixFramerOptions } from '../codec/framer.js'
import { FixMessageView } from '../codec/messageView.js'
import { tokenizeFixMessage } from '../codec/tokenize.js'
import { InvalidFixConfigError } from '../errors.js'
import { FixSession } from './session.js'
import type { FixSessionConfig } from './sessionConfig.js'
import { attachSocket, type SocketConnection } from './socketConnection.js'
import { type FixApplication, type FixSessionId, fixSessionKey } from './types.js'

/** What the logon authentication hook is given. */
export type FixLogonRequest = {
  /** The session the Logon is for (from our point of view). */
  readonly sessionId: FixSessionId
  /** The Logon message (valid during the call; `clone()` it to keep it). */
  readonly logon: FixMessageView
  readonly remoteAddress: string | undefined
  /** True when the connection is TLS and the client certificate was verified. */
  readonly authorizedTls: boolean
}

/** The hook's answer: true accepts; false or a text refuses (Logout with that text, disconnect). */
export type FixLogonDecision = boolean | { readonly reject: string }

/** Parameters of {@link createFixAcceptor}. */
export type CreateFixAcceptorParameters = {
  /** Address to bind, e.g. `127.0.0.1` or `0.0.0.0` (required: no implicit all-interfaces bind). */
  host: string
  /** Port to listen on; 0 picks a free one. */
  port: number
  /** Listen with TLS (`node:tls` server options: key, cert, ca, requestCert…). */
  tls?: TlsOptions
  /** Sessions known in advance, from our side (senderCompId = our CompID). */
  sessions?: readonly FixSessionConfig[]
  /** Sessions created on demand for counterparties not in `sessions` (return undefined to refuse). */
  resolveSession?: (id: FixSessionId) => FixSessionConfig | undefined
  /** Authentication of each Logon before the session accepts it. */
  authenticate?: (request: FixLogonRequest) => FixLogonDecision | Promise<FixLogonDecision>
  application?: FixApplication
  clock?: Clock
  logger?: Logger
  /** Framing limits (maximum BodyLength, CheckSum search). */
  framing?: FixFramerOptions
  /** Timer resolution for heartbeats and timeouts, ms (default 250). */
  timerIntervalMs?: number
  /** A connection that has not sent a valid Logon within this many ms is closed (default 10 000). */
  logonTimeoutMs?: number
}

/** A running acceptor. */
export type FixAcceptor = {
  /** Starts listening; resolves with the bound address. */
  listen(): Promise<{ host: string; port: number }>
  /** Logs out every session, stops listening and closes connections. */
  close(): Promise<void>
  /** Sessions by key (`FIX.4.4:ISLD->TW44`). */
  readonly sessions: ReadonlyMap<string, FixSession>
  /** The session with the counterparty `targetCompId` (and our `senderCompId`). */
  session(senderCompId: string, targetCompId: string, beginString?: string): FixSession | undefined
}

/**
 * Creates an acceptor: one listener (TCP or TLS) for many counterparties, each with its own
 * session state and store. A connection must open with a Logon for a known (or resolvable)
 * session that is not already connected and that passes `authenticate`; otherwise it is closed
 * without a word, as QuickFIX does.
 *
 * @throws {InvalidFixConfigError} when `host` is empty or two sessions share a key.
 */
export function createFixAcceptor(parameters: CreateFixAcceptorParameters): FixAcceptor {
  if (!parameters.host) {
    throw new InvalidFixConfigError('an explicit bind address is required.', {
      code: 'FIX_INVALID_CONFIG',
      path: ['host'],
      rule: 'required',
    })
  }
  const clock = parameters.clock ?? createSystemClock()
  const logger = parameters.logger ?? noopLogger
  const sessions = new Map<string, FixSession>()
  const deps = { role: 'acceptor' as const, application: parameters.application, clock, logger }
  for (const config of parameters.sessions ?? []) {
    const session = new FixSession(config, deps)
    if (sessions.has(session.key)) {
      throw new InvalidFixConfigError(`session ${session.key} is configured twice.`, {
        code: 'FIX_INVALID_CONFIG',
        path: ['sessions'],
        rule: 'unique',
      })
    }
    sessions.set(session.key, session)
  }
  const connections = new Set<SocketConnection>()
  const lookup = (id: FixSessionId): FixSession | undefined => {
    const key = fixSessionKey(id)
    let session = sessions.get(key)
    if (!session && parameters.resolveSession) {
      const config = parameters.resolveSession(id)
      if (config) {
        session = new FixSession(config, deps)
        if (session.key !== key) return undefined
        sessions.set(key, session)
      }
    }
    return session
  }

  const onConnection = (socket: Socket, authorizedTls: boolean) => {
    const view = new FixMessageView()
    let state: 'logon' | 'authenticating' | 'session' | 'closed' = 'logon'
    const pendingFrames: Uint8Array[] = []
    const connection = attachSocket(
      socket,
      {
        frame(bytes, start, end) {
          if (state === 'authenticating') {
            pendingFrames.push(copyBytes(bytes, start, end))
            return
          }
          if (state !== 'logon') return
          if (tokenizeFixMessage(bytes, start, end, view) !== undefined || view.msgType !== 'A') {
            close('first message is not a valid Logon')
            return
          }
          const sender = view.get(49)
          const target = view.get(56)
          if (sender === undefined || target === undefined) {
            close('Logon without CompIDs')
            return
          }
          const id: FixSessionId = {
            beginString: view.beginString,
            senderCompId: target,
            targetCompId: sender,
          }
          const session = lookup(id)
          if (!session || session.isConnected) {
            close(
              session
                ? `session ${session.key} is already logged on`
                : `unknown session ${fixSessionKey(id)}`,
            )
            return
          }
          const logonBytes = copyBytes(bytes, start, end)
          const proceed = (decision: FixLogonDecision) => {
            if (state === 'closed') return
            if (session.isConnected) {
              close(`session ${session.key} is already logged on`)
              return
            }
            state = 'session'
            connection.setHandlers({
              frame: (b, s, e) => session.receive(b, s, e),
              garbled: () => {},
              close: (reason) => {
                connections.delete(connection)
                session.detached(reason, connection)
              },
            })
            session.attach(connection)
            if (decision !== true) {
              session.rejectLogon(decision === false ? 'Logon rejected' : decision.reject)
              return
            }
            session.receive(logonBytes, 0, logonBytes.length)
            for (const frame of pendingFrames.splice(0)) session.receive(frame, 0, frame.length)
          }
          if (!parameters.authenticate) {
            proceed(true)
            return
          }
          const decision = parameters.authenticate({
            sessionId: session.id,
            logon: view,
            remoteAddress: socket.remoteAddress,
            authorizedTls,
          })
          if (decision instanceof Promise) {
            state = 'authenticating'
            connection.pause() // backpressure: nothing more is read until the hook answers
            decision.then(
              (d) => {
                connection.resume()
                proceed(d)
              },
              (error: unknown) => {
                logger.error('fix logon authentication failed', { error: String(error) })
                close('authentication error')
              },
            )
          } else proceed(decision)
        },
        garbled() {
          if (state === 'logon') close('garbled bytes before Logon')
        },
        close() {
          state = 'closed'
          connections.delete(connection)
        },
      },
      parameters.framing,
    )
    connections.add(connection)
    const logonTimer = setTimeout(() => {
      if (state === 'logon' || state === 'authenticating') close('no Logon in time')
    }, parameters.logonTimeoutMs ?? 10_000)
    logonTimer.unref()
    function close(reason: string) {
      logger.info('fix acceptor refused a connection', { reason, remote: socket.remoteAddress })
      state = 'closed'
      connection.end()
    }
  }

  const server: Server = parameters.tls
    ? createTlsServer(parameters.tls, (socket) => onConnection(socket, socket.authorized))
    : createServer((socket) => onConnection(socket, false))
  server.on('error', (error) => logger.error('fix acceptor error', { error: error.message }))

  const timer = setInterval(() => {
    const now = clock.now()
    for (const session of sessions.values()) session.tick(now)
  }, parameters.timerIntervalMs ?? 250)
  timer.unref()

  return {
    sessions,
    session(senderCompId, targetCompId, beginString = 'FIX.4.4') {
      return sessions.get(fixSessionKey({ beginString, senderCompId, targetCompId }))
    },
    listen() {
      return new Promise((resolve, reject) => {
        server.once('error', reject)
        server.listen(parameters.port, parameters.host, () => {
          server.off('error', reject)
          const address = server.address()
          const port = typeof address === 'object' && address ? address.port : parameters.port
          resolve({ host: parameters.host, port })
        })
      })
    },
    async close() {
      clearInterval(timer)
      for (const session of sessions.values()) session.logout('acceptor shutting down')
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const connection of connections) connection.end()
        setTimeout(() => {
          for (const connection of connections) connection.destroy()
        }, 200).unref()
      })
      for (const session of sessions.values()) {
        session.disconnect('acceptor closed')
        session.store.close()
      }
    },
  }
}
