import type { Clock, KeyId } from '@strongroom/core'
import { fromHex, sha256Hex } from '../crypto/bytes.js'
import { verifyEd25519 } from '../crypto/ed25519.js'
import { AuthorizationError } from '../custodyErrors.js'
import type { ApproverGroup, QuorumRequirement } from './approvalQuorum.js'
import { checkApprovalQuorum } from './approvalQuorum.js'
import {
  authorizationDigest,
  type CustodyAuthorization,
  custodyAuthorizationSchema,
} from './authorization.js'
import type { AuthorizationNonceStore } from './nonceStore.js'

/** What a signer needs to know of the rule named by an authorization. */
export type TrustedRule =
  | { readonly action: 'allow' }
  | { readonly action: 'block' }
  | {
      readonly action: 'require_approvals'
      readonly quorum: readonly QuorumRequirement[]
      readonly groups: ReadonlyMap<string, ApproverGroup>
      /** Approvals older than this do not count. */
      readonly approvalMaxAgeMs: number
    }

/** Finds a rule of a trusted policy version; `undefined` when the signer does not trust it. */
export type PolicyRuleLookup = (reference: {
  readonly policyId: string
  readonly policyVersion: number
  readonly ruleId: string
}) => TrustedRule | undefined

/** What a signer backend trusts. Build it once per backend from its own configuration. */
export type AuthorizationTrust = {
  /** Orchestrator keys by key id: 32-byte Ed25519 public keys, lower-case hex. */
  readonly orchestratorKeys: Readonly<Record<string, string>>
  /** Policies the backend trusts (a signer node keeps its own copy of the policy documents). */
  readonly policies: PolicyRuleLookup
  /** Consumed nonces (single use). */
  readonly nonces: AuthorizationNonceStore
  readonly clock: Clock
  /** Longest accepted `expiresAt - issuedAt`. Default 5 minutes. */
  readonly maxLifetimeMs?: number | undefined
  /** Tolerated clock difference with the orchestrator. Default 5 seconds. */
  readonly maxSkewMs?: number | undefined
}

/** Parameters of {@link verifyAuthorization}. */
export type VerifyAuthorizationParameters = {
  /** As received: validated here. */
  readonly authorization: unknown
  /** The exact bytes about to be signed. */
  readonly payload: Uint8Array
  /** The key the backend is about to sign with. */
  readonly keyId: KeyId | string
  readonly trust: AuthorizationTrust
}

/** The verified authorization (the parsed, trusted value). */
export type VerifyAuthorizationReturnType = CustodyAuthorization

/** The error {@link verifyAuthorization} throws. */
export type VerifyAuthorizationErrorType = AuthorizationError

function refuse(code: AuthorizationError['code'], message: string, details?: string): never {
  throw new AuthorizationError(message, details === undefined ? { code } : { code, details })
}

/**
 * Verifies an orchestrator authorization before a signer backend signs, in this order:
 * shape → orchestrator signature by a trusted key → key id → payload digest → validity window →
 * the named policy rule allows signing → approvals satisfy the rule's quorum (valid Ed25519
 * signatures over the request digest by the rule's approver groups, initiator excluded, not
 * stale) → the nonce was never used (consumed last, so a refused authorization burns nothing).
 *
 * Every backend (PKCS#11, FROST signer nodes, …) calls this itself: the orchestrator is not
 * trusted to have checked.
 *
 * @example
 * ```ts
 * const trust = { orchestratorKeys: { 'orch-1': pubHex }, policies: policyRuleLookup([policy]),
 *   nonces: createMemoryNonceStore(), clock }
 * const authorization = await verifyAuthorization({ authorization: raw, payload, keyId, trust })
 * ```
 * @throws {AuthorizationError} `CUSTODY_AUTHORIZATION_*`, `CUSTODY_APPROVALS_INSUFFICIENT`.
 */
export async function verifyAuthorization(
  parameters: VerifyAuthorizationParameters,
): Promise<VerifyAuthorizationReturnType> {
  const { trust, payload } = parameters
  if (parameters.authorization === undefined || parameters.authorization === null) {
    refuse('CUSTODY_AUTHORIZATION_MISSING', 'Refusing to sign without an authorization.')
  }
  const parsed = custodyAuthorizationSchema.safeParse(parameters.authorization)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    refuse(
      'CUSTODY_AUTHORIZATION_MALFORMED',
      'The authorization is malformed.',
      `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    )
  }
  const authorization = parsed.data as unknown as CustodyAuthorization
  const orchestratorKey = Object.hasOwn(trust.orchestratorKeys, authorization.orchestrator.keyId)
    ? trust.orchestratorKeys[authorization.orchestrator.keyId]
    : undefined
  if (
    orchestratorKey === undefined ||
    !verifyEd25519(
      fromHex(orchestratorKey),
      authorizationDigest(authorization),
      fromHex(authorization.orchestrator.signature),
    )
  ) {
    refuse(
      'CUSTODY_AUTHORIZATION_FORGED',
      'The authorization is not signed by a trusted orchestrator key.',
      `orchestrator key ${authorization.orchestrator.keyId}`,
    )
  }
  if (authorization.keyId !== parameters.keyId) {
    refuse(
      'CUSTODY_AUTHORIZATION_WRONG_KEY',
      'The authorization is for another key.',
      `authorized ${authorization.keyId}, signing with ${parameters.keyId}`,
    )
  }
  if (sha256Hex(payload) !== authorization.payloadDigest) {
    refuse(
      'CUSTODY_AUTHORIZATION_WRONG_PAYLOAD',
      'The payload does not match the authorized digest.',
    )
  }
  const now = trust.clock.now()
  const skew = trust.maxSkewMs ?? 5_000
  const maxLifetime = trust.maxLifetimeMs ?? 300_000
  if (
    now >= authorization.expiresAt ||
    authorization.issuedAt > now + skew ||
    authorization.expiresAt - authorization.issuedAt > maxLifetime
  ) {
    refuse(
      'CUSTODY_AUTHORIZATION_EXPIRED',
      'The authorization is outside its validity window.',
      `issued ${authorization.issuedAt}, expires ${authorization.expiresAt}, now ${now}`,
    )
  }
  const rule = trust.policies({
    policyId: authorization.policyId,
    policyVersion: authorization.policyVersion,
    ruleId: authorization.ruleId,
  })
  if (rule === undefined || rule.action === 'block') {
    refuse(
      'CUSTODY_AUTHORIZATION_POLICY_UNKNOWN',
      rule === undefined
        ? 'The authorization names a policy rule this signer does not trust.'
        : 'The authorization names a rule that blocks signing.',
      `${authorization.policyId}@${authorization.policyVersion} rule ${authorization.ruleId}`,
    )
  }
  if (rule.action === 'require_approvals') {
    const check = checkApprovalQuorum({
      approvals: authorization.approvals,
      subjectDigest: authorization.requestDigest,
      groups: rule.groups,
      quorum: rule.quorum,
      initiator: authorization.initiator,
      now,
      maxAgeMs: rule.approvalMaxAgeMs,
      maxSkewMs: skew,
    })
    if (!check.satisfied) {
      refuse(
        'CUSTODY_APPROVALS_INSUFFICIENT',
        'The approvals do not satisfy the quorum of the policy rule.',
        [
          ...check.counted.map((c) => `${c.group}: ${c.approvers.length} of ${c.threshold}`),
          ...check.problems.map((p) => `approval ${p.index} (${p.approverId}): ${p.reason}`),
        ].join('; '),
      )
    }
  }
  if (!(await trust.nonces.consume(authorization.nonce, authorization.expiresAt, now))) {
    refuse('CUSTODY_AUTHORIZATION_REPLAYED', 'The authorization was already used.')
  }
  return authorization
}

/** A verifier bound to one backend's trust: `verify(authorization, payload, keyId)`. */
export type AuthorizationVerifier = (
  authorization: unknown,
  payload: Uint8Array,
  keyId: KeyId | string,
) => Promise<CustodyAuthorization>

/** Binds {@link verifyAuthorization} to `trust`. */
export function createAuthorizationVerifier(trust: AuthorizationTrust): AuthorizationVerifier {
  return (authorization, payload, keyId) =>
    verifyAuthorization({ authorization, payload, keyId, trust })
}
