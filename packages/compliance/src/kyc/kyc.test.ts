import { createManualClock, createSequentialIdGenerator } from '@strongroom/core'
import { describe, expect, it } from 'vitest'
import { applyKycCheck, createKycRegistry, createTestKycProvider, parseKycLevels } from './kyc.js'

describe('KYC provider port (sandbox adapter) and registry', () => {
  const setup = () => {
    const clock = createManualClock(Date.parse('2026-01-01T00:00:00Z'))
    const provider = createTestKycProvider({
      clock,
      ids: createSequentialIdGenerator(),
      webhookSecret: 'whsec_test',
      validityMs: 30 * 86_400_000,
    })
    return { clock, provider, registry: createKycRegistry() }
  }

  it('applicant → check → signed webhook → verified at the level, until it expires', async () => {
    const { clock, provider, registry } = setup()
    const { applicantId } = await provider.createApplicant({
      externalUserId: 'acc-1',
      firstName: 'Jane',
      lastName: 'Doe',
      country: 'DE',
    })
    const check = await provider.requestCheck({ applicantId, level: 2 })
    expect(check.status).toBe('pending')
    applyKycCheck(registry, check)
    expect(registry.statusAt('acc-1', clock.now())).toBe('pending')
    const webhook = provider.complete(check.checkId)
    const reported = provider.verifyWebhook(webhook)
    expect(reported).toMatchObject({ status: 'completed', result: 'clear', level: 2 })
    expect(await provider.getCheck(check.checkId)).toEqual(reported)
    applyKycCheck(registry, reported)
    expect(registry.get('acc-1')).toMatchObject({
      status: 'verified',
      level: 2,
      providerRef: check.checkId,
    })
    expect(registry.statusAt('acc-1', clock.now() + 29 * 86_400_000)).toBe('verified')
    expect(registry.statusAt('acc-1', clock.now() + 30 * 86_400_000)).toBe('expired')
    expect(registry.statusAt('acc-unknown', clock.now())).toBe('missing')
  })

  it('rejected and manual-review outcomes', async () => {
    const { clock, provider, registry } = setup()
    for (const [lastName, status] of [
      ['Rejectson', 'rejected'],
      ['Reviewer', 'pending'],
    ] as const) {
      const { applicantId } = await provider.createApplicant({
        externalUserId: lastName,
        firstName: 'X',
        lastName,
        country: 'FR',
      })
      const check = await provider.requestCheck({ applicantId, level: 1 })
      applyKycCheck(registry, provider.verifyWebhook(provider.complete(check.checkId)))
      expect(registry.statusAt(lastName, clock.now())).toBe(status)
    }
    expect(registry.get('Rejectson')?.rejectLabels).toEqual(['DOCUMENT_FORGED'])
  })

  it('a webhook with a missing or wrong signature is refused', async () => {
    const { provider } = setup()
    const { applicantId } = await provider.createApplicant({
      externalUserId: 'a',
      firstName: 'A',
      lastName: 'B',
      country: 'US',
    })
    const { checkId } = await provider.requestCheck({ applicantId, level: 1 })
    const webhook = provider.complete(checkId)
    expect(() => provider.verifyWebhook({ body: webhook.body, signature: undefined })).toThrow(
      expect.objectContaining({ code: 'COMPLIANCE_KYC_BAD_SIGNATURE' }),
    )
    expect(() =>
      provider.verifyWebhook({
        body: webhook.body.replace('clear', 'clean'),
        signature: webhook.signature,
      }),
    ).toThrow(expect.objectContaining({ code: 'COMPLIANCE_KYC_BAD_SIGNATURE' }))
    await expect(
      provider.createApplicant({
        externalUserId: 'a',
        firstName: 'A',
        lastName: 'B',
        country: 'USA',
      }),
    ).rejects.toMatchObject({ path: ['country'] })
  })

  it('level tables are validated', () => {
    expect(
      parseKycLevels([{ level: 0, name: 'basic', limits: { withdrawal: { perDay: '0' } } }]),
    ).toHaveLength(1)
    expect(() =>
      parseKycLevels([
        { level: 0, name: 'a', limits: {} },
        { level: 0, name: 'b', limits: {} },
      ]),
    ).toThrow(expect.objectContaining({ code: 'COMPLIANCE_INVALID_KYC', path: [1, 'level'] }))
    expect(() =>
      parseKycLevels([{ level: 1, name: 'x', limits: { withdrawal: { perDay: '1e6' } } }]),
    ).toThrow(expect.objectContaining({ path: [0, 'limits', 'withdrawal', 'perDay'] }))
  })
})
