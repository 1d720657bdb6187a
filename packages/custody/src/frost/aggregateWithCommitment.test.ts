import { describe, expect, it } from 'vitest'
import { runDkg, signWith } from '../../test/helpers/frost.js'
import {
  frostEd25519,
  frostSecp256k1,
  frostSecp256k1Taproot,
  scalarBaseMultiply,
} from './ciphersuites.js'
import { sessionValues } from './session.js'
import { frostAggregateWithCommitment } from './signing.js'

const message = new TextEncoder().encode('withdraw 2 BTC')

describe.each([
  [frostEd25519, undefined],
  [frostSecp256k1, undefined],
  [frostSecp256k1Taproot, undefined],
  [frostSecp256k1Taproot, { merkleRoot: new Uint8Array(0) }],
  [frostSecp256k1Taproot, { merkleRoot: new Uint8Array(32).fill(7) }],
])('frostAggregateWithCommitment, %s', (suite, tweak) => {
  const shares = runDkg(suite, 3, 5)
  const signers = [shares[0]!, shares[2]!, shares[3]!]
  const publicKeyPackage = signers[0]!.publicKeyPackage

  it('with the signers’ group commitment gives frostAggregate’s signature', () => {
    const signed = signWith(signers, message, tweak)
    const R = sessionValues(publicKeyPackage, signed.signingPackage).groupCommitment
    expect(
      frostAggregateWithCommitment({
        publicKeyPackage,
        signingPackage: signed.signingPackage,
        groupCommitment: suite.serializeElement(R),
        signatureShares: signed.shares,
      }),
    ).toEqual(signed.signature)
  })

  it('returns undefined for a wrong or malformed commitment, a bad or missing share', () => {
    const signed = signWith(signers, message, tweak)
    const R = sessionValues(publicKeyPackage, signed.signingPackage).groupCommitment
    const attempt = (groupCommitment: Uint8Array, signatureShares = signed.shares) =>
      frostAggregateWithCommitment({
        publicKeyPackage,
        signingPackage: signed.signingPackage,
        groupCommitment,
        signatureShares,
      })
    expect(attempt(suite.serializeElement(R.add(scalarBaseMultiply(suite, 1n))))).toBeUndefined()
    // BIP-340 signs with the x coordinate only: -R gives the same (valid) signature.
    expect(attempt(suite.serializeElement(R.negate()))).toEqual(
      suite.bip340 ? signed.signature : undefined,
    )
    expect(attempt(new Uint8Array(suite.elementLength).fill(0xff))).toBeUndefined()
    expect(attempt(suite.serializeElement(R).subarray(1))).toBeUndefined()
    const [first, ...rest] = signed.shares
    const bad = { ...first!, share: (first!.share + 1n) % suite.order }
    expect(attempt(suite.serializeElement(R), [bad, ...rest])).toBeUndefined()
    expect(attempt(suite.serializeElement(R), rest)).toBeUndefined()
  })
})
