import { describe, expect, it } from 'vitest'
import { defineAsset, MAX_UINT256 } from './asset.js'
import { InvalidSpecError } from './coreErrors.js'

describe('defineAsset', () => {
  it('takes the max amount in whole units or minor units', () => {
    expect(defineAsset({ code: 'BTC', decimals: 8, maxAmount: '21000000' }).maxAmount).toBe(
      2_100_000_000_000_000n,
    )
    expect(defineAsset({ code: 'USDC', decimals: 6, maxAmount: 5n }).maxAmount).toBe(5n)
    expect(defineAsset({ code: 'ETH', decimals: 18 }).maxAmount).toBe(MAX_UINT256)
  })

  it.each([
    [{ code: 'btc', decimals: 8 }, ['code']],
    [{ code: 'BTC', decimals: -1 }, ['decimals']],
    [{ code: 'BTC', decimals: 1.5 }, ['decimals']],
    [{ code: 'BTC', decimals: 8, maxAmount: 0n }, ['maxAmount']],
    [{ code: 'BTC', decimals: 8, maxAmount: '1.5' }, ['maxAmount']],
    [{ code: 'BTC', decimals: 70, maxAmount: '1' }, ['decimals']],
  ])('rejects %o naming the field', (input, path) => {
    try {
      defineAsset(input as Parameters<typeof defineAsset>[0])
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidSpecError)
      expect((error as InvalidSpecError).path).toEqual(path)
      expect((error as InvalidSpecError).code).toBe('CORE_INVALID_SPEC')
    }
  })

  it('rejects a range beyond 2^256 - 1', () => {
    expect(() => defineAsset({ code: 'X', decimals: 18, maxAmount: MAX_UINT256 + 1n })).toThrow(
      InvalidSpecError,
    )
  })
})
