import { secp256k1 } from '@noble/curves/secp256k1.js'
import { verifyAuditChain } from '@strongroom/core'
import { describe, expect, it } from 'vitest'
import { ONE, setupOrchestrator } from '../../test/helpers/orchestrator.js'
import { approve, approvers, CHAIN, OTHER, withdrawalPolicy } from '../../test/helpers.js'
import { evmAddressOfPublicKey } from '../evm/evmPayloadBinder.js'

const setup = setupOrchestrator

describe('orchestrator', () => {
  it('signs a large withdrawal only after 2 of 3 approvals, and the signature recovers to the wallet', async () => {
    const { orchestrator, intent, tx, clock, signer, wallet, sink } = await setup()
    const submitted = await orchestrator.submit(intent())
    expect(submitted.ok).toBe(true)
    if (!submitted.ok) return
    expect(submitted.value.status).toBe('awaiting_approvals')
    expect(submitted.value.decision.ruleId).toBe('large-allow-listed')

    const refused = await orchestrator.sign({ requestId: 'w1', transaction: tx() })
    expect(refused.ok).toBe(false)
    if (!refused.ok) expect(refused.rejection.code).toBe('APPROVALS_REQUIRED')
    expect(signer.signed).toBe(0)

    const digest = submitted.value.digest
    // The initiator cannot approve, an outsider cannot approve.
    const self = await orchestrator.approve({
      requestId: 'w1',
      approval: approve(approvers.dave, digest, clock.now()),
    })
    expect(self.ok).toBe(false)
    await orchestrator.approve({
      requestId: 'w1',
      approval: approve(approvers.alice, digest, clock.now()),
    })
    const second = await orchestrator.approve({
      requestId: 'w1',
      approval: approve(approvers.carol, digest, clock.now()),
    })
    expect(second.ok && second.value.status).toBe('ready')

    const signed = await orchestrator.sign({ requestId: 'w1', transaction: tx() })
    expect(signed.ok).toBe(true)
    if (!signed.ok) return
    expect(signed.value.authorization.approvals.map((a) => a.approverId)).toEqual([
      'alice',
      'carol',
    ])
    const sig = secp256k1.Signature.fromBytes(signed.value.signature, 'compact').addRecoveryBit(
      signed.value.recoveryId!,
    )
    const recovered = sig.recoverPublicKey(signed.value.payload).toBytes(true)
    expect(evmAddressOfPublicKey(recovered)).toBe(wallet.address)

    // A second transfer for the same request is refused: only replacements with the same nonce.
    await expect(
      orchestrator.sign({ requestId: 'w1', transaction: tx({ nonce: 1 }) }),
    ).rejects.toMatchObject({
      code: 'CUSTODY_PAYLOAD_MISMATCH',
    })
    const speedUp = await orchestrator.sign({
      requestId: 'w1',
      transaction: tx({ maxFeePerGas: 3_000_000_000n }),
      purpose: 'speed_up',
    })
    expect(speedUp.ok).toBe(true)
    const types = sink.records.map((r) => r.type)
    expect(types).toContain('custody.policy.decision')
    expect(types.filter((t) => t === 'custody.signature')).toHaveLength(2)
    expect(types.filter((t) => t === 'custody.approval')).toHaveLength(2)
    expect(types).toContain('custody.approval.refused')
    expect(verifyAuditChain(sink.records).ok).toBe(true)
  })

  it('refuses forged, expired and outsider approvals, and audits each', async () => {
    const { orchestrator, intent, clock, sink } = await setup()
    const submitted = await orchestrator.submit(intent())
    if (!submitted.ok) throw new Error('expected ok')
    const digest = submitted.value.digest
    const genuine = approve(approvers.alice, digest, clock.now())
    const cases = [
      [{ ...genuine, signature: approve(approvers.bob, digest, clock.now()).signature }, 'forged'],
      [approve(approvers.bob, digest, clock.now() - 2 * 86_400_000), 'expired'],
      [approve(approvers.erin, digest, clock.now()), 'unknown_approver'],
      [{ ...approve(approvers.erin, digest, clock.now()), approverId: 'bob' }, 'key_mismatch'],
    ] as const
    for (const [approval, reason] of cases) {
      const result = await orchestrator.approve({ requestId: 'w1', approval })
      expect(!result.ok && result.rejection.problems?.[0]?.reason).toBe(reason)
    }
    const audited = sink.records
      .filter((r) => r.type === 'custody.approval.refused')
      .map((r) => (r.data as { reason: string }).reason)
    expect(audited).toEqual(cases.map((c) => c[1]))
    expect(orchestrator.get('w1')?.approvals).toEqual([])
  })

  it('verifies approvals by content: one altered after it was accepted does not count at sign', async () => {
    const { orchestrator, intent, tx, clock, signer } = await setup()
    const submitted = await orchestrator.submit(intent())
    if (!submitted.ok) throw new Error('expected ok')
    const digest = submitted.value.digest
    const alice = approve(approvers.alice, digest, clock.now())
    const carol = approve(approvers.carol, digest, clock.now()) as { signature: string }
    await orchestrator.approve({ requestId: 'w1', approval: alice })
    const ready = await orchestrator.approve({ requestId: 'w1', approval: carol as never })
    expect(ready.ok && ready.value.status).toBe('ready')
    // The caller still holds the approval object the orchestrator kept, and alters it.
    carol.signature = approve(approvers.bob, digest, clock.now()).signature
    const refused = await orchestrator.sign({ requestId: 'w1', transaction: tx() })
    expect(!refused.ok && refused.rejection.code).toBe('APPROVALS_REQUIRED')
    expect(!refused.ok && refused.rejection.problems?.map((p) => p.reason)).toEqual(['forged'])
    expect(signer.signed).toBe(0)
  })

  it('refuses a transaction that does not match the request', async () => {
    const { orchestrator, intent, tx } = await setup()
    await orchestrator.submit(intent({ amount: '0.5' }))
    for (const bad of [
      tx({ value: ONE / 2n + 1n }),
      tx({ value: ONE / 2n, to: OTHER }),
      tx({ value: ONE / 2n, chainId: 1 }),
      tx({ value: ONE / 2n, maxFeePerGas: 10n ** 16n }),
      tx({ value: ONE / 2n, data: '0xdeadbeef' }),
    ]) {
      await expect(orchestrator.sign({ requestId: 'w1', transaction: bad })).rejects.toMatchObject({
        code: 'CUSTODY_PAYLOAD_MISMATCH',
      })
    }
    const good = await orchestrator.sign({ requestId: 'w1', transaction: tx({ value: ONE / 2n }) })
    expect(good.ok).toBe(true)
  })

  it('denies by default, blocks on screening, and freezes on the kill switch', async () => {
    const { orchestrator, intent, killSwitch, sink } = await setup()
    const notListed = await orchestrator.submit(intent({ requestId: 'w2', destination: OTHER }))
    expect(!notListed.ok && notListed.rejection.code).toBe('POLICY_DEFAULT_DENY')
    await killSwitch.engage({
      scope: { kind: 'asset', asset: 'ETH' },
      operator: 'ops',
      reason: 'incident',
    })
    const frozen = await orchestrator.submit(intent({ requestId: 'w3', amount: '0.1' }))
    expect(!frozen.ok && frozen.rejection.code).toBe('KILL_SWITCH_ENGAGED')
    const refusals = sink.records
      .filter((r) => r.type === 'custody.request.refused')
      .map((r) => (r.data as { code: string }).code)
    expect(refusals).toEqual(['POLICY_DEFAULT_DENY', 'KILL_SWITCH_ENGAGED'])

    const blocked = await setup({ screening: 'block' })
    const sanctioned = await blocked.orchestrator.submit(blocked.intent())
    expect(!sanctioned.ok && sanctioned.rejection.code).toBe('POLICY_BLOCKED')
    expect(!sanctioned.ok && sanctioned.rejection.decision?.ruleId).toBe('screening-block')
  })

  it('refuses bad input with typed errors naming the field, and audits each', async () => {
    const { orchestrator, intent, sink } = await setup()
    const cases: [Record<string, unknown>, string, string][] = [
      [{ walletId: 'nope' }, 'CUSTODY_UNKNOWN_WALLET', 'walletId'],
      [{ chain: 'eip155:1' }, 'CUSTODY_CHAIN_MISMATCH', 'chain'],
      [{ asset: 'BTC' }, 'CUSTODY_UNKNOWN_ASSET', 'asset'],
      [{ amount: '0.0000000000000000001' }, 'CORE_INVALID_AMOUNT', 'amount'],
      [
        { destination: '0x70997970c51812dc3a010c7d01b50e0d17dc79C8' },
        'CUSTODY_INVALID_ADDRESS',
        'destination',
      ],
      [{ destination: '0x1234' }, 'CUSTODY_INVALID_ADDRESS', 'destination'],
      [{ amount: 5 }, 'CUSTODY_INVALID_REQUEST', 'amount'],
    ]
    for (const [overrides, code, field] of cases) {
      await expect(orchestrator.submit(intent(overrides))).rejects.toMatchObject({
        code,
        path: [field],
      })
    }
    const invalid = sink.records.filter((r) => r.type === 'custody.request.invalid')
    expect(invalid.map((r) => (r.data as { code: string }).code)).toEqual(cases.map((c) => c[1]))
    expect(orchestrator.get('w1')).toBeUndefined()
    await expect(orchestrator.submit(intent())).resolves.toMatchObject({ ok: true })
    await expect(orchestrator.submit(intent({ amount: '3' }))).rejects.toMatchObject({
      code: 'CUSTODY_REQUEST_CONFLICT',
    })
  })

  it('refuses when any RPC endpoint reports another chain than the wallet', async () => {
    const { orchestrator, intent, sink } = await setup({ reported: [CHAIN, 'eip155:1'] })
    await expect(orchestrator.submit(intent())).rejects.toMatchObject({
      code: 'CUSTODY_CHAIN_MISMATCH',
      rule: 'endpoint_chain',
    })
    expect(sink.records.find((r) => r.type === 'custody.chain.mismatch')?.data).toMatchObject({
      endpoint: 'rpc-1',
      reported: 'eip155:1',
    })
  })

  it('counts velocity over a sliding window', async () => {
    const { orchestrator, intent, tx, policies, clock } = await setup()
    // Version 2 of the policy adds a velocity rule: more than 1.5 ETH per hour per wallet needs approvals.
    const doc = withdrawalPolicy({ version: 2 })
    doc.rules.splice(1, 0, {
      id: 'velocity',
      when: {
        assets: ['ETH'],
        velocity: { windowMs: 3_600_000, scope: 'wallet', above: { ETH: '1.5' } },
      },
      action: { type: 'require_approvals', quorum: [{ group: 'treasury', threshold: 2 }] },
    } as never)
    const proposal = await policies.propose({ document: doc, proposer: 'alice' })
    await policies.approve({
      proposalId: proposal.proposalId,
      approval: approve(approvers.bob, proposal.subjectDigest, clock.now()),
    })
    await policies.approve({
      proposalId: proposal.proposalId,
      approval: approve(approvers.carol, proposal.subjectDigest, clock.now()),
    })
    clock.advance(3_600_000)
    expect((await policies.current()).version).toBe(2)

    const first = await orchestrator.submit(intent({ requestId: 'v1', amount: '1' }))
    expect(first.ok && first.value.decision.ruleId).toBe('small-allow-listed')
    expect((await orchestrator.sign({ requestId: 'v1', transaction: tx({ value: ONE }) })).ok).toBe(
      true,
    )
    clock.advance(60_000)
    const second = await orchestrator.submit(intent({ requestId: 'v2', amount: '0.6' }))
    expect(second.ok && second.value.decision.ruleId).toBe('velocity')
    clock.advance(3_600_000)
    const later = await orchestrator.submit(intent({ requestId: 'v3', amount: '0.6' }))
    expect(later.ok && later.value.decision.ruleId).toBe('small-allow-listed')
  })
})
