// BIP-340 / BIP-341 helpers for the Taproot variant: x-only keys, even-Y normalisation and the
// TapTweak (BIP-341 `taproot_tweak_pubkey`).
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js'
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js'
import type { FrostCiphersuite, GroupElement } from './ciphersuites.js'
import { scalarBaseMultiply } from './ciphersuites.js'
import { FrostInputError } from './frostErrors.js'

/** A Taproot key-path tweak: `merkleRoot` is empty for a key-path-only output (BIP-86). */
export type TaprootTweak = { readonly merkleRoot: Uint8Array }

/** The 32-byte x coordinate of a secp256k1 point. */
export function xOnly(element: GroupElement): Uint8Array {
  return numberToBytesBE(element.toAffine().x, 32)
}

/** True when the point's Y coordinate is even. */
export function hasEvenY(element: GroupElement): boolean {
  return (element.toAffine().y & 1n) === 0n
}

/** BIP-340 tagged hash: `SHA256(SHA256(tag) || SHA256(tag) || m…)`. */
export function taggedHash(tag: string, ...messages: Uint8Array[]): Uint8Array {
  return schnorr.utils.taggedHash(tag, ...messages)
}

/** BIP-341 tweak scalar `t = hash_TapTweak(P.x || merkleRoot)`. @throws {FrostInputError} if t ≥ n. */
export function taprootTweakScalar(internalKey: GroupElement, tweak: TaprootTweak): bigint {
  if (tweak.merkleRoot.length !== 0 && tweak.merkleRoot.length !== 32) {
    throw new FrostInputError('must be empty or 32 bytes', {
      path: ['tweak', 'merkleRoot'],
      rule: 'length',
    })
  }
  const t = bytesToNumberBE(taggedHash('TapTweak', xOnly(internalKey), tweak.merkleRoot))
  if (t >= secp256k1.Point.Fn.ORDER) {
    throw new FrostInputError('tweak is out of range', { path: ['tweak'], rule: 'scalar_range' })
  }
  return t
}

/**
 * What a BIP-340 signer needs to know about the key it signs for: the sign factors that make the
 * internal key and the output key even-Y, the tweak, and the x-only output key.
 *
 * The signing secret is `d = gQ * (gP * x + t)` where `x` is the group secret, `gP`/`gQ` are ±1.
 */
export type Bip340KeyContext = {
  /** ±1: negate the group secret so that the internal key has even Y. */
  readonly internalSign: 1n | -1n
  /** ±1: negate the tweaked secret so that the output key has even Y. */
  readonly outputSign: 1n | -1n
  /** Tweak scalar (0 when untweaked). */
  readonly tweak: bigint
  /** The even-Y output key (the internal key itself when untweaked). */
  readonly outputKey: GroupElement
}

/** Derives the {@link Bip340KeyContext} of a group key, with or without a Taproot tweak. */
export function bip340KeyContext(
  suite: FrostCiphersuite,
  groupPublicKey: GroupElement,
  tweak: TaprootTweak | undefined,
): Bip340KeyContext {
  const internalSign = hasEvenY(groupPublicKey) ? 1n : -1n
  const internalKey = internalSign === 1n ? groupPublicKey : groupPublicKey.negate()
  if (tweak === undefined)
    return { internalSign, outputSign: 1n, tweak: 0n, outputKey: internalKey }
  const t = taprootTweakScalar(internalKey, tweak)
  const tweaked = internalKey.add(scalarBaseMultiply(suite, t))
  if (tweaked.is0())
    throw new FrostInputError('tweaked key is infinity', { path: ['tweak'], rule: 'point_invalid' })
  const outputSign = hasEvenY(tweaked) ? 1n : -1n
  return {
    internalSign,
    outputSign,
    tweak: t,
    outputKey: outputSign === 1n ? tweaked : tweaked.negate(),
  }
}

/**
 * The x-only Taproot output key for an internal key (BIP-341 `taproot_tweak_pubkey`), as a
 * 32-byte array; `merkleRoot` empty means key-path only (BIP-86).
 */
export function taprootOutputKey(
  suite: FrostCiphersuite,
  internalKey: GroupElement,
  merkleRoot: Uint8Array = new Uint8Array(0),
): Uint8Array {
  return xOnly(bip340KeyContext(suite, internalKey, { merkleRoot }).outputKey)
}
