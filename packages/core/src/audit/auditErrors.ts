import { CoreError } from '../coreErrors.js'

/** The sink could not durably write records; they were not appended. */
export class AuditWriteError extends CoreError<'CORE_AUDIT_WRITE_FAILED'> {
  override name = 'AuditWriteError'
  constructor(options: { cause: unknown; path?: string | undefined }) {
    super('The audit record could not be written durably; it was not appended.', {
      code: 'CORE_AUDIT_WRITE_FAILED',
      cause: options.cause,
      ...(options.path ? { metaMessages: [`File: ${options.path}`] } : {}),
    })
  }
}

/** The log or sink refuses appends: it was closed, or an earlier write failed. */
export class AuditClosedError extends CoreError<'CORE_AUDIT_CLOSED'> {
  override name = 'AuditClosedError'
  constructor(options: { reason: 'closed' | 'failed'; cause?: unknown }) {
    super(
      options.reason === 'closed'
        ? 'The audit log is closed.'
        : 'The audit log refuses appends after a failed write; reopen it to continue.',
      { code: 'CORE_AUDIT_CLOSED', cause: options.cause },
    )
  }
}

/** The audit file ends with an incomplete line: a write torn by a crash. */
export class AuditTornTailError extends CoreError<'CORE_AUDIT_TORN_TAIL'> {
  override name = 'AuditTornTailError'
  /** Byte offset where the incomplete line starts. */
  readonly offset: number
  /** Bytes of the incomplete line. */
  readonly length: number
  constructor(options: { path: string; offset: number; length: number }) {
    super('The audit file ends with an incomplete record (a torn write).', {
      code: 'CORE_AUDIT_TORN_TAIL',
      metaMessages: [
        `File: ${options.path}`,
        `Offset: ${options.offset} (${options.length} bytes)`,
        "Open with { onTornTail: 'truncate' } to cut it off; it was never acknowledged.",
      ],
    })
    this.offset = options.offset
    this.length = options.length
  }
}

/** A record that cannot be parsed sits in the audit file. */
export class AuditCorruptRecordError extends CoreError<'CORE_AUDIT_CORRUPT_RECORD'> {
  override name = 'AuditCorruptRecordError'
  /** Byte offset of the record's line. */
  readonly offset: number
  /** 1-based line number. */
  readonly line: number
  constructor(options: { path: string; offset: number; line: number; cause?: unknown }) {
    super(`Audit record at line ${options.line} (byte ${options.offset}) is corrupt.`, {
      code: 'CORE_AUDIT_CORRUPT_RECORD',
      cause: options.cause,
      metaMessages: [`File: ${options.path}`],
    })
    this.offset = options.offset
    this.line = options.line
  }
}

/** The chain failed verification when the log was opened. */
export class AuditChainBrokenError extends CoreError<'CORE_AUDIT_CHAIN_BROKEN'> {
  override name = 'AuditChainBrokenError'
  constructor(options: { problem: string; index: number; message: string }) {
    super(`The audit chain is broken: ${options.problem} at record index ${options.index}.`, {
      code: 'CORE_AUDIT_CHAIN_BROKEN',
      details: options.message,
    })
  }
}
