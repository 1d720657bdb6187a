/** What {@link createGroupCommit} needs from an append-only file writer. */
export interface GroupCommitTarget {
  /**
   * Write delay in milliseconds: 0 writes as soon as the current microtask ends; more lets appends
   * gather into one write and one `fdatasync`, unless the batch is already {@link full}.
   */
  readonly maxDelayMs: number
  /** Whether appended records are waiting to be written. */
  hasPending(): boolean
  /** Whether the waiting batch is big enough to write without waiting for the delay. */
  full(): boolean
  /**
   * Takes the waiting batch, writes and syncs it, and settles its appenders. Must not reject: a
   * failed write is reported to the appenders and through {@link failed}.
   */
  write(): Promise<void>
  /** True once a write has failed: nothing more is written. */
  failed(): boolean
}

/** The write scheduling of a group-committing file writer: see {@link createGroupCommit}. */
export interface GroupCommit {
  /** Called after every append: starts a write now, or after the delay, unless one is in flight. */
  schedule(): void
  /** Writes what is waiting without further delay and resolves once nothing is in flight. */
  drain(): Promise<void>
}

/**
 * Group commit: one write in flight at a time; appends made meanwhile wait and share the next
 * write and `fdatasync`. Used by the audit log's file sink and the order book's file journal, which
 * differ in what they write, not in when.
 */
export function createGroupCommit(target: GroupCommitTarget): GroupCommit {
  let writing = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let drained: (() => void) | undefined

  const run = async () => {
    try {
      await target.write()
    } finally {
      writing = false
      if (target.hasPending() && !target.failed()) schedule()
      else if (!target.hasPending()) {
        const resolve = drained
        drained = undefined
        resolve?.()
      }
    }
  }
  const start = () => {
    writing = true
    void run()
  }
  const schedule = () => {
    if (writing || timer !== undefined || !target.hasPending()) return
    if (target.maxDelayMs <= 0 || target.full()) {
      writing = true
      queueMicrotask(() => void run())
    } else {
      timer = setTimeout(() => {
        timer = undefined
        if (!writing && target.hasPending()) start()
      }, target.maxDelayMs)
    }
  }
  return {
    schedule,
    async drain() {
      if (timer !== undefined) {
        clearTimeout(timer)
        timer = undefined
        if (!writing && target.hasPending()) start()
      }
      if (writing || target.hasPending())
        await new Promise<void>((resolve) => {
          drained = resolve
        })
    },
  }
}
