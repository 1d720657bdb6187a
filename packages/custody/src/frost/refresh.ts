// Proactive share refresh: every participant deals a random polynomial with a zero constant term;
// each adds the shares it receives to its own. The group key does not change, every share does,
// and the generation goes up, so a share of the old generation is useless with the new ones.
import { type RandomBytes, secureRandomBytes } from './bytes.js'
import { type GroupElement, scalarBaseMultiply, scalarMod } from './ciphersuites.js'
import { FrostInvalidSecretShareError, FrostParametersError } from './frostErrors.js'
import { computeGroupId, type FrostKeyShare, type FrostPublicKeyPackage } from './keys.js'
import {
  commitPolynomial,
  evaluateCommitment,
  evaluatePolynomial,
  randomScalar,
} from './polynomial.js'

/** A participant's public refresh commitment: commitments to coefficients 1…t-1 (a_0 = 0). */
export type RefreshRound1Package = {
  readonly identifier: number
  readonly groupId: string
  readonly generation: number
  readonly commitment: readonly GroupElement[]
}

/** A participant's secret state between the refresh rounds. */
export type RefreshRound1Secret = {
  readonly share: FrostKeyShare
  readonly participants: readonly number[]
  /** Coefficients 1…t-1 (the constant term is zero). */
  readonly coefficients: readonly bigint[]
  readonly package: RefreshRound1Package
}

/** A refresh delta for one recipient (send it privately). */
export type RefreshRound2Package = {
  readonly sender: number
  readonly recipient: number
  readonly delta: bigint
}

function checkParticipants(share: FrostKeyShare, participants: readonly number[]): number[] {
  const pkg = share.publicKeyPackage
  const sorted = [...participants].sort((a, b) => a - b)
  if (new Set(sorted).size !== sorted.length)
    throw new FrostParametersError('Duplicate refresh participants.')
  if (sorted.length < pkg.threshold) {
    throw new FrostParametersError(`A refresh needs at least ${pkg.threshold} participants.`)
  }
  for (const id of sorted) {
    if (!pkg.verifyingShares.has(id))
      throw new FrostParametersError(`Participant ${id} is not in the group.`)
  }
  if (!sorted.includes(share.identifier))
    throw new FrostParametersError('This participant is not in the refresh.')
  return sorted
}

/**
 * Refresh round one. `participants` (at least the threshold) keep a share; members left out are
 * dropped from the group by this refresh.
 * @throws {FrostParametersError}
 */
export function frostRefreshRound1(parameters: {
  share: FrostKeyShare
  participants: readonly number[]
  random?: RandomBytes | undefined
}): RefreshRound1Secret {
  const { share } = parameters
  const participants = checkParticipants(share, parameters.participants)
  const pkg = share.publicKeyPackage
  const suite = pkg.ciphersuite
  const random = parameters.random ?? secureRandomBytes
  const coefficients = Array.from({ length: pkg.threshold - 1 }, () => randomScalar(suite, random))
  return {
    share,
    participants,
    coefficients,
    package: {
      identifier: share.identifier,
      groupId: pkg.groupId,
      generation: pkg.generation,
      commitment: commitPolynomial(suite, coefficients),
    },
  }
}

/** Refresh round two: this participant's delta for each other participant. */
export function frostRefreshRound2(secret: RefreshRound1Secret): RefreshRound2Package[] {
  const suite = secret.share.publicKeyPackage.ciphersuite
  return secret.participants
    .filter((id) => id !== secret.share.identifier)
    .map((recipient) => ({
      sender: secret.share.identifier,
      recipient,
      delta: evaluatePolynomial(suite, [0n, ...secret.coefficients], BigInt(recipient)),
    }))
}

/**
 * Final refresh step: checks every delta against its sender's commitment (naming a cheater) and
 * returns the new share and public package (same group key, generation + 1).
 * @throws {FrostInvalidSecretShareError} naming the sender of a bad delta.
 */
export function frostRefreshFinish(parameters: {
  secret: RefreshRound1Secret
  round1Packages: readonly RefreshRound1Package[]
  round2Packages: readonly RefreshRound2Package[]
}): FrostKeyShare {
  const { secret } = parameters
  const pkg = secret.share.publicKeyPackage
  const suite = pkg.ciphersuite
  const byId = new Map<number, RefreshRound1Package>([[secret.share.identifier, secret.package]])
  for (const p of parameters.round1Packages) {
    if (p.identifier === secret.share.identifier) continue
    if (byId.has(p.identifier))
      throw new FrostParametersError(`Duplicate refresh package from ${p.identifier}.`)
    if (p.groupId !== pkg.groupId || p.generation !== pkg.generation) {
      throw new FrostParametersError(
        `Refresh package from ${p.identifier} is for another group or generation.`,
      )
    }
    if (p.commitment.length !== pkg.threshold - 1)
      throw new FrostInvalidSecretShareError(p.identifier, 'refresh commitment')
    byId.set(p.identifier, p)
  }
  if (byId.size !== secret.participants.length || secret.participants.some((id) => !byId.has(id))) {
    throw new FrostParametersError('Refresh packages do not match the participant list.')
  }
  const me = BigInt(secret.share.identifier)
  let signingShare = scalarMod(
    suite,
    secret.share.signingShare + evaluatePolynomial(suite, [0n, ...secret.coefficients], me),
  )
  const seen = new Set<number>()
  for (const d of parameters.round2Packages) {
    if (
      d.recipient !== secret.share.identifier ||
      seen.has(d.sender) ||
      !byId.has(d.sender) ||
      d.sender === secret.share.identifier
    ) {
      throw new FrostParametersError(`Unexpected refresh delta from ${d.sender} to ${d.recipient}.`)
    }
    seen.add(d.sender)
    const expected = evaluateCommitment(
      suite,
      [suite.identity, ...byId.get(d.sender)!.commitment],
      me,
    )
    if (
      d.delta < 0n ||
      d.delta >= suite.order ||
      !scalarBaseMultiply(suite, d.delta).equals(expected)
    ) {
      throw new FrostInvalidSecretShareError(d.sender, 'refresh delta')
    }
    signingShare = scalarMod(suite, signingShare + d.delta)
  }
  if (seen.size !== secret.participants.length - 1) {
    throw new FrostParametersError('Missing refresh deltas.')
  }
  const verifyingShares = new Map<number, GroupElement>()
  for (const id of secret.participants) {
    let element = pkg.verifyingShares.get(id)!
    for (const p of byId.values()) {
      element = element.add(
        evaluateCommitment(suite, [suite.identity, ...p.commitment], BigInt(id)),
      )
    }
    verifyingShares.set(id, element)
  }
  const publicKeyPackage: FrostPublicKeyPackage = {
    ciphersuite: suite,
    groupId: computeGroupId(suite, pkg.groupPublicKey),
    generation: pkg.generation + 1,
    threshold: pkg.threshold,
    groupPublicKey: pkg.groupPublicKey,
    verifyingShares,
  }
  return { identifier: secret.share.identifier, signingShare, publicKeyPackage }
}
