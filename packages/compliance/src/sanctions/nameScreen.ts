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

/** Parameters of {@link NameScreen.screen}. */
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
  readonly tokenChars: number
  readonly skeletonChars: number
}

type TokenIndex = {
  readonly tokens: string[]
  readonly postings: Int32Array[]
  readonly variants: Map<string, number[]>
  /** Per name, the ids of its tokens (and joined pairs). */
  readonly nameTokenIds: Int32Array[]
}

const MAX_QUERY_TOKENS = 8

function maxDeletions(length: number): number {
  return length <= 3 ? 0 : length <= 7 ? 1 : 2
}

/** The token and every string made by deleting up to `d` of its characters. */
function deletionVariants(token: string, d: number, out: Set<string>): void {
  out.add(token)
  if (d === 0 || token.length <= 1) return
  for (let i = 0; i < token.length; i++) {
    const shorter = token.slice(0, i) + token.slice(i + 1)
    if (!out.has(shorter)) deletionVariants(shorter, d - 1, out)
  }
}

function buildTokenIndex(
  names: readonly IndexedName[],
  pick: (n: IndexedName) => readonly string[],
): TokenIndex {
  const ids = new Map<string, number>()
  const postingLists: number[][] = []
  const nameTokenIds: Int32Array[] = []
  names.forEach((name, nameId) => {
    const own: number[] = []
    for (const token of new Set(pick(name))) {
      if (token === '') continue
      let id = ids.get(token)
      if (id === undefined) {
        id = postingLists.length
        ids.set(token, id)
        postingLists.push([])
      }
      postingLists[id]!.push(nameId)
      own.push(id)
    }
    nameTokenIds.push(Int32Array.from(own))
  })
  const tokens = [...ids.keys()]
  const variants = new Map<string, number[]>()
  const scratch = new Set<string>()
  tokens.forEach((token, id) => {
    scratch.clear()
    deletionVariants(token, maxDeletions(token.length), scratch)
    for (const v of scratch) {
      const list = variants.get(v)
      if (list) list.push(id)
      else variants.set(v, [id])
    }
  })
  return { tokens, postings: postingLists.map((p) => Int32Array.from(p)), variants, nameTokenIds }
}

/** Tokens and their adjacent pairs joined, so `abdulrahman` finds `abdul rahman`. */
function withPairs(tokens: readonly string[]): string[] {
  const out = [...tokens]
  for (let i = 0; i + 1 < tokens.length; i++) out.push(tokens[i]! + tokens[i + 1]!)
  return out
}

/** `tokens` with the pair at `i`, `i + 1` joined into one token. */
function mergeAt(tokens: readonly string[], i: number): string[] {
  return [...tokens.slice(0, i), tokens[i]! + tokens[i + 1]!, ...tokens.slice(i + 2)]
}

function tokenize(text: string): { latin: string; tokens: string[]; abjad: boolean } {
  const { latin, script } = transliterate(text)
  return { latin, tokens: latin === '' ? [] : latin.split(' '), abjad: script.abjad }
}

/**
 * Creates a name screen: names and aliases are transliterated to Latin, split into tokens and
 * indexed; a query's tokens find listed tokens through a deletion-neighbourhood index (edit
 * distance up to 1, or 2 for tokens of 8+ letters), are scored with Jaro-Winkler, and each listed
 * name gets the length-weighted mean of its best token scores minus a penalty for listed text
 * left unmatched. Names written in Arabic or Hebrew are compared by consonant skeleton.
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
  let latinIndex: TokenIndex = { tokens: [], postings: [], variants: new Map(), nameTokenIds: [] }
  // Per query token, the similarity of every listed token found for it (reset after each query).
  let simTable = new Float32Array(0)
  let skeletonIndex: TokenIndex = latinIndex
  let scratch = new Float32Array(0)
  let seen = new Uint8Array(0)
  let pairScratch = new Float32Array(0)
  let version = 0

  const rebuild = () => {
    const next: IndexedName[] = []
    for (const parties of bySource.values()) {
      for (const party of parties) {
        const spellings = new Set([party.name, ...party.aliases])
        const seen = new Set<string>()
        for (const listed of spellings) {
          const { latin, tokens } = tokenize(listed)
          if (tokens.length === 0 || seen.has(latin)) continue
          seen.add(latin)
          const skeletons = tokens.map(nameSkeleton)
          next.push({
            party,
            listed,
            normalized: latin,
            tokens,
            skeletons,
            tokenChars: tokens.reduce((a, t) => a + t.length, 0),
            skeletonChars: skeletons.reduce((a, t) => a + t.length, 0),
          })
        }
      }
    }
    const nextLatin = buildTokenIndex(next, (n) => withPairs(n.tokens))
    const nextSkeleton = buildTokenIndex(next, (n) => withPairs(n.skeletons))
    names = next
    latinIndex = nextLatin
    skeletonIndex = nextSkeleton
    scratch = new Float32Array(next.length * MAX_QUERY_TOKENS)
    seen = new Uint8Array(next.length)
    simTable = new Float32Array(
      Math.max(nextLatin.tokens.length, nextSkeleton.tokens.length) * MAX_QUERY_TOKENS,
    )
    pairScratch = new Float32Array(next.length * MAX_QUERY_TOKENS)
    version++
  }

  /** Scores one listed spelling against the query: token pairs, then joined-word variants. */
  const explain = (
    query: { latin: string; tokens: string[]; abjad: boolean },
    name: IndexedName,
  ): { score: number; explanation: NameMatchExplanation } => {
    const skeleton = query.abjad
    const queryTokens = skeleton ? query.tokens.map(nameSkeleton) : query.tokens
    const listedTokens = skeleton ? name.skeletons : name.tokens
    let best = scoreTokens(queryTokens, query.tokens, listedTokens, name.tokens)
    // Names written as one word on one side and two on the other (Abdulrahman / Abdul Rahman):
    // also try each adjacent pair joined, on either side.
    // A joined pair only counts against a token of about its length (JW's prefix bonus would
    // otherwise let `lazarusholdings` match `lazarus`).
    const near = (length: number, tokens: readonly string[]) =>
      tokens.some((t) => Math.abs(t.length - length) <= 2)
    for (let i = 0; i + 1 < queryTokens.length; i++) {
      if (!near(queryTokens[i]!.length + queryTokens[i + 1]!.length, listedTokens)) continue
      const merged = mergeAt(queryTokens, i)
      const shown = mergeAt(query.tokens, i)
      const candidate = scoreTokens(merged, shown, listedTokens, name.tokens)
      if (candidate.score > best.score) best = candidate
    }
    for (let j = 0; j + 1 < listedTokens.length; j++) {
      if (!near(listedTokens[j]!.length + listedTokens[j + 1]!.length, queryTokens)) continue
      const candidate = scoreTokens(
        queryTokens,
        query.tokens,
        mergeAt(listedTokens, j),
        mergeAt(name.tokens, j),
      )
      if (candidate.score > best.score) best = candidate
    }
    return {
      score: best.score,
      explanation: {
        normalizedQuery: query.latin,
        normalizedListed: name.normalized,
        comparedSkeletons: skeleton,
        tokens: best.tokens,
        unmatchedListedTokens: best.unmatched,
        tokenScore: best.tokenScore,
        penalty: best.penalty,
      },
    }
  }

  const scoreTokens = (
    queryTokens: readonly string[],
    shownQuery: readonly string[],
    listedTokens: readonly string[],
    shownListed: readonly string[],
  ) => {
    const used = new Uint8Array(listedTokens.length)
    const tokens: TokenMatch[] = []
    let weighted = 0
    let weights = 0
    for (let qi = 0; qi < queryTokens.length; qi++) {
      const qt = queryTokens[qi]!
      let best = 0
      let bestIndex = -1
      for (let li = 0; li < listedTokens.length; li++) {
        const s = jaroWinkler(qt, listedTokens[li]!)
        if (s > best || (s === best && bestIndex >= 0 && used[bestIndex] === 1 && used[li] === 0)) {
          best = s
          bestIndex = li
        }
      }
      const counted = best >= tokenFloor ? best : 0
      if (counted > 0) used[bestIndex] = 1
      tokens.push({
        queryToken: shownQuery[qi]!,
        listedToken: counted > 0 ? shownListed[bestIndex] : undefined,
        score: counted,
      })
      const w = Math.max(qt.length, 1)
      weighted += counted * w
      weights += w
    }
    const tokenScore = weights === 0 ? 0 : weighted / weights
    let totalChars = 0
    let unmatchedChars = 0
    const unmatched: string[] = []
    for (let li = 0; li < listedTokens.length; li++) {
      totalChars += listedTokens[li]!.length
      if (used[li] === 0) {
        unmatchedChars += listedTokens[li]!.length
        unmatched.push(shownListed[li]!)
      }
    }
    const penalty = totalChars === 0 ? 0 : unmatchedPenalty * (unmatchedChars / totalChars)
    return {
      score: Math.max(0, Math.min(1, tokenScore - penalty)),
      tokens,
      unmatched,
      tokenScore,
      penalty,
    }
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
      const index = query.abjad ? skeletonIndex : latinIndex
      const queryTokens = query.abjad ? query.tokens.map(nameSkeleton) : query.tokens
      const variants = new Set<string>()
      const seenTokens = new Set<number>()
      // 1. Listed tokens similar to each query token (deletion neighbourhood, then Jaro-Winkler).
      const matched: { ids: number[]; sims: number[]; postings: number }[] = []
      let weights = 0
      for (let qi = 0; qi < queryTokens.length; qi++) {
        const qt = queryTokens[qi]!
        weights += Math.max(qt.length, 1)
        const m = { ids: [] as number[], sims: [] as number[], postings: 0 }
        matched.push(m)
        if (qt === '') continue
        variants.clear()
        seenTokens.clear()
        deletionVariants(qt, maxDeletions(qt.length), variants)
        for (const v of variants) {
          const ids = index.variants.get(v)
          if (!ids) continue
          for (const id of ids) {
            if (seenTokens.has(id)) continue
            seenTokens.add(id)
            const sim = jaroWinkler(qt, index.tokens[id]!)
            if (sim < tokenFloor) continue
            m.ids.push(id)
            m.sims.push(sim)
            m.postings += index.postings[id]!.length
          }
        }
      }
      // 2. The most common query tokens whose weight together stays below the threshold cannot
      //    make a match on their own: only the others nominate candidate names.
      const order = queryTokens
        .map((_, qi) => qi)
        .sort((a, b) => matched[b]!.postings - matched[a]!.postings)
      const nominating = new Array<boolean>(queryTokens.length).fill(true)
      let commonWeight = 0
      for (const qi of order) {
        const w = Math.max(queryTokens[qi]!.length, 1)
        if ((commonWeight + w) / weights >= threshold) break
        commonWeight += w
        nominating[qi] = false
      }
      const touched: number[] = []
      for (let qi = 0; qi < queryTokens.length; qi++) {
        if (!nominating[qi]) continue
        const m = matched[qi]!
        for (let t = 0; t < m.ids.length; t++) {
          const sim = m.sims[t]!
          const postings = index.postings[m.ids[t]!]!
          for (let p = 0; p < postings.length; p++) {
            const nameId = postings[p]!
            const slot = nameId * MAX_QUERY_TOKENS
            if (seen[nameId] === 0) {
              seen[nameId] = 1
              touched.push(nameId)
            }
            if (sim > scratch[slot + qi]!) scratch[slot + qi] = sim
          }
        }
      }
      // 3. Adjacent query tokens joined (Abdul Rahman → abdulrahman) nominate names too; their
      //    best similarity per pair is kept for the bound below.
      for (let qi = 0; qi + 1 < queryTokens.length; qi++) {
        const joined = queryTokens[qi]! + queryTokens[qi + 1]!
        variants.clear()
        seenTokens.clear()
        deletionVariants(joined, maxDeletions(joined.length), variants)
        for (const v of variants) {
          for (const id of index.variants.get(v) ?? []) {
            if (seenTokens.has(id)) continue
            seenTokens.add(id)
            const sim = jaroWinkler(joined, index.tokens[id]!)
            if (sim < tokenFloor) continue
            const postings = index.postings[id]!
            for (let p = 0; p < postings.length; p++) {
              const nameId = postings[p]!
              if (seen[nameId] === 0) {
                seen[nameId] = 1
                touched.push(nameId)
              }
              const slot = nameId * MAX_QUERY_TOKENS + qi
              if (sim > pairScratch[slot]!) pairScratch[slot] = sim
            }
          }
        }
      }
      // The common tokens then only add to names already nominated, read from the names' own
      // token ids rather than from their (long) posting lists.
      for (let qi = 0; qi < queryTokens.length; qi++) {
        if (nominating[qi]) continue
        const m = matched[qi]!
        for (let t = 0; t < m.ids.length; t++)
          simTable[m.ids[t]! * MAX_QUERY_TOKENS + qi] = m.sims[t]!
      }
      if (nominating.includes(false)) {
        for (const nameId of touched) {
          const own = index.nameTokenIds[nameId]!
          const slot = nameId * MAX_QUERY_TOKENS
          for (let qi = 0; qi < queryTokens.length; qi++) {
            if (nominating[qi]) continue
            let best = 0
            for (let k = 0; k < own.length; k++) {
              const sim = simTable[own[k]! * MAX_QUERY_TOKENS + qi]!
              if (sim > best) best = sim
            }
            scratch[slot + qi] = best
          }
        }
        for (let qi = 0; qi < queryTokens.length; qi++) {
          if (nominating[qi]) continue
          const m = matched[qi]!
          for (let t = 0; t < m.ids.length; t++) simTable[m.ids[t]! * MAX_QUERY_TOKENS + qi] = 0
        }
      }
      // 4. Full scoring of the names whose token-stage score can reach the threshold.
      const best = new Map<SanctionedParty, NameMatch>()
      for (const nameId of touched) {
        const slot = nameId * MAX_QUERY_TOKENS
        let upper = 0
        for (let qi = 0; qi < queryTokens.length; qi++) {
          upper += scratch[slot + qi]! * Math.max(queryTokens[qi]!.length, 1)
        }
        let bound = upper
        for (let qi = 0; qi + 1 < queryTokens.length; qi++) {
          const pair = pairScratch[slot + qi]!
          if (pair === 0) continue
          const wa = Math.max(queryTokens[qi]!.length, 1)
          const wb = Math.max(queryTokens[qi + 1]!.length, 1)
          const withPair =
            upper - scratch[slot + qi]! * wa - scratch[slot + qi + 1]! * wb + pair * (wa + wb)
          if (withPair > bound) bound = withPair
        }
        scratch.fill(0, slot, slot + MAX_QUERY_TOKENS)
        pairScratch.fill(0, slot, slot + MAX_QUERY_TOKENS)
        seen[nameId] = 0
        if (bound / weights < threshold) continue
        const name = names[nameId]!
        const { score, explanation } = explain(query, name)
        if (score < threshold) continue
        const previous = best.get(name.party)
        if (!previous || score > previous.score) {
          best.set(name.party, { party: name.party, matchedName: name.listed, score, explanation })
        }
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
