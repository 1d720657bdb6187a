// Approvals signed in the approver's browser: the approver's Ed25519 private key is pasted into
// the page, kept in memory only, and never sent anywhere; only the signature leaves the page.
import { ed25519 } from '@noble/curves/ed25519.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'

/** Domain tag of approval messages (as @strongroom/custody defines it). */
export const APPROVAL_DOMAIN = 'strongroom.approval.v1'

/** What an approver signs. */
export type ApprovalStatement = { subjectDigest: string; approverId: string; approvedAt: number }

/**
 * The 32 bytes an approver signs: SHA-256 of the canonical JSON (keys sorted, no spaces) of
 * `{ approvedAt, approverId, domain, subjectDigest }` — the message `approvalMessage` of
 * @strongroom/custody builds (a test checks they agree byte for byte).
 */
export function approvalMessage(statement: ApprovalStatement): Uint8Array {
  if (!Number.isSafeInteger(statement.approvedAt)) throw new Error('approvedAt must be an integer')
  const canonical = `{"approvedAt":${statement.approvedAt},"approverId":${JSON.stringify(
    statement.approverId,
  )},"domain":${JSON.stringify(APPROVAL_DOMAIN)},"subjectDigest":${JSON.stringify(
    statement.subjectDigest,
  )}}`
  return sha256(new TextEncoder().encode(canonical))
}

/** An approver's key held by the page. */
export type ApproverKey = { approverId: string; publicKey: string; secretKey: Uint8Array }

/**
 * Loads an approver's Ed25519 private key (64 hex digits) and checks it belongs to the approver:
 * its public key must be the one the exchange has registered.
 * @throws {Error} naming the field when the key is malformed or not the approver's.
 */
export function loadApproverKey(
  approverId: string,
  privateKeyHex: string,
  registeredPublicKey: string | undefined,
): ApproverKey {
  const text = privateKeyHex.trim().toLowerCase()
  if (!/^[0-9a-f]{64}$/.test(text))
    throw new Error('Private key: must be 64 hex digits (a 32-byte Ed25519 key).')
  if (!registeredPublicKey) throw new Error(`Approver: ${approverId} is not a registered approver.`)
  const secretKey = hexToBytes(text)
  const publicKey = bytesToHex(ed25519.getPublicKey(secretKey))
  if (publicKey !== registeredPublicKey)
    throw new Error(`Private key: this is not ${approverId}'s registered key.`)
  return { approverId, publicKey, secretKey }
}

/** Signs an approval of `subjectDigest` now; returns what the exchange expects. */
export function signApproval(key: ApproverKey, subjectDigest: string, approvedAt: number) {
  const signature = ed25519.sign(
    approvalMessage({ subjectDigest, approverId: key.approverId, approvedAt }),
    key.secretKey,
  )
  return { approverId: key.approverId, signature: bytesToHex(signature), approvedAt }
}
