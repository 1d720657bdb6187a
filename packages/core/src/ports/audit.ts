import type { AuditRecord } from '../audit/auditRecord.js'

/**
 * Port: append-only storage for audit records. Implementations: in memory, a JSON-lines file,
 * (in other packages) a database table.
 *
 * Contract:
 * - `append` resolves only once every record is durable; if it rejects, none of the records of
 *   that call is appended, and the sink refuses further appends (the chain cannot continue past
 *   a record whose fate is unknown). A write is never dropped silently.
 * - `read` yields records in append order; a corrupt record is an error, never skipped.
 */
export type AuditSink = {
  append(records: readonly AuditRecord[]): Promise<void>
  read(): AsyncIterable<AuditRecord>
  /** The last durable record, from which a reopened log continues the chain. */
  last(): Promise<AuditRecord | undefined>
  close(): Promise<void>
}
