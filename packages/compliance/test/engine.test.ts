import { generateKeyPairSync } from 'node:crypto'
import {
  type ComplianceCheck,
  type ComplianceEvent,
  createManualClock,
  createMemoryAuditSink,
  createSequentialIdGenerator,
  type Decision,
  openAuditLog,
} from '@strongroom/core'
import { describe, expect, it } from 'vitest'
import {
  ComplianceInputError,
  createComplianceEngine,
  createGbdtAlertScorer,
  createKycRegistry,
  createMemoryVaspDirectory,
  createReviewQueue,
  createStaticValuator,
  createTestAddressRiskProvider,
  type Ivms101Payload,
  parseXgboostModel,
  type RuleSetInput,
  type VaspRecord,
} from '../src/index.js'
import {
  allRules,
  DAY,
  deposit,
  HOUR,
  kycLevels,
  lists,
  MIN,
  SANCTIONED_ETH,
  T0,
  trade,
  transfer,
  usdc,
  valuator,
  verifiedRegistry,
  withdrawal,
} from './engineFixture.js'

const only = (...types: string[]): RuleSetInput => ({
  ...allRules,
  rules: allRules.rules.filter((r) => types.includes(r.type)),
})
const engineWith = (
  rules: RuleSetInput,
  extra: Partial<Parameters<typeof createComplianceEngine>[0]> = {},
) =>
  createComplianceEngine({
    rules,
    valuator,
    kyc: verifiedRegistry(),
    kycLevels,
    ...lists(),
    ...extra,
  })
const codes = (d: Decision) => ({
  outcome: d.outcome,
  issues: d.issues.map((i) => i.code),
  alerts: d.alerts.map((a) => a.code),
})

describe('rule sets are validated data; every decision records the rule version', () => {
  it('accepts the full rule set and stamps decisions with version + digest', () => {
    const engine = engineWith(allRules)
    expect(engine.ruleVersion).toMatch(/^2026-11-01\+[0-9a-f]{12}$/)
    const decision = engine.evaluateSync(deposit('acc-1', T0, usdc(100)))
    expect(decision).toEqual({
      outcome: 'allow',
      issues: [],
      alerts: [],
      ruleVersion: engine.ruleVersion,
    })
    // A changed parameter changes the digest.
    const changed = engineWith({
      ...allRules,
      rules: allRules.rules.map((r) => (r.id === 'velocity' ? { ...r, maxCount: 6 } : r)),
    })
    expect(changed.ruleVersion).not.toBe(engine.ruleVersion)
    expect(changed.ruleVersion.startsWith('2026-11-01+')).toBe(true)
  })

  it('implements the ComplianceCheck port of @strongroom/core', async () => {
    const port: ComplianceCheck = engineWith(allRules)
    const decision = await port.evaluate(withdrawal('nobody', T0, usdc(10)))
    expect(decision.outcome).toBe('block')
    expect(decision.issues[0]).toEqual({
      code: 'kyc_missing',
      path: ['accountId'],
      message: 'account nobody KYC is missing.',
    })
  })

  it('a bad rule set names the rule and field; an update that fails leaves the rules in force', () => {
    const bad = (rules: unknown, path: (string | number)[]) => {
      expect(() => engineWith(rules as RuleSetInput)).toThrow(ComplianceInputError)
      expect(() => engineWith(rules as RuleSetInput)).toThrow(
        expect.objectContaining({ code: 'COMPLIANCE_INVALID_RULE_SET', path }),
      )
    }
    bad(
      { ...allRules, rules: [{ id: 'v', type: 'velocity', kinds: ['withdrawal'], windowMs: -5 }] },
      ['rules', 0, 'windowMs'],
    )
    bad({ ...allRules, rules: [{ id: 's', type: 'structuring', threshold: '10k', windowMs: 1 }] }, [
      'rules',
      0,
      'threshold',
    ])
    bad({ ...allRules, rules: [{ id: 'x', type: 'teleport' }] }, ['rules', 0, 'type'])
    bad(
      {
        ...allRules,
        rules: [
          { id: 'a', type: 'kyc' },
          { id: 'a', type: 'kyc' },
        ],
      },
      ['rules', 1, 'id'],
    )
    bad({ ...allRules, referenceCurrency: 'usd' }, ['referenceCurrency'])
    const engine = engineWith(allRules)
    const before = engine.ruleVersion
    expect(() =>
      engine.updateRules({ ...allRules, rules: [{ id: 'k', type: 'kyc', onMissing: 'maybe' }] }),
    ).toThrow(expect.objectContaining({ path: ['rules', 0, 'onMissing'] }))
    expect(engine.ruleVersion).toBe(before)
    engine.updateRules({ ...allRules, version: '2026-12-01' })
    expect(engine.ruleVersion.startsWith('2026-12-01+')).toBe(true)
  })

  it('events missing fields are typed errors naming the field, and change nothing', () => {
    const engine = engineWith(allRules)
    const bad = (event: unknown, path: (string | number)[], rule: string) =>
      expect(() => engine.evaluateSync(event as ComplianceEvent)).toThrow(
        expect.objectContaining({ code: 'COMPLIANCE_INVALID_EVENT', path, rule }),
      )
    const { amount: _, ...noAmount } = deposit('acc-1', T0, 1n) as { amount: bigint }
    bad(noAmount, ['amount'], 'required')
    bad({ ...deposit('acc-1', T0, 1n), amount: 5 }, ['amount'], 'type')
    bad({ ...deposit('acc-1', T0, 1n), amount: -1n }, ['amount'], 'negative')
    bad(
      { ...withdrawal('acc-1', T0, 1n), destinationAddress: undefined },
      ['destinationAddress'],
      'required',
    )
    bad({ ...deposit('acc-1', T0, 1n), kind: 'airdrop' }, ['kind'], 'enum')
    bad({ ...deposit('acc-1', T0, 1n), timestamp: '2026-11-01' }, ['timestamp'], 'type')
    bad(transfer('acc-1', 'acc-1', T0, 1n), ['toAccountId'], 'same_account')
    bad(null, [], 'type')
  })

  it('an asset without a price is held with an issue naming the field', () => {
    const engine = engineWith(only('kyc', 'structuring'))
    const d = engine.evaluateSync({ ...deposit('acc-1', T0, 5n), asset: 'DOGE' } as ComplianceEvent)
    expect(d.outcome).toBe('hold')
    expect(d.issues).toEqual([
      {
        code: 'unknown_asset',
        path: ['asset'],
        message: 'cannot value DOGE in USD; limits and typologies need a price.',
      },
    ])
  })
})

describe('KYC gating', () => {
  const registry = () => {
    const kyc = createKycRegistry()
    kyc.set({ accountId: 'pending', status: 'pending', level: 0 })
    kyc.set({ accountId: 'rejected', status: 'rejected', level: 0 })
    kyc.set({ accountId: 'expired', status: 'verified', level: 2, expiresAt: T0 - 1 })
    kyc.set({ accountId: 'basic', status: 'verified', level: 1 })
    return kyc
  }
  const engine = () =>
    createComplianceEngine({ rules: only('kyc'), valuator, kyc: registry(), kycLevels })

  it('missing, pending, expired and rejected KYC decide by policy', () => {
    const e = engine()
    expect(codes(e.evaluateSync(withdrawal('nobody', T0, usdc(10))))).toEqual({
      outcome: 'block',
      issues: ['kyc_missing'],
      alerts: [],
    })
    expect(codes(e.evaluateSync(withdrawal('pending', T0, usdc(10))))).toEqual({
      outcome: 'hold',
      issues: ['kyc_pending'],
      alerts: [],
    })
    expect(codes(e.evaluateSync(withdrawal('expired', T0, usdc(10))))).toEqual({
      outcome: 'hold',
      issues: ['kyc_expired'],
      alerts: [],
    })
    expect(codes(e.evaluateSync(withdrawal('rejected', T0, usdc(10))))).toEqual({
      outcome: 'block',
      issues: ['kyc_rejected'],
      alerts: [],
    })
    const lenient = createComplianceEngine({
      rules: { ...allRules, rules: [{ id: 'k', type: 'kyc', onPending: 'allow' }] },
      valuator,
      kyc: registry(),
      kycLevels,
    })
    expect(lenient.evaluateSync(withdrawal('pending', T0, usdc(10))).outcome).toBe('allow')
  })

  it('level limits per transaction and per rolling day', () => {
    const e = engine()
    expect(codes(e.evaluateSync(withdrawal('basic', T0, usdc(5000))))).toEqual({
      outcome: 'allow',
      issues: [],
      alerts: [],
    })
    expect(e.evaluateSync(withdrawal('basic', T0 + 1, usdc(4999))).outcome).toBe('allow')
    // 5000 + 4999 + 2 > 10000 within 24 h
    const third = e.evaluateSync(withdrawal('basic', T0 + 3, usdc(2)))
    expect(codes(third)).toEqual({ outcome: 'hold', issues: ['kyc_limit_daily'], alerts: [] })
    expect(third.issues[0]!.path).toEqual(['amount'])
    // A held event may still be released, so it counts against the limit (conservative).
    expect(e.evaluateSync(withdrawal('basic', T0 + 4, usdc(0.5))).outcome).toBe('hold')
    expect(e.evaluateSync(withdrawal('basic', T0 + DAY + 1, usdc(2))).outcome).toBe('allow')
    // Over the per-transaction limit (and, here, the daily one too).
    const big = engine().evaluateSync(withdrawal('basic', T0, usdc(5000.01)))
    expect(codes(big)).toEqual({ outcome: 'hold', issues: ['kyc_limit_transaction'], alerts: [] })
  })
})

describe('sanctions screening in decisions', () => {
  it('blocks a withdrawal to, or a deposit from, a listed address whatever its case', () => {
    const e = engineWith(only('sanctionedAddress'))
    const w = e.evaluateSync(
      withdrawal('acc-1', T0, usdc(10), {
        destinationAddress: SANCTIONED_ETH.toUpperCase().replace('0X', '0x'),
      }),
    )
    expect(codes(w)).toEqual({
      outcome: 'block',
      issues: ['sanctioned_address'],
      alerts: ['sanctioned_address'],
    })
    expect(w.issues[0]!.path).toEqual(['destinationAddress'])
    expect(w.alerts[0]).toMatchObject({
      severity: 'critical',
      ruleId: 'ofac-address',
      evidence: { listings: ['ofac-sdn:29703:ETH'] },
    })
    const d = e.evaluateSync(deposit('acc-1', T0, usdc(10), { sourceAddress: SANCTIONED_ETH }))
    expect(d.outcome).toBe('block')
    expect(d.issues[0]!.path).toEqual(['sourceAddress'])
    expect(e.evaluateSync(withdrawal('acc-1', T0, usdc(10))).outcome).toBe('allow')
  })

  it('address risk from the analytics port: direct sanctions exposure blocks, mixer exposure holds', async () => {
    const addressRisk = createTestAddressRiskProvider({
      entries: [
        {
          address: '0x2222222222222222222222222222222222222222',
          riskScore: 7,
          exposures: [{ category: 'mixer', exposure: 'direct' }],
        },
        {
          address: '0x3333333333333333333333333333333333333333',
          riskScore: 10,
          exposures: [{ category: 'sanctions', exposure: 'direct' }],
        },
        {
          address: '0x4444444444444444444444444444444444444444',
          riskScore: 3,
          exposures: [{ category: 'gambling', exposure: 'indirect' }],
        },
      ],
    })
    const e = engineWith(only('addressRisk'), { addressRisk })
    const to = (a: string) => withdrawal('acc-1', T0, usdc(10), { destinationAddress: a })
    expect(codes(await e.evaluate(to('0x2222222222222222222222222222222222222222')))).toEqual({
      outcome: 'hold',
      issues: ['address_risk'],
      alerts: ['address_risk'],
    })
    expect(codes(await e.evaluate(to('0x3333333333333333333333333333333333333333'))).outcome).toBe(
      'block',
    )
    expect(codes(await e.evaluate(to('0x4444444444444444444444444444444444444444')))).toEqual({
      outcome: 'allow',
      issues: [],
      alerts: [],
    })
    expect(addressRisk.calls).toHaveLength(3)
  })
})

describe('Travel Rule in decisions', () => {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 })
  const bob: VaspRecord = {
    id: 'bob',
    name: 'Bob VASP',
    country: 'GB',
    protocols: ['trisa'],
    signingKey: publicKey,
    verified: true,
  }
  const shady: VaspRecord = { ...bob, id: 'shady', name: 'Shady VASP', verified: false }
  const BOB_ADDR = '0xb0b0000000000000000000000000000000000b0b'
  const SHADY_ADDR = '0x5ad0000000000000000000000000000000005ad0'
  const SELF = '0x5e1f00000000000000000000000000000000005e'
  const directory = createMemoryVaspDirectory({
    vasps: [bob, shady],
    addresses: [
      { address: BOB_ADDR, vaspId: 'bob' },
      { address: SHADY_ADDR, vaspId: 'shady' },
    ],
  })
  const selfHostedWallets = { isVerified: ({ address }: { address: string }) => address === SELF }
  const beneficiary = (name = 'Roe'): Ivms101Payload => ({
    originator: {
      originatorPersons: [
        {
          naturalPerson: {
            name: { nameIdentifier: [{ primaryIdentifier: 'Doe', nameIdentifierType: 'LEGL' }] },
            customerIdentification: 'acc-1',
          },
        },
      ],
      accountNumber: ['acc-1'],
    },
    beneficiary: {
      beneficiaryPersons: [
        {
          naturalPerson: {
            name: { nameIdentifier: [{ primaryIdentifier: name, nameIdentifierType: 'LEGL' }] },
          },
        },
      ],
      accountNumber: [BOB_ADDR],
    },
  })
  const us = () =>
    engineWith(only('travelRule', 'sanctionedName'), { directory, selfHostedWallets })

  it('US: from USD 3,000 a known VASP needs valid IVMS101 data; below it nothing is asked', async () => {
    const e = us()
    expect(
      codes(
        await e.evaluate(withdrawal('acc-1', T0, usdc(2999.99), { destinationAddress: BOB_ADDR })),
      ),
    ).toEqual({ outcome: 'allow', issues: [], alerts: [] })
    const missing = await e.evaluate(
      withdrawal('acc-1', T0, usdc(3000), { destinationAddress: BOB_ADDR }),
    )
    expect(codes(missing)).toEqual({
      outcome: 'hold',
      issues: ['travel_rule_data_missing'],
      alerts: ['travel_rule_required'],
    })
    const ok = await e.evaluate(
      withdrawal('acc-1', T0, usdc(3000), {
        destinationAddress: BOB_ADDR,
        beneficiary: beneficiary(),
      }),
    )
    expect(codes(ok)).toEqual({ outcome: 'allow', issues: [], alerts: ['travel_rule_required'] })
    const invalid = beneficiary()
    delete invalid.beneficiary!.accountNumber
    const bad = await e.evaluate(
      withdrawal('acc-1', T0, usdc(5000), { destinationAddress: BOB_ADDR, beneficiary: invalid }),
    )
    expect(bad.outcome).toBe('hold')
    expect(bad.issues.map((i) => [i.code, i.path.join('.')])).toEqual([
      ['required', 'beneficiary.beneficiary.accountNumber'],
    ])
  })

  it('unknown and unverified counterparties are held by policy; a verified self-hosted wallet passes', async () => {
    const e = us()
    const unknown = await e.evaluate(
      withdrawal('acc-1', T0, usdc(5000), {
        destinationAddress: '0x9999999999999999999999999999999999999999',
      }),
    )
    expect(codes(unknown)).toEqual({
      outcome: 'hold',
      issues: ['unknown_counterparty'],
      alerts: [],
    })
    expect(unknown.issues[0]!.path).toEqual(['destinationAddress'])
    const unverified = await e.evaluate(
      withdrawal('acc-1', T0, usdc(5000), {
        destinationAddress: SHADY_ADDR,
        beneficiary: beneficiary(),
      }),
    )
    expect(codes(unverified).issues).toEqual(['counterparty_unverified'])
    expect(
      (await e.evaluate(withdrawal('acc-1', T0, usdc(5000), { destinationAddress: SELF }))).outcome,
    ).toBe('allow')
    const strict = engineWith(
      {
        ...allRules,
        rules: [{ id: 'tr', type: 'travelRule', jurisdiction: 'US', unknownCounterparty: 'block' }],
      },
      { directory },
    )
    expect(
      (await strict.evaluate(withdrawal('acc-1', T0, usdc(5000), { destinationAddress: SELF })))
        .outcome,
    ).toBe('block')
  })

  it('EU: no threshold between providers; self-hosted wallets need proof above EUR 1,000', async () => {
    const e = engineWith(
      { ...allRules, rules: [{ id: 'tr-eu', type: 'travelRule', jurisdiction: 'EU' }] },
      { directory, selfHostedWallets },
    )
    expect(
      codes(await e.evaluate(withdrawal('acc-1', T0, usdc(1), { destinationAddress: BOB_ADDR })))
        .issues,
    ).toEqual(['travel_rule_data_missing'])
    const unhosted = '0x7777777777777777777777777777777777777777'
    // USD 1,000 of USDC = EUR 920: below EUR 1,000, no proof needed.
    expect(
      (await e.evaluate(withdrawal('acc-1', T0, usdc(1000), { destinationAddress: unhosted })))
        .outcome,
    ).toBe('allow')
    expect(
      codes(
        await e.evaluate(withdrawal('acc-1', T0, usdc(1100), { destinationAddress: unhosted })),
      ),
    ).toEqual({ outcome: 'hold', issues: ['unknown_counterparty'], alerts: [] })
    expect(
      (await e.evaluate(withdrawal('acc-1', T0, usdc(1100), { destinationAddress: SELF }))).outcome,
    ).toBe('allow')
    // Before the regulation applied there was no entry in force.
    expect(
      (
        await e.evaluate(
          withdrawal('acc-1', Date.parse('2024-06-01T00:00:00Z'), usdc(5000), {
            destinationAddress: unhosted,
          }),
        )
      ).outcome,
    ).toBe('allow')
  })

  it('thresholds in a currency with other minor units (JPY) and in a currency the valuator does not know', async () => {
    const thresholds = [
      {
        jurisdiction: 'JP',
        currency: 'JPY',
        effectiveFrom: '2023-06-01',
        threshold: '100000',
        source: 'test',
      },
      {
        jurisdiction: 'XX',
        currency: 'XXX',
        effectiveFrom: '2023-06-01',
        threshold: '1',
        source: 'test',
      },
    ]
    const yen = createStaticValuator({
      currencies: { USD: 2, JPY: 0 },
      assets: { USDC: { decimals: 6, prices: { USD: '1', JPY: '150' } } },
    })
    const jp = createComplianceEngine({
      rules: { ...allRules, rules: [{ id: 'tr-jp', type: 'travelRule', jurisdiction: 'JP' }] },
      valuator: yen,
      directory,
      travelRuleThresholds: thresholds,
    })
    // USD 666.66 = JPY 99,999: below; USD 666.67 = JPY 100,000: at the threshold.
    expect(
      (await jp.evaluate(withdrawal('acc-1', T0, usdc(666.66), { destinationAddress: BOB_ADDR })))
        .outcome,
    ).toBe('allow')
    expect(
      codes(
        await jp.evaluate(withdrawal('acc-1', T0, usdc(666.67), { destinationAddress: BOB_ADDR })),
      ).issues,
    ).toEqual(['travel_rule_data_missing'])
    const xx = createComplianceEngine({
      rules: { ...allRules, rules: [{ id: 'tr-xx', type: 'travelRule', jurisdiction: 'XX' }] },
      valuator: yen,
      directory,
      travelRuleThresholds: thresholds,
    })
    const unknown = await xx.evaluate(
      withdrawal('acc-1', T0, usdc(10), { destinationAddress: BOB_ADDR }),
    )
    expect(codes(unknown)).toEqual({ outcome: 'hold', issues: ['unknown_asset'], alerts: [] })
  })

  it('beneficiary names are screened against the lists', async () => {
    const e = us()
    const d = await e.evaluate(
      withdrawal('acc-1', T0, usdc(4000), {
        destinationAddress: BOB_ADDR,
        beneficiary: beneficiary('Andreyev, Anton Nikolaevich'),
      }),
    )
    expect(codes(d)).toEqual({
      outcome: 'hold',
      issues: ['sanctioned_name'],
      alerts: ['sanctioned_name', 'travel_rule_required'],
    })
    expect(d.issues[0]!.path).toEqual(['beneficiary', 'beneficiary', 'beneficiaryPersons', 0])
    expect(d.alerts[0]!.evidence).toMatchObject({
      entityId: '29703',
      matched: 'ANDREYEV, Anton Nikolaeyvich',
    })
  })
})

describe('transaction monitoring typologies (FinCEN virtual-currency red flags)', () => {
  const run = (rules: RuleSetInput, events: ComplianceEvent[]) => {
    const e = engineWith(rules)
    return events.map((ev) => e.evaluateSync(ev))
  }
  const last = (ds: Decision[]) => ds[ds.length - 1]!

  it('structuring: three deposits just below USD 10,000 in a day; near misses do not alert', () => {
    const rules = only('structuring')
    const hit = run(rules, [
      deposit('acc-1', T0, usdc(9500)),
      deposit('acc-1', T0 + 2 * HOUR, usdc(9800)),
      deposit('acc-1', T0 + 5 * HOUR, usdc(9100)),
    ])
    expect(hit.map((d) => d.alerts.length)).toEqual([0, 0, 1])
    expect(last(hit).alerts[0]).toMatchObject({
      code: 'structuring',
      severity: 'high',
      evidence: { count: 3, total: '28400.00', band: '[9000.00, 10000.00)' },
    })
    expect(last(hit).outcome).toBe('allow')
    const none = (events: ComplianceEvent[]) => expect(last(run(rules, events)).alerts).toEqual([])
    none([deposit('acc-2', T0, usdc(9500)), deposit('acc-2', T0 + HOUR, usdc(9500))]) // only two
    none([
      deposit('acc-3', T0, usdc(10000)),
      deposit('acc-3', T0 + HOUR, usdc(10000)),
      deposit('acc-3', T0 + 2 * HOUR, usdc(10000)),
    ]) // at the threshold: reported anyway
    none([
      deposit('acc-4', T0, usdc(8900)),
      deposit('acc-4', T0 + HOUR, usdc(8900)),
      deposit('acc-4', T0 + 2 * HOUR, usdc(8900)),
    ]) // below the band
    none([
      deposit('acc-5', T0, usdc(9500)),
      deposit('acc-5', T0 + 13 * HOUR, usdc(9500)),
      deposit('acc-5', T0 + 25 * HOUR, usdc(9500)),
    ]) // spread over more than a day
    none([
      deposit('acc-6', T0, usdc(9500)),
      withdrawal('acc-6', T0 + HOUR, usdc(9500)),
      deposit('acc-6', T0 + 2 * HOUR, usdc(9500)),
    ]) // mixed kinds
    // An action of hold stops the third deposit.
    const holding = run(
      {
        ...allRules,
        rules: [
          { id: 's', type: 'structuring', threshold: '10000', windowMs: DAY, action: 'hold' },
        ],
      },
      [
        deposit('acc-7', T0, usdc(9500)),
        deposit('acc-7', T0 + 1, usdc(9500)),
        deposit('acc-7', T0 + 2, usdc(9500)),
      ],
    )
    expect(codes(last(holding))).toEqual({
      outcome: 'hold',
      issues: ['structuring'],
      alerts: ['structuring'],
    })
  })

  it('rapid movement: deposit, trade and withdrawal within 30 minutes; near misses do not alert', () => {
    const rules = only('rapidMovement')
    const hit = run(rules, [
      deposit('acc-1', T0, usdc(20000)),
      trade('acc-1', T0 + 5 * MIN, usdc(19000)),
      withdrawal('acc-1', T0 + 20 * MIN, usdc(18000)),
    ])
    expect(last(hit).alerts[0]).toMatchObject({
      code: 'rapid_movement',
      evidence: { minutes: 20, deposit: '20000.00', withdrawal: '18000.00' },
    })
    expect((last(hit).alerts[0]!.evidence as { eventIds: string[] }).eventIds).toHaveLength(3)
    const none = (events: ComplianceEvent[]) => expect(last(run(rules, events)).alerts).toEqual([])
    none([
      deposit('acc-2', T0, usdc(20000)),
      trade('acc-2', T0 + 5 * MIN, usdc(19000)),
      withdrawal('acc-2', T0 + 31 * MIN, usdc(18000)),
    ]) // too slow
    none([deposit('acc-3', T0, usdc(20000)), withdrawal('acc-3', T0 + 10 * MIN, usdc(18000))]) // no trade
    none([
      deposit('acc-4', T0, usdc(20000)),
      trade('acc-4', T0 + 5 * MIN, usdc(19000)),
      withdrawal('acc-4', T0 + 10 * MIN, usdc(5000)),
    ]) // a small share of the deposit
    none([
      deposit('acc-5', T0, usdc(900)),
      trade('acc-5', T0 + MIN, usdc(900)),
      withdrawal('acc-5', T0 + 2 * MIN, usdc(900)),
    ]) // below the minimum value
    none([
      trade('acc-6', T0, usdc(19000)),
      deposit('acc-6', T0 + MIN, usdc(20000)),
      withdrawal('acc-6', T0 + 2 * MIN, usdc(18000)),
    ]) // trade before the deposit
  })

  it('layering: funds through three internal accounts before withdrawal; two hops do not alert', () => {
    const rules = only('layering')
    const hit = run(rules, [
      deposit('acc-1', T0, usdc(5000)),
      transfer('acc-1', 'acc-2', T0 + HOUR, usdc(5000)),
      transfer('acc-2', 'acc-3', T0 + 2 * HOUR, usdc(5000)),
      transfer('acc-3', 'acc-4', T0 + 3 * HOUR, usdc(5000)),
      withdrawal('acc-4', T0 + 4 * HOUR, usdc(5000)),
    ])
    expect(last(hit).alerts[0]).toMatchObject({
      code: 'layering',
      evidence: { hops: 3, path: ['acc-1', 'acc-2', 'acc-3', 'acc-4'] },
    })
    expect((last(hit).alerts[0]!.evidence as { eventIds: string[] }).eventIds).toHaveLength(5)
    const twoHops = run(rules, [
      deposit('acc-5', T0, usdc(5000)),
      transfer('acc-5', 'acc-6', T0 + HOUR, usdc(5000)),
      transfer('acc-6', 'acc-7', T0 + 2 * HOUR, usdc(5000)),
      withdrawal('acc-7', T0 + 3 * HOUR, usdc(5000)),
    ])
    expect(last(twoHops).alerts).toEqual([])
    const slow = run(rules, [
      deposit('acc-1', T0, usdc(5000)),
      transfer('acc-1', 'acc-2', T0 + HOUR, usdc(5000)),
      transfer('acc-2', 'acc-3', T0 + 2 * HOUR, usdc(5000)),
      transfer('acc-3', 'acc-4', T0 + 3 * HOUR, usdc(5000)),
      withdrawal('acc-4', T0 + 3 * HOUR + DAY + 1, usdc(5000)), // hops older than the window
    ])
    expect(last(slow).alerts).toEqual([])
  })

  it('velocity: six withdrawals in an hour alert, five do not', () => {
    const rules = only('velocity')
    const six = run(
      rules,
      Array.from({ length: 6 }, (_, i) => withdrawal('acc-1', T0 + i * 10 * MIN, usdc(100))),
    )
    expect(six.map((d) => d.alerts.length)).toEqual([0, 0, 0, 0, 0, 1])
    expect(last(six).alerts[0]!.evidence).toMatchObject({ count: 6, total: '600.00' })
    const spread = run(
      rules,
      Array.from({ length: 6 }, (_, i) => withdrawal('acc-2', T0 + i * 13 * MIN, usdc(100))),
    )
    expect(spread.every((d) => d.alerts.length === 0)).toBe(true)
  })

  it('dormant reactivation: a year of silence then a large withdrawal', () => {
    const rules = only('dormantReactivation')
    const e = engineWith(rules)
    e.seedLastActivity('acc-1', T0 - 400 * DAY)
    expect(e.evaluateSync(withdrawal('acc-1', T0, usdc(5000))).alerts[0]).toMatchObject({
      code: 'dormant_reactivation',
      evidence: { idleDays: 400 },
    })
    e.seedLastActivity('acc-2', T0 - 400 * DAY)
    expect(e.evaluateSync(withdrawal('acc-2', T0, usdc(999))).alerts).toEqual([]) // small
    e.seedLastActivity('acc-3', T0 - 100 * DAY)
    expect(e.evaluateSync(withdrawal('acc-3', T0, usdc(5000))).alerts).toEqual([]) // not dormant long enough
    expect(e.evaluateSync(withdrawal('acc-4', T0, usdc(5000))).alerts).toEqual([]) // no history: a new account
  })
})

describe('determinism, audit and scoring', () => {
  const scenario = (): ComplianceEvent[] => [
    deposit('acc-1', T0, usdc(9500)),
    deposit('acc-1', T0 + HOUR, usdc(9600)),
    trade('acc-1', T0 + HOUR + MIN, usdc(9000)),
    deposit('acc-1', T0 + 2 * HOUR, usdc(9700)),
    transfer('acc-1', 'acc-2', T0 + 2 * HOUR + MIN, usdc(9000)),
    transfer('acc-2', 'acc-3', T0 + 2 * HOUR + 2 * MIN, usdc(9000)),
    transfer('acc-3', 'acc-4', T0 + 2 * HOUR + 3 * MIN, usdc(9000)),
    withdrawal('acc-4', T0 + 2 * HOUR + 4 * MIN, usdc(9000)),
    withdrawal('acc-1', T0 + 2 * HOUR + 10 * MIN, usdc(9000), {
      destinationAddress: SANCTIONED_ETH,
    }),
  ]

  it('the same events in the same order give the same decisions, with every built-in rule on', () => {
    const events = scenario()
    const a = engineWith(allRules)
    const b = engineWith(allRules)
    const first = events.map((e) =>
      a.evaluateSync(e, { counterparty: null, selfHostedVerified: true }),
    )
    const second = events.map((e) =>
      b.evaluateSync(e, { counterparty: null, selfHostedVerified: true }),
    )
    expect(second).toEqual(first)
    expect(first.map((d) => d.outcome)).toEqual([
      'allow',
      'allow',
      'allow',
      'allow',
      'allow',
      'allow',
      'allow',
      'allow',
      'block',
    ])
    expect(first[3]!.alerts.map((a) => a.code)).toEqual(['structuring'])
    expect(first[7]!.alerts.map((a) => a.code)).toEqual(['layering'])
  })

  it('evaluate records each decision in the hash-chained audit log', async () => {
    const clock = createManualClock(T0)
    const sink = createMemoryAuditSink()
    const audit = await openAuditLog({ sink, clock })
    const e = engineWith(allRules, { audit })
    const events = scenario().slice(0, 4)
    for (const event of events) await e.evaluate(event)
    expect(sink.records.map((r) => r.type)).toEqual(Array(4).fill('compliance.decision'))
    expect(sink.records[3]!.data).toMatchObject({
      eventId: events[3]!.id,
      outcome: 'allow',
      ruleVersion: e.ruleVersion,
      alerts: [{ code: 'structuring', ruleId: 'structuring-ctr' }],
    })
    expect((await audit.verify()).ok).toBe(true)
  })

  it('a gradient-boosted model scores alerts and the review queue follows the score', () => {
    // A one-split model on feature 0 (event value in USD): ≥ 9,600 → margin +2, else −2.
    const model = parseXgboostModel({
      learner: {
        learner_model_param: { base_score: '5E-1', num_class: '0' },
        objective: { name: 'binary:logistic' },
        gradient_booster: {
          name: 'gbtree',
          model: {
            tree_info: [0],
            trees: [
              {
                left_children: [1, -1, -1],
                right_children: [2, -1, -1],
                split_indices: [0, 0, 0],
                split_conditions: [9600, -2, 2],
                default_left: [true, false, false],
              },
            ],
          },
        },
      },
    })
    const e = engineWith(only('structuring', 'velocity'), {
      scorer: createGbdtAlertScorer({ model }),
    })
    const queue = createReviewQueue({
      clock: createManualClock(T0),
      ids: createSequentialIdGenerator(),
    })
    const events = [
      deposit('acc-1', T0, usdc(9100)),
      deposit('acc-1', T0 + 1, usdc(9200)),
      deposit('acc-1', T0 + 2, usdc(9300)),
      deposit('acc-2', T0, usdc(9700)),
      deposit('acc-2', T0 + 1, usdc(9800)),
      deposit('acc-2', T0 + 2, usdc(9900)),
    ]
    for (const event of events) queue.add(event, e.evaluateSync(event))
    const open = queue.list()
    expect(open.map((c) => c.event.accountId)).toEqual(['acc-2', 'acc-1'])
    expect(open[0]!.score).toBeCloseTo(1 / (1 + Math.exp(-2)), 12)
    expect(open[1]!.score).toBeCloseTo(1 / (1 + Math.exp(2)), 12)
  })
})
