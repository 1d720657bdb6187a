import { describe, expect, it } from 'vitest'
import { createManualClock } from '../clock.js'
import { AuditChainBrokenError, AuditClosedError } from './auditErrors.js'
import { openAuditLog } from './auditLog.js'
import { GENESIS_HASH, hashAuditRecord } from './auditRecord.js'
import { createMemoryAuditSink } from './memoryAuditSink.js'

describe('audit log', () => {
  it('chains records in append order with the injected clock', async () => {
    const clock = createManualClock(1_700_000_000_000)
    const sink = createMemoryAuditSink()
    const log = await openAuditLog({ sink, clock })
    const first = await log.append({
      type: 'custody.policy.decision',
      actor: 'policy',
      data: { allow: true },
    })
    clock.advance(5)
    const second = await log.append({
      type: 'custody.signature',
      actor: 'hsm-1',
      data: { amount: 5n },
    })
    expect(first).toMatchObject({ seq: 1, time: 1_700_000_000_000, prevHash: GENESIS_HASH })
    expect(second).toMatchObject({ seq: 2, time: 1_700_000_000_005, prevHash: first.hash })
    expect(second.hash).toBe(hashAuditRecord(second))
    expect(second.data).toEqual({ amount: '5' })
    expect(log.head()).toEqual({ seq: 2, hash: second.hash })
    expect(await log.verify({ head: log.head() })).toEqual({ ok: true, count: 2, head: log.head() })
  })

  it('verify finds tampering in the sink', async () => {
    const sink = createMemoryAuditSink()
    const log = await openAuditLog({ sink, clock: createManualClock(0) })
    for (let i = 0; i < 5; i++) await log.append({ type: 't', actor: 'a', data: i })
    const head = log.head()
    sink.records.splice(2, 1)
    expect(await log.verify({ head })).toMatchObject({ ok: false, problem: 'deleted', index: 2 })
    sink.records.splice(2, 0, { ...sink.records[1]!, seq: 3 })
    expect(await log.verify({ head })).toMatchObject({ ok: false, problem: 'edited', index: 2 })
  })

  it('refuses to open over a broken chain unless told not to verify', async () => {
    const sink = createMemoryAuditSink()
    const log = await openAuditLog({ sink, clock: createManualClock(0) })
    for (let i = 0; i < 3; i++) await log.append({ type: 't', actor: 'a', data: i })
    sink.records[1] = { ...sink.records[1]!, actor: 'mallory' }
    await expect(openAuditLog({ sink, clock: createManualClock(0) })).rejects.toBeInstanceOf(
      AuditChainBrokenError,
    )
    const unchecked = await openAuditLog({ sink, clock: createManualClock(0), verifyOnOpen: false })
    expect(unchecked.head()?.seq).toBe(3)
  })

  it('refuses appends after close and when the data is not plain', async () => {
    const log = await openAuditLog({ sink: createMemoryAuditSink(), clock: createManualClock(0) })
    await expect(
      log.append({ type: 't', actor: 'a', data: { x: Number.NaN } }),
    ).rejects.toMatchObject({
      code: 'CORE_CANONICAL_JSON_UNSUPPORTED',
    })
    expect(log.head()).toBeUndefined()
    await log.close()
    await expect(log.append({ type: 't', actor: 'a', data: 1 })).rejects.toBeInstanceOf(
      AuditClosedError,
    )
  })
})
