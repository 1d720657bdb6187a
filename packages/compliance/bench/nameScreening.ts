// Name screening benchmark: wall-clock percentiles per query, plus the CPU time per query (not
// counting time the machine gave to other processes), which is what a loaded machine can measure.
import { writeFileSync } from 'node:fs'
import { createNameScreen, jaroWinkler, parseOfacSdnCsv, transliterate } from '../src/index.js'
import { parseCsv } from '../src/util/csv.js'
import { cpuMicros, createRand, fmt, pct } from './util.js'

export type NameScreeningBenchParameters = {
  readonly read: (path: string) => string
  /** Writes the slowest 1 % of queries (by CPU time), one a line, to this file. */
  readonly tailOut?: string | undefined
}

export function benchNameScreening({ read, tailOut }: NameScreeningBenchParameters): void {
  const rand = createRand(0x6e616d65)
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!
  const list = parseOfacSdnCsv({
    sdn: read('ofac_sdn_csv_2021/sdn.csv'),
    alt: read('ofac_sdn_csv_2021/alt.csv'),
    comments: read('ofac_sdn_csv_2021/sdn_comments.csv'),
  })
  const screen = createNameScreen({ threshold: 0.88 })
  const t0 = performance.now()
  screen.load(list)
  const loadMs = performance.now() - t0
  const names = (file: string, n: number) =>
    parseCsv(read(`name_matching/${file}`))
      .slice(1, n + 1)
      .map((r) => r.fields[0]!)
  // Queries: SDN names with typos/reordering (derived from the list itself), the yente UN
  // positives, and synthetic non-matching people in Latin and other scripts.
  const sdnNames = list.parties.map((p) => p.name)
  const mutate = (s: string) => {
    const chars = [...s]
    const i = Math.floor(rand() * chars.length)
    chars.splice(i, 1)
    return chars.join('')
  }
  const positives = names('yente_positives_un_treated.csv', 683)
  const negativesGlobal = names('yente_negatives_global_head10000.csv', 2000)
  const negativesUs = names('yente_negatives_us_head10000.csv', 2000)
  const queries = [
    ...Array.from({ length: 1000 }, () => mutate(pick(sdnNames))),
    ...positives,
    ...negativesGlobal,
    ...negativesUs,
  ]
  for (const q of queries.slice(0, 2000)) screen.screen({ name: q })
  const hitRate = (qs: readonly string[]) =>
    qs.filter((name) => screen.screen({ name }).length > 0).length / qs.length
  const times = new Float64Array(queries.length * 3)
  // Per query, the best of its three runs: the code's own cost without the scheduler's
  // preemptions, which dominate the tail on a shared machine.
  const best = new Float64Array(queries.length).fill(Number.POSITIVE_INFINITY)
  // CPU time of each run too (process.cpuUsage, µs resolution): it leaves out the time the
  // machine gave to other processes, but not cache misses after the previous (other) query.
  const cold = new Float64Array(queries.length).fill(Number.POSITIVE_INFINITY)
  const cpuCall = (() => {
    let least = Number.POSITIVE_INFINITY
    for (let n = 0; n < 1000; n++) least = Math.min(least, -cpuMicros() + cpuMicros())
    return least
  })()
  let k = 0
  let matched = 0
  for (let r = 0; r < 3; r++) {
    queries.forEach((q, i) => {
      const c = cpuMicros()
      const s = process.hrtime.bigint()
      if (screen.screen({ name: q }).length) matched++
      const ms = Number(process.hrtime.bigint() - s) / 1e6
      const us = cpuMicros() - c - cpuCall
      times[k++] = ms
      if (ms < best[i]!) best[i] = ms
      if (us < cold[i]!) cold[i] = us
    })
  }
  // Warm CPU time per query: the least over 3 rounds of 10 back-to-back runs of the same query
  // (its data then sits in the caches): the code's own cost.
  const REPEAT = 10
  const cpu = new Float64Array(queries.length).fill(Number.POSITIVE_INFINITY)
  for (let r = 0; r < 3; r++) {
    queries.forEach((q, i) => {
      const s = cpuMicros()
      for (let n = 0; n < REPEAT; n++) screen.screen({ name: q })
      const us = (cpuMicros() - s) / REPEAT
      if (us < cpu[i]!) cpu[i] = us
    })
  }
  const byCpu = queries.map((_, i) => i).sort((a, b) => cpu[b]! - cpu[a]!)
  const tail = byCpu.slice(0, Math.ceil(queries.length / 100))
  if (tailOut) writeFileSync(tailOut, `${tail.map((i) => queries[i]).join('\n')}\n`)
  const tailMean = tail.reduce((sum, i) => sum + cpu[i]!, 0) / tail.length
  times.sort()
  best.sort()
  const cpuSorted = Float64Array.from(cpu).sort()
  const coldSorted = cold.sort()
  const coldP99 = pct(coldSorted, 99)
  const p50 = pct(times, 50)
  const p99 = pct(times, 99)
  const bestP99 = pct(best, 99)
  const cpuP99 = pct(cpuSorted, 99)
  console.log('\n## Name screening')
  console.log(
    `index: ${fmt(screen.size)} names and aliases (OFAC SDN 2021 CSV, ${fmt(list.parties.length)} parties), built in ${fmt(loadMs)} ms; threshold 0.88`,
  )
  console.log(
    `queries: ${fmt(queries.length)} × 3 (1,000 SDN names with a deleted letter, 683 UN positives with typos/reordering, 4,000 non-matching people, 45 % of the global ones in non-Latin scripts); matched ${fmt(matched / 3)}`,
  )
  console.log(
    `queries with a match in this (OFAC) list: UN positives ${fmt(hitRate(positives) * 100, 2)} % (not a recall figure: they come from the UN list), synthetic people global ${fmt(hitRate(negativesGlobal) * 100, 2)} % / US ${fmt(hitRate(negativesUs) * 100, 2)} %`,
  )
  console.log(
    `per query, all runs: p50 ${fmt(p50 * 1000, 1)} µs, p90 ${fmt(pct(times, 90) * 1000, 1)} µs, p99 ${fmt(p99 * 1000, 1)} µs, max ${fmt(times[times.length - 1]! * 1000)} µs  (target p99 ≤ 100 µs: ${p99 <= 0.1 ? 'met' : 'NOT met'})`,
  )
  console.log(
    `per query, best of its 3 runs: p50 ${fmt(pct(best, 50) * 1000, 1)} µs, p99 ${fmt(bestP99 * 1000, 1)} µs  (target p99 ≤ 100 µs: ${bestP99 <= 0.1 ? 'met' : 'NOT met'})`,
  )
  console.log(
    `CPU time per query, single runs in the order above (least of 3): p50 ${fmt(pct(coldSorted, 50), 1)} µs, p99 ${fmt(coldP99, 1)} µs, max ${fmt(coldSorted[coldSorted.length - 1]!, 1)} µs  (target p99 ≤ 100 µs: ${coldP99 <= 100 ? 'met' : 'NOT met'})`,
  )
  console.log(
    `CPU time per query, warm (least of 3 rounds of ${REPEAT} runs back to back): p50 ${fmt(pct(cpuSorted, 50), 1)} µs, p99 ${fmt(cpuP99, 1)} µs, max ${fmt(cpuSorted[cpuSorted.length - 1]!, 1)} µs; slowest 1 % (${tail.length} queries) mean ${fmt(tailMean, 1)} µs  (target p99 ≤ 100 µs: ${cpuP99 <= 100 ? 'met' : 'NOT met'})`,
  )
  console.log(
    `slowest by CPU: ${byCpu
      .slice(0, 5)
      .map((i) => `"${queries[i]}" ${fmt(cpu[i]!, 1)} µs`)
      .join(', ')}`,
  )
  console.log(
    `Moov Watchman publishes ~0.85 ms per search (a Go service, not runnable here): its figure / our p99 = ${fmt(0.85 / p99, 2)} (all runs), ${fmt(0.85 / bestP99, 2)} (best of 3)`,
  )
  // Same-run baseline: brute-force token Jaro-Winkler over every name (what an index avoids).
  const all = list.parties
    .flatMap((p) => [p.name, ...p.aliases])
    .map((n) => transliterate(n).latin.split(' '))
  const bruteTimes: number[] = []
  for (const q of queries.slice(0, 200)) {
    const qt = transliterate(q).latin.split(' ')
    const s = process.hrtime.bigint()
    let top = 0
    for (const tokens of all) {
      let sum = 0
      for (const a of qt) {
        let m = 0
        for (const b of tokens) m = Math.max(m, jaroWinkler(a, b))
        sum += m
      }
      top = Math.max(top, sum / qt.length)
    }
    bruteTimes.push(Number(process.hrtime.bigint() - s) / 1e6)
  }
  bruteTimes.sort((a, b) => a - b)
  const bruteP50 = bruteTimes[Math.floor(bruteTimes.length / 2)]!
  console.log(
    `same run, brute-force token JW over all ${fmt(all.length)} names (200 queries): p50 ${fmt(bruteP50, 2)} ms (${fmt(bruteP50 / p50, 0)}× our p50)`,
  )
}
