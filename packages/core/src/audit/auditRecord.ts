import { createHash } from 'node:crypto'
import { type CanonicalValue, canonicalJson } from '../canonicalJson.js'

/** `prevHash` of the first record of a chain: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64)

/**
 * One entry of the hash-chained audit log. `hash` is the SHA-256 of the canonical JSON of every
 * other field, and `prevHash` is the previous record's `hash`, so editing, deleting, inserting or
 * reordering any record breaks the chain.
 */
export type AuditRecord = {
  /** 1, 2, 3… with no gaps. */
  readonly seq: number
  /** Epoch ms from the injected `Clock`. */
  readonly time: number
  /** Dotted event type: `custody.policy.decision`, `custody.signature`, `compliance.decision`… */
  readonly type: string
  /** Who or what acted: a user id, an approver id, a service name. */
  readonly actor: string
  /** Event details. `bigint`s are stored as decimal strings. */
  readonly data: CanonicalValue
  /** `hash` of the previous record, or {@link GENESIS_HASH}. */
  readonly prevHash: string
  /** SHA-256 (hex) of the canonical JSON of the fields above. */
  readonly hash: string
}

/** A record before it is hashed. */
export type UnhashedAuditRecord = Omit<AuditRecord, 'hash'>

/** A point in the chain: a record's sequence number and hash. Keep the latest one elsewhere to detect truncation. */
export type AuditAnchor = {
  readonly seq: number
  readonly hash: string
}

/** Stored lines of records this process built, so sinks do not encode them twice. */
const encodedLines = new WeakMap<AuditRecord, string>()

function encodeFields(
  record: UnhashedAuditRecord,
  dataJson: string,
  hash: string | undefined,
): string {
  const hashField = hash === undefined ? '' : `"hash":${JSON.stringify(hash)},`
  return (
    `{"actor":${JSON.stringify(record.actor)},"data":${dataJson},${hashField}` +
    `"prevHash":${JSON.stringify(record.prevHash)},"seq":${canonicalJson(record.seq)},` +
    `"time":${canonicalJson(record.time)},"type":${JSON.stringify(record.type)}}`
  )
}

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex')

/**
 * The canonical JSON of a record (keys sorted: actor, data, [hash,] prevHash, seq, time, type).
 * Without `hash` it is what gets hashed; with it, it is the stored line.
 */
export function encodeAuditRecord(
  record: UnhashedAuditRecord | AuditRecord,
  withHash: boolean,
): string {
  if (withHash) {
    const cached = encodedLines.get(record as AuditRecord)
    if (cached !== undefined) return cached
  }
  const hash = withHash ? (record as AuditRecord).hash : undefined
  return encodeFields(record, canonicalJson(record.data), hash)
}

/** Computes a record's `hash`: SHA-256 (hex) of its canonical JSON without `hash`. */
export function hashAuditRecord(record: UnhashedAuditRecord): string {
  return sha256Hex(encodeAuditRecord(record, false))
}

/** Builds the next record of a chain from its predecessor's anchor. */
export function createAuditRecord(
  previous: AuditAnchor | undefined,
  entry: { time: number; type: string; actor: string; data: CanonicalValue },
): AuditRecord {
  const dataJson = canonicalJson(entry.data)
  const unhashed: UnhashedAuditRecord = {
    seq: (previous?.seq ?? 0) + 1,
    time: entry.time,
    type: entry.type,
    actor: entry.actor,
    // Stored normalised (bigint → string, undefined dropped) so the record re-hashes identically.
    data: JSON.parse(dataJson) as CanonicalValue,
    prevHash: previous?.hash ?? GENESIS_HASH,
  }
  const hash = sha256Hex(encodeFields(unhashed, dataJson, undefined))
  const record: AuditRecord = Object.freeze({ ...unhashed, hash })
  encodedLines.set(record, encodeFields(unhashed, dataJson, hash))
  return record
}

const HEX64 = /^[0-9a-f]{64}$/

/** True when `value` has every field of an {@link AuditRecord} with the right types. */
export function isAuditRecord(value: unknown): value is AuditRecord {
  if (typeof value !== 'object' || value === null) return false
  const r = value as Record<string, unknown>
  return (
    Number.isSafeInteger(r.seq) &&
    (r.seq as number) >= 1 &&
    Number.isSafeInteger(r.time) &&
    typeof r.type === 'string' &&
    typeof r.actor === 'string' &&
    'data' in r &&
    typeof r.prevHash === 'string' &&
    HEX64.test(r.prevHash) &&
    typeof r.hash === 'string' &&
    HEX64.test(r.hash)
  )
}
