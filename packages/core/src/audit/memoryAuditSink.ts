import type { AuditSink } from '../ports/audit.js'
import { AuditClosedError } from './auditErrors.js'
import type { AuditRecord } from './auditRecord.js'

/** An {@link AuditSink} in memory, for tests and for short-lived tools. */
export type MemoryAuditSink = AuditSink & {
  /** The stored records (the array itself, so tests can tamper with it). */
  readonly records: AuditRecord[]
}

/** Creates an empty {@link MemoryAuditSink}. */
export function createMemoryAuditSink(): MemoryAuditSink {
  const records: AuditRecord[] = []
  let closed = false
  return {
    records,
    async append(batch) {
      if (closed) throw new AuditClosedError({ reason: 'closed' })
      for (const record of batch) records.push(record)
    },
    async *read() {
      for (const record of records) yield record
    },
    async last() {
      return records[records.length - 1]
    },
    async close() {
      closed = true
    },
  }
}
