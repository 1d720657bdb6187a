// A seeded generator of a synthetic year of exchange flows for one asset: withdrawal and deposit
// requests per day with weekday and annual seasonality, heavy-tailed request sizes, isolated
// stress days and one multi-day run on the exchange. Deterministic for a given seed; amounts are
// integer minor units.

/** Withdrawal and deposit requests of one day, in time order within the day. */
export type SyntheticDay = {
  readonly day: number
  readonly weekday: number
  readonly withdrawals: readonly bigint[]
  readonly deposits: readonly bigint[]
  readonly stress: boolean
}

/** Options of {@link generateSyntheticFlows}. */
export type GenerateSyntheticFlowsParameters = {
  seed: number
  days: number
  /** Total holdings of the asset at the start, minor units. */
  holdings: bigint
  /** Mean daily withdrawals as basis points of holdings (default 80 = 0.8 %). */
  dailyWithdrawalBps?: number | undefined
  /** Mean withdrawal request size, minor units. */
  meanRequest: bigint
  /** Days (0-based) on which withdrawals are multiplied by `stressFactor` (default: 4 random days). */
  stressDays?: readonly number[] | undefined
  /** Withdrawal multiplier on stress days (default 3.5). */
  stressFactor?: number | undefined
  /** First day of a 5-day bank run at twice the usual withdrawals and half the deposits (default: random). */
  bankRunStart?: number | undefined
}

/** mulberry32: a small, fast, seeded 32-bit PRNG (not for keys: for synthetic data only). */
function createPrng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

const WEEKDAY_FACTOR = [1.15, 1.1, 1.05, 1.0, 1.1, 0.75, 0.65]

/** Generates `days` days of synthetic flows (deterministic for a seed). */
export function generateSyntheticFlows(
  parameters: GenerateSyntheticFlowsParameters,
): SyntheticDay[] {
  const random = createPrng(parameters.seed)
  const normal = () => {
    const u = Math.max(random(), 1e-12)
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random())
  }
  const holdings = Number(parameters.holdings)
  const meanRequest = Number(parameters.meanRequest)
  const dailyBps = parameters.dailyWithdrawalBps ?? 80
  const stressFactor = parameters.stressFactor ?? 3.5
  const stressDays = new Set(
    parameters.stressDays ??
      Array.from({ length: 4 }, () => Math.floor(random() * parameters.days)),
  )
  const bankRunStart =
    parameters.bankRunStart ?? 60 + Math.floor(random() * (parameters.days - 120))
  const out: SyntheticDay[] = []
  // Lognormal request sizes with sigma 1.2, scaled to the requested mean.
  const sigma = 1.2
  const sizeScale = meanRequest / Math.exp((sigma * sigma) / 2)
  const draw = (target: number): bigint[] => {
    const requests: bigint[] = []
    let sum = 0
    while (sum < target) {
      const size = Math.max(1, Math.round(sizeScale * Math.exp(sigma * normal())))
      const clipped = Math.min(size, Math.max(1, Math.round(target - sum)))
      requests.push(BigInt(clipped))
      sum += clipped
    }
    return requests
  }
  for (let day = 0; day < parameters.days; day++) {
    const weekday = day % 7
    const season = 1 + 0.2 * Math.sin((2 * Math.PI * day) / 365)
    const noise = Math.exp(0.25 * normal() - 0.03)
    const inRun = day >= bankRunStart && day < bankRunStart + 5
    const stress = stressDays.has(day) || inRun
    const factor = (stressDays.has(day) ? stressFactor : 1) * (inRun ? 2 : 1)
    const withdrawalTarget =
      (holdings * dailyBps * WEEKDAY_FACTOR[weekday]! * season * noise * factor) / 10_000
    const depositNoise = Math.exp(0.25 * normal() - 0.03)
    const depositTarget =
      (holdings *
        dailyBps *
        WEEKDAY_FACTOR[(weekday + 3) % 7]! *
        season *
        depositNoise *
        (inRun ? 0.5 : 1)) /
      10_000
    out.push({
      day,
      weekday,
      withdrawals: draw(withdrawalTarget),
      deposits: draw(depositTarget),
      stress,
    })
  }
  return out
}
