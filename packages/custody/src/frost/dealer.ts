import { type RandomBytes, secureRandomBytes } from './bytes.js'
import type { FrostCiphersuite } from './ciphersuites.js'
import { FrostParametersError } from './frostErrors.js'
import {
  assertThreshold,
  type FrostKeyShare,
  type FrostPublicKeyPackage,
  publicKeyPackageFromCommitment,
} from './keys.js'
import { commitPolynomial, evaluatePolynomial, randomScalar } from './polynomial.js'

/** Result of {@link frostTrustedDealerKeygen}. */
export type FrostDealerResult = {
  readonly publicKeyPackage: FrostPublicKeyPackage
  readonly shares: readonly FrostKeyShare[]
}

/**
 * Trusted-dealer key generation (RFC 9591 App. C): splits `secret` (random when omitted) with a
 * degree `threshold - 1` polynomial into shares for identifiers 1…`maxSigners`. For tests,
 * ceremonies and migrations; in production prefer {@link frostDkgRound1} (no dealer ever holds
 * the whole key).
 * @throws {FrostParametersError} on bad counts or coefficients.
 */
export function frostTrustedDealerKeygen(parameters: {
  ciphersuite: FrostCiphersuite
  threshold: number
  maxSigners: number
  secret?: bigint | undefined
  /** Coefficients 1…threshold-1 (for replaying published vectors); random when omitted. */
  coefficients?: readonly bigint[] | undefined
  random?: RandomBytes | undefined
}): FrostDealerResult {
  const { ciphersuite: suite, threshold, maxSigners } = parameters
  assertThreshold(threshold, maxSigners)
  const random = parameters.random ?? secureRandomBytes
  const secret = parameters.secret ?? randomScalar(suite, random)
  if (secret <= 0n || secret >= suite.order)
    throw new FrostParametersError('The secret is out of range.')
  const rest =
    parameters.coefficients ??
    Array.from({ length: threshold - 1 }, () => randomScalar(suite, random))
  if (rest.length !== threshold - 1) {
    throw new FrostParametersError(`Need ${threshold - 1} coefficients, got ${rest.length}.`)
  }
  const coefficients = [secret, ...rest]
  const identifiers = Array.from({ length: maxSigners }, (_, i) => i + 1)
  const publicKeyPackage = publicKeyPackageFromCommitment({
    suite,
    commitment: commitPolynomial(suite, coefficients),
    identifiers,
    generation: 0,
  })
  const shares = identifiers.map((identifier) => ({
    identifier,
    signingShare: evaluatePolynomial(suite, coefficients, BigInt(identifier)),
    publicKeyPackage,
  }))
  return { publicKeyPackage, shares }
}
