import { mkdir, open, readFile, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { CustodyError } from '../custodyErrors.js'

/** One nonce in use: which request holds it and, once signed, the raw transaction. */
export type NonceEntry = {
  readonly requestId: string
  /** Signed raw transactions sent with this nonce (the original, then replacements). */
  readonly transactions: readonly { readonly hash: string; readonly raw: string }[]
}

/** What a nonce manager persists for one address on one chain. */
export type NonceState = {
  /** Nonces in use and not yet known to be mined, keyed by nonce (decimal string). */
  readonly entries: Readonly<Record<string, NonceEntry>>
}

/** Port: durable storage of {@link NonceState}, one per key (`<chain>/<address>`). */
export type NonceStore = {
  load(key: string): Promise<NonceState | undefined>
  /** Resolves once the state is durable. */
  save(key: string, state: NonceState): Promise<void>
}

/** An in-memory {@link NonceStore} (tests; state is lost on restart). */
export function createMemoryNonceStateStore(): NonceStore {
  const states = new Map<string, string>()
  return {
    async load(key) {
      const text = states.get(key)
      return text === undefined ? undefined : (JSON.parse(text) as NonceState)
    },
    async save(key, state) {
      states.set(key, JSON.stringify(state))
    },
  }
}

/**
 * A {@link NonceStore} writing one JSON file per key in `directory`: written to a temporary
 * file, fsynced, then renamed over the old one, so a crash leaves the old or the new state.
 */
export function createFileNonceStore(parameters: { directory: string }): NonceStore {
  const fileOf = (key: string) =>
    join(parameters.directory, `${key.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`)
  const fail = (action: string, cause: unknown) =>
    new CustodyError(`Could not ${action} the nonce state.`, {
      code: 'CUSTODY_NONCE_STORE_FAILED',
      cause,
    })
  let queue: Promise<unknown> = Promise.resolve()
  return {
    async load(key) {
      let text: string
      try {
        text = await readFile(fileOf(key), 'utf8')
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
        throw fail('read', error)
      }
      try {
        const state = JSON.parse(text) as NonceState
        if (typeof state !== 'object' || state === null || typeof state.entries !== 'object')
          throw new Error('bad shape')
        return state
      } catch (error) {
        throw fail('parse', error)
      }
    },
    save(key, state) {
      const write = async () => {
        try {
          await mkdir(parameters.directory, { recursive: true })
          const file = fileOf(key)
          const temporary = `${file}.tmp`
          const handle = await open(temporary, 'w')
          try {
            await handle.writeFile(JSON.stringify(state))
            await handle.sync()
          } finally {
            await handle.close()
          }
          await rename(temporary, file)
        } catch (error) {
          throw fail('write', error)
        }
      }
      const result = queue.then(write, write)
      queue = result.catch(() => undefined)
      return result
    },
  }
}
