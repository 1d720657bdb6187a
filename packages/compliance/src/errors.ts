import {
  formatIssuePath,
  InputError,
  type Issue,
  type IssuePath,
  registerErrorCodes,
  StrongroomError,
} from '@strongroom/core'
import { version } from './version.js'

/** Error codes owned by `@strongroom/compliance`. */
export const ComplianceErrorCode = registerErrorCodes('@strongroom/compliance', {
  COMPLIANCE_INVALID_RULE_SET: 'A rule set (rules as data) failed validation.',
  COMPLIANCE_INVALID_EVENT:
    'An event given to the compliance engine is missing a field or has one of the wrong type.',
  COMPLIANCE_INVALID_ADDRESS:
    'A blockchain address is malformed for its chain, or its chain or currency is unknown.',
  COMPLIANCE_LIST_PARSE_FAILED:
    'A sanctions list file (OFAC CSV/XML, OpenSanctions, UN XML) could not be parsed; the previous list stays in force.',
  COMPLIANCE_INVALID_IVMS101:
    'An IVMS101 payload is malformed or breaks one of the IVMS101 constraints.',
  COMPLIANCE_INVALID_ENVELOPE:
    'A TRISA secure envelope is malformed (a field is missing, of the wrong type or an unsupported algorithm).',
  COMPLIANCE_ENVELOPE_WRONG_KEY:
    'A TRISA secure envelope was sealed for another key: the key or HMAC secret cannot be unwrapped.',
  COMPLIANCE_ENVELOPE_BAD_HMAC: "A TRISA secure envelope's HMAC does not match its payload.",
  COMPLIANCE_ENVELOPE_DECRYPT_FAILED:
    "A TRISA secure envelope's payload fails AES-GCM authentication.",
  COMPLIANCE_PROTOBUF_DECODE_FAILED:
    'Protocol buffer bytes are truncated or do not match the message type.',
  COMPLIANCE_INVALID_TRP_MESSAGE:
    'A TRP (OpenVASP Travel Rule Protocol) message body is malformed.',
  COMPLIANCE_INVALID_THRESHOLDS: 'A Travel Rule threshold table failed validation.',
  COMPLIANCE_INVALID_MODEL:
    'A gradient-boosted tree model file (XGBoost or LightGBM JSON) is malformed or unsupported.',
  COMPLIANCE_INVALID_FEATURES:
    'A feature vector given to a scoring model has the wrong length or type.',
  COMPLIANCE_KYC_BAD_SIGNATURE: 'A KYC provider webhook carries a missing or wrong signature.',
  COMPLIANCE_INVALID_KYC: 'A KYC record, level table or provider answer failed validation.',
  COMPLIANCE_UNKNOWN_CASE: 'A review case id is not in the review queue.',
})

/** One of the codes in {@link ComplianceErrorCode}. */
export type ComplianceErrorCode = (typeof ComplianceErrorCode)[keyof typeof ComplianceErrorCode]

/** Options of {@link ComplianceError}. */
export type ComplianceErrorOptions<code extends ComplianceErrorCode> = {
  code: code
  cause?: unknown
  details?: string
  metaMessages?: readonly string[]
}

/** Base class of the errors raised by `@strongroom/compliance`. */
export class ComplianceError<
  code extends ComplianceErrorCode = ComplianceErrorCode,
> extends StrongroomError<code> {
  override name = 'ComplianceError'
  constructor(shortMessage: string, options: ComplianceErrorOptions<code>) {
    super(shortMessage, { ...options, version: `@strongroom/compliance@${version}` })
  }
}

/**
 * Bad input from outside (a list file, an envelope, an IVMS101 payload, a rule set): a core
 * {@link InputError} (so callers that map `InputError`s to "400 Bad Request" catch it too) naming
 * the field (`path`) and the broken rule (`rule`); nothing was changed. When several problems
 * were found, `issues` lists them all (the first one is `path`/`rule`).
 */
export class ComplianceInputError<
  code extends ComplianceErrorCode = ComplianceErrorCode,
> extends InputError<code> {
  override name = 'ComplianceInputError'
  /** Every problem found, first one first. */
  readonly issues: readonly Issue[]
  constructor(
    shortMessage: string,
    options: ComplianceErrorOptions<code> & {
      path: IssuePath
      rule: string
      issues?: readonly Issue[]
    },
  ) {
    const issues = options.issues ?? [
      { code: options.rule, path: options.path, message: shortMessage },
    ]
    super(shortMessage, {
      ...options,
      version: `@strongroom/compliance@${version}`,
      metaMessages: [
        ...(issues.length > 1
          ? issues.slice(1, 6).map((i) => `Also: ${formatIssuePath(i.path)}: ${i.message}`)
          : []),
        ...(options.metaMessages ?? []),
      ],
    })
    this.issues = issues
  }
}

/** Builds a {@link ComplianceInputError} from a non-empty list of issues. */
export function inputErrorFromIssues<code extends ComplianceErrorCode>(
  code: code,
  summary: string,
  issues: readonly Issue[],
): ComplianceInputError<code> {
  const first = issues[0] ?? { code: 'invalid', path: [], message: summary }
  return new ComplianceInputError(`${summary}: ${first.message}`, {
    code,
    path: first.path,
    rule: first.code,
    issues,
  })
}

/** Converts zod issues to data {@link Issue}s (`path` keeps only string and number keys). */
export function issuesFromZod(
  zodIssues: readonly { code: string; path: readonly PropertyKey[]; message: string }[],
  prefix: IssuePath = [],
): Issue[] {
  return zodIssues.map((issue) => ({
    code: issue.code,
    path: [...prefix, ...issue.path.filter((p): p is string | number => typeof p !== 'symbol')],
    message: issue.message,
  }))
}
