import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { Amount } from './amount.js'
import { amountCodec } from './amountCodec.js'
import { defineAsset } from './asset.js'
import { roundingModes } from './rounding.js'

const USDC = defineAsset({ code: 'USDC', decimals: 6, maxAmount: '100000000000' })
const WEI = defineAsset({ code: 'ETH', decimals: 18 })

describe('amountCodec', () => {
  const Withdrawal = z.object({ amount: amountCodec(USDC) })

  it('decodes decimal strings and encodes amounts with every decimal', () => {
    expect(Withdrawal.decode({ amount: '12.5' })).toEqual({ amount: 12_500_000n })
    expect(Withdrawal.encode({ amount: 12_500_000n as Amount<'USDC'> })).toEqual({
      amount: '12.500000',
    })
    expect(z.encode(amountCodec(USDC, { trim: true }), 12_500_000n as Amount<'USDC'>)).toBe('12.5')
  })

  it.each([
    ['1.0000001', 'too_many_decimals'],
    ['-1', 'negative'],
    ['1e3', 'format'],
    ['abc', 'format'],
    ['100000000000.000001', 'out_of_range'],
  ])('reports %j as an issue on the field with rule %s', (input, rule) => {
    const result = Withdrawal.safeDecode({ amount: input })
    expect(result.success).toBe(false)
    const issue = result.error!.issues[0]!
    expect(issue.path).toEqual(['amount'])
    expect((issue as { params?: { rule?: string } }).params?.rule).toBe(rule)
    expect(issue.message.length).toBeGreaterThan(10)
  })

  it('rejects non-strings with a type issue', () => {
    const result = Withdrawal.safeDecode({ amount: 12 as unknown as string })
    expect(result.success).toBe(false)
    expect(result.error!.issues[0]!.path).toEqual(['amount'])
  })

  it('rounds when asked to', () => {
    const codec = amountCodec(USDC, { rounding: 'floor' })
    expect(z.decode(codec, '1.0000019')).toBe(1_000_001n)
  })

  it('round-trips every amount in range (property)', () => {
    const codec = amountCodec(WEI, { allowNegative: true })
    fc.assert(
      fc.property(
        fc.bigInt({ min: -WEI.maxAmount, max: WEI.maxAmount }),
        fc.boolean(),
        (units, trim) => {
          const text = z.encode(
            amountCodec(WEI, { allowNegative: true, trim }),
            units as Amount<'ETH'>,
          )
          expect(z.decode(codec, text)).toBe(units)
        },
      ),
      { numRuns: 3_000 },
    )
  })

  it('decoding then encoding gives the canonical form of any valid input (property)', () => {
    const decimal = fc
      .tuple(fc.bigInt({ min: 0n, max: 10n ** 11n - 1n }), fc.integer({ min: 0, max: 6 }))
      .map(([units, scale]) => {
        const s = units.toString().padStart(scale + 1, '0')
        return scale === 0 ? s : `${s.slice(0, -scale)}.${s.slice(-scale)}`
      })
    const codec = amountCodec(USDC)
    fc.assert(
      fc.property(decimal, (text) => {
        const amount = z.decode(codec, text)
        expect(z.decode(codec, z.encode(codec, amount))).toBe(amount)
      }),
      { numRuns: 3_000 },
    )
  })

  it('accepts every rounding mode', () => {
    for (const rounding of roundingModes) {
      expect(typeof z.decode(amountCodec(USDC, { rounding }), '1.23456789')).toBe('bigint')
    }
  })
})
