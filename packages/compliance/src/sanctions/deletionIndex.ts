// A deletion-neighbourhood index over tokens that never builds the deleted strings: each variant
// (the token with up to d characters removed) is identified by a 32-bit polynomial hash computed
// from prefix hashes, and the index maps hashes to token ids in flat typed arrays. A hash
// collision only adds a candidate, which the caller's similarity check then rejects.

const B = 0x01000193
const MAX_LENGTH = 64
const POW = new Uint32Array(MAX_LENGTH + 1)
POW[0] = 1
for (let k = 1; k <= MAX_LENGTH; k++) POW[k] = Math.imul(POW[k - 1]!, B) >>> 0
const prefix = new Uint32Array(MAX_LENGTH + 1)

/** Hash of `text[a, b)` from the prefix hashes in `prefix`. */
function range(a: number, b: number): number {
  return (prefix[b]! - Math.imul(prefix[a]!, POW[b - a]!)) >>> 0
}

/**
 * Writes into `out` the hashes of `text` and of every string made by deleting up to `d` (0–2) of
 * its characters (duplicates possible); returns how many. Only the first 64 characters count.
 */
export function variantHashes(text: string, d: number, out: Uint32Array): number {
  const n = Math.min(text.length, MAX_LENGTH)
  for (let k = 0; k < n; k++) prefix[k + 1] = (Math.imul(prefix[k]!, B) + text.charCodeAt(k)) >>> 0
  let count = 0
  out[count++] = prefix[n]!
  if (d >= 1 && n > 1) {
    for (let i = 0; i < n; i++) {
      out[count++] = (Math.imul(range(0, i), POW[n - 1 - i]!) + range(i + 1, n)) >>> 0
    }
  }
  if (d >= 2 && n > 2) {
    for (let i = 0; i < n; i++) {
      const head = range(0, i)
      for (let j = i + 1; j < n; j++) {
        const mid = (Math.imul(head, POW[j - i - 1]!) + range(i + 1, j)) >>> 0
        out[count++] = (Math.imul(mid, POW[n - 1 - j]!) + range(j + 1, n)) >>> 0
      }
    }
  }
  return count
}

/** Deletions behind the `k`th hash {@link variantHashes} writes for a text of `length` characters. */
export function variantDeletions(k: number, length: number): number {
  return k === 0 ? 0 : k <= Math.min(length, MAX_LENGTH) ? 1 : 2
}

/** Most variant hashes one token of up to 64 characters can have (d ≤ 2). */
export const MAX_VARIANTS = 1 + MAX_LENGTH + (MAX_LENGTH * (MAX_LENGTH - 1)) / 2

/**
 * Hash → token ids, in flat typed arrays (open addressing over the distinct hashes). A slot holds
 * its hash and where its ids start side by side, so a probe costs one cache line.
 */
export type DeletionIndex = {
  readonly mask: number
  /** Two numbers per slot: the hash (as a signed 32-bit integer) and its run in `ids`, or −1. */
  readonly slots: Int32Array
  /** Per hash, a run: how many ids, then the ids. */
  readonly ids: Int32Array
}

/** Where the run of `hash` starts in `index.ids` (its length, then the token ids), or −1. */
export function findIds(index: DeletionIndex, hash: number): number {
  const key = hash | 0
  const { slots, mask } = index
  let i = (Math.imul(hash, 0x9e3779b1) >>> 0) & mask
  for (;;) {
    const run = slots[2 * i + 1]!
    if (run === -1 || slots[2 * i] === key) return run
    i = (i + 1) & mask
  }
}

/** Builds the index of `tokens`; `depth(id)` says how many deletions to index for each. */
export function buildDeletionIndex(
  tokens: readonly string[],
  depth: (id: number) => number,
): DeletionIndex {
  const buffer = new Uint32Array(MAX_VARIANTS)
  let pairs = new Float64Array(1 << 16)
  let size = 0
  tokens.forEach((token, id) => {
    const count = variantHashes(token, depth(id), buffer)
    if (size + count > pairs.length) {
      const grown = new Float64Array(Math.max(pairs.length * 2, size + count))
      grown.set(pairs.subarray(0, size))
      pairs = grown
    }
    // hash · 2^21 + id: sorts by hash, then id (ids < 2^21).
    for (let k = 0; k < count; k++) pairs[size++] = buffer[k]! * 2_097_152 + id
  })
  const sorted = pairs.subarray(0, size).sort()
  // At most one length per id written, so twice the pairs is always room enough.
  const ids = new Int32Array(size * 2)
  const hashes: number[] = []
  const runs: number[] = []
  let n = 0
  let lastHash = -1
  let lastId = -1
  for (let k = 0; k < size; k++) {
    const value = sorted[k]!
    const hash = Math.floor(value / 2_097_152)
    const id = value - hash * 2_097_152
    if (hash !== lastHash) {
      hashes.push(hash)
      runs.push(n)
      ids[n++] = 0
      lastHash = hash
      lastId = -1
    }
    if (id !== lastId) {
      ids[n++] = id
      ids[runs[runs.length - 1]!]!++
    }
    lastId = id
  }
  let capacity = 16
  while (capacity < hashes.length * 2) capacity *= 2
  const slots = new Int32Array(capacity * 2)
  for (let i = 0; i < capacity; i++) slots[2 * i + 1] = -1
  const mask = capacity - 1
  hashes.forEach((hash, h) => {
    let i = (Math.imul(hash, 0x9e3779b1) >>> 0) & mask
    while (slots[2 * i + 1] !== -1) i = (i + 1) & mask
    slots[2 * i] = hash | 0
    slots[2 * i + 1] = runs[h]!
  })
  return { mask, slots, ids: ids.slice(0, n) }
}
