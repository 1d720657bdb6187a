import type { RandomBytes } from './bytes.js'
import {
  type FrostCiphersuite,
  type GroupElement,
  scalarBaseMultiply,
  scalarInvertPublic,
  scalarMod,
} from './ciphersuites.js'
import { FrostParametersError } from './frostErrors.js'

/** Largest participant identifier accepted (identifiers are small positive integers). */
export const MAX_IDENTIFIER = 65_535

/** A uniformly random nonzero scalar (wide reduction of 64 random bytes, RFC 9591 App. E.2). */
export function randomScalar(suite: FrostCiphersuite, random: RandomBytes): bigint {
  for (;;) {
    const bytes = random(64)
    let value = 0n
    for (const byte of bytes) value = (value << 8n) | BigInt(byte)
    const s = scalarMod(suite, value)
    if (s !== 0n) return s
  }
}

/** Evaluates the polynomial with `coefficients` (constant term first) at `x` (Horner). */
export function evaluatePolynomial(
  suite: FrostCiphersuite,
  coefficients: readonly bigint[],
  x: bigint,
): bigint {
  let value = 0n
  for (let i = coefficients.length - 1; i >= 0; i--) {
    value = scalarMod(suite, value * x + coefficients[i]!)
  }
  return value
}

/** Commitments `a_j * G` to each coefficient (RFC 9591 App. C.2 `vss_commit`). */
export function commitPolynomial(
  suite: FrostCiphersuite,
  coefficients: readonly bigint[],
): GroupElement[] {
  return coefficients.map((a) => scalarBaseMultiply(suite, a))
}

/** `sum_j C_j * x^j`: the public image of the polynomial at `x`. */
export function evaluateCommitment(
  suite: FrostCiphersuite,
  commitment: readonly GroupElement[],
  x: bigint,
): GroupElement {
  const powers: bigint[] = []
  let power = 1n
  for (let j = 0; j < commitment.length; j++) {
    powers.push(power)
    power = scalarMod(suite, power * x)
  }
  const points = commitment.filter((c) => !c.is0())
  return suite.multiScalarMultiply(
    points,
    powers.filter((_, j) => !commitment[j]!.is0()),
  )
}

/**
 * Lagrange coefficient of `x_i` at `at` over the set `xs` (RFC 9591 §4.2
 * `derive_interpolating_value` when `at` is 0).
 * @throws {FrostParametersError} when `x_i` is not in `xs` or `xs` has duplicates.
 */
export function lagrangeCoefficient(
  suite: FrostCiphersuite,
  xs: readonly bigint[],
  xi: bigint,
  at = 0n,
): bigint {
  if (!xs.includes(xi)) throw new FrostParametersError(`Identifier ${xi} is not in the signer set.`)
  if (new Set(xs).size !== xs.length)
    throw new FrostParametersError('The signer set has duplicates.')
  let numerator = 1n
  let denominator = 1n
  for (const xj of xs) {
    if (xj === xi) continue
    numerator = scalarMod(suite, numerator * (xj - at))
    denominator = scalarMod(suite, denominator * (xj - xi))
  }
  return scalarMod(suite, numerator * scalarInvertPublic(suite, denominator))
}

/** Sum of several commitments coefficient by coefficient (all of the same length). */
export function sumCommitments(
  suite: FrostCiphersuite,
  commitments: readonly (readonly GroupElement[])[],
): GroupElement[] {
  const length = commitments[0]?.length ?? 0
  const sum: GroupElement[] = Array.from({ length }, () => suite.identity)
  for (const commitment of commitments) {
    if (commitment.length !== length)
      throw new FrostParametersError('Commitments differ in length.')
    commitment.forEach((element, j) => {
      sum[j] = sum[j]!.add(element)
    })
  }
  return sum
}
