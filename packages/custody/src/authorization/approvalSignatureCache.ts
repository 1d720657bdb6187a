import type { Approval } from '@strongroom/core'
import { isApprovalSignatureValid } from './approval.js'

/** Checks an approval's Ed25519 signature over `subjectDigest` (see `isApprovalSignatureValid`). */
export type ApprovalSignatureCheck = (approval: Approval, subjectDigest: string) => boolean

/**
 * An `ApprovalSignatureCheck` that remembers the approvals it found valid, so that one
 * orchestrator verifies each approval once however often it re-checks a quorum (on each
 * `approve`, then on `sign`). An entry is keyed by everything the verification reads: the subject
 * digest, the approver id, the approval time, the public key and the signature. Ed25519
 * verification is a pure function of those, so a remembered `true` is what verifying again would
 * answer; refusals are not remembered. Signer backends do not use this: they verify every
 * approval of an authorization themselves.
 *
 * `limit`: entries kept before the memory is cleared (default 4,096); `verify`: the check whose
 * answers are remembered (default `isApprovalSignatureValid`; tests count its calls).
 */
export function createApprovalSignatureCache(
  options: { limit?: number; verify?: ApprovalSignatureCheck } = {},
): ApprovalSignatureCheck {
  const limit = options.limit ?? 4_096
  const verify = options.verify ?? isApprovalSignatureValid
  const valid = new Set<string>()
  return (approval, subjectDigest) => {
    const key = JSON.stringify([
      subjectDigest,
      approval.approverId,
      approval.approvedAt,
      approval.publicKey,
      approval.signature,
    ])
    if (valid.has(key)) return true
    if (!verify(approval, subjectDigest)) return false
    if (valid.size >= limit) valid.clear()
    valid.add(key)
    return true
  }
}
