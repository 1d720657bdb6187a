// Reference name scorer: what `createNameScreen` computes, by its definition and nothing more.
// Every listed spelling holding a token near the query is paired (no nomination, no bounds, no
// neighbour lists, strings instead of ids) so a differential test can hold the fast screen to it.
// It shares with the screen only what defines the neighbourhood (the hashed deletion index, whose
// collisions add candidates) and the similarity itself.
import {
  jaroWinkler,
  type NameMatch,
  nameSkeleton,
  type SanctionedParty,
  type TokenMatch,
  transliterate,
} from '../src/index.js'
import {
  buildDeletionIndex,
  findIds,
  MAX_VARIANTS,
  variantHashes,
} from '../src/sanctions/deletionIndex.js'

type Spelling = {
  readonly party: SanctionedParty
  readonly listed: string
  readonly normalized: string
  readonly tokens: readonly string[]
  readonly skeletons: readonly string[]
  /** Adjacent tokens (and skeletons) joined. */
  readonly tokenPairs: readonly string[]
  readonly skeletonPairs: readonly string[]
}

const joinedPairs = (tokens: readonly string[]) => tokens.slice(1).map((t, k) => tokens[k]! + t)

type Neighbourhood = {
  readonly tokens: string[]
  readonly index: ReturnType<typeof buildDeletionIndex>
  /** Token (plain or adjacent pair joined) → spellings holding it. */
  readonly holders: Map<string, Spelling[]>
  readonly deletions: (length: number) => number
}

const plainDeletions = (n: number) => (n <= 3 ? 0 : n <= 7 ? 1 : 2)
const skeletonDeletions = (n: number) => (n <= 4 ? 0 : n <= 7 ? 1 : 2)

function neighbourhood(
  spellings: readonly Spelling[],
  pick: (s: Spelling) => readonly string[],
  deletions: (length: number) => number,
): Neighbourhood {
  const holders = new Map<string, Spelling[]>()
  const plain = new Set<string>()
  const hold = (token: string, s: Spelling) => {
    const list = holders.get(token) ?? []
    if (list[list.length - 1] !== s) list.push(s)
    holders.set(token, list)
  }
  for (const s of spellings) {
    const tokens = pick(s)
    tokens.forEach((t, k) => {
      plain.add(t)
      hold(t, s)
      if (k + 1 < tokens.length) hold(t + tokens[k + 1]!, s)
    })
  }
  const tokens = [...holders.keys()]
  // Joined pairs are indexed with at most one deletion.
  const index = buildDeletionIndex(tokens, (id) => {
    const d = deletions(tokens[id]!.length)
    return plain.has(tokens[id]!) ? d : Math.min(1, d)
  })
  return { tokens, index, holders, deletions }
}

/** Listed tokens sharing a variant hash with `text` and their similarity (single precision). */
function near(n: Neighbourhood, text: string, d: number, floor: number): Map<string, number> {
  const found = new Map<string, number>()
  const seen = new Set<string>()
  if (text === '') return found
  const hashes = new Uint32Array(MAX_VARIANTS)
  const count = variantHashes(text, d, hashes)
  for (let k = 0; k < count; k++) {
    const run = findIds(n.index, hashes[k]!)
    if (run < 0) continue
    for (let p = run + 1; p <= run + n.index.ids[run]!; p++) {
      const token = n.tokens[n.index.ids[p]!]!
      if (seen.has(token)) continue
      seen.add(token)
      const sim = jaroWinkler(text, token)
      if (sim >= floor) found.set(token, Math.fround(sim))
    }
  }
  return found
}

/** The list and the options of `createNameScreen` (same defaults). */
export type ReferenceScreenParameters = {
  readonly parties: readonly SanctionedParty[]
  readonly tokenFloor?: number
  readonly unmatchedPenalty?: number
}

/**
 * Reference screening of one list: `screen` returns what `NameScreen.screen` does for a threshold
 * above 0, every party reaching it (no limit), each with its best score and tied spellings.
 */
export function createReferenceNameScreen({
  parties,
  tokenFloor = 0.8,
  unmatchedPenalty = 0.15,
}: ReferenceScreenParameters) {
  const spellings: Spelling[] = []
  for (const party of parties) {
    const seen = new Set<string>()
    for (const listed of new Set([party.name, ...party.aliases])) {
      const latin = transliterate(listed).latin
      if (latin === '' || seen.has(latin)) continue
      seen.add(latin)
      const tokens = latin.split(' ')
      const skeletons = tokens.map(nameSkeleton)
      spellings.push({
        party,
        listed,
        normalized: latin,
        tokens,
        skeletons,
        tokenPairs: joinedPairs(tokens),
        skeletonPairs: joinedPairs(skeletons),
      })
    }
  }
  const latinN = neighbourhood(spellings, (s) => s.tokens, plainDeletions)
  const skeletonN = neighbourhood(spellings, (s) => s.skeletons, skeletonDeletions)

  return {
    size: spellings.length,
    screen({ name, threshold }: { name: string; threshold: number }) {
      if (!(threshold > 0)) throw new Error('the reference covers thresholds above 0')
      const { latin, script } = transliterate(name)
      let shown = latin === '' ? [] : latin.split(' ').slice(0, 8)
      if (script.abjad) shown = shown.filter((t) => nameSkeleton(t) !== '')
      if (shown.length === 0) return []
      const n = script.abjad ? skeletonN : latinN
      const query = script.abjad ? shown.map(nameSkeleton) : shown
      const weights = query.map((t) => Math.max(t.length, 1))
      // Slot i: query token i; slot 8 + i: query tokens i and i + 1 joined.
      const sims = Array.from({ length: 16 }, () => new Map<string, number>())
      query.forEach((t, i) => {
        sims[i] = near(n, t, n.deletions(t.length), tokenFloor)
      })
      for (let i = 0; i + 1 < query.length; i++) {
        const joined = query[i]! + query[i + 1]!
        sims[8 + i] = near(n, joined, joined.length < 6 ? 0 : 1, tokenFloor)
      }
      // A listed token's (or joined pair's) similarity to each slot.
      const rows = new Map<string, number[]>()
      const row = (token: string) => {
        let r = rows.get(token)
        if (!r) {
          r = sims.map((m) => m.get(token) ?? 0)
          rows.set(token, r)
        }
        return r
      }

      /** The greedy pairing with query tokens `mergeAt` and `mergeAt + 1` as one unit (or none). */
      const pairUp = (
        tokens: readonly string[],
        plainRows: readonly number[][],
        pairRows: readonly number[][],
        mergeAt: number,
      ) => {
        const used = tokens.map(() => false)
        // Per query unit: its text, its score and the listed token (k) or pair (k, k + 1) taken.
        const picks: { queryToken: string; score: number; k: number; pair: boolean }[] = []
        let weighted = 0
        let total = 0
        for (let qi = 0; qi < query.length; qi++) {
          const merged = qi === mergeAt
          const slot = merged ? 8 + qi : qi
          const w = merged ? weights[qi]! + weights[qi + 1]! : weights[qi]!
          const pick = {
            queryToken: merged ? shown[qi]! + shown[qi + 1]! : shown[qi]!,
            score: 0,
            k: -1,
            pair: false,
          }
          for (let k = 0; k < tokens.length; k++) {
            const s = plainRows[k]![slot]!
            if (!used[k] && s > pick.score) Object.assign(pick, { score: s, k, pair: false })
          }
          for (let k = 0; k + 1 < tokens.length; k++) {
            const s = pairRows[k]![slot]!
            if (!used[k] && !used[k + 1] && s > pick.score)
              Object.assign(pick, { score: s, k, pair: true })
          }
          if (pick.k >= 0) used[pick.k] = true
          if (pick.pair) used[pick.k + 1] = true
          weighted += pick.score * w
          total += w
          picks.push(pick)
          if (merged) qi++
        }
        // Listed token lengths count up to 255 letters each.
        const length = (t: string) => Math.min(255, t.length)
        const listedTotal = tokens.reduce((sum, t) => sum + length(t), 0)
        const unmatched = tokens.reduce((sum, t, k) => sum + (used[k] ? 0 : length(t)), 0)
        const tokenScore = total === 0 ? 0 : weighted / total
        const penalty = listedTotal === 0 ? 0 : (unmatchedPenalty * unmatched) / listedTotal
        return { score: Math.max(0, Math.min(1, tokenScore - penalty)), tokenScore, penalty, picks }
      }

      const candidates = new Set<Spelling>()
      for (const found of sims)
        for (const token of found.keys())
          for (const s of n.holders.get(token) ?? []) candidates.add(s)
      const scored: { s: Spelling; score: number; explained: NameMatch }[] = []
      for (const s of candidates) {
        const listedTokens = script.abjad ? s.skeletons : s.tokens
        const plainRows = listedTokens.map(row)
        const pairRows = (script.abjad ? s.skeletonPairs : s.tokenPairs).map(row)
        let best = pairUp(listedTokens, plainRows, pairRows, -1)
        for (let i = 0; i + 1 < query.length; i++) {
          if (sims[8 + i]!.size === 0) continue
          const merged = pairUp(listedTokens, plainRows, pairRows, i)
          if (merged.score > best.score) best = merged
        }
        if (best.score < threshold) continue
        const tokens: TokenMatch[] = best.picks.map(({ queryToken, score, k, pair }) => ({
          queryToken,
          listedToken: k < 0 ? undefined : pair ? `${s.tokens[k]} ${s.tokens[k + 1]}` : s.tokens[k],
          score,
        }))
        const matched = new Set(tokens.flatMap((t) => t.listedToken?.split(' ') ?? []))
        scored.push({
          s,
          score: best.score,
          explained: {
            party: s.party,
            matchedName: s.listed,
            score: best.score,
            explanation: {
              normalizedQuery: latin,
              normalizedListed: s.normalized,
              comparedSkeletons: script.abjad,
              tokens,
              unmatchedListedTokens: s.tokens.filter((t) => !matched.has(t)),
              tokenScore: best.tokenScore,
              penalty: best.penalty,
            },
          },
        })
      }
      // Per party, its best score and every spelling reaching it (which of them the screen shows
      // depends on the order it met them in; each must be explained exactly as here).
      const byParty = new Map<SanctionedParty, { score: number; spellings: NameMatch[] }>()
      for (const { score, explained } of scored) {
        const entry = byParty.get(explained.party)
        if (!entry || score > entry.score)
          byParty.set(explained.party, { score, spellings: [explained] })
        else if (score === entry.score) entry.spellings.push(explained)
      }
      return [...byParty.values()].sort(
        (a, b) =>
          b.score - a.score ||
          (a.spellings[0]!.party.entityId < b.spellings[0]!.party.entityId ? -1 : 1),
      )
    },
  }
}
