import { addressKey } from './address.js'

/** Categories blockchain-analytics vendors report exposure to. */
export type AddressRiskCategory =
  | 'sanctions'
  | 'darknet market'
  | 'mixer'
  | 'ransomware'
  | 'scam'
  | 'stolen funds'
  | 'terrorist financing'
  | 'child abuse material'
  | 'gambling'
  | 'exchange'
  | (string & {})

/** A vendor's assessment of one address. */
export type AddressRiskReport = {
  readonly address: string
  readonly chain: string
  /** Overall risk, 0 (none) to 10 (severe), as the vendors' scales normalise. */
  readonly riskScore: number
  readonly exposures: readonly {
    readonly category: AddressRiskCategory
    /** `direct`: the address itself belongs to the category; `indirect`: funds passed through. */
    readonly exposure: 'direct' | 'indirect'
    /** Share of the address's volume, 0–1, when reported. */
    readonly share?: number | undefined
  }[]
  /** Which provider answered. */
  readonly provider: string
}

/**
 * Port: address risk from a blockchain-analytics vendor (KYT-style "screen this address" APIs).
 * A real adapter calls the vendor; {@link createTestAddressRiskProvider} stands in for it in tests.
 */
export type AddressRiskProvider = {
  screenAddress(parameters: { chain: string; address: string }): Promise<AddressRiskReport>
}

/** A scripted {@link AddressRiskProvider}: listed addresses get their report, others score 0. */
export function createTestAddressRiskProvider(parameters: {
  readonly entries: readonly Omit<AddressRiskReport, 'provider' | 'chain'>[]
}): AddressRiskProvider & { readonly calls: { chain: string; address: string }[] } {
  const byKey = new Map(parameters.entries.map((e) => [addressKey(e.address), e]))
  const calls: { chain: string; address: string }[] = []
  return {
    calls,
    async screenAddress({ chain, address }) {
      calls.push({ chain, address })
      const entry = byKey.get(addressKey(address))
      return {
        address,
        chain,
        riskScore: entry?.riskScore ?? 0,
        exposures: entry?.exposures ?? [],
        provider: 'test',
      }
    },
  }
}
