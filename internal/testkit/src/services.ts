import { existsSync } from 'node:fs'
import { connect } from 'node:net'
import { type Requirement, settle } from './ci.js'

/** Servers and tools integration suites can ask for. */
export type ServiceName = 'postgres' | 'nats' | 'softhsm' | 'chromium'

/** Where each service is expected; override with the environment variables named. */
export const serviceEndpoints = {
  /** `STRONGROOM_PG_URL`, default `postgres://postgres@127.0.0.1:5432/test`. */
  postgresUrl: process.env.STRONGROOM_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  /** `STRONGROOM_NATS_URL`, default `nats://127.0.0.1:4222`. */
  natsUrl: process.env.STRONGROOM_NATS_URL ?? 'nats://127.0.0.1:4222',
  /** `STRONGROOM_SOFTHSM_MODULE`, default: the first of Debian's install paths that exists. */
  softhsmModule:
    process.env.STRONGROOM_SOFTHSM_MODULE ??
    [
      '/usr/lib/softhsm/libsofthsm2.so',
      '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
      '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
      '/usr/local/lib/softhsm/libsofthsm2.so',
    ].find((path) => existsSync(path)),
  /** `STRONGROOM_CHROMIUM`, default `/usr/bin/chromium`. */
  chromium: process.env.STRONGROOM_CHROMIUM ?? '/usr/bin/chromium',
} as const

function hostPort(url: string, defaultPort: number): { host: string; port: number } {
  const parsed = new URL(url)
  return { host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || defaultPort) }
}

/** Opens a TCP connection and returns the first bytes the server sends (or '' after `waitMs`). */
function greet(host: string, port: number, waitMs: number): Promise<string | Error> {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    let data = ''
    const done = (value: string | Error) => {
      socket.destroy()
      resolve(value)
    }
    const timer = setTimeout(() => done(data), waitMs)
    socket.on('data', (chunk) => {
      data += chunk.toString('utf8')
      if (data.includes('\n')) {
        clearTimeout(timer)
        done(data)
      }
    })
    socket.on('error', (error) => {
      clearTimeout(timer)
      done(error)
    })
  })
}

async function probe(name: ServiceName): Promise<string | undefined> {
  switch (name) {
    case 'postgres': {
      const { host, port } = hostPort(serviceEndpoints.postgresUrl, 5432)
      const reply = await greet(host, port, 300)
      return reply instanceof Error
        ? `PostgreSQL not reachable at ${host}:${port} (${reply.message}); set STRONGROOM_PG_URL`
        : undefined
    }
    case 'nats': {
      const { host, port } = hostPort(serviceEndpoints.natsUrl, 4222)
      const reply = await greet(host, port, 2000)
      if (reply instanceof Error) {
        return `NATS not reachable at ${host}:${port} (${reply.message}); set STRONGROOM_NATS_URL`
      }
      if (!reply.startsWith('INFO ')) return `the server at ${host}:${port} is not NATS`
      return /"jetstream"\s*:\s*true/.test(reply)
        ? undefined
        : `NATS at ${host}:${port} runs without JetStream (start it with -js)`
    }
    case 'softhsm':
      return serviceEndpoints.softhsmModule
        ? undefined
        : 'SoftHSM2 is not installed (apt-get install -y softhsm2) and STRONGROOM_SOFTHSM_MODULE is unset'
    case 'chromium':
      return existsSync(serviceEndpoints.chromium)
        ? undefined
        : `Chromium not found at ${serviceEndpoints.chromium} (apt-get install -y chromium)`
  }
}

/**
 * Checks the services a suite needs. When one is missing the suite prints why and skips; under
 * CI it throws instead, failing the test file.
 *
 * @example
 * ```ts
 * const pg = await requireServices('settlement: PostgreSQL store', ['postgres'])
 * describe.skipIf(!pg.available)('PostgreSQL store', () => { ... })
 * ```
 */
export async function requireServices(
  suite: string,
  needs: readonly ServiceName[],
): Promise<Requirement> {
  const reasons = await Promise.all(needs.map((need) => probe(need)))
  return settle(
    suite,
    reasons.filter((reason): reason is string => reason !== undefined),
  )
}
