// How nonce commitment points travel between the coordinator and signer nodes.
//
// RFC 9591 hashes the compressed encoding of each commitment, but a compressed point costs its
// receiver a square root to decode and, for Ed25519, a multiplication by the group order to
// prove it lies in the prime-order subgroup (the most expensive step of a node's signature
// share). So on the wire a commitment D = d·G is sent as the uncompressed point W with
// D = h·W, where h is the curve's cofactor (8 for Ed25519, 1 for secp256k1); the node that
// holds the nonce d computes W = (d·h⁻¹ mod n)·G. The receiver checks that W is on the curve
// and computes D = h·W. The curve group is Z_h × Z_n, so h·W lies in the prime-order subgroup
// whatever W is (a torsion component added to W changes nothing): no subgroup check is
// needed. The identity is refused, as RFC 9591's DeserializeElement refuses it.
import { normalizeZ } from '@noble/curves/abstract/curve.js'
import { ed25519 } from '@noble/curves/ed25519.js'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js'
import type { IssuePath } from '@strongroom/core'
import { parseHex, toHex } from '../frost/bytes.js'
import {
  type FrostCiphersuite,
  type GroupElement,
  scalarBaseMultiply,
  scalarMod,
} from '../frost/ciphersuites.js'
import { FrostInputError } from '../frost/frostErrors.js'
import type { SigningCommitments } from '../frost/signing.js'

const EdPoint = ed25519.Point
const SecpPoint = secp256k1.Point
/** 8⁻¹ mod the Ed25519 group order. */
const ED25519_COFACTOR_INVERSE = EdPoint.Fn.inv(8n)

/** Length in bytes of a point's wire form: Ed25519 `x ‖ y` (little-endian), SEC1 uncompressed. */
export function wirePointLength(suite: FrostCiphersuite): number {
  return suite.id === 'ed25519' ? 64 : 65
}

/**
 * The commitment `d·G` to a nonce `d` and its wire form (hex of W with `d·G = h·W`). The
 * nonce is secret: W is computed with the constant-time multiplication.
 */
export function commitToNonce(
  suite: FrostCiphersuite,
  nonce: bigint,
): { point: GroupElement; wire: string } {
  if (suite.id !== 'ed25519') {
    const point = scalarBaseMultiply(suite, nonce)
    return { point, wire: toHex(point.toBytes(false)) }
  }
  // (A zero nonce, which nonce generation gives with negligible probability, throws here.)
  const w = EdPoint.BASE.multiply(scalarMod(suite, nonce * ED25519_COFACTOR_INVERSE))
  const { x, y } = w.toAffine()
  const bytes = new Uint8Array(64)
  bytes.set(numberToBytesLE(x, 32), 0)
  bytes.set(numberToBytesLE(y, 32), 32)
  return { point: w.double().double().double(), wire: toHex(bytes) }
}

/**
 * A node's commitments to its nonce pair (round one) and their wire form.
 */
export function commitToNonces(
  suite: FrostCiphersuite,
  identifier: number,
  hiding: bigint,
  binding: bigint,
): { points: SigningCommitments; wire: { identifier: number; hiding: string; binding: string } } {
  const h = commitToNonce(suite, hiding)
  const b = commitToNonce(suite, binding)
  const [hidingPoint, bindingPoint] = normalizePoints(suite, [h.point, b.point])
  return {
    points: { identifier, hiding: hidingPoint!, binding: bindingPoint! },
    wire: { identifier, hiding: h.wire, binding: b.wire },
  }
}

/**
 * Decodes a commitment point from its wire form (hex): W must be a point of the curve in
 * canonical coordinates; the result `h·W` is a non-identity element of the prime-order group.
 * @throws {FrostInputError} `encoding`, `length`, `point_invalid` or `identity_point`, naming `path`.
 */
export function decodeWirePoint(
  suite: FrostCiphersuite,
  value: unknown,
  path: IssuePath,
): GroupElement {
  const bytes = parseHex(value, path, wirePointLength(suite))
  let point: GroupElement
  try {
    if (suite.id === 'ed25519') {
      const x = bytesToNumberLE(bytes.subarray(0, 32))
      const y = bytesToNumberLE(bytes.subarray(32))
      if (x >= EdPoint.Fp.ORDER || y >= EdPoint.Fp.ORDER)
        throw new Error('non-canonical coordinate')
      const w = EdPoint.fromAffine({ x, y })
      w.assertValidity() // on the curve (and not the identity)
      point = w.double().double().double()
    } else {
      if (bytes[0] !== 4) throw new Error('not an uncompressed SEC1 point')
      point = SecpPoint.fromBytes(bytes) // checks the coordinates and the curve equation
    }
  } catch (cause) {
    throw new FrostInputError(`is not a valid ${suite.id} point`, {
      path,
      rule: 'point_invalid',
      cause,
    })
  }
  if (point.is0())
    throw new FrostInputError('is a small-order point', { path, rule: 'identity_point' })
  return point
}

/**
 * The same points with Z = 1 (one field inversion for the batch), so that encoding them later
 * (RFC 9591 hashes each commitment's compressed encoding) costs no inversion each. Decoded
 * secp256k1 points already have Z = 1.
 */
export function normalizePoints(
  suite: FrostCiphersuite,
  points: readonly GroupElement[],
): GroupElement[] {
  if (suite.id !== 'ed25519') return [...points]
  return normalizeZ(EdPoint, points as InstanceType<typeof EdPoint>[])
}
