import {
  createApproval,
  approvalMessage as custodyApprovalMessage,
  importEd25519PrivateKey,
  isApprovalSignatureValid,
} from '@strongroom/custody'
import { describe, expect, it } from 'vitest'
import { approvalMessage, loadApproverKey, signApproval } from './approval.js'

const seed = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'
const digest = 'ab'.repeat(32)

describe('approvals signed in the browser', () => {
  it('build the same message as @strongroom/custody, byte for byte', () => {
    for (const approvedAt of [1, 1_763_000_000_000, 2 ** 52]) {
      const statement = { subjectDigest: digest, approverId: 'approver-"2"', approvedAt }
      expect(Buffer.from(approvalMessage(statement)).toString('hex')).toBe(
        Buffer.from(custodyApprovalMessage(statement)).toString('hex'),
      )
    }
  })

  it('produce signatures the orchestrator accepts, and the same as createApproval', () => {
    const pair = importEd25519PrivateKey(Buffer.from(seed, 'hex'))
    const publicKey = Buffer.from(pair.publicKey).toString('hex')
    const key = loadApproverKey('approver-1', seed, publicKey)
    const signed = signApproval(key, digest, 1_763_000_000_000)
    expect(isApprovalSignatureValid({ ...signed, publicKey }, digest)).toBe(true)
    expect(isApprovalSignatureValid({ ...signed, publicKey }, 'cd'.repeat(32))).toBe(false)
    const reference = createApproval({
      key: pair,
      subjectDigest: digest,
      approverId: 'approver-1',
      approvedAt: 1_763_000_000_000,
    })
    expect(signed.signature).toBe(reference.signature)
  })

  it('refuse a malformed key or one that is not the approver’s, naming the field', () => {
    const publicKey = Buffer.from(
      importEd25519PrivateKey(Buffer.from(seed, 'hex')).publicKey,
    ).toString('hex')
    expect(() => loadApproverKey('approver-1', 'xyz', publicKey)).toThrow(
      /^Private key: must be 64 hex/,
    )
    expect(() => loadApproverKey('approver-1', 'aa'.repeat(32), publicKey)).toThrow(
      /not approver-1's registered key/,
    )
    expect(() => loadApproverKey('approver-9', seed, undefined)).toThrow(
      /^Approver: approver-9 is not/,
    )
  })
})
