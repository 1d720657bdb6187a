// FROST two-round signing, RFC 9591 §4 and §5: nonce generation and commitment (round one),
// signature shares (round two), share verification (identifying a cheater) and aggregation.
import { ed25519 } from '@noble/curves/ed25519.js'
import { schnorr } from '@noble/curves/secp256k1.js'
import { verifyEd25519 } from '../crypto/ed25519.js'
import { concatBytes, type RandomBytes, secureRandomBytes } from './bytes.js'
import {
  type FrostCiphersuite,
  type GroupElement,
  multiplyPublic,
  scalarBaseMultiply,
  scalarMod,
  scalarMultiply,
} from './ciphersuites.js'
import {
  FrostGroupMismatchError,
  FrostInvalidSignatureError,
  FrostInvalidSignatureShareError,
  FrostNonceReusedError,
  FrostParametersError,
} from './frostErrors.js'
import type { FrostKeyShare, FrostPublicKeyPackage } from './keys.js'
import { lagrangeCoefficient } from './polynomial.js'
import { computeChallenge, keyContext, type SigningSession, sessionValues } from './session.js'
import { hasEvenY, type TaprootTweak, xOnly } from './taproot.js'

/** A participant's public nonce commitments for one signing session (round one output). */
export type SigningCommitments = {
  readonly identifier: number
  readonly hiding: GroupElement
  readonly binding: GroupElement
}

/**
 * A participant's secret nonces for one signing session. Single-use: {@link frostSign} wipes them,
 * and a second use throws {@link FrostNonceReusedError}.
 */
export type SigningNonces = {
  readonly commitments: SigningCommitments
  /** @internal */
  readonly secret: { hiding: bigint; binding: bigint; used: boolean }
}

/** What the coordinator sends to every signer in round two. */
export type SigningPackage = {
  readonly message: Uint8Array
  /** One entry per signer; order does not matter (the protocol sorts by identifier). */
  readonly commitments: readonly SigningCommitments[]
  /** Taproot suite only: sign for the tweaked output key (`merkleRoot` empty for BIP-86). */
  readonly tweak?: TaprootTweak | undefined
  /**
   * The group and refresh generation the coordinator means; a signer whose share is of another
   * group or generation refuses ({@link FrostGroupMismatchError}), so old and new shares never mix.
   */
  readonly group?: { readonly groupId: string; readonly generation: number } | undefined
}

/** A signature share from one participant. */
export type SignatureShare = { readonly identifier: number; readonly share: bigint }

/** RFC 9591 §4.1 `nonce_generate`: `H3(random_bytes(32) || SerializeScalar(secret))`. */
export function nonceGenerate(
  suite: FrostCiphersuite,
  secret: bigint,
  random: RandomBytes,
): bigint {
  return suite.H3(concatBytes(random(32), suite.serializeScalar(secret)))
}

/** Builds nonces from given scalars (used to replay published test vectors and persisted nonces). */
export function signingNoncesFromScalars(
  suite: FrostCiphersuite,
  identifier: number,
  hiding: bigint,
  binding: bigint,
): SigningNonces {
  return {
    commitments: {
      identifier,
      hiding: scalarBaseMultiply(suite, hiding),
      binding: scalarBaseMultiply(suite, binding),
    },
    secret: { hiding, binding, used: false },
  }
}

/**
 * Builds nonces from given scalars and their already computed commitments (a signer that kept
 * the commitments it published need not multiply again). The caller vouches that `commitments`
 * are `hiding·G` and `binding·G`.
 */
export function signingNoncesFromCommitments(
  commitments: SigningCommitments,
  hiding: bigint,
  binding: bigint,
): SigningNonces {
  return { commitments, secret: { hiding, binding, used: false } }
}

/** Round one (RFC 9591 §5.1 `commit`): fresh hiding and binding nonces and their commitments. */
export function frostCommit(parameters: {
  share: FrostKeyShare
  random?: RandomBytes | undefined
}): SigningNonces {
  const { share } = parameters
  const random = parameters.random ?? secureRandomBytes
  const suite = share.publicKeyPackage.ciphersuite
  const hiding = nonceGenerate(suite, share.signingShare, random)
  const binding = nonceGenerate(suite, share.signingShare, random)
  return signingNoncesFromScalars(suite, share.identifier, hiding, binding)
}

/**
 * Round two (RFC 9591 §5.2 `sign`): this participant's signature share. Consumes `nonces`.
 * @throws {FrostNonceReusedError} when the nonces were already used.
 * @throws {FrostParametersError} when the package does not carry this participant's commitments.
 */
export function frostSign(parameters: {
  share: FrostKeyShare
  nonces: SigningNonces
  signingPackage: SigningPackage
}): SignatureShare {
  const { share, nonces, signingPackage } = parameters
  if (nonces.secret.used) throw new FrostNonceReusedError()
  assertPackageGroup(share.publicKeyPackage, signingPackage)
  assertNoncesFit(share, nonces, signingPackage)
  return frostSignFinish({ prepared: frostSignPrepare({ share, signingPackage }), nonces })
}

/** What round two derives from the signing package and the share, before any nonce is touched. */
export type PreparedSignatureShare = {
  readonly share: FrostKeyShare
  readonly signingPackage: SigningPackage
  /** @internal */
  readonly values: {
    rho: bigint
    nonceSign: bigint
    keyTerm: bigint
    groupCommitment: GroupElement
  }
}

/**
 * Round two, first half: the binding factors, group commitment and challenge (public values)
 * and the key term `λ·s·c`. A signer node computes this while its nonce's use is being made
 * durable, and {@link frostSignFinish} only then touches the nonces.
 * @throws {FrostGroupMismatchError} when the package is for another group or generation.
 * @throws {FrostParametersError} on an invalid commitment list.
 */
export function frostSignPrepare(parameters: {
  share: FrostKeyShare
  signingPackage: SigningPackage
}): PreparedSignatureShare {
  const { share, signingPackage } = parameters
  const pkg = share.publicKeyPackage
  const suite = pkg.ciphersuite
  assertPackageGroup(pkg, signingPackage)
  const session = sessionValues(pkg, signingPackage)
  const lambda = lagrangeCoefficient(suite, session.identifiers, BigInt(share.identifier))
  const rho = session.bindingFactors.get(share.identifier)
  if (rho === undefined)
    throw new FrostParametersError(
      `The signing package does not carry participant ${share.identifier}'s commitments.`,
    )
  return {
    share,
    signingPackage,
    values: {
      rho,
      nonceSign: session.nonceSign,
      groupCommitment: session.groupCommitment,
      keyTerm: scalarMod(suite, lambda * share.signingShare * session.challenge * session.keySign),
    },
  }
}

/**
 * Round two, second half: the signature share from the prepared values and the nonces, which it
 * consumes (wiped before use, so an exception cannot leave them reusable).
 * @throws {FrostNonceReusedError} when the nonces were already used.
 * @throws {FrostParametersError} when the package does not carry these nonces' commitments.
 */
export function frostSignFinish(parameters: {
  prepared: PreparedSignatureShare
  nonces: SigningNonces
}): SignatureShare {
  const { prepared, nonces } = parameters
  const { share, values } = prepared
  assertNoncesFit(share, nonces, prepared.signingPackage)
  const { hiding, binding } = nonces.secret
  // Single use: wipe before computing, so an exception cannot leave the nonces reusable.
  nonces.secret.used = true
  nonces.secret.hiding = 0n
  nonces.secret.binding = 0n
  const z = scalarMod(
    share.publicKeyPackage.ciphersuite,
    values.nonceSign * (hiding + binding * values.rho) + values.keyTerm,
  )
  return { identifier: share.identifier, share: z }
}

/** The package names this share's group and generation (when it names one). */
function assertPackageGroup(pkg: FrostPublicKeyPackage, signingPackage: SigningPackage): void {
  if (
    signingPackage.group !== undefined &&
    (signingPackage.group.groupId !== pkg.groupId ||
      signingPackage.group.generation !== pkg.generation)
  ) {
    throw new FrostGroupMismatchError(
      `The signing package is for group ${signingPackage.group.groupId} generation ${signingPackage.group.generation}; this share is group ${pkg.groupId} generation ${pkg.generation}.`,
    )
  }
}

/** The nonces are unused, this participant's, and the ones the package commits to. */
function assertNoncesFit(
  share: FrostKeyShare,
  nonces: SigningNonces,
  signingPackage: SigningPackage,
): void {
  if (nonces.secret.used) throw new FrostNonceReusedError()
  if (nonces.commitments.identifier !== share.identifier) {
    throw new FrostParametersError('These nonces belong to another participant.')
  }
  const mine = signingPackage.commitments.find((c) => c.identifier === share.identifier)
  if (
    mine === undefined ||
    !mine.hiding.equals(nonces.commitments.hiding) ||
    !mine.binding.equals(nonces.commitments.binding)
  ) {
    throw new FrostParametersError(
      `The signing package does not carry participant ${share.identifier}'s commitments.`,
    )
  }
}

/** RFC 9591 §5.4 `verify_signature_share` (with the BIP-340 sign adjustments for Taproot). */
function verifyShare(
  pkg: FrostPublicKeyPackage,
  session: SigningSession,
  share: SignatureShare,
): boolean {
  const suite = pkg.ciphersuite
  const commitment = session.commitments.find((c) => c.identifier === share.identifier)
  const verifyingShare = pkg.verifyingShares.get(share.identifier)
  if (commitment === undefined || verifyingShare === undefined) return false
  if (share.share < 0n || share.share >= suite.order) return false
  const rho = session.bindingFactors.get(share.identifier)!
  // gR·(D + ρ·E) + (c·λ·keySign)·Y in one multi-scalar multiplication.
  const sign = session.nonceSign
  const lambda = lagrangeCoefficient(suite, session.identifiers, BigInt(share.identifier))
  const left = multiplyPublic(suite, suite.generator, share.share) // public: variable time
  const right = (sign === -1n ? commitment.hiding.negate() : commitment.hiding).add(
    suite.multiScalarMultiply(
      [commitment.binding, verifyingShare],
      [
        scalarMod(suite, sign * rho),
        scalarMod(suite, session.challenge * lambda * session.keySign),
      ],
    ),
  )
  return left.equals(right)
}

/**
 * Verifies each signature share against the signer's verifying share and returns the identifiers
 * of the invalid ones (empty when all are valid). Missing or unexpected shares count as invalid.
 */
export function findInvalidSignatureShares(parameters: {
  publicKeyPackage: FrostPublicKeyPackage
  signingPackage: SigningPackage
  signatureShares: readonly SignatureShare[]
}): number[] {
  const { publicKeyPackage: pkg, signingPackage } = parameters
  return invalidShares(pkg, sessionValues(pkg, signingPackage), parameters.signatureShares)
}

function invalidShares(
  pkg: FrostPublicKeyPackage,
  session: SigningSession,
  signatureShares: readonly SignatureShare[],
): number[] {
  const culprits = new Set<number>()
  const byId = new Map<number, SignatureShare>()
  for (const s of signatureShares) {
    if (byId.has(s.identifier)) culprits.add(s.identifier)
    byId.set(s.identifier, s)
  }
  for (const c of session.commitments) {
    const s = byId.get(c.identifier)
    if (s === undefined || !verifyShare(pkg, session, s)) culprits.add(c.identifier)
  }
  for (const id of byId.keys()) {
    if (!session.commitments.some((c) => c.identifier === id)) culprits.add(id)
  }
  return [...culprits].sort((a, b) => a - b)
}

/** What aggregation derives from the packages alone, before any share arrives. */
export type PreparedAggregate = {
  readonly publicKeyPackage: FrostPublicKeyPackage
  readonly signingPackage: SigningPackage
  /** @internal */
  readonly session: SigningSession
}

/**
 * The binding factors, group commitment and challenge of a signing package: a coordinator
 * computes them while the signers compute their shares, and passes them to
 * {@link frostAggregate}.
 * @throws {FrostParametersError} on an invalid commitment list.
 */
export function frostAggregatePrepare(parameters: {
  publicKeyPackage: FrostPublicKeyPackage
  signingPackage: SigningPackage
}): PreparedAggregate {
  const { publicKeyPackage, signingPackage } = parameters
  return {
    publicKeyPackage,
    signingPackage,
    session: sessionValues(publicKeyPackage, signingPackage),
  }
}

/**
 * Aggregates signature shares (RFC 9591 §5.3). The aggregate is verified first (one signature
 * verification); only when it fails are the shares verified one by one, so that a participant
 * sending a bad share is identified at no cost to honest runs.
 * @throws {FrostInvalidSignatureShareError} naming the culprits.
 * @throws {FrostInvalidSignatureError} if the result does not verify although every share does.
 */
export function frostAggregate(parameters: {
  publicKeyPackage: FrostPublicKeyPackage
  signingPackage: SigningPackage
  signatureShares: readonly SignatureShare[]
  /** From {@link frostAggregatePrepare} with the same two packages (ignored otherwise). */
  prepared?: PreparedAggregate | undefined
}): Uint8Array {
  const { publicKeyPackage: pkg, signingPackage, signatureShares, prepared } = parameters
  const suite = pkg.ciphersuite
  const session =
    prepared?.publicKeyPackage === pkg && prepared.signingPackage === signingPackage
      ? prepared.session
      : sessionValues(pkg, signingPackage)
  const ids = new Set(signatureShares.map((s) => s.identifier))
  const complete =
    ids.size === signatureShares.length &&
    signatureShares.length === session.commitments.length &&
    session.commitments.every((c) => ids.has(c.identifier)) &&
    signatureShares.every((s) => s.share >= 0n && s.share < suite.order)
  if (complete) {
    let z = 0n
    for (const s of signatureShares) z += s.share
    if (session.key.bip340)
      z += session.challenge * session.key.bip340.outputSign * session.key.bip340.tweak
    z = scalarMod(suite, z)
    const signature = encodeSignature(suite, session.groupCommitment, z)
    if (aggregateVerifies(suite, session, z, signature, signingPackage.message)) return signature
  }
  const culprits = invalidShares(pkg, session, signatureShares)
  if (culprits.length > 0) throw new FrostInvalidSignatureShareError(culprits)
  throw new FrostInvalidSignatureError()
}

/** The single-signer encoding: `R ‖ z` (x-only R for BIP-340). */
function encodeSignature(suite: FrostCiphersuite, R: GroupElement, z: bigint): Uint8Array {
  return suite.bip340
    ? concatBytes(xOnly(R), suite.serializeScalar(z))
    : concatBytes(suite.serializeElement(R), suite.serializeScalar(z))
}

/**
 * Aggregates with the group commitment the signers reported (`SerializeElement(R)`, as each
 * computed it in round two) instead of deriving the binding factors and the group commitment
 * again: the sum of the shares, then one verification of the result as a single-signer
 * signature. Returns the signature when it verifies, `undefined` otherwise (a wrong or
 * malformed commitment, a missing or bad share): the caller then runs {@link frostAggregate},
 * which names the culprits. A signature returned here verifies under the group key (or the
 * tweaked output key) for the package's message, whoever supplied the commitment.
 */
export function frostAggregateWithCommitment(parameters: {
  publicKeyPackage: FrostPublicKeyPackage
  signingPackage: SigningPackage
  groupCommitment: Uint8Array
  signatureShares: readonly SignatureShare[]
}): Uint8Array | undefined {
  const { publicKeyPackage: pkg, signingPackage, signatureShares } = parameters
  const suite = pkg.ciphersuite
  const ids = new Set(signatureShares.map((s) => s.identifier))
  if (
    ids.size !== signatureShares.length ||
    signatureShares.length !== signingPackage.commitments.length ||
    !signingPackage.commitments.every((c) => ids.has(c.identifier)) ||
    !signatureShares.every((s) => s.share >= 0n && s.share < suite.order) ||
    parameters.groupCommitment.length !== suite.elementLength
  )
    return undefined
  let z = 0n
  for (const s of signatureShares) z += s.share
  const key = keyContext(pkg, signingPackage.tweak)
  const message = signingPackage.message
  if (suite.id === 'ed25519') {
    // RFC 8032 verification decodes R and compares encodings: no decoding needed here.
    const signature = concatBytes(parameters.groupCommitment, suite.serializeScalar(z))
    return verifyEd25519(suite.serializeElement(key.verifyingKey), message, signature)
      ? signature
      : undefined
  }
  let groupCommitment: GroupElement
  try {
    groupCommitment = suite.deserializeElement(parameters.groupCommitment)
  } catch {
    return undefined
  }
  const challenge = computeChallenge(suite, groupCommitment, key.verifyingKey, message)
  if (key.bip340) z += challenge * key.bip340.outputSign * key.bip340.tweak
  z = scalarMod(suite, z)
  const nonceSign = key.bip340 && !hasEvenY(groupCommitment) ? -1n : 1n
  const signature = encodeSignature(suite, groupCommitment, z)
  return aggregateVerifies(
    suite,
    { key, groupCommitment, nonceSign, challenge },
    z,
    signature,
    message,
  )
    ? signature
    : undefined
}

/**
 * Whether the aggregate `signature` (with scalar `z`) verifies. Ed25519: RFC 8032 verification by
 * OpenSSL (`node:crypto`). The other suites: `z·G == R' + c·PK` with the points already in hand
 * (R' is the even-Y commitment for BIP-340), what the single-signer verifier checks after
 * decoding the signature; public values, so variable-time multiplications with the base point's
 * and the verifying key's precomputed tables.
 */
function aggregateVerifies(
  suite: FrostCiphersuite,
  session: Pick<SigningSession, 'key' | 'groupCommitment' | 'nonceSign' | 'challenge'>,
  z: bigint,
  signature: Uint8Array,
  message: Uint8Array,
): boolean {
  if (suite.id === 'ed25519')
    return verifyEd25519(suite.serializeElement(session.key.verifyingKey), message, signature)
  const R = session.nonceSign === -1n ? session.groupCommitment.negate() : session.groupCommitment
  const right = R.add(multiplyPublic(suite, session.key.verifyingKey, session.challenge))
  return multiplyPublic(suite, suite.generator, z).equals(right)
}

/**
 * The public key signatures of this group verify under: 32-byte Ed25519, 33-byte compressed
 * secp256k1, or 32-byte x-only BIP-340 (the tweaked output key when `tweak` is given).
 */
export function frostVerifyingKey(pkg: FrostPublicKeyPackage, tweak?: TaprootTweak): Uint8Array {
  const suite = pkg.ciphersuite
  const key = keyContext(pkg, tweak)
  return suite.bip340 ? xOnly(key.verifyingKey) : suite.serializeElement(key.verifyingKey)
}

/**
 * Verifies a FROST signature as a single-signer signature of the ciphersuite: RFC 8032 Ed25519,
 * RFC 9591 secp256k1 Schnorr (`z*G == R + c*PK`), or BIP-340. Never throws on bad input.
 */
export function frostVerify(parameters: {
  ciphersuite: FrostCiphersuite
  publicKey: Uint8Array
  message: Uint8Array
  signature: Uint8Array
}): boolean {
  const { ciphersuite: suite, publicKey, message, signature } = parameters
  try {
    if (signature.length !== suite.signatureLength) return false
    if (suite.id === 'ed25519')
      return ed25519.verify(signature, message, publicKey, { zip215: false })
    if (suite.bip340) return schnorr.verify(signature, message, publicKey)
    const R = suite.deserializeElement(signature.subarray(0, 33))
    const z = suite.deserializeScalar(signature.subarray(33))
    const PK = suite.deserializeElement(publicKey)
    const c = computeChallenge(suite, R, PK, message)
    return scalarBaseMultiply(suite, z).equals(R.add(scalarMultiply(suite, PK, c)))
  } catch {
    return false
  }
}

/**
 * Checks that every key share named in `shares` is from the same group and generation.
 * @throws {FrostGroupMismatchError}
 */
export function assertSameGroup(pkg: FrostPublicKeyPackage, other: FrostPublicKeyPackage): void {
  if (pkg.groupId !== other.groupId || pkg.ciphersuite.id !== other.ciphersuite.id) {
    throw new FrostGroupMismatchError(`Group ${other.groupId} is not group ${pkg.groupId}.`)
  }
  if (pkg.generation !== other.generation) {
    throw new FrostGroupMismatchError(
      `Share generation ${other.generation} cannot be mixed with generation ${pkg.generation}.`,
    )
  }
}
