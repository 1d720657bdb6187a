// Repair of a lost share (Laing & Stinson's enrolment repairable threshold scheme, as used for
// FROST): `threshold` helpers help participant r rebuild s_r = f(r) without any of them learning
// it. Helper i computes lambda_i(r) * s_i, splits it into random additive pieces, one per helper;
// each helper sums the pieces it receives and sends that sum to r; r adds the sums up and checks
// the result against its public verifying share.
import { type RandomBytes, secureRandomBytes } from './bytes.js'
import { scalarBaseMultiply, scalarMod } from './ciphersuites.js'
import { FrostGroupMismatchError, FrostParametersError } from './frostErrors.js'
import type { FrostKeyShare, FrostPublicKeyPackage } from './keys.js'
import { lagrangeCoefficient, randomScalar } from './polynomial.js'

/** Step one output: helper `sender`'s piece for helper `recipient`. */
export type RepairDelta = {
  readonly sender: number
  readonly recipient: number
  readonly delta: bigint
}
/** Step two output: helper `sender`'s sum for the participant being repaired. */
export type RepairSigma = { readonly sender: number; readonly sigma: bigint }

function checkHelpers(share: FrostKeyShare, helpers: readonly number[], target: number): bigint[] {
  const pkg = share.publicKeyPackage
  if (new Set(helpers).size !== helpers.length) throw new FrostParametersError('Duplicate helpers.')
  if (helpers.length < pkg.threshold)
    throw new FrostParametersError(`A repair needs ${pkg.threshold} helpers.`)
  if (helpers.includes(target))
    throw new FrostParametersError('The participant being repaired cannot help.')
  if (!pkg.verifyingShares.has(target))
    throw new FrostParametersError(`Participant ${target} is not in the group.`)
  if (!helpers.includes(share.identifier))
    throw new FrostParametersError('This participant is not a helper.')
  for (const id of helpers) {
    if (!pkg.verifyingShares.has(id))
      throw new FrostParametersError(`Helper ${id} is not in the group.`)
  }
  return helpers.map(BigInt)
}

/** Repair step one (run by each helper): split `lambda_i(target) * s_i` into one piece per helper. */
export function frostRepairStep1(parameters: {
  share: FrostKeyShare
  helpers: readonly number[]
  target: number
  random?: RandomBytes | undefined
}): RepairDelta[] {
  const { share, target } = parameters
  const suite = share.publicKeyPackage.ciphersuite
  const xs = checkHelpers(share, parameters.helpers, target)
  const random = parameters.random ?? secureRandomBytes
  const value = scalarMod(
    suite,
    lagrangeCoefficient(suite, xs, BigInt(share.identifier), BigInt(target)) * share.signingShare,
  )
  const pieces = parameters.helpers.slice(1).map(() => randomScalar(suite, random))
  const last = scalarMod(suite, value - pieces.reduce((a, b) => a + b, 0n))
  const all = [last, ...pieces]
  return parameters.helpers.map((recipient, i) => ({
    sender: share.identifier,
    recipient,
    delta: all[i]!,
  }))
}

/** Repair step two (run by each helper): sum the pieces addressed to it. */
export function frostRepairStep2(parameters: {
  share: FrostKeyShare
  helpers: readonly number[]
  deltas: readonly RepairDelta[]
}): RepairSigma {
  const { share, helpers, deltas } = parameters
  const suite = share.publicKeyPackage.ciphersuite
  const mine = deltas.filter((d) => d.recipient === share.identifier)
  const senders = new Set(mine.map((d) => d.sender))
  if (
    mine.length !== helpers.length ||
    senders.size !== helpers.length ||
    helpers.some((h) => !senders.has(h))
  ) {
    throw new FrostParametersError('Repair pieces do not match the helper list.')
  }
  return {
    sender: share.identifier,
    sigma: scalarMod(
      suite,
      mine.reduce((a, d) => a + d.delta, 0n),
    ),
  }
}

/**
 * Repair step three (run by the participant being repaired): sums the helpers' values and checks
 * the rebuilt share against the group's verifying share.
 * @throws {FrostGroupMismatchError} when the rebuilt share does not match (a helper cheated or
 * helpers used shares of another generation).
 */
export function frostRepairStep3(parameters: {
  publicKeyPackage: FrostPublicKeyPackage
  identifier: number
  sigmas: readonly RepairSigma[]
}): FrostKeyShare {
  const { publicKeyPackage: pkg, identifier, sigmas } = parameters
  const suite = pkg.ciphersuite
  if (
    new Set(sigmas.map((s) => s.sender)).size !== sigmas.length ||
    sigmas.length < pkg.threshold
  ) {
    throw new FrostParametersError(`A repair needs ${pkg.threshold} distinct helper values.`)
  }
  const signingShare = scalarMod(
    suite,
    sigmas.reduce((a, s) => a + s.sigma, 0n),
  )
  const expected = pkg.verifyingShares.get(identifier)
  if (expected === undefined || !scalarBaseMultiply(suite, signingShare).equals(expected)) {
    throw new FrostGroupMismatchError(
      `The repaired share of participant ${identifier} does not match its verifying share.`,
    )
  }
  return { identifier, signingShare, publicKeyPackage: pkg }
}
