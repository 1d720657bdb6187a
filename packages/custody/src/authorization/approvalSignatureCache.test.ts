import type { Approval } from '@strongroom/core'
import { describe, expect, it } from 'vitest'
import { approve, approvers } from '../../test/helpers.js'
import { sha256Hex } from '../crypto/bytes.js'
import { isApprovalSignatureValid } from './approval.js'
import { createApprovalSignatureCache } from './approvalSignatureCache.js'

const subject = sha256Hex('request w1')
const otherSubject = sha256Hex('request w2')

function counted() {
  let calls = 0
  const verify = (approval: Approval, digest: string) => {
    calls++
    return isApprovalSignatureValid(approval, digest)
  }
  return { verify, calls: () => calls }
}

describe('createApprovalSignatureCache', () => {
  it('verifies a valid approval once, then answers from memory', () => {
    const { verify, calls } = counted()
    const check = createApprovalSignatureCache({ verify })
    const approval = approve(approvers.alice, subject, 1_700_000_000_000)
    expect(check(approval, subject)).toBe(true)
    expect(check({ ...approval }, subject)).toBe(true)
    expect(check(approval, subject)).toBe(true)
    expect(calls()).toBe(1)
  })

  it('gives the answers of isApprovalSignatureValid for anything that differs from a remembered approval', () => {
    const { verify, calls } = counted()
    const check = createApprovalSignatureCache({ verify })
    const approval = approve(approvers.alice, subject, 1_700_000_000_000)
    expect(check(approval, subject)).toBe(true)
    const bob = approve(approvers.bob, subject, 1_700_000_000_000)
    const variants: [Approval, string][] = [
      [approval, otherSubject],
      [{ ...approval, approvedAt: approval.approvedAt + 1 }, subject],
      [{ ...approval, approverId: 'bob' }, subject],
      [{ ...approval, publicKey: bob.publicKey }, subject],
      [{ ...approval, signature: bob.signature }, subject],
      [{ ...approval, approvedAt: String(approval.approvedAt) as unknown as number }, subject],
      [bob, subject],
    ]
    for (const [variant, digest] of variants) {
      expect(check(variant, digest)).toBe(isApprovalSignatureValid(variant, digest))
    }
    expect(calls()).toBe(1 + variants.length)
    // Refusals are not remembered: a forged approval is verified (and refused) each time.
    const forged = { ...approval, signature: bob.signature }
    expect(check(forged, subject)).toBe(false)
    expect(check(forged, subject)).toBe(false)
    expect(calls()).toBe(3 + variants.length)
  })

  it('re-verifies an approval object changed in place after it was remembered', () => {
    const check = createApprovalSignatureCache()
    const approval = approve(approvers.alice, subject, 1_700_000_000_000) as {
      -readonly [k in keyof Approval]: Approval[k]
    }
    expect(check(approval, subject)).toBe(true)
    approval.signature = approve(approvers.bob, subject, 1_700_000_000_000).signature
    expect(check(approval, subject)).toBe(false)
  })

  it('stays correct once its memory is full and cleared', () => {
    const { verify, calls } = counted()
    const check = createApprovalSignatureCache({ limit: 2, verify })
    const approvals = [0, 1, 2].map((i) => approve(approvers.alice, subject, 1_700_000_000_000 + i))
    for (const a of approvals) expect(check(a, subject)).toBe(true)
    // The third entry cleared the first two: they are verified again, and still valid.
    expect(check(approvals[2]!, subject)).toBe(true)
    expect(calls()).toBe(3)
    expect(check(approvals[0]!, subject)).toBe(true)
    expect(calls()).toBe(4)
  })
})
