/** A pool of PKCS#11 sessions: one cryptographic operation per session at a time. */
export type SessionPool<session> = {
  /** Runs `work` with a free session, waiting for one when all are busy. */
  use<T>(work: (session: session) => Promise<T>): Promise<T>
  readonly size: number
  /** Sessions in use right now. */
  readonly busy: number
  /** Callers waiting for a session right now. */
  readonly waiting: number
}

/** Creates a {@link SessionPool} over already opened sessions (FIFO hand-over to waiters). */
export function createSessionPool<session>(sessions: readonly session[]): SessionPool<session> {
  const free = [...sessions]
  const waiters: ((s: session) => void)[] = []
  const acquire = (): Promise<session> => {
    const s = free.pop()
    if (s !== undefined) return Promise.resolve(s)
    return new Promise((resolve) => waiters.push(resolve))
  }
  const release = (s: session) => {
    const next = waiters.shift()
    if (next) next(s)
    else free.push(s)
  }
  return {
    async use(work) {
      const s = await acquire()
      try {
        return await work(s)
      } finally {
        release(s)
      }
    },
    size: sessions.length,
    get busy() {
      return sessions.length - free.length
    },
    get waiting() {
      return waiters.length
    },
  }
}
