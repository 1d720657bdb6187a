import {
  buildDeletionIndex,
  type DeletionIndex,
  findIds,
  MAX_VARIANTS,
  variantDeletions,
  variantHashes,
} from './deletionIndex.js'
import { jaroWinkler } from './jaroWinkler.js'
import type { SanctionedParty } from './listEntry.js'
import { nameSkeleton, transliterate } from './transliterate.js'

/** Options of {@link createNameScreen}. */
export type NameScreenOptions = {
  /** Default minimum score of a match, in [0, 1] (default 0.88). */
  readonly threshold?: number | undefined
  /** Token pairs scoring below this do not count as matched (default 0.8). */
  readonly tokenFloor?: number | undefined
  /** Score deducted, in proportion, for listed name text that the query did not match (default 0.15). */
  readonly unmatchedPenalty?: number | undefined
}

/** How one query token was matched. */
export type TokenMatch = {
  readonly queryToken: string
  /** The listed token it matched best, or `undefined` when none reached the token floor. */
  readonly listedToken: string | undefined
  readonly score: number
}

/** Why a name matched: enough for a reviewer to see it at a glance. */
export type NameMatchExplanation = {
  /** The query after transliteration and normalisation. */
  readonly normalizedQuery: string
  /** The listed name (or alias) after normalisation. */
  readonly normalizedListed: string
  /** True when the query was written in Arabic or Hebrew and consonant skeletons were compared. */
  readonly comparedSkeletons: boolean
  readonly tokens: readonly TokenMatch[]
  /** Listed tokens no query token matched. */
  readonly unmatchedListedTokens: readonly string[]
  /** Length-weighted mean of the token scores. */
  readonly tokenScore: number
  /** Deduction for unmatched listed text. */
  readonly penalty: number
}

/** A listed party whose name (or one of its aliases) scored at least the threshold. */
export type NameMatch = {
  readonly party: SanctionedParty
  /** The spelling that matched (the primary name or an alias), as listed. */
  readonly matchedName: string
  readonly score: number
  readonly explanation: NameMatchExplanation
}

/** Parameters of `NameScreen.screen`. */
export type ScreenNameParameters = {
  readonly name: string
  /** Overrides the screen's default threshold. */
  readonly threshold?: number | undefined
  /** Most matches returned (default 10), best first, one per party. */
  readonly limit?: number | undefined
}

/** Name screening over the loaded parties. */
export type NameScreen = {
  /** Replaces the parties of `source`; the index is rebuilt and swapped in whole. */
  load(list: { readonly source: string; readonly parties: readonly SanctionedParty[] }): void
  unload(source: string): void
  /** Parties whose names score at least the threshold against `name`, best first. */
  screen(parameters: ScreenNameParameters): NameMatch[]
  /** Number of indexed names (primary names and aliases). */
  readonly size: number
  readonly version: number
}

type IndexedName = {
  readonly party: SanctionedParty
  readonly listed: string
  readonly normalized: string
  readonly tokens: readonly string[]
  readonly skeletons: readonly string[]
}

type TokenIndex = {
  readonly tokens: string[]
  /** Token → its id. */
  readonly ids: ReadonlyMap<string, number>
  /** Names holding each token (plain or as a joined pair), token after token, as their runs in `flat`. */
  readonly postings: Int32Array
  /** Where each token's names start in `postings`, and where the last token's end. */
  readonly postingStarts: Int32Array
  /** Deletion-variant hashes → ids of the tokens they come from. */
  readonly variants: DeletionIndex
  /**
   * Every name's tokens in one array, name after name, a run per name: its id, its listed length
   * (the sum of its token lengths) and its number of tokens, then three numbers per token: its
   * id, the id of it joined with the next (−1 for the last) and its length. Nominating, bounding
   * and pairing a name read its run instead of following the name's objects.
   */
  readonly flat: Int32Array
  /** Deletions a query token of each length is probed with. */
  readonly deletions: (length: number) => number
  /** Each token's neighbours (see {@link Neighbours}), as a query of its own text would find them. */
  readonly neighbours: Neighbours
}

/**
 * What probing each indexed token's own text finds, so a query token spelled like a listed one
 * (most are) reads one run instead of looking up its deletion variants and scoring each: per
 * token a run of neighbours in the order the probe finds them, three numbers each (id, the fewest
 * deletions from the text that reached it, its postings count), and their similarities.
 */
type Neighbours = {
  readonly starts: Int32Array
  readonly entries: Int32Array
  readonly sims: Float32Array
}

const MAX_QUERY_TOKENS = 8
/** Added to bounds computed in another order than the score they bound. */
const BOUND_SLACK = 1e-9
/** simTable slots per token id: one per query token, then one per adjacent query pair. */
const STRIDE = 16

function maxDeletions(length: number): number {
  return length <= 3 ? 0 : length <= 7 ? 1 : 2
}

/**
 * Consonant skeletons are short and alike (`mhmd`, `mhds`): they must match exactly up to four
 * letters, with one deletion up to seven.
 */
function maxSkeletonDeletions(length: number): number {
  return length <= 4 ? 0 : length <= 7 ? 1 : 2
}

/** Deletions probed for a query's adjacent tokens joined (never more than for a token). */
function pairDeletions(length: number): number {
  // One deletion from a short string finds too many unrelated tokens.
  return length < 6 ? 0 : 1
}

/** Scratch of {@link probeVariants}. */
type ProbeScratch = {
  readonly hashes: Uint32Array
  /** Per token id, the number of the last probe that looked at it (dedupes without a Set). */
  stamps: Uint32Array
  stamp: number
}

/**
 * Listed tokens sharing a deletion-variant hash with `text` (up to `d` deletions), whose
 * Jaro-Winkler similarity to it reaches `floor`: `found(id, sim, level)` once per token, in the
 * order the variants find them, `level` being the fewest deletions from `text` that reached it.
 */
function probeVariants(
  index: Pick<TokenIndex, 'tokens' | 'variants'>,
  text: string,
  d: number,
  floor: number,
  scratch: ProbeScratch,
  found: (id: number, sim: number, level: number) => void,
): void {
  scratch.stamp = (scratch.stamp + 1) >>> 0
  if (scratch.stamp === 0) {
    scratch.stamps.fill(0)
    scratch.stamp = 1
  }
  const { hashes, stamps, stamp } = scratch
  const count = variantHashes(text, d, hashes)
  const table = index.variants
  for (let k = 0; k < count; k++) {
    const run = findIds(table, hashes[k]!)
    if (run < 0) continue
    for (let p = run + 1, end = run + 1 + table.ids[run]!; p < end; p++) {
      const id = table.ids[p]!
      if (stamps[id] === stamp) continue
      stamps[id] = stamp
      const sim = jaroWinkler(text, index.tokens[id]!)
      if (sim >= floor) found(id, sim, variantDeletions(k, text.length))
    }
  }
}

function buildTokenIndex(
  names: IndexedName[],
  pick: (n: IndexedName) => readonly string[],
  deletions: (length: number) => number,
  floor: number,
): TokenIndex {
  const ids = new Map<string, number>()
  const flat: number[] = []
  const postingLists: number[][] = []
  const isPair: boolean[] = []
  const idOf = (token: string, run: number, pair: boolean) => {
    let id = ids.get(token)
    if (id === undefined) {
      id = postingLists.length
      ids.set(token, id)
      postingLists.push([])
      isPair.push(pair)
    } else if (!pair) isPair[id] = false
    const list = postingLists[id]!
    if (list[list.length - 1] !== run) list.push(run)
    return id
  }
  names.forEach((name, nameId) => {
    const tokens = pick(name)
    const run = flat.length
    flat.push(nameId, 0, tokens.length)
    const plain = tokens.map((t) => idOf(t, run, false))
    const pairs: number[] = []
    for (let k = 0; k + 1 < tokens.length; k++)
      pairs.push(idOf(tokens[k]! + tokens[k + 1]!, run, true))
    let total = 0
    for (let k = 0; k < plain.length; k++) {
      const length = Math.min(255, tokens[k]!.length)
      flat.push(plain[k]!, k < pairs.length ? pairs[k]! : -1, length)
      total += length
    }
    flat[run + 1] = total
  })
  const tokens = [...ids.keys()]
  const postingStarts = new Int32Array(postingLists.length + 1)
  postingLists.forEach((list, id) => {
    postingStarts[id + 1] = postingStarts[id]! + list.length
  })
  // Joined pairs only need to catch one-word spellings: one deletion keeps the index small.
  const variants = buildDeletionIndex(tokens, (id) => {
    const d = deletions(tokens[id]!.length)
    return isPair[id] ? Math.min(1, d) : d
  })
  // Each token probed as a query token would be; a joined query pair probes fewer deletions
  // (pairDeletions ≤ deletions), whose neighbours are those reached at that level or below.
  const starts = new Int32Array(tokens.length + 1)
  const entries: number[] = []
  const sims: number[] = []
  const scratch: ProbeScratch = {
    hashes: new Uint32Array(MAX_VARIANTS),
    stamps: new Uint32Array(tokens.length),
    stamp: 0,
  }
  tokens.forEach((token, id) => {
    probeVariants(
      { tokens, variants },
      token,
      deletions(token.length),
      floor,
      scratch,
      (n, sim, level) => {
        entries.push(n, level, postingStarts[n + 1]! - postingStarts[n]!)
        sims.push(sim)
      },
    )
    starts[id + 1] = sims.length
  })
  return {
    tokens,
    ids,
    postings: Int32Array.from(postingLists.flat()),
    postingStarts,
    variants,
    flat: Int32Array.from(flat),
    deletions,
    neighbours: { starts, entries: Int32Array.from(entries), sims: Float32Array.from(sims) },
  }
}

function tokenize(text: string): { latin: string; tokens: string[]; abjad: boolean } {
  const { latin, script } = transliterate(text)
  return { latin, tokens: latin === '' ? [] : latin.split(' '), abjad: script.abjad }
}

/**
 * Creates a name screen: names and aliases are transliterated to Latin, split into tokens and
 * indexed with their adjacent pairs joined; a query's tokens (and adjacent pairs joined) find
 * listed tokens through a deletion-neighbourhood index (edit distance up to 1, or 2 for tokens of
 * 8+ letters) and are scored with Jaro-Winkler; token pairs outside that neighbourhood or below
 * the token floor count 0. Each listed
 * name gets the length-weighted mean of its best token scores — a query token pairs with one
 * listed token, or with two adjacent ones written as one word — minus a penalty in proportion to
 * the listed text left unmatched. Names written in Arabic or Hebrew are compared by consonant
 * skeleton. Only names sharing a token with the query are scored.
 *
 * @example
 * ```ts
 * const names = createNameScreen({ threshold: 0.88 })
 * names.load(parseUnConsolidatedXml(xml))
 * names.screen({ name: 'Владимир Путин' }) // transliterated, then scored
 * ```
 */
export function createNameScreen(options: NameScreenOptions = {}): NameScreen {
  const defaultThreshold = options.threshold ?? 0.88
  const tokenFloor = options.tokenFloor ?? 0.8
  const unmatchedPenalty = options.unmatchedPenalty ?? 0.15
  const bySource = new Map<string, readonly SanctionedParty[]>()
  let names: IndexedName[] = []
  let latinIndex = buildTokenIndex([], (n) => n.tokens, maxDeletions, tokenFloor)
  let skeletonIndex = latinIndex
  // Per token id and query slot, the similarity found in this query (zeroed after it).
  let simTable = new Float32Array(0)
  // Per token id, a bit per query slot with a similarity in simTable (a small table to look in
  // first: most listed tokens have none).
  let simSlots = new Uint16Array(0)
  // Per token id, its best similarity in this query times the weight of that query slot (zeroed
  // after it): what one listed token can add to a pairing's weighted sum at most.
  let topWeighted = new Float32Array(0)
  let seen = new Uint8Array(0)
  // Names nominated in this query, in order (`touchedCount` of them).
  let touched = new Int32Array(0)
  // Per name, the rank of its party's entity id among the loaded ones (equal ids, equal ranks):
  // candidates sort by it without reaching for the party.
  let entityRanks = new Int32Array(0)
  const scratch: ProbeScratch = {
    hashes: new Uint32Array(MAX_VARIANTS),
    stamps: new Uint32Array(0),
    stamp: 0,
  }
  let version = 0
  const used = new Uint8Array(256)

  const rebuild = () => {
    const next: IndexedName[] = []
    for (const parties of bySource.values()) {
      for (const party of parties) {
        const seenSpellings = new Set<string>()
        for (const listed of new Set([party.name, ...party.aliases])) {
          const { latin, tokens } = tokenize(listed)
          if (tokens.length === 0 || seenSpellings.has(latin)) continue
          seenSpellings.add(latin)
          next.push({
            party,
            listed,
            normalized: latin,
            tokens,
            skeletons: tokens.map(nameSkeleton),
          })
        }
      }
    }
    const nextLatin = buildTokenIndex(next, (n) => n.tokens, maxDeletions, tokenFloor)
    const nextSkeleton = buildTokenIndex(next, (n) => n.skeletons, maxSkeletonDeletions, tokenFloor)
    const tokenCount = Math.max(nextLatin.tokens.length, nextSkeleton.tokens.length)
    names = next
    latinIndex = nextLatin
    skeletonIndex = nextSkeleton
    simTable = new Float32Array(tokenCount * STRIDE)
    simSlots = new Uint16Array(tokenCount)
    topWeighted = new Float32Array(tokenCount)
    seen = new Uint8Array(next.length)
    touched = new Int32Array(next.length)
    // Sorted as `<` compares strings (by UTF-16 code units), as the candidates' order was defined.
    const entityIds = [...new Set(next.map((n) => n.party.entityId))].sort()
    const rankOf = new Map(entityIds.map((id, rank) => [id, rank]))
    entityRanks = Int32Array.from(next, (n) => rankOf.get(n.party.entityId)!)
    scratch.stamps = new Uint32Array(tokenCount)
    scratch.stamp = 0
    version++
  }

  // simTable cells written in this query (zeroed after it).
  let written = new Int32Array(1024)
  let writtenCount = 0
  // Per query slot, the listed tokens its probe found: foundIds[foundStarts[slot], foundEnds[slot]).
  let foundIds = new Int32Array(1024)
  let foundCount = 0
  const foundStarts = new Int32Array(STRIDE)
  const foundEnds = new Int32Array(STRIDE)
  // Per query slot, how many names hold the tokens it found (a token's names counted once each).
  const foundPostings = new Float64Array(STRIDE)

  const note = (id: number, sim: number, slot: number, postings: number) => {
    const cell = id * STRIDE + slot
    simTable[cell] = sim
    simSlots[id]! |= 1 << slot
    // From the stored (single-precision) similarity, the one pairUp reads, raised by 2^-23 so
    // that rounding it to single precision (by at most 2^-24 of it) leaves it no lower.
    const weighted = simTable[cell]! * slotWeights[slot]! * (1 + 2 ** -23)
    if (weighted > topWeighted[id]!) topWeighted[id] = weighted
    if (writtenCount === written.length) {
      const grown = new Int32Array(written.length * 2)
      grown.set(written)
      written = grown
    }
    written[writtenCount++] = cell
    if (foundCount === foundIds.length) {
      const grown = new Int32Array(foundIds.length * 2)
      grown.set(foundIds)
      foundIds = grown
    }
    foundIds[foundCount++] = id
    foundPostings[slot]! += postings
  }
  let probing = latinIndex
  let probingSlot = 0
  const noteProbed = (id: number, sim: number) =>
    note(id, sim, probingSlot, probing.postingStarts[id + 1]! - probing.postingStarts[id]!)

  /**
   * Listed tokens near `text` (up to `d` deletions) reaching the token floor, into simTable and
   * the found ids of `slot`: read from the text's own neighbours when it is an indexed token.
   */
  const probe = (index: TokenIndex, text: string, slot: number, d: number) => {
    foundStarts[slot] = foundCount
    foundPostings[slot] = 0
    const id = text === '' ? undefined : index.ids.get(text)
    if (id !== undefined && d <= index.deletions(text.length)) {
      const { starts, entries, sims } = index.neighbours
      for (let n = starts[id]!, end = starts[id + 1]!; n < end; n++)
        if (entries[3 * n + 1]! <= d) note(entries[3 * n]!, sims[n]!, slot, entries[3 * n + 2]!)
    } else if (text !== '') {
      probing = index
      probingSlot = slot
      probeVariants(index, text, d, tokenFloor, scratch, noteProbed)
    }
    foundEnds[slot] = foundCount
  }

  let touchedCount = 0
  /** Nominates the names holding the tokens found for `slot`, in order. */
  const touch = (index: TokenIndex, slot: number) => {
    const { postings, postingStarts, flat } = index
    for (let f = foundStarts[slot]!, fEnd = foundEnds[slot]!; f < fEnd; f++) {
      const id = foundIds[f]!
      for (let p = postingStarts[id]!, end = postingStarts[id + 1]!; p < end; p++) {
        const run = postings[p]!
        const nameId = flat[run]!
        if (seen[nameId] === 0) {
          seen[nameId] = 1
          touched[touchedCount++] = run
        }
      }
    }
  }

  /**
   * Greedy pairing of query units (tokens, or one adjacent pair merged) with listed tokens or
   * joined listed pairs, reading similarities from simTable. Returns the score and, when asked,
   * the explanation.
   */
  // Side results of pairUp / bestPairing (no objects on the hot path).
  let lastTokenScore = 0
  let lastPenalty = 0
  let lastMergeAt = -1
  const pairUp = (
    index: TokenIndex,
    run: number,
    weights: readonly number[],
    mergeAt: number,
    explainTo?: {
      query: string[]
      listed: readonly string[]
      out: TokenMatch[]
      /** Receives the listed tokens taken (both of a joined pair). */
      matched: Set<string>
    },
  ) => {
    const { flat } = index
    const base = run + 3
    const L = flat[run + 2]!
    used.fill(0, 0, L)
    let weighted = 0
    let total = 0
    const units = weights.length - (mergeAt >= 0 ? 1 : 0)
    for (let u = 0, qi = 0; u < units; u++, qi++) {
      const merged = qi === mergeAt
      const slot = merged ? MAX_QUERY_TOKENS + qi : qi
      const w = merged ? weights[qi]! + weights[qi + 1]! : weights[qi]!
      let best = 0
      let bestK = -1
      let bestPair = false
      for (let k = 0, at = base; k < L; k++, at += 3) {
        const id = flat[at]!
        if (used[k] || ((simSlots[id]! >> slot) & 1) === 0) continue
        const sim = simTable[id * STRIDE + slot]!
        if (sim > best) {
          best = sim
          bestK = k
          bestPair = false
        }
      }
      for (let k = 0, at = base + 1; k + 1 < L; k++, at += 3) {
        const id = flat[at]!
        if (used[k] || used[k + 1] || ((simSlots[id]! >> slot) & 1) === 0) continue
        const sim = simTable[id * STRIDE + slot]!
        if (sim > best) {
          best = sim
          bestK = k
          bestPair = true
        }
      }
      if (bestK >= 0) {
        used[bestK] = 1
        if (bestPair) used[bestK + 1] = 1
      }
      weighted += best * w
      total += w
      if (explainTo) {
        const q = merged ? `${explainTo.query[qi]}${explainTo.query[qi + 1]}` : explainTo.query[qi]!
        const listed =
          bestK < 0
            ? undefined
            : bestPair
              ? `${explainTo.listed[bestK]} ${explainTo.listed[bestK + 1]}`
              : explainTo.listed[bestK]
        explainTo.out.push({ queryToken: q, listedToken: listed, score: best })
        if (bestK >= 0) explainTo.matched.add(explainTo.listed[bestK]!)
        if (bestPair) explainTo.matched.add(explainTo.listed[bestK + 1]!)
      }
      if (merged) qi++
    }
    let unmatched = 0
    for (let k = 0, at = base + 2; k < L; k++, at += 3) if (!used[k]) unmatched += flat[at]!
    const listedTotal = flat[run + 1]!
    lastTokenScore = total === 0 ? 0 : weighted / total
    lastPenalty = listedTotal === 0 ? 0 : (unmatchedPenalty * unmatched) / listedTotal
    return Math.max(0, Math.min(1, lastTokenScore - lastPenalty))
  }

  /** Best pairing over: no merge, and each adjacent query pair merged (sets `lastMergeAt`). */
  const bestPairing = (
    index: TokenIndex,
    run: number,
    weights: readonly number[],
    pairAvailable: readonly boolean[],
  ): number => {
    let best = pairUp(index, run, weights, -1)
    let mergeAt = -1
    for (let i = 0; i + 1 < weights.length; i++) {
      if (!pairAvailable[i]) continue
      const candidate = pairUp(index, run, weights, i)
      if (candidate > best) {
        best = candidate
        mergeAt = i
      }
    }
    lastMergeAt = mergeAt
    return best
  }

  /**
   * The score of the best pairing of a name just bounded by `pairingBound` when it reaches
   * `threshold`, or a lower one: pairings are tried by descending bound, stopping at the first
   * that cannot reach the threshold or beat the best so far.
   */
  const bestPairingAtLeast = (
    index: TokenIndex,
    run: number,
    weights: readonly number[],
    threshold: number,
  ) => {
    let best = 0
    for (;;) {
      let next = 0
      for (let v = 1; v < weights.length; v++)
        if (variantBounds[v]! > variantBounds[next]!) next = v
      const bound = variantBounds[next]!
      if (bound < threshold || bound <= best) return best
      variantBounds[next] = -1
      const score = pairUp(index, run, weights, next - 1)
      if (score > best) best = score
    }
  }

  // Per query slot, the best similarity of any listed token or joined pair of one name.
  const slotBest = new Float64Array(STRIDE)
  // Per query slot, its weight: the query token's, or both tokens' of a merged pair.
  const slotWeights = new Float64Array(STRIDE)
  // Per pairing (no merge, then each adjacent query pair merged), the bound found by pairingBound.
  const variantBounds = new Float64Array(MAX_QUERY_TOKENS)
  /** Raises slotBest by one listed token's (or joined pair's) row; returns its best sim × weight. */
  const raiseSlotBest = (row: number, slots: number): number => {
    let top = 0
    for (let slot = 0; slots >> slot !== 0; slot++) {
      const sim = simTable[row + slot]!
      if (sim > slotBest[slot]!) slotBest[slot] = sim
      const weighted = sim * slotWeights[slot]!
      if (weighted > top) top = weighted
    }
    return top
  }
  /**
   * An upper bound of `bestPairing` from the listed side alone, cheaper than `pairingBound` (one
   * number per listed token): each listed token adds its best weighted similarity, even to a
   * query unit another listed token took; listed tokens no query unit is similar to count as
   * unmatched. For positive thresholds only: a pairing's score is clamped at 0 and this is not.
   */
  const listedBound = (index: TokenIndex, run: number, total: number): number => {
    const { flat } = index
    const end = run + 3 + 3 * flat[run + 2]!
    let listedSide = 0
    let unmatchable = 0
    let pairBefore = 0
    for (let at = run + 3; at < end; at += 3) {
      const pairId = flat[at + 1]!
      const alone = topWeighted[flat[at]!]!
      const joined = pairId >= 0 ? topWeighted[pairId]! : 0
      listedSide += Math.max(alone, joined)
      // pairUp only takes a similarity above 0: a token whose similarities are all 0 stays unmatched.
      if (alone === 0 && joined === 0 && pairBefore === 0) unmatchable += flat[at + 2]!
      pairBefore = joined
    }
    const listedTotal = flat[run + 1]!
    const penalty = listedTotal === 0 ? 0 : (unmatchedPenalty * unmatchable) / listedTotal
    return Math.min(1, listedSide / total - penalty) + BOUND_SLACK
  }

  /**
   * An upper bound of `bestPairing` that needs no pairing, the lower of two sums: each query unit
   * taking its best listed token or pair, even one another unit took; and each listed token
   * taking its best query unit (weighted), even one another listed token took — a pairing uses
   * each listed token once, so no pairing's weighted sum exceeds either. Only listed tokens that
   * no query unit is similar to count as unmatched. Writes each pairing's bound to
   * `variantBounds`; returns the highest. Unless `capped`, the first sum alone, as computed
   * before the second was added: for thresholds of 0 or less, where a bound below 0 prunes a
   * name whose clamped score would reach the threshold, results stay as they were.
   */
  const pairingBound = (
    index: TokenIndex,
    run: number,
    weights: readonly number[],
    pairAvailable: readonly boolean[],
    capped: boolean,
  ): number => {
    for (let slot = 0; slot < STRIDE; slot++) slotBest[slot] = 0
    const { flat } = index
    const end = run + 3 + 3 * flat[run + 2]!
    let unmatchable = 0
    let listedSide = 0
    let pairBefore = 0
    for (let at = run + 3; at < end; at += 3) {
      const id = flat[at]!
      const pairId = flat[at + 1]!
      const slots = simSlots[id]!
      const pairSlots = pairId >= 0 ? simSlots[pairId]! : 0
      // A listed token pairs alone or as the first half of a joined pair (its second half then
      // adds nothing more).
      const alone = slots !== 0 ? raiseSlotBest(id * STRIDE, slots) : 0
      const joined = pairSlots !== 0 ? raiseSlotBest(pairId * STRIDE, pairSlots) : 0
      listedSide += Math.max(alone, joined)
      // A token is matchable alone or as either half of a similar joined pair.
      if (slots === 0 && pairSlots === 0 && pairBefore === 0) unmatchable += flat[at + 2]!
      pairBefore = pairSlots
    }
    const listedTotal = flat[run + 1]!
    const penalty = listedTotal === 0 ? 0 : (unmatchedPenalty * unmatchable) / listedTotal
    const Q = weights.length
    let weighted = 0
    let total = 0
    for (let qi = 0; qi < Q; qi++) {
      weighted += slotBest[qi]! * weights[qi]!
      total += weights[qi]!
    }
    // Both sums add the terms of pairUp's in another order (or other terms): rounding may differ
    // from pairUp's own by a few units in the last place, which BOUND_SLACK covers.
    const cap = capped ? listedSide : Number.POSITIVE_INFINITY
    let best = capped
      ? Math.min(1, Math.min(weighted, cap) / total - penalty) + BOUND_SLACK
      : Math.min(1, weighted / total - penalty)
    variantBounds[0] = best
    for (let i = 0; i + 1 < Q; i++) {
      if (!pairAvailable[i]) {
        variantBounds[i + 1] = -1
        continue
      }
      const swapped =
        weighted -
        slotBest[i]! * weights[i]! -
        slotBest[i + 1]! * weights[i + 1]! +
        slotBest[MAX_QUERY_TOKENS + i]! * slotWeights[MAX_QUERY_TOKENS + i]!
      const bound = Math.min(1, Math.min(swapped, cap) / total - penalty) + BOUND_SLACK
      variantBounds[i + 1] = bound
      if (bound > best) best = bound
    }
    return best
  }

  return {
    load(list) {
      const previous = bySource.get(list.source)
      bySource.set(list.source, list.parties)
      try {
        rebuild()
      } catch (error) {
        if (previous) bySource.set(list.source, previous)
        else bySource.delete(list.source)
        throw error
      }
    },
    unload(source) {
      if (bySource.delete(source)) rebuild()
    },
    screen(parameters) {
      const threshold = parameters.threshold ?? defaultThreshold
      const limit = parameters.limit ?? 10
      const query = tokenize(parameters.name)
      if (query.tokens.length === 0) return []
      if (query.tokens.length > MAX_QUERY_TOKENS) query.tokens.length = MAX_QUERY_TOKENS
      const skeletonMode = query.abjad
      const index = skeletonMode ? skeletonIndex : latinIndex
      if (skeletonMode) {
        // Tokens that are all vowels (آوا → awa) have no skeleton: they cannot be compared.
        query.tokens = query.tokens.filter((t) => nameSkeleton(t) !== '')
        if (query.tokens.length === 0) return []
      }
      const queryTokens = skeletonMode ? query.tokens.map(nameSkeleton) : query.tokens
      const Q = queryTokens.length
      const weights = queryTokens.map((t) => Math.max(t.length, 1))
      const W = weights.reduce((a, b) => a + b, 0)
      for (let qi = 0; qi < Q; qi++) slotWeights[qi] = weights[qi]!
      for (let i = 0; i + 1 < Q; i++)
        slotWeights[MAX_QUERY_TOKENS + i] = weights[i]! + weights[i + 1]!
      writtenCount = 0 // simTable cells to zero afterwards
      foundCount = 0
      // 1. Listed tokens near each query token, and near each adjacent query pair joined.
      for (let qi = 0; qi < Q; qi++)
        probe(index, queryTokens[qi]!, qi, index.deletions(queryTokens[qi]!.length))
      const pairAvailable: boolean[] = []
      for (let i = 0; i + 1 < Q; i++) {
        const joined = queryTokens[i]! + queryTokens[i + 1]!
        // Joined pairs are probed exactly when short.
        const slot = MAX_QUERY_TOKENS + i
        probe(index, joined, slot, pairDeletions(joined.length))
        pairAvailable.push(foundEnds[slot]! > foundStarts[slot]!)
      }
      // 2. The most common query tokens whose weight together stays below the threshold cannot
      //    make a match on their own: only the others (and joined pairs) nominate names.
      const order = queryTokens
        .map((_, qi) => qi)
        .sort((a, b) => foundPostings[b]! - foundPostings[a]!)
      const nominating = new Array<boolean>(Q).fill(true)
      let commonWeight = 0
      for (const qi of order) {
        if ((commonWeight + weights[qi]!) / W >= threshold) break
        commonWeight += weights[qi]!
        nominating[qi] = false
      }
      touchedCount = 0
      for (let qi = 0; qi < Q; qi++) if (nominating[qi]) touch(index, qi)
      // A joined pair nominates when one of its tokens does (a pair of common tokens cannot
      // reach the threshold on its own either).
      for (let i = 0; i + 1 < Q; i++)
        if (nominating[i] || nominating[i + 1]) touch(index, MAX_QUERY_TOKENS + i)
      // 3. Score the nominated names from the similarities found; explain the matches.
      const best = new Map<SanctionedParty, NameMatch>()
      const candidates: { run: number; score: number; rank: number }[] = []
      for (let t = 0; t < touchedCount; t++) {
        const run = touched[t]!
        const nameId = index.flat[run]!
        seen[nameId] = 0
        if (threshold > 0 && listedBound(index, run, W) < threshold) continue
        if (pairingBound(index, run, weights, pairAvailable, threshold > 0) < threshold) continue
        const score = bestPairingAtLeast(index, run, weights, threshold)
        if (score >= threshold) candidates.push({ run, score, rank: entityRanks[nameId]! })
      }
      // Best first, so each party's first entry is its best spelling; only the `limit` parties
      // returned are explained.
      candidates.sort((a, b) => b.score - a.score || a.rank - b.rank)
      for (const { run, score } of candidates) {
        if (best.size >= limit) break
        const name = names[index.flat[run]!]!
        if (best.has(name.party)) continue
        bestPairing(index, run, weights, pairAvailable)
        const mergeAt = lastMergeAt
        const tokens: TokenMatch[] = []
        const matchedListed = new Set<string>()
        const listedShown = name.tokens
        pairUp(index, run, weights, mergeAt, {
          query: query.tokens,
          listed: listedShown,
          out: tokens,
          matched: matchedListed,
        })
        best.set(name.party, {
          party: name.party,
          matchedName: name.listed,
          score,
          explanation: {
            normalizedQuery: query.latin,
            normalizedListed: name.normalized,
            comparedSkeletons: skeletonMode,
            tokens,
            unmatchedListedTokens: listedShown.filter((t) => !matchedListed.has(t)),
            tokenScore: lastTokenScore,
            penalty: lastPenalty,
          },
        })
      }
      for (let k = 0; k < writtenCount; k++) {
        simTable[written[k]!] = 0
        simSlots[Math.floor(written[k]! / STRIDE)] = 0
        topWeighted[Math.floor(written[k]! / STRIDE)] = 0
      }
      return [...best.values()]
        .sort((a, b) => b.score - a.score || (a.party.entityId < b.party.entityId ? -1 : 1))
        .slice(0, limit)
    },
    get size() {
      return names.length
    },
    get version() {
      return version
    },
  }
}
