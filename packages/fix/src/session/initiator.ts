import { connect as netConnect } from 'node:net'
import { type ConnectionOptions, connect as tlsConnect } from 'node:tls'
import { type Clock, createSystemClock, type Logger, noopLogger } from '@strongroom/core'
import type { FixFramerOptions } from '../codec/framer.js'
import { FixSession } from './session.js'
import type { FixSessionConfig } from './sessionConfig.js'
import { attachSocket, type SocketConnection } from './socketConnection.js'
import type { FixApplication } from './types.js'

/** Parameters of {@link createFixInitiator}. */
export type CreateFixInitiatorParameters = {
  host: string
  port: number
  /** Connect with TLS (`node:tls` connect options: ca, cert, key, servername…). */
  tls?: ConnectionOptions
  /** The session (our CompID is `senderCompId`). */
  session: FixSessionConfig
  application?: FixApplication
  clock?: Clock
  logger?: Logger
  /** Wait between connection attempts, ms (default 5000). */
  reconnectIntervalMs?: number
  framing?: FixFramerOptions
  /** Timer resolution for heartbeats and timeouts, ms (default 250). */
  timerIntervalMs?: number
}

/** A running initiator. */
export type FixInitiator = {
  readonly session: FixSession
  /** Connects (and keeps reconnecting after a drop until `stop()`). */
  start(): void
  /** Logs out (waiting up to the logout timeout for the answer), then stops reconnecting. */
  stop(): Promise<void>
  /** Resolves at the next logon. */
  waitForLogon(timeoutMs?: number): Promise<void>
}

/**
 * Creates an initiator: connects over TCP or TLS, sends the Logon, runs the session and
 * reconnects after a drop.
 */
export function createFixInitiator(parameters: CreateFixInitiatorParameters): FixInitiator {
  const clock = parameters.clock ?? createSystemClock()
  const logger = parameters.logger ?? noopLogger
  const logonWaiters = new Set<() => void>()
  const app = parameters.application
  const application: FixApplication = {
    ...app,
    onLogon(handle) {
      app?.onLogon?.(handle)
      for (const resolve of logonWaiters) resolve()
      logonWaiters.clear()
    },
  }
  const session = new FixSession(parameters.session, {
    role: 'initiator',
    application,
    clock,
    logger,
  })
  let running = false
  let connection: SocketConnection | undefined
  let reconnectTimer: NodeJS.Timeout | undefined
  let closedWaiter: (() => void) | undefined

  let ticking: NodeJS.Timeout | undefined

  const connectOnce = () => {
    if (!running) return
    const socket = parameters.tls
      ? tlsConnect({ host: parameters.host, port: parameters.port, ...parameters.tls })
      : netConnect({ host: parameters.host, port: parameters.port })
    const ready = parameters.tls ? 'secureConnect' : 'connect'
    const conn = attachSocket(
      socket,
      {
        frame: (b, s, e) => session.receive(b, s, e),
        garbled: () => {},
        close: (reason) => {
          if (connection === conn) connection = undefined
          session.detached(reason, conn)
          closedWaiter?.()
          if (running) {
            // Not unref'd: a started initiator keeps the process alive until stop().
            reconnectTimer = setTimeout(connectOnce, parameters.reconnectIntervalMs ?? 5000)
          }
        },
      },
      parameters.framing,
    )
    socket.once(ready, () => {
      connection = conn
      session.attach(conn)
    })
  }

  return {
    session,
    start() {
      if (running) return
      running = true
      ticking = setInterval(() => session.tick(clock.now()), parameters.timerIntervalMs ?? 250)
      ticking.unref()
      connectOnce()
    },
    async stop() {
      running = false
      if (reconnectTimer) clearTimeout(reconnectTimer)
      if (connection && session.isConnected) {
        const closed = new Promise<void>((resolve) => {
          closedWaiter = resolve
        })
        session.logout()
        const limit = ((parameters.session.logoutTimeoutSeconds ?? 2) + 1) * 1000
        await Promise.race([closed, new Promise((r) => setTimeout(r, limit).unref())])
        connection?.destroy()
      }
      if (ticking) clearInterval(ticking)
      session.disconnect('initiator stopped')
      session.store.flush()
    },
    waitForLogon(timeoutMs = 10_000) {
      if (session.isLoggedOn) return Promise.resolve()
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => {
          logonWaiters.delete(done)
          reject(new Error(`no logon within ${timeoutMs} ms`))
        }, timeoutMs)
        const done = () => {
          clearTimeout(t)
          resolve()
        }
        logonWaiters.add(done)
      })
    },
  }
}
