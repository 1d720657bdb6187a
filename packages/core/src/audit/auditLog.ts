import type { CanonicalValue } from '../canonicalJson.js'
import type { Clock } from '../clock.js'
import type { AuditSink } from '../ports/audit.js'
import { AuditChainBrokenError, AuditClosedError } from './auditErrors.js'
import { type AuditAnchor, type AuditRecord, createAuditRecord } from './auditRecord.js'
import { type AuditChainVerification, verifyAuditChain } from './verifyAuditChain.js'

/** What a caller appends; the log adds `seq`, `time`, `prevHash` and `hash`. */
export type AuditEntry = {
  /** Dotted event type, e.g. `custody.signature`. */
  type: string
  /** Who or what acted. */
  actor: string
  /** Details; must be plain data. */
  data: CanonicalValue
}

/** The hash-chained audit log. */
export type AuditLog = {
  /**
   * Appends one entry and resolves with its record once the sink has made it durable.
   * Rejects (and refuses every later append) if the sink cannot write it.
   */
  append(entry: AuditEntry): Promise<AuditRecord>
  /** Anchor of the last durable record; keep it elsewhere to detect truncation later. */
  head(): AuditAnchor | undefined
  /** Reads the whole chain back from the sink and verifies it (against `head` when given). */
  verify(options?: { head?: AuditAnchor | undefined }): Promise<AuditChainVerification>
  /** Waits for pending appends and closes the sink. */
  close(): Promise<void>
}

/** Options for {@link openAuditLog}. */
export type OpenAuditLogParameters = {
  sink: AuditSink
  clock: Clock
  /** Verify the whole stored chain before accepting appends (default true). */
  verifyOnOpen?: boolean | undefined
}

/**
 * Opens a hash-chained audit log over `sink`, continuing the chain from the sink's last record.
 * Records are chained in the order `append` is called; concurrent appends share the sink's
 * batched fsync.
 *
 * @example
 * ```ts
 * const log = await openAuditLog({ sink: await openFileAuditSink({ path }), clock })
 * await log.append({ type: 'custody.signature', actor: 'hsm-1', data: { requestId } })
 * ```
 * @throws {AuditChainBrokenError} when `verifyOnOpen` finds the stored chain broken.
 */
export async function openAuditLog(parameters: OpenAuditLogParameters): Promise<AuditLog> {
  const { sink, clock } = parameters
  if (parameters.verifyOnOpen ?? true) {
    const result = await readAndVerify(sink, undefined)
    if (!result.ok) {
      throw new AuditChainBrokenError({
        problem: result.problem,
        index: result.index,
        message: result.message,
      })
    }
  }
  const last = await sink.last()
  let tip: AuditAnchor | undefined = last ? { seq: last.seq, hash: last.hash } : undefined
  let head = tip
  let failure: unknown
  let closed = false
  const inFlight = new Set<Promise<unknown>>()

  return {
    async append(entry) {
      if (closed) throw new AuditClosedError({ reason: 'closed' })
      if (failure !== undefined) throw new AuditClosedError({ reason: 'failed', cause: failure })
      const record = createAuditRecord(tip, { ...entry, time: clock.now() })
      tip = { seq: record.seq, hash: record.hash }
      const write = sink.append([record])
      inFlight.add(write)
      try {
        await write
      } catch (error) {
        failure ??= error
        throw error
      } finally {
        inFlight.delete(write)
      }
      if (head === undefined || record.seq > head.seq) head = { seq: record.seq, hash: record.hash }
      return record
    },
    head: () => head,
    verify: (options) => readAndVerify(sink, options?.head),
    async close() {
      closed = true
      await Promise.allSettled([...inFlight])
      await sink.close()
    },
  }
}

async function readAndVerify(
  sink: AuditSink,
  head: AuditAnchor | undefined,
): Promise<AuditChainVerification> {
  const records: AuditRecord[] = []
  for await (const record of sink.read()) records.push(record)
  return verifyAuditChain(records, { head })
}
