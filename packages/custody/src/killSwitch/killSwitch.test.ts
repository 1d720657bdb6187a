import { describe, expect, it } from 'vitest'
import { approve, approvers, testAudit } from '../../test/helpers.js'
import { createKillSwitch } from './killSwitch.js'

describe('kill switch', () => {
  it('freezes by scope at once and lifts only with a quorum', async () => {
    const { clock, ids, audit, sink } = await testAudit()
    const ks = createKillSwitch({
      clock,
      ids,
      audit,
      operators: ['ops'],
      liftQuorum: { approvers: [approvers.alice, approvers.bob, approvers.carol], threshold: 2 },
    })
    const target = { walletId: 'hot', asset: 'ETH', venue: 'v1' }
    expect(ks.check(target)).toBeUndefined()
    const pending = ks.engage({
      scope: { kind: 'venue', venue: 'v1' },
      operator: 'ops',
      reason: 'incident',
    })
    expect(ks.check(target)?.scope).toEqual({ kind: 'venue', venue: 'v1' }) // before the audit write settles
    const engagement = await pending
    expect(ks.check({ ...target, venue: 'v2' })).toBeUndefined()
    await ks.engage({ scope: { kind: 'wallet', walletId: 'warm' }, operator: 'ops', reason: 'x' })
    expect(ks.check({ ...target, walletId: 'warm', venue: 'v2' })?.scope.kind).toBe('wallet')
    await expect(
      ks.engage({ scope: { kind: 'global' }, operator: 'mallory', reason: 'x' }),
    ).rejects.toMatchObject({
      code: 'CUSTODY_GOVERNANCE_REJECTED',
    })
    const stale = await ks.lift({
      engagementId: engagement.engagementId,
      requestedBy: 'ops',
      approvals: [
        approve(approvers.alice, engagement.liftDigest, clock.now() - 7_200_000),
        approve(approvers.bob, engagement.liftDigest, clock.now()),
      ],
    })
    expect(!stale.ok && stale.rejection.code).toBe('QUORUM_NOT_MET')
    const lifted = await ks.lift({
      engagementId: engagement.engagementId,
      requestedBy: 'ops',
      approvals: [
        approve(approvers.alice, engagement.liftDigest, clock.now()),
        approve(approvers.bob, engagement.liftDigest, clock.now()),
      ],
    })
    expect(lifted.ok).toBe(true)
    expect(ks.check(target)).toBeUndefined()
    expect(sink.records.map((r) => r.type)).toEqual([
      'custody.killswitch.engaged',
      'custody.killswitch.engaged',
      'custody.killswitch.refused',
      'custody.killswitch.lift.refused',
      'custody.killswitch.lifted',
    ])
  })
})
