import { z } from 'zod'
import { inputErrorFromIssues, issuesFromZod } from '../errors.js'

// TRP (OpenVASP Travel Rule Protocol, v3) message bodies: the inquiry that carries IVMS101, the
// beneficiary's resolution (approved / rejected), the originator's confirmation or cancellation,
// and the discovery bodies (version, identity, extensions).

const url = z.string().url()

const inquiry = z.strictObject({
  asset: z.union([
    z.strictObject({ dti: z.string().min(1) }),
    z.strictObject({ slip0044: z.union([z.string().min(1), z.number().int()]) }),
  ]),
  /** Amount in the asset's base unit as a JSON number (TRP v3). */
  amount: z.number().positive().finite(),
  callback: url,
  IVMS101: z.record(z.string(), z.unknown()),
  extensions: z.record(z.string(), z.unknown()).optional(),
})

/** TRP message bodies by kind. */
export const trpSchemas = {
  inquiry,
  approved: z.strictObject({
    approved: z.strictObject({ address: z.string().min(1), callback: url }),
  }),
  rejected: z.strictObject({ rejected: z.string() }),
  confirmation: z.strictObject({ txid: z.string().min(1) }),
  canceled: z.strictObject({ canceled: z.string() }),
  acknowledged: z.strictObject({ version: z.string().min(1) }),
  version: z.strictObject({
    version: z.string().regex(/^[0-9]+\.[0-9]+\.[0-9]+$/),
    vendor: z.string().optional(),
  }),
  identity: z.strictObject({
    name: z.string().min(1),
    lei: z
      .string()
      .regex(/^[A-Z0-9]{18}[0-9]{2}$/, 'must be an LEI')
      .optional(),
    x509: z.string().startsWith('-----BEGIN CERTIFICATE-----'),
  }),
  extensions: z.strictObject({ required: z.array(z.string()), supported: z.array(z.string()) }),
} as const

/** A TRP message kind. */
export type TrpMessageKind = keyof typeof trpSchemas
/** The body of a TRP message of kind `kind`. */
export type TrpMessage<kind extends TrpMessageKind> = z.infer<(typeof trpSchemas)[kind]>

/**
 * Parses a TRP message body of the given kind.
 *
 * @throws {ComplianceInputError} `COMPLIANCE_INVALID_TRP_MESSAGE` naming the field (unknown
 * fields are rejected).
 */
export function parseTrpMessage<const kind extends TrpMessageKind>(
  kind: kind,
  body: unknown,
): TrpMessage<kind> {
  const parsed = trpSchemas[kind].safeParse(body)
  if (!parsed.success) {
    throw inputErrorFromIssues(
      'COMPLIANCE_INVALID_TRP_MESSAGE',
      `invalid TRP ${kind}`,
      issuesFromZod(parsed.error.issues),
    )
  }
  return parsed.data as TrpMessage<kind>
}

/** Which kind a TRP resolution (approved / rejected) or transfer update body is. */
export function detectTrpMessageKind(body: unknown): TrpMessageKind | undefined {
  if (typeof body !== 'object' || body === null) return undefined
  const keys = Object.keys(body)
  if (keys.includes('IVMS101')) return 'inquiry'
  if (keys.includes('approved')) return 'approved'
  if (keys.includes('rejected')) return 'rejected'
  if (keys.includes('canceled')) return 'canceled'
  if (keys.includes('txid')) return 'confirmation'
  if (keys.includes('x509')) return 'identity'
  if (keys.includes('supported')) return 'extensions'
  if (keys.includes('vendor') || (keys.length === 1 && keys[0] === 'version')) return 'version'
  return undefined
}
