import { secp256k1 } from '@noble/curves/secp256k1.js'
import { describe, expect, it } from 'vitest'
import { seed } from '../../test/helpers.js'
import { createEvmPayloadBinder, evmAddressOfPublicKey } from './evmPayloadBinder.js'

describe('createEvmPayloadBinder().addressOf', () => {
  it('answers evmAddressOfPublicKey for every key, also past its memory of 256 keys', () => {
    const binder = createEvmPayloadBinder()
    const keys = Array.from({ length: 300 }, (_, i) =>
      secp256k1.getPublicKey(seed(`address-${i}`), i % 2 === 0),
    )
    for (const round of [0, 1]) {
      for (const key of keys) {
        expect(binder.addressOf!(key), `round ${round}`).toBe(evmAddressOfPublicKey(key))
      }
    }
    // Compressed and uncompressed forms of one key give one address.
    const compressed = secp256k1.getPublicKey(seed('address-0'), true)
    const uncompressed = secp256k1.getPublicKey(seed('address-0'), false)
    expect(binder.addressOf!(compressed)).toBe(binder.addressOf!(uncompressed))
  })

  it('derives from the bytes it is given now, not from an earlier call with the same array', () => {
    const binder = createEvmPayloadBinder()
    const key = secp256k1.getPublicKey(seed('address-a'), true)
    const before = binder.addressOf!(key)
    key.set(secp256k1.getPublicKey(seed('address-b'), true))
    expect(binder.addressOf!(key)).not.toBe(before)
    expect(binder.addressOf!(key)).toBe(evmAddressOfPublicKey(key))
  })

  it('throws for bytes that are not a public key, every time', () => {
    const binder = createEvmPayloadBinder()
    const bad = new Uint8Array(33).fill(0xff)
    expect(() => binder.addressOf!(bad)).toThrow()
    expect(() => binder.addressOf!(bad)).toThrow()
  })
})
