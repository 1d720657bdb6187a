import {
  buildDeletionIndex,
  type DeletionIndex,
  findIds,
  MAX_VARIANTS,
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

/** One listed spelling's tokens as ids in one token index (plain tokens and joined pairs). */
type NameIds = {
  /** Token id of each token, in order. */
  readonly plain: Int32Array
  /** Token id of each adjacent pair joined (`plain[k]` + `plain[k + 1]`). */
  readonly pairs: Int32Array
  /** Length of each token. */
  readonly lengths: Uint8Array
  readonly total: number
}

type IndexedName = {
  readonly party: SanctionedParty
  readonly listed: string
  readonly normalized: string
  readonly tokens: readonly string[]
  readonly skeletons: readonly string[]
  latin: NameIds
  skeleton: NameIds
}

type TokenIndex = {
  readonly tokens: string[]
  /** Names holding each token (plain or as a joined pair), token after token. */
  readonly postings: Int32Array
  /** Where each token's names start in `postings`, and where the last token's end. */
  readonly postingStarts: Int32Array
  /** Deletion-variant hashes → ids of the tokens they come from. */
  readonly variants: DeletionIndex
  /**
   * Every name's tokens in one array, name after name, three numbers per token: its id, the id of
   * it joined with the next (−1 for the last) and its length. Bounding a name reads one run of
   * it instead of following each name's objects.
   */
  readonly flat: Int32Array
  /** Where each name's run starts in `flat` (in tokens), and where the last ends. */
  readonly flatStarts: Int32Array
}

const MAX_QUERY_TOKENS = 8
/** Added to bounds computed in another order than the score they bound. */
const BOUND_SLACK = 1e-9
/** simTable slots per token id: one per query token, then one per adjacent query pair. */
const STRIDE = 16
const EMPTY_IDS: NameIds = {
  plain: new Int32Array(0),
  pairs: new Int32Array(0),
  lengths: new Uint8Array(0),
  total: 0,
}

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

function buildTokenIndex(
  names: IndexedName[],
  pick: (n: IndexedName) => readonly string[],
  assign: (n: IndexedName, ids: NameIds) => void,
  deletions: (length: number) => number,
): TokenIndex {
  const ids = new Map<string, number>()
  const flat: number[] = []
  const flatStarts = new Int32Array(names.length + 1)
  const postingLists: number[][] = []
  const isPair: boolean[] = []
  const idOf = (token: string, nameId: number, pair: boolean) => {
    let id = ids.get(token)
    if (id === undefined) {
      id = postingLists.length
      ids.set(token, id)
      postingLists.push([])
      isPair.push(pair)
    } else if (!pair) isPair[id] = false
    const list = postingLists[id]!
    if (list[list.length - 1] !== nameId) list.push(nameId)
    return id
  }
  names.forEach((name, nameId) => {
    const tokens = pick(name)
    const plain = Int32Array.from(tokens, (t) => idOf(t, nameId, false))
    const pairs = new Int32Array(Math.max(0, tokens.length - 1))
    for (let k = 0; k + 1 < tokens.length; k++)
      pairs[k] = idOf(tokens[k]! + tokens[k + 1]!, nameId, true)
    const lengths = Uint8Array.from(tokens, (t) => Math.min(255, t.length))
    for (let k = 0; k < plain.length; k++)
      flat.push(plain[k]!, k < pairs.length ? pairs[k]! : -1, lengths[k]!)
    flatStarts[nameId + 1] = flat.length / 3
    assign(name, { plain, pairs, lengths, total: lengths.reduce((a, b) => a + b, 0) })
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
  return {
    tokens,
    postings: Int32Array.from(postingLists.flat()),
    postingStarts,
    variants,
    flat: Int32Array.from(flat),
    flatStarts,
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
  let latinIndex: TokenIndex = {
    tokens: [],
    postings: new Int32Array(0),
    postingStarts: new Int32Array(1),
    variants: buildDeletionIndex([], () => 0),
    flat: new Int32Array(0),
    flatStarts: new Int32Array(1),
  }
  let skeletonIndex: TokenIndex = latinIndex
  // Per token id and query slot, the similarity found in this query (zeroed after it).
  let simTable = new Float32Array(0)
  // Per token id, a bit per query slot with a similarity in simTable (a small table to look in
  // first: most listed tokens have none).
  let simSlots = new Uint16Array(0)
  let seen = new Uint8Array(0)
  // Names nominated in this query, in order (`touchedCount` of them).
  let touched = new Int32Array(0)
  // Per token id, the number of the last probe that looked at it (dedupes without a Set).
  let stamps = new Uint32Array(0)
  let stamp = 0
  const hashes = new Uint32Array(MAX_VARIANTS)
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
            latin: EMPTY_IDS,
            skeleton: EMPTY_IDS,
          })
        }
      }
    }
    const nextLatin = buildTokenIndex(
      next,
      (n) => n.tokens,
      (n, ids) => {
        n.latin = ids
      },
      maxDeletions,
    )
    const nextSkeleton = buildTokenIndex(
      next,
      (n) => n.skeletons,
      (n, ids) => {
        n.skeleton = ids
      },
      maxSkeletonDeletions,
    )
    names = next
    latinIndex = nextLatin
    skeletonIndex = nextSkeleton
    simTable = new Float32Array(
      Math.max(nextLatin.tokens.length, nextSkeleton.tokens.length) * STRIDE,
    )
    simSlots = new Uint16Array(Math.max(nextLatin.tokens.length, nextSkeleton.tokens.length))
    seen = new Uint8Array(next.length)
    touched = new Int32Array(next.length)
    stamps = new Uint32Array(Math.max(nextLatin.tokens.length, nextSkeleton.tokens.length))
    stamp = 0
    version++
  }

  /**
   * Greedy pairing of query units (tokens, or one adjacent pair merged) with listed tokens or
   * joined listed pairs, reading similarities from simTable. Returns the score and, when asked,
   * the explanation.
   */
  // Side results of pairUp / bestPairing (no objects on the hot path).
  let written = new Int32Array(1024)
  let writtenCount = 0
  let lastTokenScore = 0
  let lastPenalty = 0
  let lastMergeAt = -1
  const pairUp = (
    ids: NameIds,
    weights: readonly number[],
    mergeAt: number,
    explainTo?: { query: string[]; listed: readonly string[]; out: TokenMatch[] },
  ) => {
    const L = ids.plain.length
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
      for (let k = 0; k < L; k++) {
        const id = ids.plain[k]!
        if (used[k] || ((simSlots[id]! >> slot) & 1) === 0) continue
        const sim = simTable[id * STRIDE + slot]!
        if (sim > best) {
          best = sim
          bestK = k
          bestPair = false
        }
      }
      for (let k = 0; k + 1 < L; k++) {
        const id = ids.pairs[k]!
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
      }
      if (merged) qi++
    }
    let unmatched = 0
    for (let k = 0; k < L; k++) if (!used[k]) unmatched += ids.lengths[k]!
    lastTokenScore = total === 0 ? 0 : weighted / total
    lastPenalty = ids.total === 0 ? 0 : (unmatchedPenalty * unmatched) / ids.total
    return Math.max(0, Math.min(1, lastTokenScore - lastPenalty))
  }

  /** Best pairing over: no merge, and each adjacent query pair merged (sets `lastMergeAt`). */
  const bestPairing = (
    ids: NameIds,
    weights: readonly number[],
    pairAvailable: readonly boolean[],
  ): number => {
    let best = pairUp(ids, weights, -1)
    let mergeAt = -1
    for (let i = 0; i + 1 < weights.length; i++) {
      if (!pairAvailable[i]) continue
      const candidate = pairUp(ids, weights, i)
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
  const bestPairingAtLeast = (ids: NameIds, weights: readonly number[], threshold: number) => {
    let best = 0
    for (;;) {
      let next = 0
      for (let v = 1; v < weights.length; v++)
        if (variantBounds[v]! > variantBounds[next]!) next = v
      const bound = variantBounds[next]!
      if (bound < threshold || bound <= best) return best
      variantBounds[next] = -1
      const score = pairUp(ids, weights, next - 1)
      if (score > best) best = score
    }
  }

  // Per query slot, the best similarity of any listed token or joined pair of one name.
  const slotBest = new Float64Array(STRIDE)
  // Per pairing (no merge, then each adjacent query pair merged), the bound found by pairingBound.
  const variantBounds = new Float64Array(MAX_QUERY_TOKENS)
  const raiseSlotBest = (row: number, slots: number) => {
    for (let slot = 0; slots >> slot !== 0; slot++) {
      const sim = simTable[row + slot]!
      if (sim > slotBest[slot]!) slotBest[slot] = sim
    }
  }
  /**
   * An upper bound of `bestPairing` that needs no pairing: each query unit takes its best listed
   * token or pair, even one another unit took, and only listed tokens that no query unit is
   * similar to count as unmatched. Writes each pairing's bound to `variantBounds`; returns the
   * highest.
   */
  const pairingBound = (
    index: TokenIndex,
    nameId: number,
    weights: readonly number[],
    pairAvailable: readonly boolean[],
  ): number => {
    for (let slot = 0; slot < STRIDE; slot++) slotBest[slot] = 0
    const { flat } = index
    const end = index.flatStarts[nameId + 1]! * 3
    let unmatchable = 0
    let listedTotal = 0
    let pairBefore = 0
    for (let at = index.flatStarts[nameId]! * 3; at < end; at += 3) {
      const id = flat[at]!
      const pairId = flat[at + 1]!
      const slots = simSlots[id]!
      const pairSlots = pairId >= 0 ? simSlots[pairId]! : 0
      if (slots !== 0) raiseSlotBest(id * STRIDE, slots)
      if (pairSlots !== 0) raiseSlotBest(pairId * STRIDE, pairSlots)
      // A token is matchable alone or as either half of a similar joined pair.
      if (slots === 0 && pairSlots === 0 && pairBefore === 0) unmatchable += flat[at + 2]!
      listedTotal += flat[at + 2]!
      pairBefore = pairSlots
    }
    const penalty = listedTotal === 0 ? 0 : (unmatchedPenalty * unmatchable) / listedTotal
    const Q = weights.length
    let weighted = 0
    let total = 0
    for (let qi = 0; qi < Q; qi++) {
      weighted += slotBest[qi]! * weights[qi]!
      total += weights[qi]!
    }
    let best = Math.min(1, weighted / total - penalty)
    variantBounds[0] = best
    // A merged pair's bound swaps two terms of the sum: rounding may differ from pairUp's own
    // order by a few units in the last place, which BOUND_SLACK covers.
    for (let i = 0; i + 1 < Q; i++) {
      if (!pairAvailable[i]) {
        variantBounds[i + 1] = -1
        continue
      }
      const w = weights[i]! + weights[i + 1]!
      const swapped =
        weighted -
        slotBest[i]! * weights[i]! -
        slotBest[i + 1]! * weights[i + 1]! +
        slotBest[MAX_QUERY_TOKENS + i]! * w
      const bound = Math.min(1, swapped / total - penalty) + BOUND_SLACK
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
      const deletions = skeletonMode ? maxSkeletonDeletions : maxDeletions
      const Q = queryTokens.length
      const weights = queryTokens.map((t) => Math.max(t.length, 1))
      const W = weights.reduce((a, b) => a + b, 0)
      writtenCount = 0 // simTable cells to zero afterwards
      // 1. Listed tokens near each query token, and near each adjacent query pair joined.
      const found: { ids: number[]; postings: number }[] = []
      const probe = (text: string, slot: number, d: number) => {
        const entry = { ids: [] as number[], postings: 0 }
        if (text === '') return entry
        stamp = (stamp + 1) >>> 0
        if (stamp === 0) {
          stamps.fill(0)
          stamp = 1
        }
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
            if (sim < tokenFloor) continue
            const cell = id * STRIDE + slot
            simTable[cell] = sim
            simSlots[id]! |= 1 << slot
            if (writtenCount === written.length) {
              const grown = new Int32Array(written.length * 2)
              grown.set(written)
              written = grown
            }
            written[writtenCount++] = cell
            entry.ids.push(id)
            entry.postings += index.postingStarts[id + 1]! - index.postingStarts[id]!
          }
        }
        return entry
      }
      for (let qi = 0; qi < Q; qi++)
        found.push(probe(queryTokens[qi]!, qi, deletions(queryTokens[qi]!.length)))
      const pairFound: { ids: number[]; postings: number }[] = []
      for (let i = 0; i + 1 < Q; i++) {
        const joined = queryTokens[i]! + queryTokens[i + 1]!
        // Joined pairs are probed exactly when short: one deletion from a short string finds
        // too many unrelated tokens.
        pairFound.push(probe(joined, MAX_QUERY_TOKENS + i, joined.length < 6 ? 0 : 1))
      }
      const pairAvailable = pairFound.map((p) => p.ids.length > 0)
      // 2. The most common query tokens whose weight together stays below the threshold cannot
      //    make a match on their own: only the others (and joined pairs) nominate names.
      const order = queryTokens
        .map((_, qi) => qi)
        .sort((a, b) => found[b]!.postings - found[a]!.postings)
      const nominating = new Array<boolean>(Q).fill(true)
      let commonWeight = 0
      for (const qi of order) {
        if ((commonWeight + weights[qi]!) / W >= threshold) break
        commonWeight += weights[qi]!
        nominating[qi] = false
      }
      let touchedCount = 0
      // Best similarity per nominated name and slot (query token, or query pair at 8 + i).
      const touch = (ids: readonly number[]) => {
        for (const id of ids) {
          const { postings } = index
          for (let p = index.postingStarts[id]!, end = index.postingStarts[id + 1]!; p < end; p++) {
            const nameId = postings[p]!
            if (seen[nameId] === 0) {
              seen[nameId] = 1
              touched[touchedCount++] = nameId
            }
          }
        }
      }
      for (let qi = 0; qi < Q; qi++) if (nominating[qi]) touch(found[qi]!.ids)
      // A joined pair nominates when one of its tokens does (a pair of common tokens cannot
      // reach the threshold on its own either).
      pairFound.forEach((p, i) => {
        if (nominating[i] || nominating[i + 1]) touch(p.ids)
      })
      // 3. Score the nominated names from the similarities found; explain the matches.
      const best = new Map<SanctionedParty, NameMatch>()
      const candidates: { name: IndexedName; score: number }[] = []
      for (let t = 0; t < touchedCount; t++) {
        const nameId = touched[t]!
        seen[nameId] = 0
        if (pairingBound(index, nameId, weights, pairAvailable) < threshold) continue
        const name = names[nameId]!
        const ids = skeletonMode ? name.skeleton : name.latin
        const score = bestPairingAtLeast(ids, weights, threshold)
        if (score >= threshold) candidates.push({ name, score })
      }
      // Best first, so each party's first entry is its best spelling; only the `limit` parties
      // returned are explained.
      candidates.sort(
        (a, b) =>
          b.score - a.score ||
          (a.name.party.entityId < b.name.party.entityId
            ? -1
            : a.name.party.entityId > b.name.party.entityId
              ? 1
              : 0),
      )
      for (const { name, score } of candidates) {
        if (best.size >= limit) break
        if (best.has(name.party)) continue
        const ids = skeletonMode ? name.skeleton : name.latin
        bestPairing(ids, weights, pairAvailable)
        const mergeAt = lastMergeAt
        const tokens: TokenMatch[] = []
        const listedShown = name.tokens
        pairUp(ids, weights, mergeAt, {
          query: query.tokens,
          listed: listedShown,
          out: tokens,
        })
        const matchedListed = new Set(
          tokens.flatMap((t) => (t.listedToken ? t.listedToken.split(' ') : [])),
        )
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
