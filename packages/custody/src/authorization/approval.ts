import { type Approval, canonicalJson } from '@strongroom/core'
import { fromHex, isHex, sha256, toHex } from '../crypto/bytes.js'
import { type Ed25519KeyPair, verifyEd25519 } from '../crypto/ed25519.js'

/** Domain tag of approval messages. */
export const APPROVAL_DOMAIN = 'strongroom.approval.v1'

/** What an approver signs: the digest of the thing approved, who approves, and when. */
export type ApprovalStatement = {
  /** Hex SHA-256 of the approved subject: a request digest, a policy proposal, a kill-switch lift. */
  readonly subjectDigest: string
  readonly approverId: string
  /** Epoch ms; signed, so an approval cannot be made to look younger than it is. */
  readonly approvedAt: number
}

/**
 * The 32 bytes an approver signs with Ed25519: SHA-256 of the canonical JSON
 * `{"approvedAt":…,"approverId":…,"domain":"strongroom.approval.v1","subjectDigest":…}`.
 */
export function approvalMessage(statement: ApprovalStatement): Uint8Array {
  return sha256(
    canonicalJson({
      domain: APPROVAL_DOMAIN,
      subjectDigest: statement.subjectDigest,
      approverId: statement.approverId,
      approvedAt: statement.approvedAt,
    }),
  )
}

/** Parameters of {@link createApproval}. */
export type CreateApprovalParameters = ApprovalStatement & {
  /** The approver's Ed25519 key (in an approver's tool, never in the orchestrator). */
  key: Ed25519KeyPair
}

/** Signs an approval (what an approver's device does). */
export function createApproval(parameters: CreateApprovalParameters): Approval {
  const signature = parameters.key.sign(approvalMessage(parameters))
  return {
    approverId: parameters.approverId,
    publicKey: toHex(parameters.key.publicKey),
    signature: toHex(signature),
    approvedAt: parameters.approvedAt,
  }
}

/** True when `approval` is a well-formed Ed25519 signature by its public key over `subjectDigest`. */
export function isApprovalSignatureValid(approval: Approval, subjectDigest: string): boolean {
  if (!isHex(approval.publicKey, 32) || !isHex(approval.signature, 64)) return false
  if (!Number.isSafeInteger(approval.approvedAt) || typeof approval.approverId !== 'string') {
    return false
  }
  return verifyEd25519(
    fromHex(approval.publicKey),
    approvalMessage({
      subjectDigest,
      approverId: approval.approverId,
      approvedAt: approval.approvedAt,
    }),
    fromHex(approval.signature),
  )
}
