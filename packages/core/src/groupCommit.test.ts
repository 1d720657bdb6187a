import { describe, expect, it } from 'vitest'
import { createGroupCommit } from './groupCommit.js'

/** A writer whose writes are held open until the test releases them, recording each batch. */
function fakeWriter(options: { maxDelayMs: number; fullAt?: number; failOn?: number }) {
  let waiting: number[] = []
  const batches: number[][] = []
  const releases: (() => void)[] = []
  let failure = false
  const commits = createGroupCommit({
    maxDelayMs: options.maxDelayMs,
    hasPending: () => waiting.length > 0,
    full: () => waiting.length >= (options.fullAt ?? Number.POSITIVE_INFINITY),
    async write() {
      const batch = waiting
      waiting = []
      batches.push(batch)
      await new Promise<void>((resolve) => releases.push(resolve))
      if (batches.length === options.failOn) {
        failure = true
        waiting = [] // the writer refuses what was waiting
      }
    },
    failed: () => failure,
  })
  return {
    commits,
    batches,
    append(n: number) {
      waiting.push(n)
      commits.schedule()
    },
    release: () => releases.shift()?.(),
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve))

describe('createGroupCommit', () => {
  it('keeps one write in flight and gathers the appends made meanwhile into the next', async () => {
    const w = fakeWriter({ maxDelayMs: 0 })
    w.append(1)
    w.append(2) // same microtask: same batch
    await tick()
    expect(w.batches).toEqual([[1, 2]])
    w.append(3)
    w.append(4)
    await tick()
    expect(w.batches).toEqual([[1, 2]]) // the first write is still in flight
    w.release()
    await tick()
    expect(w.batches).toEqual([
      [1, 2],
      [3, 4],
    ])
    w.release()
    await tick()
    expect(w.batches).toHaveLength(2)
  })

  it('waits up to maxDelayMs unless the batch is full, and drain writes at once', async () => {
    const w = fakeWriter({ maxDelayMs: 60_000, fullAt: 3 })
    w.append(1)
    w.append(2)
    await tick()
    expect(w.batches).toEqual([]) // waiting for the delay
    w.append(3) // full: but the timer is already set, so the batch waits for it or a drain
    await tick()
    expect(w.batches).toEqual([])
    const drained = w.commits.drain()
    await tick()
    expect(w.batches).toEqual([[1, 2, 3]])
    let done = false
    void drained.then(() => (done = true))
    await tick()
    expect(done).toBe(false) // the write is still in flight
    w.release()
    await drained
    expect(done).toBe(true)
  })

  it('a full batch is written without waiting for the delay', async () => {
    const w = fakeWriter({ maxDelayMs: 60_000, fullAt: 1 })
    w.append(1)
    await tick()
    expect(w.batches).toEqual([[1]])
    w.release()
    await w.commits.drain()
  })

  it('after a failed write the refused batch is not written and drain settles', async () => {
    const w = fakeWriter({ maxDelayMs: 0, failOn: 1 })
    w.append(1)
    await tick()
    w.append(2) // waits behind the write in flight
    w.release() // that write fails; the writer refuses what was waiting
    await w.commits.drain()
    await tick()
    expect(w.batches).toEqual([[1]])
  })
})
