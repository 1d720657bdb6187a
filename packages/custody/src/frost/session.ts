// FROST session values (RFC 9591 §4.3–4.6): what signers and the coordinator derive from a
// signing package alone — the binding factors, the group commitment and the challenge — and the
// key a signature verifies under (the tweaked output key for BIP-340).
import { bytesToNumberBE } from '@noble/curves/utils.js'
import { concatBytes } from './bytes.js'
import {
  type FrostCiphersuite,
  type GroupElement,
  precomputePublicElement,
  scalarMod,
} from './ciphersuites.js'
import { FrostParametersError } from './frostErrors.js'
import type { FrostPublicKeyPackage } from './keys.js'
import type { SigningCommitments, SigningPackage } from './signing.js'
import {
  type Bip340KeyContext,
  bip340KeyContext,
  hasEvenY,
  type TaprootTweak,
  taggedHash,
  xOnly,
} from './taproot.js'

/** Sorted, duplicate-free commitment list. @throws {FrostParametersError} */
function sortedCommitments(
  pkg: FrostPublicKeyPackage,
  commitments: readonly SigningCommitments[],
): SigningCommitments[] {
  const sorted = [...commitments].sort((a, b) => a.identifier - b.identifier)
  for (let i = 0; i < sorted.length; i++) {
    const id = sorted[i]!.identifier
    if (i > 0 && sorted[i - 1]!.identifier === id) {
      throw new FrostParametersError(`Participant ${id} appears twice in the signing package.`)
    }
    if (!pkg.verifyingShares.has(id)) {
      throw new FrostParametersError(`Participant ${id} is not a member of group ${pkg.groupId}.`)
    }
  }
  if (sorted.length < pkg.threshold) {
    throw new FrostParametersError(
      `The signing package has ${sorted.length} signers; the threshold is ${pkg.threshold}.`,
    )
  }
  return sorted
}

/** RFC 9591 §4.3 `encode_group_commitment_list`. */
export function encodeGroupCommitmentList(
  suite: FrostCiphersuite,
  commitments: readonly SigningCommitments[],
): Uint8Array {
  return concatBytes(
    ...commitments.flatMap((c) => [
      suite.serializeScalar(BigInt(c.identifier)),
      suite.serializeElement(c.hiding),
      suite.serializeElement(c.binding),
    ]),
  )
}

/** The key the signature verifies under, and for BIP-340 the sign/tweak context. */
export type KeyContext = { verifyingKey: GroupElement; bip340: Bip340KeyContext | undefined }

const keyContextCache = new WeakMap<FrostPublicKeyPackage, Map<string, KeyContext>>()

export function keyContext(
  pkg: FrostPublicKeyPackage,
  tweak: TaprootTweak | undefined,
): KeyContext {
  const cacheKey =
    tweak === undefined
      ? '-'
      : Array.from(tweak.merkleRoot, (b) => b.toString(16).padStart(2, '0')).join('')
  let cache = keyContextCache.get(pkg)
  if (cache === undefined) {
    cache = new Map()
    keyContextCache.set(pkg, cache)
  }
  const hit = cache.get(cacheKey)
  if (hit !== undefined) return hit
  const value = computeKeyContext(pkg, tweak)
  if (cache.size < 64) cache.set(cacheKey, value)
  return value
}

function computeKeyContext(
  pkg: FrostPublicKeyPackage,
  tweak: TaprootTweak | undefined,
): KeyContext {
  const suite = pkg.ciphersuite
  if (!suite.bip340) {
    if (tweak !== undefined) {
      throw new FrostParametersError(
        `A Taproot tweak needs the secp256k1-tr suite, not ${suite.id}.`,
      )
    }
    return { verifyingKey: precomputePublicElement(pkg.groupPublicKey), bip340: undefined }
  }
  const context = bip340KeyContext(suite, pkg.groupPublicKey, tweak)
  return { verifyingKey: precomputePublicElement(context.outputKey), bip340: context }
}

/** RFC 9591 §4.4 `compute_binding_factors` (the prefix shared by all signers, then per id). */
export function computeBindingFactors(
  suite: FrostCiphersuite,
  verifyingKey: GroupElement,
  commitments: readonly SigningCommitments[],
  message: Uint8Array,
): Map<number, bigint> {
  const prefix = concatBytes(
    suite.serializeElement(verifyingKey),
    suite.H4(message),
    suite.H5(encodeGroupCommitmentList(suite, commitments)),
  )
  const factors = new Map<number, bigint>()
  for (const c of commitments) {
    factors.set(
      c.identifier,
      suite.H1(concatBytes(prefix, suite.serializeScalar(BigInt(c.identifier)))),
    )
  }
  return factors
}

/** RFC 9591 §4.5 `compute_group_commitment`. */
export function computeGroupCommitment(
  suite: FrostCiphersuite,
  commitments: readonly SigningCommitments[],
  bindingFactors: ReadonlyMap<number, bigint>,
): GroupElement {
  let hiding = suite.identity
  for (const c of commitments) hiding = hiding.add(c.hiding)
  return hiding.add(
    suite.multiScalarMultiply(
      commitments.map((c) => c.binding),
      commitments.map((c) => bindingFactors.get(c.identifier)!),
    ),
  )
}

/** RFC 9591 §4.6 `compute_challenge`, or the BIP-340 challenge for the Taproot suite. */
export function computeChallenge(
  suite: FrostCiphersuite,
  groupCommitment: GroupElement,
  verifyingKey: GroupElement,
  message: Uint8Array,
): bigint {
  if (suite.bip340) {
    const digest = taggedHash(
      'BIP0340/challenge',
      xOnly(groupCommitment),
      xOnly(verifyingKey),
      message,
    )
    return scalarMod(suite, bytesToNumberBE(digest))
  }
  return suite.H2(
    concatBytes(
      suite.serializeElement(groupCommitment),
      suite.serializeElement(verifyingKey),
      message,
    ),
  )
}

/** Everything round two and aggregation derive from the signing package (public values). */
export type SigningSession = {
  commitments: SigningCommitments[]
  identifiers: bigint[]
  bindingFactors: Map<number, bigint>
  groupCommitment: GroupElement
  /** ±1: negate nonces when the group commitment has odd Y (BIP-340 only). */
  nonceSign: bigint
  /** ±1 applied to each secret share (BIP-340 only: gQ * gP). */
  keySign: bigint
  challenge: bigint
  key: KeyContext
}

export function sessionValues(
  pkg: FrostPublicKeyPackage,
  signingPackage: SigningPackage,
): SigningSession {
  const suite = pkg.ciphersuite
  const commitments = sortedCommitments(pkg, signingPackage.commitments)
  const key = keyContext(pkg, signingPackage.tweak)
  const bindingFactors = computeBindingFactors(
    suite,
    key.verifyingKey,
    commitments,
    signingPackage.message,
  )
  const groupCommitment = computeGroupCommitment(suite, commitments, bindingFactors)
  if (groupCommitment.is0()) throw new FrostParametersError('The group commitment is the identity.')
  const challenge = computeChallenge(
    suite,
    groupCommitment,
    key.verifyingKey,
    signingPackage.message,
  )
  const nonceSign = key.bip340 && !hasEvenY(groupCommitment) ? -1n : 1n
  const keySign = key.bip340 ? key.bip340.internalSign * key.bip340.outputSign : 1n
  return {
    commitments,
    identifiers: commitments.map((c) => BigInt(c.identifier)),
    bindingFactors,
    groupCommitment,
    nonceSign,
    keySign,
    challenge,
    key,
  }
}
