import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { verifyAuditChain } from '@strongroom/core'
import { createTempDir } from '@strongroom/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { setupOrchestrator } from '../../test/helpers/orchestrator.js'
import { approve, approvers, hex, withdrawalPolicy } from '../../test/helpers.js'
import {
  CustodyError,
  createMemoryRequestStore,
  type OrchestratorRequestStore,
  openOrchestratorRequestLog,
} from '../index.js'

let dirs: { path: string; remove(): void }[] = []
const logPath = () => {
  const dir = createTempDir('orchestrator-requests-')
  dirs.push(dir)
  return join(dir.path, 'requests.log')
}
afterEach(() => {
  for (const dir of dirs) dir.remove()
  dirs = []
})

/** A rig on a request log file; `restart()` closes it and starts a new orchestrator on it. */
async function onLog() {
  const path = logPath()
  let store = openOrchestratorRequestLog({ path })
  const rig = await setupOrchestrator({ requests: store })
  return {
    ...rig,
    path,
    restart(overrides: Parameters<typeof rig.orchestratorWith>[0] = {}) {
      store.close()
      store = openOrchestratorRequestLog({ path })
      return rig.orchestratorWith({ ...overrides, requests: store })
    },
  }
}

const typesOf = (records: readonly { type: string }[]) => records.map((r) => r.type)

describe('openOrchestratorRequestLog: the orchestrator across restarts', () => {
  it('keeps approvals collected before a restart: submit, approve, restart, approve, sign', async () => {
    const { orchestrator, restart, intent, tx, clock, signer, sink } = await onLog()
    const submitted = await orchestrator.submit(intent())
    if (!submitted.ok) throw new Error('expected ok')
    const digest = submitted.value.digest
    await orchestrator.approve({
      requestId: 'w1',
      approval: approve(approvers.alice, digest, clock.now()),
    })

    const second = restart()
    const recovered = second.get('w1')
    expect(recovered?.status).toBe('awaiting_approvals')
    expect(recovered?.digest).toBe(digest)
    expect(recovered?.request.amount).toBe(2n * 10n ** 18n)
    expect(recovered?.decision.ruleId).toBe('large-allow-listed')
    expect(recovered?.approvals.map((a) => a.approverId)).toEqual(['alice'])
    // One approval is not a quorum, before or after the restart.
    const early = await second.sign({ requestId: 'w1', transaction: tx() })
    expect(!early.ok && early.rejection.code).toBe('APPROVALS_REQUIRED')

    const ready = await second.approve({
      requestId: 'w1',
      approval: approve(approvers.carol, digest, clock.now()),
    })
    expect(ready.ok && ready.value.status).toBe('ready')
    const signed = await second.sign({ requestId: 'w1', transaction: tx() })
    expect(signed.ok && signed.value.authorization.approvals.map((a) => a.approverId)).toEqual([
      'alice',
      'carol',
    ])
    expect(signer.signed).toBe(1)
    expect(restart().get('w1')?.status).toBe('signed')

    const types = typesOf(sink.records)
    expect(types.filter((t) => t === 'custody.request.submitted')).toHaveLength(1)
    expect(types.filter((t) => t === 'custody.policy.decision')).toHaveLength(1)
    expect(types.filter((t) => t === 'custody.approval')).toHaveLength(2)
    expect(types.filter((t) => t === 'custody.authorization')).toHaveLength(1)
    expect(types.filter((t) => t === 'custody.signature')).toHaveLength(1)
    expect(verifyAuditChain(sink.records).ok).toBe(true)
  })

  it('never signs a signed request again after a restart: the recorded signature is returned', async () => {
    const { orchestrator, restart, intent, tx, signer, sink } = await onLog()
    await orchestrator.submit(intent({ amount: '0.5' }))
    const first = await orchestrator.sign({
      requestId: 'w1',
      transaction: tx({ value: 10n ** 18n / 2n }),
    })
    if (!first.ok) throw new Error('expected ok')
    expect(signer.signed).toBe(1)

    const second = restart()
    // Resubmitting the same intent returns the tracked request; other content is a conflict.
    const again = await second.submit(intent({ amount: '0.5' }))
    expect(again.ok && again.value.status).toBe('signed')
    expect(again.ok && again.value.signed).toHaveLength(1)
    await expect(second.submit(intent({ amount: '0.6' }))).rejects.toMatchObject({
      code: 'CUSTODY_REQUEST_CONFLICT',
      path: ['requestId'],
    })
    const replayed = await second.sign({
      requestId: 'w1',
      transaction: tx({ value: 10n ** 18n / 2n }),
    })
    if (!replayed.ok) throw new Error('expected ok')
    expect(signer.signed).toBe(1)
    expect(hex(replayed.value.signature)).toBe(hex(first.value.signature))
    expect(replayed.value.recoveryId).toBe(first.value.recoveryId)
    expect(replayed.value.authorization).toEqual(first.value.authorization)
    expect(replayed.value.payload).toEqual(first.value.payload)
    expect(replayed.value.transaction).toEqual(first.value.transaction)
    expect(replayed.value.publicKey).toEqual(first.value.publicKey)
    // Another transfer for the request is still refused; a speed-up still goes through the rules.
    await expect(
      second.sign({ requestId: 'w1', transaction: tx({ value: 10n ** 18n / 2n, nonce: 1 }) }),
    ).rejects.toMatchObject({ code: 'CUSTODY_PAYLOAD_MISMATCH' })
    const speedUp = await second.sign({
      requestId: 'w1',
      transaction: tx({ value: 10n ** 18n / 2n, maxFeePerGas: 3_000_000_000n }),
      purpose: 'speed_up',
    })
    expect(speedUp.ok).toBe(true)
    expect(signer.signed).toBe(2)
    const types = typesOf(sink.records)
    expect(types.filter((t) => t === 'custody.signature')).toHaveLength(2)
    expect(types.filter((t) => t === 'custody.signature.replayed')).toHaveLength(1)
    expect(types.filter((t) => t === 'custody.request.invalid')).toHaveLength(1)
    expect(verifyAuditChain(sink.records).ok).toBe(true)
  })

  it('signs once when the same payload is asked for twice at the same time', async () => {
    const { orchestrator, intent, tx, signer } = await onLog()
    await orchestrator.submit(intent({ amount: '1' }))
    const transaction = tx({ value: 10n ** 18n })
    const [a, b] = await Promise.all([
      orchestrator.sign({ requestId: 'w1', transaction }),
      orchestrator.sign({ requestId: 'w1', transaction }),
    ])
    expect(signer.signed).toBe(1)
    expect(a.ok && b.ok && hex(a.value.signature) === hex(b.value.signature)).toBe(true)
  })

  it('keeps expired approvals expired and refused requests refused after a restart', async () => {
    const { orchestrator, restart, intent, tx, clock, signer, sink } = await onLog()
    const submitted = await orchestrator.submit(intent())
    if (!submitted.ok) throw new Error('expected ok')
    for (const who of [approvers.alice, approvers.bob]) {
      await orchestrator.approve({
        requestId: 'w1',
        approval: approve(who, submitted.value.digest, clock.now()),
      })
    }
    const denied = await orchestrator.submit(
      intent({ requestId: 'w2', destination: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC' }),
    )
    expect(!denied.ok && denied.rejection.code).toBe('POLICY_DEFAULT_DENY')

    clock.advance(86_400_000 + 1) // past the policy's approvalMaxAgeMs (1 day)
    const second = restart()
    expect(second.get('w1')?.status).toBe('ready')
    const stale = await second.sign({ requestId: 'w1', transaction: tx() })
    expect(!stale.ok && stale.rejection.code).toBe('APPROVALS_REQUIRED')
    expect(!stale.ok && stale.rejection.problems?.map((p) => p.reason)).toEqual([
      'expired',
      'expired',
    ])
    expect(second.get('w2')?.status).toBe('refused')
    const closed = await second.sign({ requestId: 'w2', transaction: tx() })
    expect(!closed.ok && closed.rejection.code).toBe('REQUEST_CLOSED')
    expect(signer.signed).toBe(0)
    expect(
      sink.records
        .filter((r) => r.type === 'custody.request.refused')
        .map((r) => (r.data as { code: string }).code),
    ).toEqual(['POLICY_DEFAULT_DENY', 'APPROVALS_REQUIRED', 'REQUEST_CLOSED'])
  })

  it('after a crash while the signer worked, signs that same payload only, and nothing else', async () => {
    const { orchestrator, restart, intent, tx, signer, sink } = await onLog()
    await orchestrator.submit(intent({ amount: '1' }))
    // The first process is stuck inside the signer, then crashes: its answer never comes. The
    // payload was written to the log as pending before the signer was asked.
    const hanging = restart({ signer: { ...signer, sign: () => new Promise<never>(() => {}) } })
    void hanging.sign({ requestId: 'w1', transaction: tx({ value: 10n ** 18n }) })
    await new Promise((resolve) => setTimeout(resolve, 50))

    const recovered = restart()
    expect(recovered.get('w1')?.status).toBe('ready')
    // The pending transfer may have been signed: a different transfer is refused...
    await expect(
      recovered.sign({ requestId: 'w1', transaction: tx({ value: 10n ** 18n, nonce: 7 }) }),
    ).rejects.toMatchObject({ code: 'CUSTODY_PAYLOAD_MISMATCH' })
    // ...while the very same payload is signed (once), and recorded from then on.
    const resumed = await recovered.sign({
      requestId: 'w1',
      transaction: tx({ value: 10n ** 18n }),
    })
    expect(resumed.ok).toBe(true)
    expect(signer.signed).toBe(1)
    const again = await restart().sign({ requestId: 'w1', transaction: tx({ value: 10n ** 18n }) })
    expect(again.ok && resumed.ok && hex(again.value.signature)).toBe(
      resumed.ok && hex(resumed.value.signature),
    )
    expect(signer.signed).toBe(1)
    const authorizations = sink.records.filter(
      (r) => r.type === 'custody.authorization' && (r.data as { resumed?: boolean }).resumed,
    )
    expect(authorizations).toHaveLength(1)
  })

  it('counts signed requests in velocity windows after a restart', async () => {
    const { orchestrator, restart, intent, tx, policies, clock } = await onLog()
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
    for (const who of [approvers.bob, approvers.carol]) {
      await policies.approve({
        proposalId: proposal.proposalId,
        approval: approve(who, proposal.subjectDigest, clock.now()),
      })
    }
    clock.advance(3_600_000)
    expect((await policies.current()).version).toBe(2)
    await orchestrator.submit(intent({ requestId: 'v1', amount: '1' }))
    expect(
      (await orchestrator.sign({ requestId: 'v1', transaction: tx({ value: 10n ** 18n }) })).ok,
    ).toBe(true)
    clock.advance(60_000)
    const second = restart()
    const next = await second.submit(intent({ requestId: 'v2', amount: '0.6' }))
    expect(next.ok && next.value.decision.ruleId).toBe('velocity')
  })
})

describe('openOrchestratorRequestLog: the file', () => {
  it('ignores a torn last line, and appends cleanly after it', async () => {
    const { orchestrator, restart, intent, path } = await onLog()
    await orchestrator.submit(intent({ requestId: 'w1', amount: '0.5' }))
    appendFileSync(path, '{"request":{"requestId":"w2","amou')
    const second = restart()
    expect(second.get('w1')?.status).toBe('ready')
    expect(second.get('w2')).toBeUndefined()
    await second.submit(intent({ requestId: 'w2', amount: '0.25' }))
    const third = restart()
    expect(third.get('w2')?.request.amount).toBe(10n ** 18n / 4n)
    expect(
      readFileSync(path, 'utf8')
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line).request.requestId),
    ).toEqual(['w1', 'w2'])
  })

  it('refuses a corrupt line before the end with a typed error and leaves the file alone', async () => {
    const { orchestrator, intent, path } = await onLog()
    await orchestrator.submit(intent({ requestId: 'w1', amount: '0.5' }))
    await orchestrator.submit(intent({ requestId: 'w2', amount: '0.5' }))
    const [first, second] = readFileSync(path, 'utf8').trimEnd().split('\n')
    for (const corrupt of [
      `${first}\nnot json\n${second}\n`,
      `${first}\n{"request":{"requestId":"w3"}}\n${second}\n`,
    ]) {
      writeFileSync(path, corrupt)
      let error: unknown
      try {
        openOrchestratorRequestLog({ path })
      } catch (caught) {
        error = caught
      }
      expect(error).toBeInstanceOf(CustodyError)
      expect((error as CustodyError).code).toBe('CUSTODY_REQUEST_STORE_FAILED')
      expect((error as CustodyError).message).toContain('line 2')
      expect(readFileSync(path, 'utf8')).toBe(corrupt)
    }
  })

  it('refuses to start when a stored request names a wallet that is not configured', async () => {
    const { orchestrator, restart, intent } = await onLog()
    await orchestrator.submit(intent())
    expect(() => restart({ wallets: [] })).toThrow(
      expect.objectContaining({ code: 'CUSTODY_REQUEST_STORE_FAILED' }),
    )
  })

  it('compacts to one line per request', async () => {
    const path = logPath()
    const store = openOrchestratorRequestLog({ path, compactAfter: 4 })
    const { orchestratorWith, intent, clock } = await setupOrchestrator()
    const orchestrator = orchestratorWith({ requests: store })
    const submitted = await orchestrator.submit(intent())
    if (!submitted.ok) throw new Error('expected ok')
    for (const who of [approvers.alice, approvers.bob, approvers.carol]) {
      await orchestrator.approve({
        requestId: 'w1',
        approval: approve(who, submitted.value.digest, clock.now()),
      })
    }
    expect(readFileSync(path, 'utf8').trimEnd().split('\n')).toHaveLength(1)
    expect(store.size).toBe(1)
    store.close()
    const reopened = openOrchestratorRequestLog({ path })
    expect(reopened.load()[0]?.approvals.map((a) => a.approverId)).toEqual([
      'alice',
      'bob',
      'carol',
    ])
    reopened.close()
  })
})

describe('createMemoryRequestStore', () => {
  it('round-trips every field through the stored JSON form', async () => {
    const requests: OrchestratorRequestStore = createMemoryRequestStore()
    const { orchestrator, orchestratorWith, intent, tx } = await setupOrchestrator({ requests })
    await orchestrator.submit(intent({ amount: '0.5' }))
    const signed = await orchestrator.sign({
      requestId: 'w1',
      transaction: tx({ value: 10n ** 18n / 2n }),
    })
    const again = orchestratorWith({ requests })
    expect(again.get('w1')).toEqual(orchestrator.get('w1'))
    const replayed = await again.sign({
      requestId: 'w1',
      transaction: tx({ value: 10n ** 18n / 2n }),
    })
    expect(replayed).toEqual(signed)
  })
})
