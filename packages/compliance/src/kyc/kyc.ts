import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Clock, IdGenerator } from '@strongroom/core'
import { z } from 'zod'
import {
  ComplianceError,
  ComplianceInputError,
  inputErrorFromIssues,
  issuesFromZod,
} from '../errors.js'

/** Where an account stands with KYC at a point in time. */
export type KycStatus = 'missing' | 'pending' | 'verified' | 'expired' | 'rejected'

/** What the venue knows about an account's verification. */
export type KycRecord = {
  readonly accountId: string
  readonly status: 'pending' | 'verified' | 'rejected'
  /** Verification level reached (see {@link KycLevel}); 0 when not verified. */
  readonly level: number
  /** Epoch ms the verification stops being valid (documents expire, periodic review). */
  readonly expiresAt?: number | undefined
  /** Provider's check id, for the audit trail. */
  readonly providerRef?: string | undefined
  /** Reasons given by the provider for a rejection. */
  readonly rejectLabels?: readonly string[] | undefined
}

const decimal = z
  .string()
  .regex(/^(0|[1-9][0-9]*)(\.[0-9]+)?$/, 'must be a non-negative decimal string')
const limit = z.strictObject({ perTransaction: decimal.optional(), perDay: decimal.optional() })

/** A verification level and what it allows, in the rule set's reference currency. */
export const kycLevelSchema = z.strictObject({
  level: z.number().int().min(0),
  name: z.string().min(1),
  limits: z.strictObject({
    deposit: limit.optional(),
    withdrawal: limit.optional(),
    trade: limit.optional(),
    transfer: limit.optional(),
  }),
})

/** A verification level (see {@link kycLevelSchema}). */
export type KycLevel = z.infer<typeof kycLevelSchema>

/**
 * Validates a KYC level table (data a venue supplies).
 *
 * @throws {ComplianceInputError} `COMPLIANCE_INVALID_KYC` naming the level and field.
 */
export function parseKycLevels(input: unknown): KycLevel[] {
  const parsed = z.array(kycLevelSchema).min(1).safeParse(input)
  if (!parsed.success)
    throw inputErrorFromIssues(
      'COMPLIANCE_INVALID_KYC',
      'invalid KYC levels',
      issuesFromZod(parsed.error.issues),
    )
  const seen = new Set<number>()
  parsed.data.forEach((l, i) => {
    if (seen.has(l.level)) {
      throw new ComplianceInputError(`level ${l.level} appears twice.`, {
        code: 'COMPLIANCE_INVALID_KYC',
        path: [i, 'level'],
        rule: 'duplicate',
      })
    }
    seen.add(l.level)
  })
  return parsed.data
}

/** The venue's KYC records, read on the hot path. */
export type KycRegistry = {
  get(accountId: string): KycRecord | undefined
  set(record: KycRecord): void
  /** Status at `timestamp` (an expired verification reads `expired`). */
  statusAt(accountId: string, timestamp: number): KycStatus
}

/** Creates an in-memory {@link KycRegistry}. */
export function createKycRegistry(records: readonly KycRecord[] = []): KycRegistry {
  const byAccount = new Map(records.map((r) => [r.accountId, r]))
  return {
    get: (accountId) => byAccount.get(accountId),
    set(record) {
      byAccount.set(record.accountId, Object.freeze({ ...record }))
    },
    statusAt(accountId, timestamp) {
      const r = byAccount.get(accountId)
      if (!r) return 'missing'
      if (r.status === 'verified' && r.expiresAt !== undefined && timestamp >= r.expiresAt)
        return 'expired'
      return r.status
    },
  }
}

/** An applicant as identity-verification vendors take it. */
export type KycApplicant = {
  /** The venue's account id (vendors call it external user id / reference id). */
  readonly externalUserId: string
  readonly firstName: string
  readonly lastName: string
  readonly dateOfBirth?: string | undefined
  /** ISO 3166-1 alpha-2 country of residence. */
  readonly country: string
}

/** A verification check as vendors report it. */
export type KycCheck = {
  readonly checkId: string
  readonly applicantId: string
  readonly externalUserId: string
  /** Level (vendors: "level name" / "workflow"); maps to `KycLevel.level`. */
  readonly level: number
  readonly status: 'pending' | 'completed'
  /** `clear` (approved), `consider` (needs a human), `rejected`. */
  readonly result?: 'clear' | 'consider' | 'rejected' | undefined
  readonly rejectLabels?: readonly string[] | undefined
  /** Epoch ms when the verification expires. */
  readonly expiresAt?: number | undefined
}

/**
 * Port: an identity-verification vendor, shaped like the common ones (create an applicant,
 * request a check at a level, read the check, receive signed webhooks when it completes). A real
 * adapter calls the vendor's API; {@link createTestKycProvider} is the sandbox.
 */
export type KycProvider = {
  createApplicant(applicant: KycApplicant): Promise<{ applicantId: string }>
  requestCheck(parameters: { applicantId: string; level: number }): Promise<KycCheck>
  getCheck(checkId: string): Promise<KycCheck>
  /**
   * Verifies a webhook's signature (HMAC-SHA256 of the raw body, hex) and returns the check it
   * reports.
   *
   * @throws {ComplianceError} `COMPLIANCE_KYC_BAD_SIGNATURE` when the signature is missing or wrong.
   */
  verifyWebhook(parameters: { body: string; signature: string | undefined }): KycCheck
}

/**
 * A sandbox {@link KycProvider}: checks stay `pending` until `complete` is
 * called, which returns the signed webhook the vendor would send. Like vendors' sandboxes, the
 * outcome follows the applicant's last name: `Reject…` → rejected, `Review…` → consider, else clear.
 */
export type TestKycProvider = KycProvider & {
  complete(checkId: string): { body: string; signature: string }
}

/** Creates a {@link TestKycProvider}. */
export function createTestKycProvider(parameters: {
  readonly clock: Clock
  readonly ids: IdGenerator
  readonly webhookSecret: string
  /** Validity of a clear verification (default 365 days). */
  readonly validityMs?: number | undefined
}): TestKycProvider {
  const applicants = new Map<string, KycApplicant>()
  const checks = new Map<string, KycCheck>()
  const sign = (body: string) =>
    createHmac('sha256', parameters.webhookSecret).update(body).digest('hex')
  return {
    async createApplicant(applicant) {
      if (!/^[A-Z]{2}$/.test(applicant.country)) {
        throw new ComplianceInputError('must be an ISO 3166-1 alpha-2 code.', {
          code: 'COMPLIANCE_INVALID_KYC',
          path: ['country'],
          rule: 'format',
        })
      }
      const applicantId = parameters.ids.next('applicant')
      applicants.set(applicantId, applicant)
      return { applicantId }
    },
    async requestCheck({ applicantId, level }) {
      const applicant = applicants.get(applicantId)
      if (!applicant) {
        throw new ComplianceInputError(`unknown applicant ${applicantId}.`, {
          code: 'COMPLIANCE_INVALID_KYC',
          path: ['applicantId'],
          rule: 'unknown',
        })
      }
      const check: KycCheck = {
        checkId: parameters.ids.next('check'),
        applicantId,
        externalUserId: applicant.externalUserId,
        level,
        status: 'pending',
      }
      checks.set(check.checkId, check)
      return check
    },
    async getCheck(checkId) {
      const check = checks.get(checkId)
      if (!check)
        throw new ComplianceInputError(`unknown check ${checkId}.`, {
          code: 'COMPLIANCE_INVALID_KYC',
          path: ['checkId'],
          rule: 'unknown',
        })
      return check
    },
    complete(checkId) {
      const check = checks.get(checkId)
      const applicant = check && applicants.get(check.applicantId)
      if (!check || !applicant)
        throw new ComplianceInputError(`unknown check ${checkId}.`, {
          code: 'COMPLIANCE_INVALID_KYC',
          path: ['checkId'],
          rule: 'unknown',
        })
      const name = applicant.lastName
      const result = name.startsWith('Reject')
        ? 'rejected'
        : name.startsWith('Review')
          ? 'consider'
          : 'clear'
      const done: KycCheck = {
        ...check,
        status: 'completed',
        result,
        ...(result === 'rejected' ? { rejectLabels: ['DOCUMENT_FORGED'] } : {}),
        ...(result === 'clear'
          ? { expiresAt: parameters.clock.now() + (parameters.validityMs ?? 365 * 86_400_000) }
          : {}),
      }
      checks.set(checkId, done)
      const body = JSON.stringify({ type: 'check.completed', check: done })
      return { body, signature: sign(body) }
    },
    verifyWebhook({ body, signature }) {
      const expected = Buffer.from(sign(body), 'hex')
      const given = Buffer.from(signature ?? '', 'hex')
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new ComplianceError('The KYC webhook signature is missing or wrong.', {
          code: 'COMPLIANCE_KYC_BAD_SIGNATURE',
        })
      }
      return parseCheck(JSON.parse(body).check)
    },
  }
}

const checkSchema = z.strictObject({
  checkId: z.string().min(1),
  applicantId: z.string().min(1),
  externalUserId: z.string().min(1),
  level: z.number().int().min(0),
  status: z.enum(['pending', 'completed']),
  result: z.enum(['clear', 'consider', 'rejected']).optional(),
  rejectLabels: z.array(z.string()).optional(),
  expiresAt: z.number().int().optional(),
})

function parseCheck(input: unknown): KycCheck {
  const parsed = checkSchema.safeParse(input)
  if (!parsed.success)
    throw inputErrorFromIssues(
      'COMPLIANCE_INVALID_KYC',
      'invalid KYC check',
      issuesFromZod(parsed.error.issues, ['check']),
    )
  return parsed.data
}

/**
 * Records a provider's check in the registry: `clear` → verified at the check's level until its
 * expiry, `consider` or still pending → pending, `rejected` → rejected with the vendor's labels.
 */
export function applyKycCheck(registry: KycRegistry, check: KycCheck): KycRecord {
  const record: KycRecord =
    check.status === 'completed' && check.result === 'clear'
      ? {
          accountId: check.externalUserId,
          status: 'verified',
          level: check.level,
          expiresAt: check.expiresAt,
          providerRef: check.checkId,
        }
      : check.status === 'completed' && check.result === 'rejected'
        ? {
            accountId: check.externalUserId,
            status: 'rejected',
            level: 0,
            providerRef: check.checkId,
            rejectLabels: check.rejectLabels ?? [],
          }
        : {
            accountId: check.externalUserId,
            status: 'pending',
            level: registry.get(check.externalUserId)?.level ?? 0,
            providerRef: check.checkId,
          }
  registry.set(record)
  return record
}
