import { secp256k1 } from '@noble/curves/secp256k1.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { seed } from '../../test/helpers.js'
import { createFixedPointTable, mulAddFixed } from './fixedPointTable.js'

const Point = secp256k1.Point
const N = Point.Fn.ORDER
const G = Point.BASE
const Q = Point.fromBytes(secp256k1.getPublicKey(seed('fixed-point-table'), true))
const gTable = createFixedPointTable(G)
const qTable = createFixedPointTable(Q)

/** noble's answer for `a·G + b·Q`. */
function expected(a: bigint, b: bigint, P = Q) {
  const sum = G.multiplyUnsafe(a).add(P.multiplyUnsafe(b))
  return sum.is0() ? undefined : sum.toAffine()
}

describe('mulAddFixed', () => {
  it('computes a·G + b·Q like noble for random scalars', () => {
    const scalar = fc.bigInt({ min: 0n, max: N - 1n })
    fc.assert(
      fc.property(scalar, scalar, (a, b) => {
        expect(mulAddFixed(gTable, a, qTable, b)).toEqual(expected(a, b))
      }),
      { numRuns: 200 },
    )
  })

  it('handles edge scalars: zero, one, n - 1, single windows, all-ones bytes', () => {
    const edges = [0n, 1n, 2n, 255n, 256n, 257n, 1n << 248n, 255n << 248n, N - 1n, N - 2n, N >> 1n]
    edges.push((1n << 255n) - 1n - ((1n << 255n) - 1n) / 255n) // bytes of mixed zeros and 0xff
    for (const a of edges) {
      for (const b of edges) {
        expect(mulAddFixed(gTable, a, qTable, b), `${a} ${b}`).toEqual(expected(a, b))
      }
    }
    expect(mulAddFixed(gTable, 0n, qTable, 0n)).toBeUndefined()
  })

  it('doubles when the accumulator meets the same point, and reaches infinity at a negation', () => {
    // Both tables of G: 1·G + 1·G makes the mixed formula meet the same point (a doubling).
    expect(mulAddFixed(gTable, 1n, gTable, 1n)).toEqual(G.double().toAffine())
    expect(mulAddFixed(gTable, 5n, gTable, 5n)).toEqual(G.multiply(10n).toAffine())
    // 1·G + (n - 1)·G is the point at infinity; so is a·G + (n - a)·G.
    expect(mulAddFixed(gTable, 1n, gTable, N - 1n)).toBeUndefined()
    expect(mulAddFixed(gTable, 12345n << 100n, gTable, N - (12345n << 100n))).toBeUndefined()
    // Random a and b with both tables of G: (a + b)·G.
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: N - 1n }),
        fc.bigInt({ min: 0n, max: N - 1n }),
        (a, b) => {
          const sum = (a + b) % N
          expect(mulAddFixed(gTable, a, gTable, b)).toEqual(
            sum === 0n ? undefined : G.multiply(sum).toAffine(),
          )
        },
      ),
      { numRuns: 50 },
    )
  })

  it('refuses scalars outside [0, n)', () => {
    expect(() => mulAddFixed(gTable, N, qTable, 1n)).toThrow(RangeError)
    expect(() => mulAddFixed(gTable, 1n, qTable, -1n)).toThrow(RangeError)
  })
})
