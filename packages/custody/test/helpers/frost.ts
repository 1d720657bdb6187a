import type { FrostCiphersuite } from '../../src/frost/ciphersuites.js'
import {
  type DkgRound2Package,
  frostDkgFinish,
  frostDkgRound1,
  frostDkgRound2,
} from '../../src/frost/dkg.js'
import type { FrostKeyShare } from '../../src/frost/keys.js'
import {
  frostAggregate,
  frostCommit,
  frostSign,
  type SignatureShare,
  type SigningPackage,
} from '../../src/frost/signing.js'
import type { TaprootTweak } from '../../src/frost/taproot.js'

/** Runs the DKG among `n` in-process participants and returns their key shares. */
export function runDkg(suite: FrostCiphersuite, threshold: number, n: number): FrostKeyShare[] {
  const sessionId = new TextEncoder().encode(`dkg-${suite.id}-${threshold}-${n}`)
  const secrets = Array.from({ length: n }, (_, i) =>
    frostDkgRound1({ ciphersuite: suite, identifier: i + 1, threshold, maxSigners: n, sessionId }),
  )
  const round1 = secrets.map((s) => s.package)
  const round2: DkgRound2Package[] = secrets.flatMap((secret) =>
    frostDkgRound2({ secret, round1Packages: round1 }),
  )
  return secrets.map((secret) =>
    frostDkgFinish({
      secret,
      round1Packages: round1,
      round2Packages: round2.filter((p) => p.recipient === secret.identifier),
    }),
  )
}

/** Signs `message` with the given signers in process; returns the package, shares and signature. */
export function signWith(
  signers: readonly FrostKeyShare[],
  message: Uint8Array,
  tweak?: TaprootTweak,
): { signingPackage: SigningPackage; shares: SignatureShare[]; signature: Uint8Array } {
  const nonces = signers.map((share) => frostCommit({ share }))
  const signingPackage: SigningPackage = {
    message,
    commitments: nonces.map((n) => n.commitments),
    tweak,
  }
  const shares = signers.map((share, i) => frostSign({ share, nonces: nonces[i]!, signingPackage }))
  const signature = frostAggregate({
    publicKeyPackage: signers[0]!.publicKeyPackage,
    signingPackage,
    signatureShares: shares,
  })
  return { signingPackage, shares, signature }
}
