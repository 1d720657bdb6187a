// FROST ciphersuites of RFC 9591 §6.1 (Ed25519, SHA-512) and §6.5 (secp256k1, SHA-256), plus a
// BIP-340 variant of the secp256k1 suite for Bitcoin Taproot key-path spends. Group arithmetic and
// hash-to-field come from @noble/curves; the protocol on top is in the files beside this one.
import { mulAddUnsafe } from '@noble/curves/abstract/curve.js'
import { hash_to_field } from '@noble/curves/abstract/hash-to-curve.js'
import { invert } from '@noble/curves/abstract/modular.js'
import { _splitEndoScalar } from '@noble/curves/abstract/weierstrass.js'
import { ed25519 } from '@noble/curves/ed25519.js'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import {
  bytesToNumberBE,
  bytesToNumberLE,
  numberToBytesBE,
  numberToBytesLE,
} from '@noble/curves/utils.js'
import { sha256, sha512 } from '@noble/hashes/sha2.js'
import type { IssuePath } from '@strongroom/core'
import { concatBytes, utf8ToBytes } from './bytes.js'
import { FrostInputError } from './frostErrors.js'

/** The ciphersuites this module implements. */
export type FrostCiphersuiteId = 'ed25519' | 'secp256k1' | 'secp256k1-tr'

/** A group element (curve point) as the protocol uses it; satisfied by noble's point classes. */
export interface GroupElement {
  add(other: GroupElement): GroupElement
  subtract(other: GroupElement): GroupElement
  negate(): GroupElement
  multiplyUnsafe(scalar: bigint): GroupElement
  multiply(scalar: bigint): GroupElement
  equals(other: GroupElement): boolean
  is0(): boolean
  toBytes(compressed?: boolean): Uint8Array
  toAffine(): { x: bigint; y: bigint }
  /** Marks the element for table-based multiplication (noble's lazily built wNAF table). */
  precompute(windowSize?: number, isLazy?: boolean): GroupElement
}

/** A FROST ciphersuite: prime-order group, encodings and the hash functions H1…H5. */
export type FrostCiphersuite = {
  readonly id: FrostCiphersuiteId
  /** RFC 9591 `contextString`. */
  readonly contextString: string
  /** Order of the prime-order group. */
  readonly order: bigint
  readonly scalarLength: number
  readonly elementLength: number
  /** Length of a serialized signature. */
  readonly signatureLength: number
  /** True for the BIP-340 (Taproot) variant: x-only keys, even-Y normalisation, tagged hashes. */
  readonly bip340: boolean
  readonly generator: GroupElement
  readonly identity: GroupElement
  serializeScalar(scalar: bigint): Uint8Array
  /** @throws {FrostInputError} when the bytes are not a canonical scalar. */
  deserializeScalar(bytes: Uint8Array, path?: IssuePath): bigint
  /** @throws {FrostInputError} on the identity element (it has no canonical encoding here). */
  serializeElement(element: GroupElement): Uint8Array
  /** @throws {FrostInputError} when the bytes are not a valid, non-identity prime-order element. */
  deserializeElement(bytes: Uint8Array, path?: IssuePath): GroupElement
  H1(message: Uint8Array): bigint
  H2(message: Uint8Array): bigint
  H3(message: Uint8Array): bigint
  H4(message: Uint8Array): Uint8Array
  H5(message: Uint8Array): Uint8Array
  /** Challenge hash of the DKG proof of knowledge (`contextString || "dkg"`). */
  HDKG(message: Uint8Array): bigint
  /**
   * `Σ scalars[i]·points[i]` for public values (Strauss–Shamir, variable time, noble's
   * `mulAddUnsafe`); scalars are reduced modulo the order first.
   */
  multiScalarMultiply(points: readonly GroupElement[], scalars: readonly bigint[]): GroupElement
}

/** Window of the tables kept for long-lived public elements (group verifying keys). */
const PUBLIC_TABLE_WINDOW = 4

/**
 * Gives a long-lived public element (a group's verifying key) a precomputed table, so that
 * {@link multiplyPublic} by it costs additions only; the base point has one already. Returns the
 * element.
 */
export function precomputePublicElement<T extends GroupElement>(element: T): T {
  element.precompute(PUBLIC_TABLE_WINDOW)
  return element
}

/**
 * `element * scalar` for public values only (variable time; never with a secret scalar). Uses the
 * element's precomputed table when it has one (the base point, or see
 * {@link precomputePublicElement}).
 */
export function multiplyPublic(
  suite: FrostCiphersuite,
  element: GroupElement,
  scalar: bigint,
): GroupElement {
  return element.multiplyUnsafe(modN(scalar, suite.order))
}

const modN = (value: bigint, n: bigint) => {
  const r = value % n
  return r < 0n ? r + n : r
}

function checkLength(bytes: Uint8Array, length: number, path: IssuePath): void {
  if (!(bytes instanceof Uint8Array))
    throw new FrostInputError('must be bytes', { path, rule: 'type' })
  if (bytes.length !== length) {
    throw new FrostInputError(`must be ${length} bytes, got ${bytes.length}`, {
      path,
      rule: 'length',
    })
  }
}

function createEd25519Suite(): FrostCiphersuite {
  const Point = ed25519.Point
  const n = Point.Fn.ORDER
  const context = 'FROST-ED25519-SHA512-v1'
  const tagged = (tag: string, m: Uint8Array) => sha512(concatBytes(utf8ToBytes(context + tag), m))
  const toScalar = (digest: Uint8Array) => modN(bytesToNumberLE(digest), n)
  return {
    id: 'ed25519',
    contextString: context,
    order: n,
    scalarLength: 32,
    elementLength: 32,
    signatureLength: 64,
    bip340: false,
    generator: Point.BASE,
    identity: Point.ZERO,
    serializeScalar: (s) => numberToBytesLE(modN(s, n), 32),
    deserializeScalar(bytes, path = []) {
      checkLength(bytes, 32, path)
      const s = bytesToNumberLE(bytes)
      if (s >= n)
        throw new FrostInputError('is not a canonical scalar', { path, rule: 'scalar_range' })
      return s
    },
    serializeElement(element) {
      if (element.is0()) {
        throw new FrostInputError('is the identity element', { path: [], rule: 'identity_point' })
      }
      return element.toBytes()
    },
    deserializeElement(bytes, path = []) {
      checkLength(bytes, 32, path)
      let point: InstanceType<typeof Point>
      try {
        point = Point.fromBytes(bytes)
      } catch (cause) {
        throw new FrostInputError('is not a valid Ed25519 point', {
          path,
          rule: 'point_invalid',
          cause,
        })
      }
      if (point.is0())
        throw new FrostInputError('is the identity element', { path, rule: 'identity_point' })
      if (!point.isTorsionFree()) {
        throw new FrostInputError('is not in the prime-order subgroup', {
          path,
          rule: 'point_invalid',
        })
      }
      return point
    },
    H1: (m) => toScalar(tagged('rho', m)),
    H2: (m) => toScalar(sha512(m)),
    H3: (m) => toScalar(tagged('nonce', m)),
    H4: (m) => tagged('msg', m),
    H5: (m) => tagged('com', m),
    HDKG: (m) => toScalar(tagged('dkg', m)),
    multiScalarMultiply: (points, scalars) =>
      points.length === 0
        ? Point.ZERO
        : mulAddUnsafe(
            Point,
            points as InstanceType<typeof Point>[],
            scalars.map((k) => modN(k, n)),
          ),
  }
}

function createSecp256k1Suite(bip340: boolean): FrostCiphersuite {
  const Point = secp256k1.Point
  const n = Point.Fn.ORDER
  const context = bip340 ? 'FROST-secp256k1-SHA256-TR-v1' : 'FROST-secp256k1-SHA256-v1'
  const toField = (tag: string, m: Uint8Array) =>
    hash_to_field(m, 1, {
      DST: utf8ToBytes(context + tag),
      p: n,
      m: 1,
      k: 128,
      expand: 'xmd',
      hash: sha256,
    })[0]![0]!
  const tagged = (tag: string, m: Uint8Array) => sha256(concatBytes(utf8ToBytes(context + tag), m))
  return {
    id: bip340 ? 'secp256k1-tr' : 'secp256k1',
    contextString: context,
    order: n,
    scalarLength: 32,
    elementLength: 33,
    signatureLength: bip340 ? 64 : 65,
    bip340,
    generator: Point.BASE,
    identity: Point.ZERO,
    serializeScalar: (s) => numberToBytesBE(modN(s, n), 32),
    deserializeScalar(bytes, path = []) {
      checkLength(bytes, 32, path)
      const s = bytesToNumberBE(bytes)
      if (s >= n)
        throw new FrostInputError('is not a canonical scalar', { path, rule: 'scalar_range' })
      return s
    },
    serializeElement(element) {
      if (element.is0()) {
        throw new FrostInputError('is the identity element', { path: [], rule: 'identity_point' })
      }
      return element.toBytes(true)
    },
    deserializeElement(bytes, path = []) {
      checkLength(bytes, 33, path)
      if (bytes[0] !== 2 && bytes[0] !== 3) {
        throw new FrostInputError('is not a compressed SEC1 point', { path, rule: 'point_invalid' })
      }
      try {
        return Point.fromBytes(bytes)
      } catch (cause) {
        throw new FrostInputError('is not a valid secp256k1 point', {
          path,
          rule: 'point_invalid',
          cause,
        })
      }
    },
    H1: (m) => toField('rho', m),
    H2: (m) => toField('chal', m),
    H3: (m) => toField('nonce', m),
    H4: (m) => tagged('msg', m),
    H5: (m) => tagged('com', m),
    HDKG: (m) => toField('dkg', m),
    multiScalarMultiply(points, scalars) {
      // GLV: each scalar splits into two half-width ones against P and ψ(P) = (β·x, y), so the
      // walk's shared doubling chain is half as long.
      const walkPoints: InstanceType<typeof Point>[] = []
      const walkScalars: bigint[] = []
      for (let i = 0; i < points.length; i++) {
        const p = points[i] as InstanceType<typeof Point>
        const { k1neg, k1, k2neg, k2 } = _splitEndoScalar(modN(scalars[i]!, n), GLV_BASIS, n)
        const psi = new Point(Point.Fp.mul(p.X, GLV_BETA), p.Y, p.Z)
        walkPoints.push(k1neg ? p.negate() : p, k2neg ? psi.negate() : psi)
        walkScalars.push(k1, k2)
      }
      return walkPoints.length === 0 ? Point.ZERO : mulAddUnsafe(Point, walkPoints, walkScalars)
    },
  }
}

/**
 * secp256k1's GLV endomorphism ψ(x, y) = (β·x, y) = λ·(x, y): β is a cube root of unity modulo
 * p, λ one modulo n, and the basis is a reduced basis of the lattice {(a, b) : a + b·λ ≡ 0 mod n}
 * (the published constants; ciphersuites.test.ts checks these relations).
 */
export const GLV_BETA = 0x7ae96a2b657c07106e64479eac3434e99cf0497512f58995c1396c28719501een
export const GLV_LAMBDA = 0x5363ad4cc05c30e0a5261c028812645a122e22ea20816678df02967c1b23bd72n
export const GLV_BASIS: [[bigint, bigint], [bigint, bigint]] = [
  [0x3086d221a7d46bcde86c90e49284eb15n, -0xe4437ed6010e88286f547fa90abfe4c3n],
  [0x114ca50f7a8e2f3f657c1108d9d44cfd8n, 0x3086d221a7d46bcde86c90e49284eb15n],
]

/** FROST(Ed25519, SHA-512), RFC 9591 §6.1: signatures verify as plain RFC 8032 Ed25519. */
export const frostEd25519: FrostCiphersuite = createEd25519Suite()
/** FROST(secp256k1, SHA-256), RFC 9591 §6.5: 65-byte signatures `R (33) || z (32)`. */
export const frostSecp256k1: FrostCiphersuite = createSecp256k1Suite(false)
/**
 * FROST for BIP-340 Schnorr (Taproot key path): the secp256k1 suite with the BIP-340 challenge
 * (`tagged_hash("BIP0340/challenge", R.x || P.x || m)`), even-Y normalisation of the group key
 * and the group commitment, and 64-byte `R.x || z` signatures. Context string
 * `FROST-secp256k1-SHA256-TR-v1`.
 */
export const frostSecp256k1Taproot: FrostCiphersuite = createSecp256k1Suite(true)

/** Looks a ciphersuite up by id. @throws {FrostInputError} on an unknown id. */
export function getFrostCiphersuite(
  id: unknown,
  path: IssuePath = ['ciphersuite'],
): FrostCiphersuite {
  switch (id) {
    case 'ed25519':
      return frostEd25519
    case 'secp256k1':
      return frostSecp256k1
    case 'secp256k1-tr':
      return frostSecp256k1Taproot
    default:
      throw new FrostInputError('is not a known FROST ciphersuite', { path, rule: 'type' })
  }
}

/** `a mod order` in [0, order). */
export function scalarMod(suite: FrostCiphersuite, value: bigint): bigint {
  return modN(value, suite.order)
}

/**
 * Modular inverse of a public nonzero value (variable-time extended Euclid; never use it on a
 * secret). Lagrange coefficients invert products of identifier differences.
 */
export function scalarInvertPublic(suite: FrostCiphersuite, value: bigint): bigint {
  return invert(modN(value, suite.order), suite.order)
}

/** `element * scalar` for any scalar in [0, order), including 0 (which gives the identity). */
export function scalarMultiply(
  suite: FrostCiphersuite,
  element: GroupElement,
  scalar: bigint,
): GroupElement {
  const s = modN(scalar, suite.order)
  return s === 0n ? suite.identity : element.multiply(s)
}

/** `G * scalar` (constant-time for nonzero scalars). */
export function scalarBaseMultiply(suite: FrostCiphersuite, scalar: bigint): GroupElement {
  return scalarMultiply(suite, suite.generator, scalar)
}
