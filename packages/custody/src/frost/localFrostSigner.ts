// A FROST group behind core's `Signer` port in one process: every share is here, so this is for
// tests, benchmarks and ceremonies only. Production groups run across signer nodes
// (`createFrostCoordinatorSigner`), where each node verifies the authorization itself.
import type { KeyId, Signer, SigningAuthorization } from '@strongroom/core'
import { FrostParametersError } from './frostErrors.js'
import type { FrostKeyShare } from './keys.js'
import { frostAggregate, frostCommit, frostSign, frostVerifyingKey } from './signing.js'
import { type TaprootTweak, xOnly } from './taproot.js'

/** Checks an authorization for a payload and key; throws when it is refused. */
export type AuthorizationCheck = (parameters: {
  authorization: SigningAuthorization
  payload: Uint8Array
  keyId: string
}) => Promise<unknown>

/**
 * A {@link Signer} over `shares` (at least the threshold) held in this process. Ed25519 groups
 * sign as `ed25519`; Taproot groups as `bip340`, exposing the untweaked x-only internal key as
 * `publicKey` and signing for the tweaked output key when `tweak` is set (BIP-86: empty root).
 * @throws {FrostParametersError} on a plain secp256k1 group (no core signature scheme fits it).
 */
export function createLocalFrostSigner(parameters: {
  keyId: string
  shares: readonly FrostKeyShare[]
  verifyAuthorization: AuthorizationCheck
  tweak?: TaprootTweak | undefined
}): Signer {
  const { shares, keyId, tweak } = parameters
  const pkg = shares[0]?.publicKeyPackage
  if (pkg === undefined || shares.length < pkg.threshold)
    throw new FrostParametersError('Not enough shares.')
  const suite = pkg.ciphersuite
  if (suite.id === 'secp256k1')
    throw new FrostParametersError('FROST(secp256k1) signatures fit no Signer scheme.')
  const bip340 = suite.bip340
  return {
    keyId: keyId as KeyId,
    curve: bip340 ? 'secp256k1' : 'ed25519',
    scheme: bip340 ? 'bip340' : 'ed25519',
    publicKey: bip340 ? xOnly(pkg.groupPublicKey) : frostVerifyingKey(pkg),
    async sign(payload, authorization) {
      await parameters.verifyAuthorization({ authorization, payload, keyId })
      const signers = shares.slice(0, pkg.threshold)
      const nonces = signers.map((share) => frostCommit({ share }))
      const signingPackage = {
        message: payload,
        commitments: nonces.map((n) => n.commitments),
        tweak: bip340 ? tweak : undefined,
        group: { groupId: pkg.groupId, generation: pkg.generation },
      }
      const signatureShares = signers.map((share, i) =>
        frostSign({ share, nonces: nonces[i]!, signingPackage }),
      )
      return {
        signature: frostAggregate({ publicKeyPackage: pkg, signingPackage, signatureShares }),
      }
    },
  }
}
