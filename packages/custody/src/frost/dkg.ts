// Distributed key generation: Pedersen's DKG with Schnorr proofs of knowledge, as in the FROST
// paper (Komlo & Goldberg 2020, Figure 1). Two rounds; no party ever holds the group secret.
//   round 1: each participant commits to a random polynomial and proves knowledge of its constant
//            term; broadcasts the commitment and the proof.
//   round 2: after checking every proof, each participant sends f_i(j) privately to each j.
//   finish:  each participant checks every share against its sender's commitment (naming a
//            cheater), sums them into its signing share and derives the group's public package.
import { concatBytes, type RandomBytes, secureRandomBytes, utf8ToBytes } from './bytes.js'
import {
  type FrostCiphersuite,
  type GroupElement,
  scalarBaseMultiply,
  scalarMod,
  scalarMultiply,
} from './ciphersuites.js'
import {
  FrostInvalidProofError,
  FrostInvalidSecretShareError,
  FrostParametersError,
} from './frostErrors.js'
import {
  assertIdentifier,
  assertThreshold,
  type FrostKeyShare,
  publicKeyPackageFromCommitment,
} from './keys.js'
import {
  commitPolynomial,
  evaluateCommitment,
  evaluatePolynomial,
  randomScalar,
  sumCommitments,
} from './polynomial.js'

/** The public broadcast of DKG round one. */
export type DkgRound1Package = {
  readonly identifier: number
  /** Commitments to the coefficients, constant term first (length = threshold). */
  readonly commitment: readonly GroupElement[]
  /** Proof of knowledge of the constant term: `(R, mu)`. */
  readonly proof: { readonly R: GroupElement; readonly mu: bigint }
}

/** Secret state a participant keeps between rounds (never sent). */
export type DkgRound1Secret = {
  readonly suite: FrostCiphersuite
  readonly identifier: number
  readonly threshold: number
  readonly maxSigners: number
  readonly sessionId: Uint8Array
  readonly coefficients: readonly bigint[]
  readonly package: DkgRound1Package
}

/** A share of one participant's polynomial for one recipient (send it privately). */
export type DkgRound2Package = {
  readonly sender: number
  readonly recipient: number
  readonly share: bigint
}

function proofChallenge(
  suite: FrostCiphersuite,
  sessionId: Uint8Array,
  identifier: number,
  constantCommitment: GroupElement,
  R: GroupElement,
): bigint {
  return suite.HDKG(
    concatBytes(
      utf8ToBytes('strongroom/frost/dkg/pok'),
      sessionId,
      suite.serializeScalar(BigInt(identifier)),
      suite.serializeElement(constantCommitment),
      suite.serializeElement(R),
    ),
  )
}

/**
 * DKG round one. `sessionId` binds the proofs to this run (use the ceremony or session id), so a
 * proof cannot be replayed into another DKG.
 * @throws {FrostParametersError}
 */
export function frostDkgRound1(parameters: {
  ciphersuite: FrostCiphersuite
  identifier: number
  threshold: number
  maxSigners: number
  sessionId: Uint8Array
  random?: RandomBytes | undefined
}): DkgRound1Secret {
  const { ciphersuite: suite, identifier, threshold, maxSigners, sessionId } = parameters
  assertThreshold(threshold, maxSigners)
  assertIdentifier(identifier, ['identifier'])
  if (identifier > maxSigners)
    throw new FrostParametersError(`Identifier ${identifier} > ${maxSigners}.`)
  const random = parameters.random ?? secureRandomBytes
  const coefficients = Array.from({ length: threshold }, () => randomScalar(suite, random))
  const commitment = commitPolynomial(suite, coefficients)
  const k = randomScalar(suite, random)
  const R = scalarBaseMultiply(suite, k)
  const c = proofChallenge(suite, sessionId, identifier, commitment[0]!, R)
  const mu = scalarMod(suite, k + coefficients[0]! * c)
  return {
    suite,
    identifier,
    threshold,
    maxSigners,
    sessionId,
    coefficients,
    package: { identifier, commitment, proof: { R, mu } },
  }
}

/** Verifies a round-one package's proof of knowledge. */
export function verifyDkgRound1Package(
  suite: FrostCiphersuite,
  sessionId: Uint8Array,
  threshold: number,
  pkg: DkgRound1Package,
): boolean {
  if (pkg.commitment.length !== threshold) return false
  const constant = pkg.commitment[0]!
  if (constant.is0() || pkg.proof.R.is0()) return false
  const c = proofChallenge(suite, sessionId, pkg.identifier, constant, pkg.proof.R)
  const expected = scalarBaseMultiply(suite, pkg.proof.mu).subtract(
    scalarMultiply(suite, constant, c),
  )
  return expected.equals(pkg.proof.R)
}

function checkRound1Set(
  secret: DkgRound1Secret,
  received: readonly DkgRound1Package[],
): DkgRound1Package[] {
  const all = [secret.package, ...received.filter((p) => p.identifier !== secret.identifier)]
  const ids = new Set(all.map((p) => p.identifier))
  if (ids.size !== all.length)
    throw new FrostParametersError('Two round-one packages share an identifier.')
  if (all.length !== secret.maxSigners) {
    throw new FrostParametersError(
      `Expected ${secret.maxSigners} round-one packages, got ${all.length}.`,
    )
  }
  for (const p of all) {
    if (p.identifier < 1 || p.identifier > secret.maxSigners) {
      throw new FrostParametersError(`Unexpected identifier ${p.identifier}.`)
    }
    if (!verifyDkgRound1Package(secret.suite, secret.sessionId, secret.threshold, p)) {
      throw new FrostInvalidProofError(p.identifier)
    }
  }
  return all.sort((a, b) => a.identifier - b.identifier)
}

/**
 * DKG round two: verifies every round-one proof (naming a cheater) and returns this
 * participant's private share for each other participant.
 * @throws {FrostInvalidProofError} naming the participant whose proof fails.
 */
export function frostDkgRound2(parameters: {
  secret: DkgRound1Secret
  round1Packages: readonly DkgRound1Package[]
}): DkgRound2Package[] {
  const { secret } = parameters
  const all = checkRound1Set(secret, parameters.round1Packages)
  return all
    .filter((p) => p.identifier !== secret.identifier)
    .map((p) => ({
      sender: secret.identifier,
      recipient: p.identifier,
      share: evaluatePolynomial(secret.suite, secret.coefficients, BigInt(p.identifier)),
    }))
}

/**
 * Final DKG step: checks each received share against its sender's commitment, sums the shares
 * into this participant's signing share and derives the group's public package (generation 0).
 * @throws {FrostInvalidSecretShareError} naming the sender of a bad share.
 */
export function frostDkgFinish(parameters: {
  secret: DkgRound1Secret
  round1Packages: readonly DkgRound1Package[]
  round2Packages: readonly DkgRound2Package[]
}): FrostKeyShare {
  const { secret } = parameters
  const suite = secret.suite
  const all = checkRound1Set(secret, parameters.round1Packages)
  const me = BigInt(secret.identifier)
  let signingShare = evaluatePolynomial(suite, secret.coefficients, me)
  const seen = new Set<number>()
  for (const received of parameters.round2Packages) {
    if (received.recipient !== secret.identifier) {
      throw new FrostParametersError(
        `A share for participant ${received.recipient} reached ${secret.identifier}.`,
      )
    }
    if (received.sender === secret.identifier || seen.has(received.sender)) {
      throw new FrostParametersError(`Duplicate share from participant ${received.sender}.`)
    }
    seen.add(received.sender)
    const sender = all.find((p) => p.identifier === received.sender)
    if (sender === undefined) throw new FrostParametersError(`Unknown sender ${received.sender}.`)
    const expected = evaluateCommitment(suite, sender.commitment, me)
    if (
      received.share < 0n ||
      received.share >= suite.order ||
      !scalarBaseMultiply(suite, received.share).equals(expected)
    ) {
      throw new FrostInvalidSecretShareError(received.sender)
    }
    signingShare = scalarMod(suite, signingShare + received.share)
  }
  if (seen.size !== secret.maxSigners - 1) {
    throw new FrostParametersError(`Expected ${secret.maxSigners - 1} shares, got ${seen.size}.`)
  }
  const publicKeyPackage = publicKeyPackageFromCommitment({
    suite,
    commitment: sumCommitments(
      suite,
      all.map((p) => p.commitment),
    ),
    identifiers: all.map((p) => p.identifier),
    generation: 0,
  })
  return { identifier: secret.identifier, signingShare, publicKeyPackage }
}
