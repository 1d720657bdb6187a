// The elliptic-curve operations bitcoinjs-lib needs for Taproot, on @noble/curves (no WASM).
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js'
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js'
import { initEccLib } from 'bitcoinjs-lib'

const n = secp256k1.Point.Fn.ORDER

/** bitcoinjs-lib's `TinySecp256k1Interface` over noble. */
export const nobleBitcoinEcc = {
  isXOnlyPoint(p: Uint8Array): boolean {
    if (p.length !== 32) return false
    try {
      schnorr.utils.lift_x(bytesToNumberBE(p))
      return true
    } catch {
      return false
    }
  },
  xOnlyPointAddTweak(
    p: Uint8Array,
    tweak: Uint8Array,
  ): { parity: 0 | 1; xOnlyPubkey: Uint8Array } | null {
    const t = bytesToNumberBE(tweak)
    if (t >= n) return null
    let P: InstanceType<typeof secp256k1.Point>
    try {
      P = schnorr.utils.lift_x(bytesToNumberBE(p))
    } catch {
      return null
    }
    const Q = t === 0n ? P : P.add(secp256k1.Point.BASE.multiply(t))
    if (Q.is0()) return null
    const { x, y } = Q.toAffine()
    return { parity: (y & 1n) === 0n ? 0 : 1, xOnlyPubkey: numberToBytesBE(x, 32) }
  },
}

let initialised = false

/** Registers {@link nobleBitcoinEcc} with bitcoinjs-lib once (it self-tests the library). */
export function initBitcoinEcc(): void {
  if (initialised) return
  initEccLib(nobleBitcoinEcc)
  initialised = true
}
