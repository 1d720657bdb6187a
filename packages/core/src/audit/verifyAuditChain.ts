import {
  type AuditAnchor,
  type AuditRecord,
  GENESIS_HASH,
  hashAuditRecord,
  isAuditRecord,
} from './auditRecord.js'

/** Kinds of tampering {@link verifyAuditChain} tells apart. */
export type AuditChainProblem =
  | 'malformed'
  | 'edited'
  | 'deleted'
  | 'inserted'
  | 'reordered'
  | 'truncated'

/** The result of {@link verifyAuditChain}. */
export type AuditChainVerification =
  | {
      readonly ok: true
      /** Records checked. */
      readonly count: number
      /** Anchor of the last record (undefined for an empty chain). */
      readonly head: AuditAnchor | undefined
    }
  | {
      readonly ok: false
      /** Index in the given array of the first record that is wrong (`length` for truncation). */
      readonly index: number
      /** Sequence number expected at that position. */
      readonly seq: number
      readonly problem: AuditChainProblem
      readonly message: string
    }

/** Options for {@link verifyAuditChain}. */
export type VerifyAuditChainOptions = {
  /** Where the given records start: the anchor of the record before the first one. Default: genesis. */
  from?: AuditAnchor | undefined
  /**
   * The head the chain must end at, kept outside the log (a checkpoint, a signed receipt, the
   * last record a reader saw). Without it, deleting or forging records at the very end cannot be
   * told from a shorter log.
   */
  head?: AuditAnchor | undefined
}

/**
 * Verifies a hash chain and reports the first record that was edited, deleted, inserted or
 * reordered, or that the chain was truncated before `head`.
 *
 * @example
 * ```ts
 * const result = verifyAuditChain(records, { head: checkpoint })
 * if (!result.ok) console.log(result.problem, 'at record index', result.index)
 * ```
 */
export function verifyAuditChain(
  records: readonly AuditRecord[],
  options: VerifyAuditChainOptions = {},
): AuditChainVerification {
  const startSeq = options.from?.seq ?? 0
  let prevSeq = startSeq
  let prevHash = options.from?.hash ?? GENESIS_HASH
  const indexOfSeq = (seq: number) => seq - startSeq - 1
  const fail = (index: number, problem: AuditChainProblem, message: string) =>
    ({ ok: false, index, seq: startSeq + index + 1, problem, message }) as const

  for (let i = 0; i < records.length; i++) {
    const record = records[i]
    if (!isAuditRecord(record)) return fail(i, 'malformed', 'is not a well-formed audit record.')
    if (hashAuditRecord(record) !== record.hash) {
      return fail(i, 'edited', `record seq ${record.seq} does not match its own hash.`)
    }
    if (record.seq === prevSeq + 1 && record.prevHash === prevHash) {
      prevSeq = record.seq
      prevHash = record.hash
      continue
    }
    return diagnose({
      records,
      i,
      prevSeq,
      prevHash,
      startSeq,
      startHash: options.from?.hash ?? GENESIS_HASH,
      fail,
      head: options.head,
    })
  }

  const head = options.head
  if (head) {
    if (prevSeq < head.seq) {
      return fail(
        records.length,
        'truncated',
        `the chain ends at seq ${prevSeq} but the head is seq ${head.seq}.`,
      )
    }
    if (prevSeq > head.seq) {
      const index = indexOfSeq(head.seq + 1)
      return fail(index, 'inserted', `records after the head (seq ${head.seq}) were added.`)
    }
    if (prevHash !== head.hash) {
      // Every record was consistently re-hashed: the chain no longer leads to the known head.
      return fail(
        indexOfSeq(head.seq),
        'edited',
        'the chain was rewritten: its last record does not match the head.',
      )
    }
  }
  return {
    ok: true,
    count: records.length,
    head: prevSeq === startSeq ? options.from : { seq: prevSeq, hash: prevHash },
  }
}

type DiagnoseContext = {
  readonly records: readonly AuditRecord[]
  /** Index of the first record that does not continue the chain. */
  readonly i: number
  /** Seq and hash of the last record that did. */
  readonly prevSeq: number
  readonly prevHash: string
  /** Where the verified segment starts. */
  readonly startSeq: number
  readonly startHash: string
  readonly fail: (
    index: number,
    problem: AuditChainProblem,
    message: string,
  ) => AuditChainVerification
  readonly head: AuditAnchor | undefined
}

/** Works out what kind of tampering explains the first break in the chain, and where it is. */
function diagnose(context: DiagnoseContext): AuditChainVerification {
  const { records, i, prevSeq, prevHash, startSeq, startHash, fail, head } = context
  const record = records[i]!
  const next = records[i + 1]
  const expected = prevSeq + 1
  const indexOfSeq = (seq: number) => seq - startSeq - 1
  let byHash: Map<string, AuditRecord> | undefined
  const linksToAnExistingRecord = (r: AuditRecord) => {
    if (r.seq === startSeq + 1) return r.prevHash === startHash
    byHash ??= new Map(records.filter(isAuditRecord).map((x) => [x.hash, x]))
    const before = byHash.get(r.prevHash)
    return before !== undefined && before.seq === r.seq - 1
  }
  const notInChain = `record seq ${record.seq} is not part of the chain.`

  // The chain already reached the known head: anything after it was added.
  if (head !== undefined && head.seq === prevSeq && head.hash === prevHash) {
    return fail(i, 'inserted', `records after the head (seq ${head.seq}) were added.`)
  }

  if (record.seq === expected) {
    // Right number, wrong link: either this record is a forgery competing with the real one that
    // follows, or the previous record was edited and re-hashed.
    if (next && next.seq === record.seq && next.prevHash === prevHash) {
      return fail(i, 'inserted', `${notInChain} The genuine one follows.`)
    }
    if (i === 0)
      return fail(0, 'edited', 'the first record does not link to the start of the chain.')
    return fail(
      i - 1,
      'edited',
      `record seq ${prevSeq} was changed and re-hashed: seq ${record.seq} no longer links to it.`,
    )
  }

  if (record.seq > expected) {
    const later = records.slice(i + 1).filter(isAuditRecord)
    if (later.some((r) => r.hash === record.hash)) {
      return fail(i, 'inserted', `record seq ${record.seq} appears twice.`)
    }
    if (later.some((r) => r.seq === expected)) {
      return linksToAnExistingRecord(record)
        ? fail(i, 'reordered', `record seq ${record.seq} appears before seq ${expected}.`)
        : fail(i, 'inserted', notInChain)
    }
    return fail(
      i,
      'deleted',
      expected === record.seq - 1
        ? `record seq ${expected} is missing.`
        : `records seq ${expected} to ${record.seq - 1} are missing.`,
    )
  }

  // record.seq < expected: a copy, a forgery or a competitor for a slot already filled.
  const competitorIndex = indexOfSeq(record.seq)
  const competitor = records[competitorIndex]
  if (competitor && competitor.hash === record.hash) {
    return fail(i, 'inserted', `record seq ${record.seq} appears twice.`)
  }
  if (competitor && competitor.prevHash === record.prevHash && linksToAnExistingRecord(record)) {
    // Two records claim the same slot. The genuine one is the one the chain continues from.
    const chainContinuesFromThis =
      (next !== undefined && next.prevHash === record.hash) ||
      (next === undefined && head !== undefined && head.hash === record.hash)
    return chainContinuesFromThis
      ? fail(
          competitorIndex,
          'inserted',
          `record seq ${record.seq} at this position is a forgery; the genuine one comes later.`,
        )
      : fail(i, 'inserted', notInChain)
  }
  return linksToAnExistingRecord(record)
    ? fail(i, 'reordered', `record seq ${record.seq} appears after seq ${prevSeq}.`)
    : fail(i, 'inserted', notInChain)
}
