import { z } from 'zod'
import { inputErrorFromIssues, issuesFromZod } from '../errors.js'

const decimal = z
  .string()
  .regex(/^(0|[1-9][0-9]*)(\.[0-9]+)?$/, 'must be a non-negative decimal string')
const date = z.string().regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, 'must be YYYY-MM-DD')

/** One jurisdiction's Travel Rule threshold over a period of time. */
export const travelRuleThresholdSchema = z.strictObject({
  /** ISO 3166-1 alpha-2, `EU`, or `FATF` (the recommendation, for jurisdictions without a rule of their own). */
  jurisdiction: z.string().min(2).max(8),
  /** ISO 4217 currency the amounts are in. */
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code'),
  /** First day (UTC) the entry applies. */
  effectiveFrom: date,
  /** First day it no longer applies, if superseded. */
  effectiveUntil: date.optional(),
  /** Transfers of at least this value need originator and beneficiary information. */
  threshold: decimal,
  /** Transfers to or from a self-hosted wallet above this value need the wallet's ownership verified. */
  selfHostedVerificationAbove: decimal.optional(),
  /** Where the figure comes from. */
  source: z.string().min(1),
})

/** A dated Travel Rule threshold (see {@link travelRuleThresholdSchema}). */
export type TravelRuleThreshold = z.infer<typeof travelRuleThresholdSchema>

/**
 * Thresholds as published by the regulators (data: a venue replaces or extends the table).
 * Figures: US 31 CFR 1010.410(f) (the "Travel Rule", USD 3,000, applied to convertible virtual
 * currency by FinCEN guidance FIN-2019-G001); EU Regulation (EU) 2023/1113 (no threshold between
 * providers from 30 Dec 2024; ownership of a self-hosted wallet verified above EUR 1,000, art.
 * 14(5) and 16(2)); UK Money Laundering Regulations 2017 reg. 64 (EUR 1,000 from 1 Sep 2023);
 * Singapore MAS Notice PSN02 (SGD 1,500); Canada PCMLTFR (CAD 1,000, 1 Jun 2021); Switzerland
 * FINMA Guidance 02/2019 (no threshold); FATF Recommendation 16 / INR.15 (USD/EUR 1,000).
 */
export const DEFAULT_TRAVEL_RULE_THRESHOLDS: readonly TravelRuleThreshold[] = Object.freeze([
  {
    jurisdiction: 'US',
    currency: 'USD',
    effectiveFrom: '1996-05-28',
    threshold: '3000',
    source: '31 CFR 1010.410(f); FinCEN FIN-2019-G001',
  },
  {
    jurisdiction: 'EU',
    currency: 'EUR',
    effectiveFrom: '2024-12-30',
    threshold: '0',
    selfHostedVerificationAbove: '1000',
    source: 'Regulation (EU) 2023/1113, art. 14, 16',
  },
  {
    jurisdiction: 'GB',
    currency: 'EUR',
    effectiveFrom: '2023-09-01',
    threshold: '1000',
    source: 'UK MLR 2017 reg. 64 (as amended 2022)',
  },
  {
    jurisdiction: 'SG',
    currency: 'SGD',
    effectiveFrom: '2020-01-28',
    threshold: '1500',
    source: 'MAS Notice PSN02',
  },
  {
    jurisdiction: 'CA',
    currency: 'CAD',
    effectiveFrom: '2021-06-01',
    threshold: '1000',
    source: 'PCMLTFR (SOR/2002-184) s. 124.1',
  },
  {
    jurisdiction: 'CH',
    currency: 'CHF',
    effectiveFrom: '2019-08-26',
    threshold: '0',
    source: 'FINMA Guidance 02/2019',
  },
  {
    jurisdiction: 'FATF',
    currency: 'USD',
    effectiveFrom: '2019-06-21',
    threshold: '1000',
    source: 'FATF Recommendation 16, INR.15 para 7(b)',
  },
])

/**
 * Validates a threshold table (data a venue supplies).
 *
 * @throws {ComplianceInputError} `COMPLIANCE_INVALID_THRESHOLDS` naming the entry and field, or
 * two entries of one jurisdiction whose periods overlap.
 */
export function parseTravelRuleThresholds(input: unknown): TravelRuleThreshold[] {
  const parsed = z.array(travelRuleThresholdSchema).safeParse(input)
  if (!parsed.success) {
    throw inputErrorFromIssues(
      'COMPLIANCE_INVALID_THRESHOLDS',
      'invalid Travel Rule thresholds',
      issuesFromZod(parsed.error.issues),
    )
  }
  const rows = parsed.data
  for (let i = 0; i < rows.length; i++) {
    for (let j = i + 1; j < rows.length; j++) {
      const a = rows[i]!
      const b = rows[j]!
      if (a.jurisdiction !== b.jurisdiction) continue
      const aEnd = a.effectiveUntil ?? '9999-12-31'
      const bEnd = b.effectiveUntil ?? '9999-12-31'
      if (a.effectiveFrom < bEnd && b.effectiveFrom < aEnd) {
        throw inputErrorFromIssues(
          'COMPLIANCE_INVALID_THRESHOLDS',
          'invalid Travel Rule thresholds',
          [
            {
              code: 'overlap',
              path: [j, 'effectiveFrom'],
              message: `overlaps entry ${i} of ${a.jurisdiction}.`,
            },
          ],
        )
      }
    }
  }
  return rows
}

/** The entry of `jurisdiction` in force at `timestamp` (epoch ms), if any. */
export function findTravelRuleThreshold(
  table: readonly TravelRuleThreshold[],
  jurisdiction: string,
  timestamp: number,
): TravelRuleThreshold | undefined {
  const day = new Date(timestamp).toISOString().slice(0, 10)
  return table.find(
    (t) =>
      t.jurisdiction === jurisdiction &&
      t.effectiveFrom <= day &&
      (t.effectiveUntil === undefined || day < t.effectiveUntil),
  )
}
