import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js'
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

/** Computes a record's `hash` from its other fields. */
export function hashAuditRecord(record: UnhashedAuditRecord): string {
  const body = canonicalJson({
    seq: record.seq,
    time: record.time,
    type: record.type,
    actor: record.actor,
    data: record.data,
    prevHash: record.prevHash,
  })
  return bytesToHex(sha256(utf8ToBytes(body)))
}

/** Builds the next record of a chain from its predecessor's anchor. */
export function createAuditRecord(
  previous: AuditAnchor | undefined,
  entry: { time: number; type: string; actor: string; data: CanonicalValue },
): AuditRecord {
  const unhashed: UnhashedAuditRecord = {
    seq: (previous?.seq ?? 0) + 1,
    time: entry.time,
    type: entry.type,
    actor: entry.actor,
    // Normalise once (bigint → string, undefined dropped) so the stored record re-hashes identically.
    data: JSON.parse(canonicalJson(entry.data)) as CanonicalValue,
    prevHash: previous?.hash ?? GENESIS_HASH,
  }
  return { ...unhashed, hash: hashAuditRecord(unhashed) }
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
