import { createHash } from 'node:crypto'
import {
  canonicalJson,
  createManualClock,
  createMemoryAuditSink,
  createSequentialIdGenerator,
  type Decision,
  openAuditLog,
} from '@strongroom/core'
import { describe, expect, it } from 'vitest'
import { createReviewQueue, formatCaseReport } from './reviewQueue.js'

const event = (id: string) => ({
  kind: 'withdrawal' as const,
  id,
  timestamp: 1_700_000_000_000,
  accountId: 'acc-1',
  asset: 'BTC',
  amount: 100n,
  chain: 'XBT',
  destinationAddress: '1BoatSLRHtKNngkdXEeobR76b53LETtpyT',
})
const decision = (
  score: number | undefined,
  severity: 'low' | 'high' = 'high',
  outcome: Decision['outcome'] = 'hold',
): Decision => ({
  outcome,
  issues: [{ code: 'structuring', path: [], message: '3 deposits just below 10000.00' }],
  alerts: [
    {
      code: 'structuring',
      ruleId: 'struct-1',
      severity,
      score,
      message: '3 deposits just below 10000.00',
      evidence: { eventIds: ['d1', 'd2', 'd3'], total: '29500.00' },
    },
  ],
  ruleVersion: 'v1+abc',
})

describe('review queue', () => {
  it('orders open cases by score, then severity, then age; allowed events without alerts open nothing', async () => {
    const clock = createManualClock(1_700_000_000_000)
    const sink = createMemoryAuditSink()
    const queue = createReviewQueue({
      clock,
      ids: createSequentialIdGenerator(),
      audit: await openAuditLog({ sink, clock }),
    })
    const a = queue.add(event('w1'), decision(0.2))!
    clock.advance(1)
    const b = queue.add(event('w2'), decision(0.9))!
    clock.advance(1)
    const c = queue.add(event('w3'), decision(undefined, 'low'))!
    clock.advance(1)
    const d = queue.add(event('w4'), decision(undefined, 'high'))!
    expect(
      queue.add(event('w5'), { outcome: 'allow', issues: [], alerts: [], ruleVersion: 'v1' }),
    ).toBeUndefined()
    expect(queue.list().map((x) => x.caseId)).toEqual([b.caseId, a.caseId, d.caseId, c.caseId])
    expect(queue.next()?.caseId).toBe(b.caseId)
    const resolved = await queue.resolve({
      caseId: b.caseId,
      reviewer: 'officer-7',
      resolution: 'blocked',
      note: 'matches known mule pattern',
    })
    expect(resolved.status).toBe('blocked')
    expect(queue.next()?.caseId).toBe(a.caseId)
    expect(sink.records.map((r) => [r.type, r.actor])).toEqual([['compliance.review', 'officer-7']])
    await expect(
      queue.resolve({ caseId: 'nope', reviewer: 'x', resolution: 'released', note: '' }),
    ).rejects.toMatchObject({ code: 'COMPLIANCE_UNKNOWN_CASE' })
  })

  it('exports a case with a digest over its canonical form, and a readable report', async () => {
    const clock = createManualClock(1_700_000_000_000)
    const queue = createReviewQueue({ clock, ids: createSequentialIdGenerator() })
    const c = queue.add(event('w1'), decision(0.75))!
    await queue.resolve({
      caseId: c.caseId,
      reviewer: 'officer-7',
      resolution: 'escalated',
      note: 'file SAR',
    })
    const exported = queue.exportCase(c.caseId)
    const { digest, ...body } = exported
    expect(digest).toBe(createHash('sha256').update(canonicalJson(body)).digest('hex'))
    expect(exported.event).toMatchObject({
      amount: '100',
      destinationAddress: '1BoatSLRHtKNngkdXEeobR76b53LETtpyT',
    })
    expect(exported.alerts[0]).toMatchObject({
      code: 'structuring',
      score: 0.75,
      evidence: { eventIds: ['d1', 'd2', 'd3'], total: '29500.00' },
    })
    const report = formatCaseReport(exported)
    expect(report).toContain(`Case ${c.caseId} — account acc-1`)
    expect(report).toContain(
      '[high score 0.750] structuring (struct-1): 3 deposits just below 10000.00',
    )
    expect(report).toContain('officer-7: file SAR')
    expect(report).toContain(digest)
  })
})
