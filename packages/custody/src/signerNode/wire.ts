// JSON encodings of FROST values exchanged between the coordinator and signer nodes, parsed with
// typed errors naming the field.
import type { IssuePath } from '@strongroom/core'
import { parseHex, toHex } from '../frost/bytes.js'
import type { FrostCiphersuite } from '../frost/ciphersuites.js'
import type { DkgRound1Package } from '../frost/dkg.js'
import { FrostInputError } from '../frost/frostErrors.js'
import { assertIdentifier } from '../frost/keys.js'
import type { RefreshRound1Package } from '../frost/refresh.js'
import type { SigningCommitments } from '../frost/signing.js'
import { decodeWirePoint, normalizePoints } from './wirePoint.js'

/**
 * JSON form of {@link SigningCommitments}: each point as hex of its wire form, the uncompressed
 * point W with `commitment = h·W` (h the cofactor), which its receiver validates without a
 * square root or a subgroup check (see `wirePoint.ts`).
 */
export type WireCommitment = { identifier: number; hiding: string; binding: string }
/** JSON form of a DKG round-one package. */
export type WireDkgRound1 = {
  identifier: number
  commitment: string[]
  proof: { R: string; mu: string }
}
/** JSON form of a refresh round-one package. */
export type WireRefreshRound1 = {
  identifier: number
  groupId: string
  generation: number
  commitment: string[]
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

export function expectRecord(v: unknown, path: IssuePath): Record<string, unknown> {
  if (!isRecord(v)) throw new FrostInputError('must be an object', { path, rule: 'type' })
  return v
}

export function expectArray(v: unknown, path: IssuePath, max = 10_000): unknown[] {
  if (!Array.isArray(v) || v.length > max)
    throw new FrostInputError(`must be an array of at most ${max}`, { path, rule: 'type' })
  return v
}

export function expectInteger(v: unknown, path: IssuePath, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new FrostInputError(`must be an integer in [${min}, ${max}]`, { path, rule: 'type' })
  }
  return v
}

export function expectString(v: unknown, path: IssuePath, pattern: RegExp): string {
  if (typeof v !== 'string' || !pattern.test(v))
    throw new FrostInputError(`must match ${pattern}`, { path, rule: 'encoding' })
  return v
}

/** Decodes a {@link WireCommitment}; the points are validated (see {@link decodeWirePoint}). */
export function decodeCommitment(
  suite: FrostCiphersuite,
  v: unknown,
  path: IssuePath,
): SigningCommitments {
  const r = expectRecord(v, path)
  assertIdentifier(r.identifier, [...path, 'identifier'])
  const [hiding, binding] = normalizePoints(suite, [
    decodeWirePoint(suite, r.hiding, [...path, 'hiding']),
    decodeWirePoint(suite, r.binding, [...path, 'binding']),
  ])
  return { identifier: r.identifier, hiding: hiding!, binding: binding! }
}

export const encodeDkgRound1 = (suite: FrostCiphersuite, p: DkgRound1Package): WireDkgRound1 => ({
  identifier: p.identifier,
  commitment: p.commitment.map((c) => toHex(suite.serializeElement(c))),
  proof: {
    R: toHex(suite.serializeElement(p.proof.R)),
    mu: toHex(suite.serializeScalar(p.proof.mu)),
  },
})

export function decodeDkgRound1(
  suite: FrostCiphersuite,
  v: unknown,
  path: IssuePath,
  threshold: number,
): DkgRound1Package {
  const r = expectRecord(v, path)
  assertIdentifier(r.identifier, [...path, 'identifier'])
  const commitment = expectArray(r.commitment, [...path, 'commitment'], 256).map((c, i) =>
    suite.deserializeElement(parseHex(c, [...path, 'commitment', i], suite.elementLength), [
      ...path,
      'commitment',
      i,
    ]),
  )
  if (commitment.length !== threshold)
    throw new FrostInputError(`must have ${threshold} entries`, {
      path: [...path, 'commitment'],
      rule: 'length',
    })
  const proof = expectRecord(r.proof, [...path, 'proof'])
  return {
    identifier: r.identifier,
    commitment,
    proof: {
      R: suite.deserializeElement(parseHex(proof.R, [...path, 'proof', 'R'], suite.elementLength), [
        ...path,
        'proof',
        'R',
      ]),
      mu: suite.deserializeScalar(
        parseHex(proof.mu, [...path, 'proof', 'mu'], suite.scalarLength),
        [...path, 'proof', 'mu'],
      ),
    },
  }
}

export const encodeRefreshRound1 = (
  suite: FrostCiphersuite,
  p: RefreshRound1Package,
): WireRefreshRound1 => ({
  identifier: p.identifier,
  groupId: p.groupId,
  generation: p.generation,
  commitment: p.commitment.map((c) => toHex(suite.serializeElement(c))),
})

export function decodeRefreshRound1(
  suite: FrostCiphersuite,
  v: unknown,
  path: IssuePath,
  threshold: number,
): RefreshRound1Package {
  const r = expectRecord(v, path)
  assertIdentifier(r.identifier, [...path, 'identifier'])
  const commitment = expectArray(r.commitment, [...path, 'commitment'], 256).map((c, i) =>
    suite.deserializeElement(parseHex(c, [...path, 'commitment', i], suite.elementLength), [
      ...path,
      'commitment',
      i,
    ]),
  )
  if (commitment.length !== threshold - 1)
    throw new FrostInputError(`must have ${threshold - 1} entries`, {
      path: [...path, 'commitment'],
      rule: 'length',
    })
  return {
    identifier: r.identifier,
    groupId: expectString(r.groupId, [...path, 'groupId'], /^[0-9a-f]{32}$/),
    generation: expectInteger(r.generation, [...path, 'generation'], 0, 1_000_000),
    commitment,
  }
}
