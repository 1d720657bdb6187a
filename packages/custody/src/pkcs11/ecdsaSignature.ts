import { secp256k1 } from '@noble/curves/secp256k1.js'
import { createFixedPointTable, type FixedPointTable, mulAddFixed } from './fixedPointTable.js'

const Point = secp256k1.Point
const Fn = Point.Fn
const N = Fn.ORDER
const HALF_N = N >> 1n

function toBigint(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`)
}

function to32(value: bigint): Uint8Array {
  return new Uint8Array(Buffer.from(value.toString(16).padStart(64, '0'), 'hex'))
}

// Multiples of the generator and of each public key for the verification equation (a signer has
// one key; a few at most).
let generatorTable: FixedPointTable | undefined
const keyTables = new Map<string, FixedPointTable>()

function tableOf(publicKey: Uint8Array): FixedPointTable {
  const key = Buffer.from(publicKey).toString('hex')
  let table = keyTables.get(key)
  if (table === undefined) {
    table = createFixedPointTable(Point.fromBytes(publicKey))
    if (keyTables.size >= 8) keyTables.clear()
    keyTables.set(key, table)
  }
  return table
}

/**
 * Builds the multiplication tables {@link normalizeEcdsaSignature} uses for the generator and
 * `publicKey` (tens of milliseconds, once per key), so that the first signature does not pay it.
 *
 * @throws {Error} when `publicKey` is not a secp256k1 point.
 */
export function prepareEcdsaPublicKey(publicKey: Uint8Array): void {
  generatorTable ??= createFixedPointTable(Point.BASE)
  tableOf(publicKey)
}

/**
 * Turns a raw `r || s` ECDSA signature (as PKCS#11 `CKM_ECDSA` returns it) into the form chains
 * accept: `s` normalised to the lower half of the curve order (BIP-62 / EIP-2), plus the recovery
 * id. The signature is verified on the way: `R = (e/s)·G + (r/s)·Q` must have `x ≡ r`, and the
 * recovery id is the parity of `R.y` (SEC 1 §4.1.6). A faulty token's signature throws. `R` is
 * summed from precomputed multiples of `G` and the public key (see `prepareEcdsaPublicKey`).
 *
 * @throws {Error} when the signature does not verify under `publicKey`.
 */
export function normalizeEcdsaSignature(parameters: {
  signature: Uint8Array
  digest: Uint8Array
  /** 33-byte compressed public key of the signer. */
  publicKey: Uint8Array
}): { signature: Uint8Array; recoveryId: 0 | 1 } {
  const { signature, digest, publicKey } = parameters
  if (signature.length !== 64)
    throw new Error(`ECDSA signature is ${signature.length} bytes, not 64.`)
  if (digest.length !== 32) throw new Error('The ECDSA digest must be 32 bytes.')
  const r = toBigint(signature.subarray(0, 32))
  let s = toBigint(signature.subarray(32))
  if (r <= 0n || r >= N || s <= 0n || s >= N) throw new Error('ECDSA signature out of range.')
  if (s > HALF_N) s = N - s
  const e = Fn.create(toBigint(digest))
  const sInverse = Fn.inv(s)
  // Public data only (signature, digest, public key): the variable-time multiplication is fine.
  generatorTable ??= createFixedPointTable(Point.BASE)
  const R = mulAddFixed(
    generatorTable,
    Fn.mul(e, sInverse),
    tableOf(publicKey),
    Fn.mul(r, sInverse),
  )
  if (R === undefined || Fn.create(R.x) !== r || R.x >= N) {
    // R.x ≥ n would need recovery ids 2/3, which EVM chains cannot express (probability ~2^-128).
    throw new Error(
      'The token returned an ECDSA signature that does not verify under its public key.',
    )
  }
  const out = new Uint8Array(64)
  out.set(to32(r), 0)
  out.set(to32(s), 32)
  return { signature: out, recoveryId: R.y & 1n ? 1 : 0 }
}
