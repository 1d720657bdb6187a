import { secp256k1 } from '@noble/curves/secp256k1.js'

const Point = secp256k1.Point
const Fp = Point.Fp
type CurvePoint = InstanceType<typeof Point>

/** Affine coordinates of a secp256k1 point. */
export type AffinePoint = { readonly x: bigint; readonly y: bigint }

/** Scalars are read in 32 windows of 8 bits (scalars below 2^256). */
const WINDOWS = 32

/**
 * The multiples of one fixed secp256k1 point `P` that a multiplication by a scalar read 8 bits at a
 * time adds up: `rows[i][d - 1] = d · 256^i · P` in affine coordinates, for `d` in 1..255 (8,160
 * points, about 1 MB). None of them is the point at infinity: `d · 256^i` is at most
 * `2^256 - 2^248`, below the group order `n`, and `P` has order `n`.
 */
export type FixedPointTable = { readonly rows: readonly (readonly AffinePoint[])[] }

/**
 * Builds the {@link FixedPointTable} of `point` (8,160 additions and one batched inversion: tens
 * of milliseconds, once per key).
 */
export function createFixedPointTable(point: CurvePoint): FixedPointTable {
  point.assertValidity()
  const projective: CurvePoint[] = []
  let base = point
  for (let i = 0; i < WINDOWS; i++) {
    let multiple = base
    for (let d = 1; d < 256; d++) {
      projective.push(multiple)
      multiple = multiple.add(base)
    }
    base = multiple // 256 · base
  }
  // noble's points are homogeneous projective: x = X/Z, y = Y/Z.
  const inverses = Fp.invertBatch(projective.map((p) => p.Z))
  const rows: AffinePoint[][] = []
  for (let i = 0; i < WINDOWS; i++) {
    const row: AffinePoint[] = []
    for (let d = 0; d < 255; d++) {
      const p = projective[i * 255 + d]!
      const zInverse = inverses[i * 255 + d]!
      row.push({ x: Fp.mul(p.X, zInverse), y: Fp.mul(p.Y, zInverse) })
    }
    rows.push(row)
  }
  return { rows }
}

/**
 * `a · A + b · B` for the fixed points of two tables, in affine coordinates; `undefined` for the
 * point at infinity. Variable time: for public scalars only (signature verification). Scalars
 * must be in `[0, n)`.
 *
 * The sum is accumulated in Jacobian coordinates (x = X/Z², y = Y/Z³) with mixed additions of the
 * affine table points (8 multiplications and 3 squarings each, at most 64 of them), then
 * converted with one inversion. The addition of a point to itself or to its negation, which the
 * mixed formula does not cover, goes through noble's complete formulas.
 */
export function mulAddFixed(
  tableA: FixedPointTable,
  a: bigint,
  tableB: FixedPointTable,
  b: bigint,
): AffinePoint | undefined {
  let X = 0n
  let Y = 0n
  let Z = 0n // Z = 0: the point at infinity
  const add = (q: AffinePoint) => {
    if (Z === 0n) {
      X = q.x
      Y = q.y
      Z = 1n
      return
    }
    const zz = Fp.sqr(Z)
    const h = Fp.sub(Fp.mul(q.x, zz), X)
    const r = Fp.sub(Fp.mul(q.y, Fp.mul(Z, zz)), Y)
    if (h === 0n) {
      // Same x: the accumulator is q (double it) or -q (the sum is the point at infinity).
      if (r !== 0n) {
        Z = 0n
        return
      }
      const doubled = Point.fromAffine(q).double().toAffine()
      X = doubled.x
      Y = doubled.y
      Z = 1n
      return
    }
    const hh = Fp.sqr(h)
    const hhh = Fp.mul(h, hh)
    const v = Fp.mul(X, hh)
    const x3 = Fp.sub(Fp.sub(Fp.sqr(r), hhh), Fp.add(v, v))
    Y = Fp.sub(Fp.mul(r, Fp.sub(v, x3)), Fp.mul(Y, hhh))
    X = x3
    Z = Fp.mul(Z, h)
  }
  for (const [table, scalar] of [
    [tableA, a],
    [tableB, b],
  ] as const) {
    if (scalar < 0n || scalar >= Point.Fn.ORDER) throw new RangeError('Scalar out of range.')
    const digits = scalar.toString(16).padStart(64, '0')
    for (let i = 0; i < WINDOWS; i++) {
      const d = Number.parseInt(digits.slice(62 - 2 * i, 64 - 2 * i), 16)
      if (d !== 0) add(table.rows[i]![d - 1]!)
    }
  }
  if (Z === 0n) return undefined
  const zInverse = Fp.inv(Z)
  const zInverse2 = Fp.sqr(zInverse)
  return { x: Fp.mul(X, zInverse2), y: Fp.mul(Y, Fp.mul(zInverse2, zInverse)) }
}
