// RFC 9591 Appendix F test vectors (FROST(Ed25519, SHA-512) and FROST(secp256k1, SHA-256)),
// checked step by step: dealer shares, nonces from the published randomness, commitments,
// binding factor inputs and factors, signature shares and the final signature.
import { readFileSync } from 'node:fs'
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import { describe, expect, it } from 'vitest'
import { concatBytes } from '../src/frost/bytes.js'
import { type FrostCiphersuite, frostEd25519, frostSecp256k1 } from '../src/frost/ciphersuites.js'
import { frostTrustedDealerKeygen } from '../src/frost/dealer.js'
import { computeBindingFactors, encodeGroupCommitmentList } from '../src/frost/session.js'
import {
  frostAggregate,
  frostCommit,
  frostSign,
  frostVerify,
  frostVerifyingKey,
  type SigningNonces,
} from '../src/frost/signing.js'

type Vector = {
  source: string
  config: { MAX_PARTICIPANTS: number; MIN_PARTICIPANTS: number; NUM_PARTICIPANTS: number }
  inputs: {
    participant_list: number[]
    group_secret_key: string
    group_public_key: string
    message: string
    share_polynomial_coefficients: string[]
    participant_shares: Record<string, string>
  }
  round_one_outputs: Record<string, Record<string, string>>
  round_two_outputs: Record<string, { sig_share: string }>
  final_output: { sig: string }
}

const load = (name: string): Vector =>
  JSON.parse(readFileSync(new URL(`./vectors/${name}`, import.meta.url), 'utf8'))

const cases: [string, FrostCiphersuite, Vector][] = [
  ['FROST(Ed25519, SHA-512)', frostEd25519, load('rfc9591-frost-ed25519-sha512.json')],
  ['FROST(secp256k1, SHA-256)', frostSecp256k1, load('rfc9591-frost-secp256k1-sha256.json')],
]

describe.each(cases)('RFC 9591 vectors: %s', (_name, suite, v) => {
  const scalar = (hex: string) => suite.deserializeScalar(hexToBytes(hex))
  const hex = bytesToHex
  const dealer = frostTrustedDealerKeygen({
    ciphersuite: suite,
    threshold: v.config.MIN_PARTICIPANTS,
    maxSigners: v.config.MAX_PARTICIPANTS,
    secret: scalar(v.inputs.group_secret_key),
    coefficients: v.inputs.share_polynomial_coefficients.map(scalar),
  })
  const message = hexToBytes(v.inputs.message)

  it('names its source', () => {
    expect(v.source).toContain('RFC 9591')
  })

  it('derives the group public key and the participant shares', () => {
    expect(hex(suite.serializeElement(dealer.publicKeyPackage.groupPublicKey))).toBe(
      v.inputs.group_public_key,
    )
    for (const share of dealer.shares) {
      expect(hex(suite.serializeScalar(share.signingShare))).toBe(
        v.inputs.participant_shares[String(share.identifier)],
      )
    }
  })

  // Round one from the published randomness: nonce_generate reads 32 bytes per nonce.
  const nonces = new Map<number, SigningNonces>()
  for (const id of v.inputs.participant_list) {
    const r1 = v.round_one_outputs[String(id)]!
    const queue = [
      hexToBytes(r1.hiding_nonce_randomness!),
      hexToBytes(r1.binding_nonce_randomness!),
    ]
    const share = dealer.shares.find((s) => s.identifier === id)!
    nonces.set(id, frostCommit({ share, random: () => queue.shift()! }))
  }
  const commitments = v.inputs.participant_list.map((id) => nonces.get(id)!.commitments)

  it('round one: nonces, commitments, binding factor inputs and factors', () => {
    const factors = computeBindingFactors(
      suite,
      dealer.publicKeyPackage.groupPublicKey,
      commitments,
      message,
    )
    for (const id of v.inputs.participant_list) {
      const r1 = v.round_one_outputs[String(id)]!
      const n = nonces.get(id)!
      expect(hex(suite.serializeScalar(n.secret.hiding))).toBe(r1.hiding_nonce)
      expect(hex(suite.serializeScalar(n.secret.binding))).toBe(r1.binding_nonce)
      expect(hex(suite.serializeElement(n.commitments.hiding))).toBe(r1.hiding_nonce_commitment)
      expect(hex(suite.serializeElement(n.commitments.binding))).toBe(r1.binding_nonce_commitment)
      const input = concatBytes(
        suite.serializeElement(dealer.publicKeyPackage.groupPublicKey),
        suite.H4(message),
        suite.H5(encodeGroupCommitmentList(suite, commitments)),
        suite.serializeScalar(BigInt(id)),
      )
      expect(hex(input)).toBe(r1.binding_factor_input)
      expect(hex(suite.serializeScalar(factors.get(id)!))).toBe(r1.binding_factor)
    }
  })

  it('round two and aggregation: signature shares and the final signature', () => {
    const signingPackage = { message, commitments }
    const shares = v.inputs.participant_list.map((id) =>
      frostSign({
        share: dealer.shares.find((s) => s.identifier === id)!,
        nonces: nonces.get(id)!,
        signingPackage,
      }),
    )
    for (const s of shares) {
      expect(hex(suite.serializeScalar(s.share))).toBe(
        v.round_two_outputs[String(s.identifier)]!.sig_share,
      )
    }
    const signature = frostAggregate({
      publicKeyPackage: dealer.publicKeyPackage,
      signingPackage,
      signatureShares: shares,
    })
    expect(hex(signature)).toBe(v.final_output.sig)
    const publicKey = frostVerifyingKey(dealer.publicKeyPackage)
    expect(frostVerify({ ciphersuite: suite, publicKey, message, signature })).toBe(true)
    const tampered = Uint8Array.from(signature)
    tampered[signature.length - 1]! ^= 1
    expect(frostVerify({ ciphersuite: suite, publicKey, message, signature: tampered })).toBe(false)
  })
})
