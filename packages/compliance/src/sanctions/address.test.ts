import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ComplianceInputError } from '../errors.js'
import { addressKey, defineChains, detectAddressFamily, normalizeAddress } from './address.js'

const hex = fc.stringMatching(/^[0-9a-f]{40}$/)
const randomCase = (s: string, flips: boolean[]) =>
  [...s].map((c, i) => (flips[i % flips.length] ? c.toUpperCase() : c)).join('')

describe('chain-aware address normalisation', () => {
  it('EVM addresses compare without case (property)', () => {
    fc.assert(
      fc.property(hex, fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }), (h, flips) => {
        const a = `0x${h}`
        const b = `0x${randomCase(h, flips)}`
        expect(addressKey(b)).toBe(addressKey(a))
        expect(normalizeAddress({ address: b, chain: 'ETH' }).key).toBe(a)
      }),
    )
  })

  it('base58 addresses compare with case (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^1[1-9A-HJ-NP-Za-km-z]{25,33}$/), (a) => {
        expect(addressKey(a)).toBe(a)
        const swapped = a.replace(/[a-km-z]/, (c) => c.toUpperCase())
        if (swapped !== a) expect(addressKey(swapped)).not.toBe(addressKey(a))
      }),
    )
  })

  it('bech32 is lower-cased; mixed case is refused', () => {
    const lower = 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'
    expect(normalizeAddress({ address: lower.toUpperCase(), chain: 'XBT' }).key).toBe(lower)
    expect(detectAddressFamily(lower)).toBe('bech32')
    const mixed = `bc1Q${lower.slice(4)}`
    expect(() => normalizeAddress({ address: mixed })).toThrow(
      expect.objectContaining({ rule: 'mixed_case', path: ['address'] }),
    )
  })

  it('refuses unknown chains, wrong-chain forms and garbage, naming the field', () => {
    const cases: [Parameters<typeof normalizeAddress>[0], string, string][] = [
      [{ address: `0x${'ab'.repeat(20)}`, chain: 'DOGECOIN' }, 'chain', 'unknown_chain'],
      [{ address: '1BoatSLRHtKNngkdXEeobR76b53LETtpyT', chain: 'ETH' }, 'address', 'wrong_chain'],
      [{ address: `0x${'ab'.repeat(20)}`, chain: 'XBT' }, 'address', 'wrong_chain'],
      [{ address: 'not an address' }, 'address', 'format'],
      [{ address: '' }, 'address', 'format'],
      [{ address: `0x${'ab'.repeat(19)}a` }, 'address', 'format'],
    ]
    for (const [input, field, rule] of cases) {
      const run = () => normalizeAddress(input)
      expect(run).toThrow(ComplianceInputError)
      expect(run).toThrow(
        expect.objectContaining({ code: 'COMPLIANCE_INVALID_ADDRESS', path: [field], rule }),
      )
    }
  })

  it('one token on several chains; custom chains can be added', () => {
    expect(
      normalizeAddress({ address: 'TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE', chain: 'usdt' }).chain,
    ).toBe('USDT')
    expect(normalizeAddress({ address: `0x${'cd'.repeat(20)}`, chain: 'USDT' }).family).toBe('evm')
    const chains = defineChains([{ code: 'sol', families: ['base58'] }])
    expect(
      normalizeAddress({
        address: '7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV',
        chain: 'SOL',
        chains,
      }).family,
    ).toBe('base58')
  })
})
