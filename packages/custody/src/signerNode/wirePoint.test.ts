import { ED25519_TORSION_SUBGROUP, ed25519 } from '@noble/curves/ed25519.js'
import { numberToBytesLE } from '@noble/curves/utils.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { toHex } from '../frost/bytes.js'
import {
  frostEd25519,
  frostSecp256k1,
  frostSecp256k1Taproot,
  scalarBaseMultiply,
} from '../frost/ciphersuites.js'
import { FrostInputError } from '../frost/frostErrors.js'
import { commitToNonce, commitToNonces, decodeWirePoint, wirePointLength } from './wirePoint.js'

const suites = [frostEd25519, frostSecp256k1, frostSecp256k1Taproot]
const edAffine = (p: { x: bigint; y: bigint }) =>
  toHex(new Uint8Array([...numberToBytesLE(p.x, 32), ...numberToBytesLE(p.y, 32)]))
const failure = (f: () => unknown) => {
  try {
    f()
  } catch (error) {
    if (error instanceof FrostInputError) return { rule: error.rule, path: error.path }
    throw error
  }
  throw new Error('did not throw')
}

describe.each(suites)('commitment wire points, $id', (suite) => {
  it('decode to the commitment d·G, for any nonce', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: suite.order - 1n }), (d) => {
        const { point, wire } = commitToNonce(suite, d)
        expect(wire).toHaveLength(2 * wirePointLength(suite))
        expect(point.equals(scalarBaseMultiply(suite, d))).toBe(true)
        expect(decodeWirePoint(suite, wire, ['w']).equals(point)).toBe(true)
      }),
      { numRuns: 20 },
    )
  })

  it('pair up into the commitments of a nonce pair', () => {
    const c = commitToNonces(suite, 3, 11n, 13n)
    expect(c.wire.identifier).toBe(3)
    expect(c.points.hiding.equals(scalarBaseMultiply(suite, 11n))).toBe(true)
    expect(decodeWirePoint(suite, c.wire.binding, []).equals(c.points.binding)).toBe(true)
  })

  it('refuse bad encodings, off-curve points and the RFC compressed form, naming the field', () => {
    const { wire } = commitToNonce(suite, 5n)
    expect(failure(() => decodeWirePoint(suite, wire.slice(2), ['c', 'hiding']))).toEqual({
      rule: 'length',
      path: ['c', 'hiding'],
    })
    expect(failure(() => decodeWirePoint(suite, `${wire.slice(0, -2)}zz`, ['c']))).toMatchObject({
      rule: 'encoding',
    })
    const offCurve = `${wire.slice(0, -2)}${wire.endsWith('00') ? '01' : '00'}`
    expect(failure(() => decodeWirePoint(suite, offCurve, ['c']))).toMatchObject({
      rule: 'point_invalid',
    })
    const compressed = toHex(suite.serializeElement(scalarBaseMultiply(suite, 5n)))
    expect(failure(() => decodeWirePoint(suite, compressed, ['c']))).toMatchObject({
      rule: 'length',
    })
  })
})

describe('Ed25519 commitment wire points', () => {
  const Point = ed25519.Point
  const torsion = ED25519_TORSION_SUBGROUP.map((h) => Point.fromHex(h)).filter((t) => !t.is0())

  it('always decode into the prime-order subgroup: a torsion component changes nothing', () => {
    const { point, wire } = commitToNonce(frostEd25519, 123_456_789n)
    const w = decodeWirePointRaw(wire)
    expect(torsion).toHaveLength(7)
    for (const t of torsion) {
      const dirty = decodeWirePoint(frostEd25519, edAffine(w.add(t).toAffine()), ['c'])
      expect(dirty.equals(point)).toBe(true)
      expect((dirty as typeof Point.BASE).isTorsionFree()).toBe(true)
    }
  })

  it('refuse small-order points, the identity and non-canonical coordinates', () => {
    for (const t of torsion) {
      expect(failure(() => decodeWirePoint(frostEd25519, edAffine(t.toAffine()), ['c']))).toEqual({
        rule: 'identity_point',
        path: ['c'],
      })
    }
    expect(failure(() => decodeWirePoint(frostEd25519, edAffine({ x: 0n, y: 1n }), ['c']))).toEqual(
      { rule: 'point_invalid', path: ['c'] },
    )
    // A valid point with y written as y + p (still 32 bytes): not the canonical encoding.
    const w = decodeWirePointRaw(commitToNonce(frostEd25519, 77n).wire).toAffine()
    const nonCanonical = edAffine({ x: w.x, y: w.y + ed25519.Point.Fp.ORDER })
    expect(failure(() => decodeWirePoint(frostEd25519, nonCanonical, ['c']))).toMatchObject({
      rule: 'point_invalid',
    })
  })
})

/** The raw W of an Ed25519 wire point (x ‖ y little-endian), without the cofactor multiplication. */
function decodeWirePointRaw(wire: string) {
  const bytes = Buffer.from(wire, 'hex')
  const le = (b: Uint8Array) => BigInt(`0x${Buffer.from(b).reverse().toString('hex')}`)
  return ed25519.Point.fromAffine({ x: le(bytes.subarray(0, 32)), y: le(bytes.subarray(32)) })
}
