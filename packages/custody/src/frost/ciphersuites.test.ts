import { mulAddUnsafe } from '@noble/curves/abstract/curve.js'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  frostEd25519,
  frostSecp256k1,
  frostSecp256k1Taproot,
  GLV_BASIS,
  GLV_BETA,
  GLV_LAMBDA,
  scalarBaseMultiply,
} from './ciphersuites.js'

const Point = secp256k1.Point
const p = Point.Fp.ORDER
const n = Point.Fn.ORDER

describe('secp256k1 GLV constants', () => {
  it('β and λ are nontrivial cube roots of unity and ψ(G) = (β·x, y) = λ·G', () => {
    expect(GLV_BETA ** 3n % p).toBe(1n)
    expect(GLV_BETA).not.toBe(1n)
    expect(GLV_LAMBDA ** 3n % n).toBe(1n)
    expect(GLV_LAMBDA).not.toBe(1n)
    const g = Point.BASE.toAffine()
    const lambdaG = Point.BASE.multiply(GLV_LAMBDA).toAffine()
    expect(lambdaG).toEqual({ x: (g.x * GLV_BETA) % p, y: g.y })
  })

  it('the basis vectors (a, b) satisfy a + b·λ ≡ 0 (mod n) and are half-width', () => {
    for (const [a, b] of GLV_BASIS) {
      expect((((a + b * GLV_LAMBDA) % n) + n) % n).toBe(0n)
      expect((a < 0n ? -a : a) < 2n ** 129n && (b < 0n ? -b : b) < 2n ** 129n).toBe(true)
    }
  })

  it('the split multi-scalar multiplication agrees with noble’s plain Strauss–Shamir walk', () => {
    const points = [3n, 5n, 7n].map((k) => Point.BASE.multiply(k ** 40n % n))
    const scalars = [n - 2n, 2n ** 200n + 17n, 2n ** 128n - 1n]
    for (const suite of [frostSecp256k1, frostSecp256k1Taproot]) {
      expect(
        suite.multiScalarMultiply(points, scalars).equals(mulAddUnsafe(Point, points, scalars)),
      ).toBe(true)
    }
  })
})

describe.each([frostEd25519, frostSecp256k1, frostSecp256k1Taproot])(
  'multiScalarMultiply, $id',
  (suite) => {
    const scalar = fc.oneof(
      fc.bigInt({ min: 0n, max: suite.order - 1n }),
      fc.constantFrom(0n, 1n, suite.order - 1n, suite.order, 2n * suite.order + 5n, -3n),
    )
    it('equals the sum of single multiplications, for any scalars (reduced mod n)', () => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.bigInt({ min: 1n, max: suite.order - 1n }), scalar), {
            maxLength: 4,
          }),
          (pairs) => {
            const points = pairs.map(([k]) => scalarBaseMultiply(suite, k))
            const scalars = pairs.map(([, s]) => s)
            let expected = suite.identity
            for (const [i, point] of points.entries()) {
              const s = ((scalars[i]! % suite.order) + suite.order) % suite.order
              if (s !== 0n) expected = expected.add(point.multiply(s))
            }
            expect(suite.multiScalarMultiply(points, scalars).equals(expected)).toBe(true)
          },
        ),
        { numRuns: 25 },
      )
    })
  },
)
