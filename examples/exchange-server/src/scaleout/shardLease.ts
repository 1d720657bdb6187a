import type { KV } from '@nats-io/kv'

/** What the lease loop decided. */
export type LeaseState =
  | { readonly role: 'primary'; readonly token: number }
  | { readonly role: 'standby'; readonly holder: string | undefined }

/**
 * A shard's leadership lease in a NATS KV bucket: the key is the shard id, the value the holder.
 * The holder renews it by compare-and-set on its revision every `renewMs`; a standby that sees
 * the revision unchanged for `ttlMs` (measured on its own clock, so clocks need not agree) takes
 * it by compare-and-set from that revision. The revision at acquisition is the fencing token: it
 * only grows, and the event stream's expected-sequence check makes it binding.
 */
export function createShardLease(parameters: {
  kv: KV
  shard: string
  node: string
  ttlMs: number
  renewMs: number
  /** Monotonic milliseconds (performance.now by default). */
  now?: (() => number) | undefined
  onChange: (state: LeaseState) => void
  onError?: ((error: unknown) => void) | undefined
}) {
  const { kv, shard, node, ttlMs, renewMs, onChange } = parameters
  const now = parameters.now ?? (() => performance.now())
  const value = JSON.stringify({ node })
  let revision = 0
  let token = 0
  let primary = false
  let lastRenewed = 0
  let seen = { revision: -1, at: 0, holder: undefined as string | undefined }
  let timer: ReturnType<typeof setTimeout> | undefined
  let stopped = false

  const become = (next: LeaseState) => {
    primary = next.role === 'primary'
    onChange(next)
  }

  const step = async () => {
    if (primary) {
      try {
        revision = await kv.update(shard, value, revision)
        lastRenewed = now()
      } catch (error) {
        // Someone took it (wrong revision) or NATS is unreachable: past the TTL we must assume
        // a standby has taken over, so stop acting as primary either way.
        if ((error as { code?: unknown })?.code === 10071 || now() - lastRenewed > ttlMs) {
          seen = { revision: -1, at: now(), holder: undefined }
          become({ role: 'standby', holder: undefined })
        }
        parameters.onError?.(error)
      }
      return
    }
    const entry = await kv.get(shard)
    const t = now()
    if (entry?.operation !== 'PUT') {
      revision = entry
        ? await kv.update(shard, value, entry.revision)
        : await kv.create(shard, value)
    } else if (entry.revision !== seen.revision) {
      const holder = (JSON.parse(entry.string()) as { node?: string }).node
      // A new revision (renewed, or our own lease from before a restart): wait a full TTL.
      seen = { revision: entry.revision, at: t, holder }
      return
    } else if (t - seen.at < ttlMs) return
    else revision = await kv.update(shard, value, entry.revision)
    token = revision
    lastRenewed = now()
    become({ role: 'primary', token })
  }

  const loop = () => {
    if (stopped) return
    timer = setTimeout(() => {
      step()
        .catch((error: unknown) => {
          if ((error as { code?: unknown })?.code !== 10071) parameters.onError?.(error)
        })
        .finally(loop)
    }, renewMs)
  }

  return {
    start() {
      void step()
        .catch((error: unknown) => {
          if ((error as { code?: unknown })?.code !== 10071) parameters.onError?.(error)
        })
        .finally(loop)
    },
    /** Gives the lease up now (a clean shutdown): a standby takes over without waiting. */
    async release() {
      stopped = true
      if (timer) clearTimeout(timer)
      if (primary) await kv.delete(shard, { previousSeq: revision }).catch(() => undefined)
      primary = false
    },
    /** Stops acting as primary without telling anyone (the engine was fenced off). */
    resign() {
      if (!primary) return
      primary = false
      seen = { revision: -1, at: now(), holder: undefined }
    },
    stop() {
      stopped = true
      if (timer) clearTimeout(timer)
    },
    get token() {
      return token
    },
    get isPrimary() {
      return primary
    },
  }
}

export type ShardLease = ReturnType<typeof createShardLease>
