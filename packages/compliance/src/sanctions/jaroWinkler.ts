const matchedA = new Uint8Array(256)
const matchedB = new Uint8Array(256)

/**
 * Jaro-Winkler similarity of two strings in [0, 1] (Winkler's prefix scale 0.1 over at most 4
 * common leading characters, applied when the Jaro similarity exceeds 0.7).
 */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 1 : 1
  const la = a.length
  const lb = b.length
  if (la === 0 || lb === 0) return 0
  if (la > 255 || lb > 255) return jaroWinklerSlow(a, b)
  const window = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1)
  matchedA.fill(0, 0, la)
  matchedB.fill(0, 0, lb)
  let matches = 0
  for (let i = 0; i < la; i++) {
    const start = Math.max(0, i - window)
    const end = Math.min(lb, i + window + 1)
    const c = a.charCodeAt(i)
    for (let j = start; j < end; j++) {
      if (matchedB[j] === 0 && b.charCodeAt(j) === c) {
        matchedA[i] = 1
        matchedB[j] = 1
        matches++
        break
      }
    }
  }
  if (matches === 0) return 0
  let transpositions = 0
  let k = 0
  for (let i = 0; i < la; i++) {
    if (matchedA[i] === 0) continue
    while (matchedB[k] === 0) k++
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++
    k++
  }
  const m = matches
  const jaro = (m / la + m / lb + (m - transpositions / 2) / m) / 3
  if (jaro <= 0.7) return jaro
  let prefix = 0
  const limit = Math.min(4, la, lb)
  while (prefix < limit && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++
  return jaro + prefix * 0.1 * (1 - jaro)
}

function jaroWinklerSlow(a: string, b: string): number {
  const ma = new Uint8Array(a.length)
  const mb = new Uint8Array(b.length)
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1)
  let matches = 0
  for (let i = 0; i < a.length; i++) {
    for (let j = Math.max(0, i - window); j < Math.min(b.length, i + window + 1); j++) {
      if (!mb[j] && a[i] === b[j]) {
        ma[i] = 1
        mb[j] = 1
        matches++
        break
      }
    }
  }
  if (matches === 0) return 0
  let t = 0
  let k = 0
  for (let i = 0; i < a.length; i++) {
    if (!ma[i]) continue
    while (!mb[k]) k++
    if (a[i] !== b[k]) t++
    k++
  }
  const jaro = (matches / a.length + matches / b.length + (matches - t / 2) / matches) / 3
  if (jaro <= 0.7) return jaro
  let prefix = 0
  while (prefix < 4 && prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++
  return jaro + prefix * 0.1 * (1 - jaro)
}
