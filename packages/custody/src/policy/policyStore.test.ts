import { describe, expect, it } from 'vitest'
import { approve, approvers, ETH, testAudit, USDC, withdrawalPolicy } from '../../test/helpers.js'
import { evmAddressFormat } from '../evm/evmAddress.js'
import { createPolicyStore } from './policyStore.js'

async function setup() {
  const t = await testAudit()
  const store = await createPolicyStore({
    initial: withdrawalPolicy(),
    assets: [ETH, USDC],
    addressFormats: [evmAddressFormat],
    clock: t.clock,
    ids: t.ids,
    audit: t.audit,
  })
  return { ...t, store }
}

describe('policy governance', () => {
  it('changes the policy only after a quorum and the time lock', async () => {
    const { store, clock, sink } = await setup()
    const proposal = await store.propose({
      document: withdrawalPolicy({ version: 2, rules: [] }),
      proposer: 'alice',
    })
    // The proposer cannot approve their own change; an outsider cannot either.
    const own = await store.approve({
      proposalId: proposal.proposalId,
      approval: approve(approvers.alice, proposal.subjectDigest, clock.now()),
    })
    expect(!own.ok && own.rejection.problems[0]?.reason).toBe('initiator')
    const outsider = await store.approve({
      proposalId: proposal.proposalId,
      approval: approve(approvers.erin, proposal.subjectDigest, clock.now()),
    })
    expect(!outsider.ok && outsider.rejection.problems[0]?.reason).toBe('unknown_approver')
    await store.approve({
      proposalId: proposal.proposalId,
      approval: approve(approvers.bob, proposal.subjectDigest, clock.now()),
    })
    expect((await store.current()).version).toBe(1)
    const quorum = await store.approve({
      proposalId: proposal.proposalId,
      approval: approve(approvers.carol, proposal.subjectDigest, clock.now()),
    })
    expect(quorum.ok && quorum.value.status).toBe('scheduled')
    clock.advance(3_600_000 - 1)
    expect((await store.current()).version).toBe(1)
    expect(
      store.ruleLookup({ policyId: 'withdrawals', policyVersion: 1, ruleId: 'small-allow-listed' }),
    ).toEqual({ action: 'allow' })
    clock.advance(1)
    expect((await store.current()).version).toBe(2)
    expect(
      store.ruleLookup({ policyId: 'withdrawals', policyVersion: 1, ruleId: 'small-allow-listed' }),
    ).toBeUndefined()
    expect(sink.records.map((r) => r.type)).toEqual([
      'custody.policy.activated',
      'custody.policy.proposed',
      'custody.policy.approval.refused',
      'custody.policy.approval.refused',
      'custody.policy.approval',
      'custody.policy.approval',
      'custody.policy.scheduled',
      'custody.policy.activated',
    ])
  })

  it('refuses proposals that skip a version and approvals of another proposal', async () => {
    const { store, clock } = await setup()
    await expect(
      store.propose({ document: withdrawalPolicy({ version: 3 }), proposer: 'alice' }),
    ).rejects.toMatchObject({
      code: 'CUSTODY_INVALID_POLICY',
      path: ['version'],
    })
    const a = await store.propose({ document: withdrawalPolicy({ version: 2 }), proposer: 'alice' })
    const b = await store.propose({
      document: withdrawalPolicy({ version: 2, rules: [] }),
      proposer: 'alice',
    })
    const crossed = await store.approve({
      proposalId: b.proposalId,
      approval: approve(approvers.bob, a.subjectDigest, clock.now()),
    })
    expect(!crossed.ok && crossed.rejection.problems[0]?.reason).toBe('forged')
  })
})
