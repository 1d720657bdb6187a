// The order mix of the benchmark, per connection (one account each), on one instrument around a
// fixed mid price: resting limit orders on both sides of the mid, crossing IOC orders that trade
// against the other accounts' resting orders, and cancels of this account's acknowledged resting
// orders. Deterministic for a seed.

/** One thing a client sends. `ref` is what the protocol cancels by (FIX ClOrdID, WS order id). */
export type BenchOp =
  | {
      readonly kind: 'place'
      readonly side: 'buy' | 'sell'
      readonly price: number
      readonly quantity: number
      readonly tif: 'GTC' | 'IOC'
    }
  | { readonly kind: 'cancel'; readonly side: 'buy' | 'sell'; readonly ref: string | number }

/** Shares of the mix (the rest are resting limit orders). */
export const MIX = { cancel: 0.2, crossing: 0.15 } as const

export type OrderFlow = {
  next(): BenchOp
  /** Tells the flow how an op was acknowledged, so that resting orders can be cancelled later. */
  acknowledged(op: BenchOp, ok: boolean, ref: string | number | undefined): void
  readonly resting: number
}

/** A small, fast, seeded generator (mulberry32). */
function random(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

export function createOrderFlow(options: { seed: number; midTicks: number }): OrderFlow {
  const rand = random(options.seed)
  const mid = options.midTicks
  const resting: { side: 'buy' | 'sell'; ref: string | number }[] = []
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1))
  return {
    next() {
      const r = rand()
      const side = rand() < 0.5 ? 'buy' : 'sell'
      if (r < MIX.cancel && resting.length > 0) {
        // Cancel a random acknowledged resting order (swap-remove).
        const i = Math.floor(rand() * resting.length)
        const target = resting[i]!
        resting[i] = resting[resting.length - 1]!
        resting.pop()
        return { kind: 'cancel', side: target.side, ref: target.ref }
      }
      if (r < MIX.cancel + MIX.crossing) {
        // Crosses up to 20 ticks into the other side: fills against resting orders there.
        const price = side === 'buy' ? mid + 20 : mid - 20
        return { kind: 'place', side, price, quantity: int(1, 5), tif: 'IOC' }
      }
      const offset = int(1, 50)
      const price = side === 'buy' ? mid - offset : mid + offset
      return { kind: 'place', side, price, quantity: int(1, 10), tif: 'GTC' }
    },
    acknowledged(op, ok, ref) {
      if (ok && op.kind === 'place' && op.tif === 'GTC' && ref !== undefined)
        resting.push({ side: op.side, ref })
    },
    get resting() {
      return resting.length
    },
  }
}
