import type { ComplianceEvent } from '@strongroom/core'
import {
  createAddressScreen,
  createKycRegistry,
  createNameScreen,
  createStaticValuator,
  type RuleSetInput,
} from '../src/index.js'

export const T0 = Date.parse('2026-11-01T00:00:00Z')
export const MIN = 60_000
export const HOUR = 60 * MIN
export const DAY = 24 * HOUR

/** BTC at USD 50,000 / EUR 46,000; ETH at USD 2,500; USDC at USD 1 / EUR 0.92. */
export const valuator = createStaticValuator({
  currencies: { USD: 2, EUR: 2 },
  assets: {
    BTC: { decimals: 8, prices: { USD: '50000', EUR: '46000' } },
    ETH: { decimals: 18, prices: { USD: '2500', EUR: '2300' } },
    USDC: { decimals: 6, prices: { USD: '1', EUR: '0.92' } },
  },
})

/** USDC minor units for a dollar amount. */
export const usdc = (dollars: number) => BigInt(Math.round(dollars * 100)) * 10_000n

export const kycLevels = [
  {
    level: 1,
    name: 'basic',
    limits: {
      withdrawal: { perTransaction: '5000', perDay: '10000' },
      deposit: { perDay: '100000' },
    },
  },
  {
    level: 2,
    name: 'full',
    limits: { withdrawal: { perTransaction: '1000000', perDay: '5000000' } },
  },
]

export const SANCTIONED_ETH = '0x8576acc5c05d6ce88f4e49bf65bdf0c62f91353c'

/** Every built-in rule, with parameters a venue might choose. */
export const allRules: RuleSetInput = {
  version: '2026-11-01',
  referenceCurrency: 'USD',
  rules: [
    { id: 'kyc', type: 'kyc' },
    { id: 'ofac-address', type: 'sanctionedAddress', action: 'block' },
    { id: 'names', type: 'sanctionedName', threshold: 0.88, action: 'hold' },
    { id: 'kyt', type: 'addressRisk' },
    { id: 'travel-us', type: 'travelRule', jurisdiction: 'US' },
    {
      id: 'structuring-ctr',
      type: 'structuring',
      threshold: '10000',
      marginPercent: 10,
      windowMs: DAY,
      minCount: 3,
    },
    { id: 'rapid', type: 'rapidMovement', windowMs: 30 * MIN, minValue: '1000' },
    { id: 'layering', type: 'layering', windowMs: DAY, minHops: 3 },
    { id: 'velocity', type: 'velocity', kinds: ['withdrawal'], windowMs: HOUR, maxCount: 5 },
    { id: 'dormant', type: 'dormantReactivation', dormantMs: 365 * DAY, minValue: '1000' },
  ],
}

export function lists() {
  const addresses = createAddressScreen()
  addresses.load({
    source: 'ofac-sdn',
    addresses: [
      {
        address: SANCTIONED_ETH,
        currency: 'ETH',
        entityId: '29703',
        name: 'ANDREYEV, Anton Nikolaeyvich',
      },
    ],
  })
  const names = createNameScreen()
  names.load({
    source: 'ofac-sdn',
    parties: [
      {
        entityId: '29703',
        type: 'individual',
        name: 'ANDREYEV, Anton Nikolaeyvich',
        aliases: [],
        programs: ['CYBER2'],
      },
    ],
  })
  return { addresses, names }
}

/** Accounts acc-1…acc-9 verified at level 2 for a year. */
export function verifiedRegistry() {
  const kyc = createKycRegistry()
  for (let i = 1; i <= 9; i++)
    kyc.set({ accountId: `acc-${i}`, status: 'verified', level: 2, expiresAt: T0 + 365 * DAY })
  return kyc
}

let n = 0
export const deposit = (
  accountId: string,
  t: number,
  amount: bigint,
  extra: Partial<ComplianceEvent> = {},
): ComplianceEvent =>
  ({
    kind: 'deposit',
    id: `d${++n}`,
    timestamp: t,
    accountId,
    asset: 'USDC',
    amount,
    chain: 'ETH',
    ...extra,
  }) as ComplianceEvent
export const withdrawal = (
  accountId: string,
  t: number,
  amount: bigint,
  extra: Partial<ComplianceEvent> = {},
): ComplianceEvent =>
  ({
    kind: 'withdrawal',
    id: `w${++n}`,
    timestamp: t,
    accountId,
    asset: 'USDC',
    amount,
    chain: 'ETH',
    destinationAddress: '0x1111111111111111111111111111111111111111',
    ...extra,
  }) as ComplianceEvent
export const trade = (accountId: string, t: number, quote: bigint): ComplianceEvent => ({
  kind: 'trade',
  id: `t${++n}`,
  timestamp: t,
  accountId,
  counterpartyAccountId: 'mm-1',
  instrument: 'BTC-USDC',
  side: 'buy',
  baseAsset: 'BTC',
  baseAmount: 1_000_000n,
  quoteAsset: 'USDC',
  quoteAmount: quote,
})
export const transfer = (from: string, to: string, t: number, amount: bigint): ComplianceEvent => ({
  kind: 'transfer',
  id: `x${++n}`,
  timestamp: t,
  accountId: from,
  toAccountId: to,
  asset: 'USDC',
  amount,
})
