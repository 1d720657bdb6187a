import { ed25519 } from '@noble/curves/ed25519.js'
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { runDkg, signWith } from '../../test/helpers/frost.js'
import {
  frostEd25519,
  frostSecp256k1,
  frostSecp256k1Taproot,
  scalarBaseMultiply,
} from './ciphersuites.js'
import { frostTrustedDealerKeygen } from './dealer.js'
import { frostDkgFinish, frostDkgRound1, frostDkgRound2 } from './dkg.js'
import {
  FrostGroupMismatchError,
  FrostInputError,
  FrostInvalidProofError,
  FrostInvalidSecretShareError,
  FrostInvalidSignatureShareError,
  FrostNonceReusedError,
  FrostParametersError,
} from './frostErrors.js'
import { parseKeyShare, serializeKeyShare } from './keys.js'
import { lagrangeCoefficient } from './polynomial.js'
import { frostRefreshFinish, frostRefreshRound1, frostRefreshRound2 } from './refresh.js'
import { frostRepairStep1, frostRepairStep2, frostRepairStep3 } from './repair.js'
import {
  findInvalidSignatureShares,
  frostAggregate,
  frostCommit,
  frostSign,
  frostVerify,
  frostVerifyingKey,
} from './signing.js'
import { hasEvenY, taprootOutputKey, xOnly } from './taproot.js'

const suites = [frostEd25519, frostSecp256k1, frostSecp256k1Taproot]
const msg = new TextEncoder().encode('withdraw 1.5 BTC to bc1q…')

describe.each(suites)('FROST $id', (suite) => {
  const shares = runDkg(suite, 3, 5)
  const pkg = shares[0]!.publicKeyPackage

  it('DKG gives every participant the same group key, consistent verifying shares', () => {
    for (const share of shares) {
      expect(share.publicKeyPackage.groupId).toBe(pkg.groupId)
      expect(share.publicKeyPackage.groupPublicKey.equals(pkg.groupPublicKey)).toBe(true)
      expect(
        scalarBaseMultiply(suite, share.signingShare).equals(
          pkg.verifyingShares.get(share.identifier)!,
        ),
      ).toBe(true)
    }
    // Any 3 shares interpolate to the same secret, whose public key is the group key.
    const pick = [shares[0]!, shares[2]!, shares[4]!]
    const xs = pick.map((s) => BigInt(s.identifier))
    let secret = 0n
    for (const s of pick)
      secret += lagrangeCoefficient(suite, xs, BigInt(s.identifier)) * s.signingShare
    expect(scalarBaseMultiply(suite, secret % suite.order).equals(pkg.groupPublicKey)).toBe(true)
  })

  it('any 3 of 5 sign; the signature verifies with the standard single-signer verifier', () => {
    for (const set of [
      [1, 2, 3],
      [1, 3, 5],
      [2, 4, 5],
      [3, 4, 5, 1],
    ]) {
      const signers = set.map((id) => shares[id - 1]!)
      const { signature } = signWith(signers, msg)
      const publicKey = frostVerifyingKey(pkg)
      expect(frostVerify({ ciphersuite: suite, publicKey, message: msg, signature })).toBe(true)
      if (suite.id === 'ed25519') expect(ed25519.verify(signature, msg, publicKey)).toBe(true)
      if (suite.id === 'secp256k1-tr') expect(schnorr.verify(signature, msg, publicKey)).toBe(true)
      expect(
        frostVerify({ ciphersuite: suite, publicKey, message: new Uint8Array([1]), signature }),
      ).toBe(false)
    }
  })

  it('fewer than the threshold cannot form a signing package', () => {
    expect(() => signWith([shares[0]!, shares[1]!], msg)).toThrow(FrostParametersError)
  })

  it('identifies a participant that sends an invalid signature share', () => {
    const signers = [shares[0]!, shares[1]!, shares[3]!]
    const nonces = signers.map((share) => frostCommit({ share }))
    const signingPackage = { message: msg, commitments: nonces.map((n) => n.commitments) }
    const sigShares = signers.map((share, i) =>
      frostSign({ share, nonces: nonces[i]!, signingPackage }),
    )
    const bad = sigShares.map((s) =>
      s.identifier === 4 ? { ...s, share: (s.share + 1n) % suite.order } : s,
    )
    expect(
      findInvalidSignatureShares({ publicKeyPackage: pkg, signingPackage, signatureShares: bad }),
    ).toEqual([4])
    const error = (() => {
      try {
        frostAggregate({ publicKeyPackage: pkg, signingPackage, signatureShares: bad })
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect(error).toBeInstanceOf(FrostInvalidSignatureShareError)
    expect((error as FrostInvalidSignatureShareError).culprits).toEqual([4])
    expect((error as FrostInvalidSignatureShareError).code).toBe(
      'CUSTODY_FROST_INVALID_SIGNATURE_SHARE',
    )
  })

  it('nonces are single-use', () => {
    const signers = [shares[0]!, shares[1]!, shares[2]!]
    const nonces = signers.map((share) => frostCommit({ share }))
    const signingPackage = { message: msg, commitments: nonces.map((n) => n.commitments) }
    frostSign({ share: signers[0]!, nonces: nonces[0]!, signingPackage })
    expect(() => frostSign({ share: signers[0]!, nonces: nonces[0]!, signingPackage })).toThrow(
      FrostNonceReusedError,
    )
  })

  it('refresh changes every share, keeps the group key, and old and new shares cannot be mixed', () => {
    const secrets = shares.map((share) =>
      frostRefreshRound1({ share, participants: [1, 2, 3, 4, 5] }),
    )
    const round1 = secrets.map((s) => s.package)
    const deltas = secrets.flatMap((s) => frostRefreshRound2(s))
    const refreshed = secrets.map((secret) =>
      frostRefreshFinish({
        secret,
        round1Packages: round1,
        round2Packages: deltas.filter((d) => d.recipient === secret.share.identifier),
      }),
    )
    const newPkg = refreshed[0]!.publicKeyPackage
    expect(newPkg.generation).toBe(1)
    expect(newPkg.groupId).toBe(pkg.groupId)
    expect(newPkg.groupPublicKey.equals(pkg.groupPublicKey)).toBe(true)
    refreshed.forEach((share, i) => {
      expect(share.signingShare).not.toBe(shares[i]!.signingShare)
      expect(
        newPkg.verifyingShares
          .get(share.identifier)!
          .equals(pkg.verifyingShares.get(share.identifier)!),
      ).toBe(false)
      expect(
        scalarBaseMultiply(suite, share.signingShare).equals(
          newPkg.verifyingShares.get(share.identifier)!,
        ),
      ).toBe(true)
    })
    const { signature } = signWith([refreshed[0]!, refreshed[2]!, refreshed[4]!], msg)
    expect(
      frostVerify({
        ciphersuite: suite,
        publicKey: frostVerifyingKey(newPkg),
        message: msg,
        signature,
      }),
    ).toBe(true)

    // Mixing: the protocol refuses a share of another generation…
    const mixed = [refreshed[0]!, refreshed[1]!, shares[2]!]
    const nonces = mixed.map((share) => frostCommit({ share }))
    const group = { groupId: newPkg.groupId, generation: newPkg.generation }
    const signingPackage = { message: msg, commitments: nonces.map((n) => n.commitments), group }
    expect(() => frostSign({ share: shares[2]!, nonces: nonces[2]!, signingPackage })).toThrow(
      FrostGroupMismatchError,
    )
    // …and even without that check, the old share's contribution is caught as invalid.
    const { group: _ignored, ...unchecked } = signingPackage
    const sigShares = mixed.map((share, i) =>
      frostSign({ share, nonces: nonces[i]!, signingPackage: unchecked }),
    )
    expect(
      findInvalidSignatureShares({
        publicKeyPackage: newPkg,
        signingPackage: unchecked,
        signatureShares: sigShares,
      }),
    ).toEqual([3])
  })

  it('repairs a lost share from three helpers without revealing theirs', () => {
    const helpers = [1, 2, 4]
    const deltas = helpers.flatMap((id) =>
      frostRepairStep1({ share: shares[id - 1]!, helpers, target: 5 }),
    )
    const sigmas = helpers.map((id) =>
      frostRepairStep2({ share: shares[id - 1]!, helpers, deltas }),
    )
    const repaired = frostRepairStep3({ publicKeyPackage: pkg, identifier: 5, sigmas })
    expect(repaired.signingShare).toBe(shares[4]!.signingShare)
    // A helper that lies is detected by the check against the verifying share.
    const lying = sigmas.map((s) => (s.sender === 2 ? { ...s, sigma: s.sigma + 1n } : s))
    expect(() => frostRepairStep3({ publicKeyPackage: pkg, identifier: 5, sigmas: lying })).toThrow(
      FrostGroupMismatchError,
    )
  })

  it('key shares round-trip through JSON and reject foreign or corrupted data', () => {
    const json = JSON.parse(JSON.stringify(serializeKeyShare(shares[1]!)))
    const parsed = parseKeyShare(json)
    expect(parsed.signingShare).toBe(shares[1]!.signingShare)
    expect(parsed.publicKeyPackage.groupId).toBe(pkg.groupId)
    const hex = json.signingShare as string
    // Flip the lowest bit (first byte little-endian, last byte big-endian): a different valid scalar.
    const at = suite.id === 'ed25519' ? 0 : 31
    const flipped = (Number.parseInt(hex.slice(at * 2, at * 2 + 2), 16) ^ 1)
      .toString(16)
      .padStart(2, '0')
    const wrongSecret = {
      ...json,
      signingShare: hex.slice(0, at * 2) + flipped + hex.slice(at * 2 + 2),
    }
    expect(() => parseKeyShare(wrongSecret)).toThrow(FrostGroupMismatchError)
    const badHex = { ...json, signingShare: 'zz' }
    const error = (() => {
      try {
        parseKeyShare(badHex)
      } catch (e) {
        return e as FrostInputError
      }
      return undefined
    })()
    expect(error).toBeInstanceOf(FrostInputError)
    expect(error?.path).toEqual(['signingShare'])
    expect(error?.rule).toBe('encoding')
    const foreignGroup = {
      ...json,
      publicKeyPackage: { ...json.publicKeyPackage, groupId: '00'.repeat(16) },
    }
    expect(() => parseKeyShare(foreignGroup)).toThrow(/publicKeyPackage.groupId/)
  })
})

describe('FROST DKG misbehaviour', () => {
  const suite = frostEd25519
  const sessionId = new TextEncoder().encode('dkg-bad')
  const secrets = [1, 2, 3].map((identifier) =>
    frostDkgRound1({ ciphersuite: suite, identifier, threshold: 2, maxSigners: 3, sessionId }),
  )
  const round1 = secrets.map((s) => s.package)

  it('names the sender of a bad proof of knowledge', () => {
    const forged = round1.map((p) =>
      p.identifier === 2 ? { ...p, proof: { ...p.proof, mu: p.proof.mu + 1n } } : p,
    )
    try {
      frostDkgRound2({ secret: secrets[0]!, round1Packages: forged })
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(FrostInvalidProofError)
      expect((e as FrostInvalidProofError).culprit).toBe(2)
    }
  })

  it('rejects a proof replayed from another DKG session', () => {
    const other = frostDkgRound1({
      ciphersuite: suite,
      identifier: 3,
      threshold: 2,
      maxSigners: 3,
      sessionId: new Uint8Array([9]),
    })
    const replayed = [round1[0]!, round1[1]!, other.package]
    expect(() => frostDkgRound2({ secret: secrets[0]!, round1Packages: replayed })).toThrow(
      FrostInvalidProofError,
    )
  })

  it('names the sender of a bad secret share', () => {
    const round2 = secrets.flatMap((secret) => frostDkgRound2({ secret, round1Packages: round1 }))
    const tampered = round2.map((p) =>
      p.sender === 3 && p.recipient === 1 ? { ...p, share: p.share + 1n } : p,
    )
    try {
      frostDkgFinish({
        secret: secrets[0]!,
        round1Packages: round1,
        round2Packages: tampered.filter((p) => p.recipient === 1),
      })
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(FrostInvalidSecretShareError)
      expect((e as FrostInvalidSecretShareError).culprit).toBe(3)
    }
  })
})

describe('FROST BIP-340 / Taproot', () => {
  const suite = frostSecp256k1Taproot

  it('signs for odd- and even-Y group keys, untweaked and with the BIP-86 and script-tree tweaks', () => {
    let odd = 0
    let even = 0
    for (let i = 0; i < 6; i++) {
      const { shares, publicKeyPackage: pkg } = frostTrustedDealerKeygen({
        ciphersuite: suite,
        threshold: 2,
        maxSigners: 3,
      })
      if (hasEvenY(pkg.groupPublicKey)) even++
      else odd++
      for (const tweak of [
        undefined,
        { merkleRoot: new Uint8Array(0) },
        { merkleRoot: new Uint8Array(32).fill(7) },
      ]) {
        const { signature } = signWith([shares[0]!, shares[2]!], msg, tweak)
        const key = frostVerifyingKey(pkg, tweak)
        expect(schnorr.verify(signature, msg, key)).toBe(true)
        if (tweak)
          expect(key).toEqual(taprootOutputKey(suite, pkg.groupPublicKey, tweak.merkleRoot))
        else expect(key).toEqual(xOnly(pkg.groupPublicKey))
      }
    }
    expect(odd + even).toBe(6)
  })

  it('the tweaked key equals BIP-341 taproot_tweak_pubkey computed by hand', () => {
    const { publicKeyPackage: pkg } = frostTrustedDealerKeygen({
      ciphersuite: suite,
      threshold: 2,
      maxSigners: 3,
      secret: 3n,
    })
    const P = secp256k1.Point.BASE.multiply(3n)
    const t = BigInt(
      `0x${Buffer.from(schnorr.utils.taggedHash('TapTweak', xOnly(P))).toString('hex')}`,
    )
    const even = hasEvenY(P) ? P : P.negate()
    const Q = even.add(secp256k1.Point.BASE.multiply(t))
    expect(
      Buffer.from(frostVerifyingKey(pkg, { merkleRoot: new Uint8Array(0) })).toString('hex'),
    ).toBe(Q.toAffine().x.toString(16).padStart(64, '0'))
  })

  it('property: random thresholds and signer subsets always produce valid BIP-340 signatures', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }),
        fc.integer({ min: 0, max: 2 }),
        fc.uint8Array({ maxLength: 64 }),
        (t, extra, message) => {
          const n = t + extra
          const { shares, publicKeyPackage: pkg } = frostTrustedDealerKeygen({
            ciphersuite: suite,
            threshold: t,
            maxSigners: n,
          })
          const tweak = { merkleRoot: new Uint8Array(0) }
          const { signature } = signWith(shares.slice(extra), message, tweak)
          return schnorr.verify(signature, message, frostVerifyingKey(pkg, tweak))
        },
      ),
      { numRuns: 15 },
    )
  })
})
