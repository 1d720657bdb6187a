import type { Logger } from '@strongroom/core'
import { noopLogger } from '@strongroom/core'
import type { NonceEntry, NonceStore } from './nonceStore.js'
import type { RpcPool } from './rpcPool.js'

/** Hands out nonces of one address on one chain, durably, and recovers them from the chain. */
export type NonceManager = {
  /**
   * Re-reads the chain: forgets nonces below the mined count, and returns entries that were
   * signed but may not have reached a node (to rebroadcast).
   */
  recover(): Promise<{
    readonly minedCount: number
    readonly unmined: readonly (NonceEntry & { nonce: number })[]
  }>
  /** Reserves a nonce for a request (the same one if the request already holds one); durable. */
  reserve(requestId: string): Promise<number>
  /** Records a signed raw transaction sent with `nonce` (before broadcasting it). */
  attach(nonce: number, transaction: { hash: string; raw: string }): Promise<void>
  /** Gives back a nonce whose transaction was never signed. */
  release(nonce: number): Promise<void>
  /** The entry of a nonce held by a request, if any. */
  held(requestId: string): (NonceEntry & { nonce: number }) | undefined
}

/** Parameters of {@link createNonceManager}. */
export type CreateNonceManagerParameters = {
  store: NonceStore
  rpc: RpcPool
  /** CAIP-2 chain id. */
  chain: string
  address: string
  logger?: Logger | undefined
}

/**
 * Creates a {@link NonceManager}. Every reservation is saved before it is returned; on start (and
 * on `recover`) the manager reads the address's mined transaction count from the chain, so it
 * survives restarts and a lost store: the next nonce is the lowest one at or above the mined
 * count that is neither held by a request nor already used by a pending transaction.
 */
export async function createNonceManager(
  parameters: CreateNonceManagerParameters,
): Promise<NonceManager> {
  const { store, rpc } = parameters
  const logger = parameters.logger ?? noopLogger
  const key = `${parameters.chain}/${parameters.address.toLowerCase()}`
  const entries = new Map<number, NonceEntry>()
  for (const [nonce, entry] of Object.entries((await store.load(key))?.entries ?? {})) {
    entries.set(Number(nonce), entry)
  }
  let floor = 0
  let lock: Promise<unknown> = Promise.resolve()
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const result = lock.then(work, work)
    lock = result.catch(() => undefined)
    return result
  }
  const save = () =>
    store.save(key, {
      entries: Object.fromEntries([...entries].map(([nonce, entry]) => [String(nonce), entry])),
    })
  const count = async (tag: 'latest' | 'pending') =>
    Number(BigInt(await rpc.request<string>('eth_getTransactionCount', [parameters.address, tag])))

  async function refresh() {
    const mined = await count('latest')
    const pending = await count('pending')
    let changed = false
    for (const nonce of [...entries.keys()]) {
      if (nonce < mined) {
        entries.delete(nonce)
        changed = true
      }
    }
    // Nonces used by pending transactions this store does not know (sent by an earlier, lost
    // store) are skipped: the floor is the pending count unless we hold the gap ourselves.
    floor = mined
    for (let n = mined; n < pending; n++) if (!entries.has(n)) floor = n + 1
    if (changed) await save()
    return mined
  }
  await refresh()

  return {
    recover: () =>
      serial(async () => {
        const minedCount = await refresh()
        const unmined = [...entries]
          .filter(([, e]) => e.transactions.length > 0)
          .map(([nonce, e]) => ({ ...e, nonce }))
          .sort((a, b) => a.nonce - b.nonce)
        logger.info('nonce manager recovered', { key, minedCount, unmined: unmined.length })
        return { minedCount, unmined }
      }),
    reserve: (requestId) =>
      serial(async () => {
        for (const [nonce, entry] of entries) if (entry.requestId === requestId) return nonce
        let nonce = floor
        while (entries.has(nonce)) nonce++
        entries.set(nonce, { requestId, transactions: [] })
        await save()
        return nonce
      }),
    attach: (nonce, transaction) =>
      serial(async () => {
        const entry = entries.get(nonce)
        if (entry === undefined) throw new Error(`nonce ${nonce} is not reserved`)
        entries.set(nonce, { ...entry, transactions: [...entry.transactions, transaction] })
        await save()
      }),
    release: (nonce) =>
      serial(async () => {
        const entry = entries.get(nonce)
        if (entry !== undefined && entry.transactions.length === 0) {
          entries.delete(nonce)
          await save()
        }
      }),
    held(requestId) {
      for (const [nonce, entry] of entries)
        if (entry.requestId === requestId) return { ...entry, nonce }
      return undefined
    },
  }
}
