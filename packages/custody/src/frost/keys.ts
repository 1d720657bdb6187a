import { sha256 } from '@noble/hashes/sha2.js'
import type { IssuePath } from '@strongroom/core'
import { concatBytes, parseHex, toHex, utf8ToBytes } from './bytes.js'
import {
  type FrostCiphersuite,
  type FrostCiphersuiteId,
  type GroupElement,
  getFrostCiphersuite,
  scalarBaseMultiply,
} from './ciphersuites.js'
import { FrostGroupMismatchError, FrostInputError, FrostParametersError } from './frostErrors.js'
import { evaluateCommitment, MAX_IDENTIFIER } from './polynomial.js'

/** The public side of a FROST group: what every participant and the coordinator know. */
export type FrostPublicKeyPackage = {
  readonly ciphersuite: FrostCiphersuite
  /** Stable id of the group: a hash of the ciphersuite and the group public key. */
  readonly groupId: string
  /** Refresh generation: 0 after key generation, +1 after each proactive refresh. */
  readonly generation: number
  /** Minimum number of signers (MIN_PARTICIPANTS). */
  readonly threshold: number
  /** The group public key (for the Taproot suite: the untweaked internal key, any Y parity). */
  readonly groupPublicKey: GroupElement
  /** Each participant's public verifying share `s_i * G`, by identifier. */
  readonly verifyingShares: ReadonlyMap<number, GroupElement>
}

/** One participant's secret share with the group's public package. */
export type FrostKeyShare = {
  readonly identifier: number
  readonly signingShare: bigint
  readonly publicKeyPackage: FrostPublicKeyPackage
}

/** JSON form of {@link FrostPublicKeyPackage} (hex encodings). */
export type SerializedFrostPublicKeyPackage = {
  ciphersuite: FrostCiphersuiteId
  groupId: string
  generation: number
  threshold: number
  groupPublicKey: string
  verifyingShares: Record<string, string>
}

/** JSON form of {@link FrostKeyShare}. */
export type SerializedFrostKeyShare = {
  identifier: number
  signingShare: string
  publicKeyPackage: SerializedFrostPublicKeyPackage
}

/** The id of the group with this public key: hex of the first 16 bytes of a SHA-256 digest. */
export function computeGroupId(suite: FrostCiphersuite, groupPublicKey: GroupElement): string {
  const digest = sha256(
    concatBytes(
      utf8ToBytes(`strongroom/frost/group/${suite.id}/`),
      suite.serializeElement(groupPublicKey),
    ),
  )
  return toHex(digest.subarray(0, 16))
}

/**
 * Checks an identifier: an integer in [1, 65535].
 * @throws {FrostInputError} `identifier`.
 */
export function assertIdentifier(value: unknown, path: IssuePath): asserts value is number {
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < 1 ||
    value > MAX_IDENTIFIER
  ) {
    throw new FrostInputError(`must be an integer in [1, ${MAX_IDENTIFIER}]`, {
      path,
      rule: 'identifier',
    })
  }
}

/** Checks threshold and participant counts. @throws {FrostParametersError} */
export function assertThreshold(threshold: number, maxSigners: number): void {
  if (!Number.isInteger(threshold) || !Number.isInteger(maxSigners)) {
    throw new FrostParametersError('Threshold and participant count must be integers.')
  }
  if (threshold < 2 || maxSigners < threshold || maxSigners > MAX_IDENTIFIER) {
    throw new FrostParametersError(
      `Need 2 <= threshold <= participants <= ${MAX_IDENTIFIER}; got ${threshold}-of-${maxSigners}.`,
    )
  }
}

/** Builds the public package from the group's summed VSS commitment. */
export function publicKeyPackageFromCommitment(parameters: {
  suite: FrostCiphersuite
  commitment: readonly GroupElement[]
  identifiers: readonly number[]
  generation: number
}): FrostPublicKeyPackage {
  const { suite, commitment, identifiers, generation } = parameters
  const groupPublicKey = commitment[0]
  if (groupPublicKey === undefined || groupPublicKey.is0()) {
    throw new FrostParametersError(
      'The group commitment is empty or its public key is the identity.',
    )
  }
  const verifyingShares = new Map<number, GroupElement>()
  for (const id of identifiers) {
    verifyingShares.set(id, evaluateCommitment(suite, commitment, BigInt(id)))
  }
  return {
    ciphersuite: suite,
    groupId: computeGroupId(suite, groupPublicKey),
    generation,
    threshold: commitment.length,
    groupPublicKey,
    verifyingShares,
  }
}

/** Serializes a public package to JSON-friendly hex. */
export function serializePublicKeyPackage(
  pkg: FrostPublicKeyPackage,
): SerializedFrostPublicKeyPackage {
  const suite = pkg.ciphersuite
  return {
    ciphersuite: suite.id,
    groupId: pkg.groupId,
    generation: pkg.generation,
    threshold: pkg.threshold,
    groupPublicKey: toHex(suite.serializeElement(pkg.groupPublicKey)),
    verifyingShares: Object.fromEntries(
      [...pkg.verifyingShares].map(([id, element]) => [
        String(id),
        toHex(suite.serializeElement(element)),
      ]),
    ),
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Parses and validates a serialized public package (points on the curve, group id consistent).
 * @throws {FrostInputError} naming the offending field.
 */
export function parsePublicKeyPackage(value: unknown, path: IssuePath = []): FrostPublicKeyPackage {
  if (!isRecord(value)) throw new FrostInputError('must be an object', { path, rule: 'type' })
  const suite = getFrostCiphersuite(value.ciphersuite, [...path, 'ciphersuite'])
  const { generation, threshold } = value
  if (typeof generation !== 'number' || !Number.isInteger(generation) || generation < 0) {
    throw new FrostInputError('must be a non-negative integer', {
      path: [...path, 'generation'],
      rule: 'type',
    })
  }
  if (typeof threshold !== 'number' || !Number.isInteger(threshold) || threshold < 2) {
    throw new FrostInputError('must be an integer >= 2', {
      path: [...path, 'threshold'],
      rule: 'type',
    })
  }
  const groupPublicKey = suite.deserializeElement(
    parseHex(value.groupPublicKey, [...path, 'groupPublicKey'], suite.elementLength),
    [...path, 'groupPublicKey'],
  )
  const groupId = computeGroupId(suite, groupPublicKey)
  if (value.groupId !== groupId) {
    throw new FrostInputError('does not match the group public key', {
      path: [...path, 'groupId'],
      rule: 'encoding',
    })
  }
  if (!isRecord(value.verifyingShares)) {
    throw new FrostInputError('must be an object', {
      path: [...path, 'verifyingShares'],
      rule: 'type',
    })
  }
  const verifyingShares = new Map<number, GroupElement>()
  for (const [key, hex] of Object.entries(value.verifyingShares)) {
    const fieldPath = [...path, 'verifyingShares', key]
    const id = Number(key)
    assertIdentifier(id, fieldPath)
    if (String(id) !== key)
      throw new FrostInputError('is not a canonical identifier', {
        path: fieldPath,
        rule: 'identifier',
      })
    verifyingShares.set(
      id,
      suite.deserializeElement(parseHex(hex, fieldPath, suite.elementLength), fieldPath),
    )
  }
  if (verifyingShares.size < threshold) {
    throw new FrostInputError('has fewer shares than the threshold', {
      path: [...path, 'verifyingShares'],
      rule: 'missing',
    })
  }
  return { ciphersuite: suite, groupId, generation, threshold, groupPublicKey, verifyingShares }
}

/** Serializes a key share (contains the secret share: store it encrypted). */
export function serializeKeyShare(share: FrostKeyShare): SerializedFrostKeyShare {
  const suite = share.publicKeyPackage.ciphersuite
  return {
    identifier: share.identifier,
    signingShare: toHex(suite.serializeScalar(share.signingShare)),
    publicKeyPackage: serializePublicKeyPackage(share.publicKeyPackage),
  }
}

/**
 * Parses a key share and checks that its secret matches its published verifying share.
 * @throws {FrostInputError} on malformed fields; {@link FrostGroupMismatchError} when the secret
 * does not belong to the package.
 */
export function parseKeyShare(value: unknown, path: IssuePath = []): FrostKeyShare {
  if (!isRecord(value)) throw new FrostInputError('must be an object', { path, rule: 'type' })
  assertIdentifier(value.identifier, [...path, 'identifier'])
  const publicKeyPackage = parsePublicKeyPackage(value.publicKeyPackage, [
    ...path,
    'publicKeyPackage',
  ])
  const suite = publicKeyPackage.ciphersuite
  const signingShare = suite.deserializeScalar(
    parseHex(value.signingShare, [...path, 'signingShare'], suite.scalarLength),
    [...path, 'signingShare'],
  )
  const share = { identifier: value.identifier, signingShare, publicKeyPackage }
  assertShareMatchesPackage(share)
  return share
}

/**
 * Checks that `share.signingShare * G` equals the package's verifying share for its identifier.
 * @throws {FrostGroupMismatchError}
 */
export function assertShareMatchesPackage(share: FrostKeyShare): void {
  const expected = share.publicKeyPackage.verifyingShares.get(share.identifier)
  const actual = scalarBaseMultiply(share.publicKeyPackage.ciphersuite, share.signingShare)
  if (expected === undefined || !expected.equals(actual)) {
    throw new FrostGroupMismatchError(
      `The signing share of participant ${share.identifier} does not match the group's verifying share.`,
    )
  }
}
