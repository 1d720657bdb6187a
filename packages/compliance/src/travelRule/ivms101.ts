import type { Issue, IssuePath } from '@strongroom/core'
import { z } from 'zod'
import { inputErrorFromIssues, issuesFromZod } from '../errors.js'
import { COUNTRY_CODES } from './countries.js'

// IVMS101 (interVASP Messaging Standard 101, issue 1, 2020) in its JSON form: element names in
// lowerCamelCase, codes as their four letters. Field lengths are the standard's datatypes
// (Max100Text, Max70Text, Max35Text, Max16Text, Max50Text).

const text = (max: number) => z.string().min(1).max(max)

const naturalNameType = z.enum(['ALIA', 'BIRT', 'MAID', 'LEGL', 'MISC'])
const legalNameType = z.enum(['LEGL', 'SHRT', 'TRAD'])
const addressType = z.enum(['HOME', 'BIZZ', 'GEOG'])
const nationalIdType = z.enum([
  'ARNU',
  'CCPT',
  'RAID',
  'DRLC',
  'FIIN',
  'TXID',
  'SOCS',
  'IDCD',
  'LEIX',
  'MISC',
])
const transliterationMethod = z.enum([
  'ARAB',
  'ARAN',
  'ARMN',
  'CYRL',
  'DEVA',
  'GEOR',
  'GREK',
  'HANI',
  'HEBR',
  'KANA',
  'KORE',
  'THAI',
  'OTHR',
])

const naturalPersonNameId = z.strictObject({
  primaryIdentifier: text(100),
  secondaryIdentifier: text(100).optional(),
  nameIdentifierType: naturalNameType,
})
/** IVMS101 `Address`. */
export const ivms101AddressSchema = z.strictObject({
  addressType,
  department: text(50).optional(),
  subDepartment: text(70).optional(),
  streetName: text(70).optional(),
  buildingNumber: text(16).optional(),
  buildingName: text(35).optional(),
  floor: text(70).optional(),
  postBox: text(16).optional(),
  room: text(70).optional(),
  postCode: text(16).optional(),
  townName: text(35),
  townLocationName: text(35).optional(),
  districtName: text(35).optional(),
  countrySubDivision: text(35).optional(),
  addressLine: z.array(text(70)).max(7).optional(),
  country: z.string(),
})
const nationalIdentification = z.strictObject({
  nationalIdentifier: text(35),
  nationalIdentifierType: nationalIdType,
  countryOfIssue: z.string().optional(),
  registrationAuthority: z.string().optional(),
})
/** IVMS101 `NaturalPerson`. */
export const ivms101NaturalPersonSchema = z.strictObject({
  name: z.strictObject({
    nameIdentifier: z.array(naturalPersonNameId).min(1),
    localNameIdentifier: z.array(naturalPersonNameId).optional(),
    phoneticNameIdentifier: z.array(naturalPersonNameId).optional(),
  }),
  geographicAddress: z.array(ivms101AddressSchema).optional(),
  nationalIdentification: nationalIdentification.optional(),
  customerIdentification: text(50).optional(),
  dateAndPlaceOfBirth: z
    .strictObject({
      dateOfBirth: z.string().regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, 'must be YYYY-MM-DD'),
      placeOfBirth: text(70),
    })
    .optional(),
  countryOfResidence: z.string().optional(),
})
const legalPersonNameId = z.strictObject({
  legalPersonName: text(100),
  legalPersonNameIdentifierType: legalNameType,
})
/** IVMS101 `LegalPerson`. */
export const ivms101LegalPersonSchema = z.strictObject({
  name: z.strictObject({
    nameIdentifier: z.array(legalPersonNameId).min(1),
    localNameIdentifier: z.array(legalPersonNameId).optional(),
    phoneticNameIdentifier: z.array(legalPersonNameId).optional(),
  }),
  geographicAddress: z.array(ivms101AddressSchema).optional(),
  customerNumber: text(50).optional(),
  nationalIdentification: nationalIdentification.optional(),
  countryOfRegistration: z.string().optional(),
})
/** IVMS101 `Person`: exactly one of `naturalPerson` and `legalPerson` (checked by `validateIvms101`). */
export const ivms101PersonSchema = z.strictObject({
  naturalPerson: ivms101NaturalPersonSchema.optional(),
  legalPerson: ivms101LegalPersonSchema.optional(),
})

/** IVMS101 `IdentityPayload` schema (zod, strict: unknown elements are issues). */
export const ivms101Schema = z.strictObject({
  originator: z
    .strictObject({
      originatorPersons: z.array(ivms101PersonSchema).min(1),
      accountNumber: z.array(text(100)).optional(),
    })
    .optional(),
  beneficiary: z
    .strictObject({
      beneficiaryPersons: z.array(ivms101PersonSchema).min(1),
      accountNumber: z.array(text(100)).optional(),
    })
    .optional(),
  originatingVASP: z.strictObject({ originatingVASP: ivms101PersonSchema }).optional(),
  beneficiaryVASP: z.strictObject({ beneficiaryVASP: ivms101PersonSchema }).optional(),
  transferPath: z
    .strictObject({
      transferPath: z.array(
        z.strictObject({
          intermediaryVASP: ivms101PersonSchema,
          sequence: z.number().int().min(0),
        }),
      ),
    })
    .optional(),
  payloadMetadata: z
    .strictObject({ transliterationMethod: z.array(transliterationMethod) })
    .optional(),
})

/** An IVMS101 identity payload. */
export type Ivms101Payload = z.infer<typeof ivms101Schema>
/** An IVMS101 person: exactly one of `naturalPerson` and `legalPerson`. */
export type Ivms101Person = z.infer<typeof ivms101PersonSchema>
/** An IVMS101 natural person. */
export type Ivms101NaturalPerson = z.infer<typeof ivms101NaturalPersonSchema>
/** An IVMS101 legal person. */
export type Ivms101LegalPerson = z.infer<typeof ivms101LegalPersonSchema>
/** An IVMS101 address. */
export type Ivms101Address = z.infer<typeof ivms101AddressSchema>

/** What the Travel Rule needs in a message, on top of IVMS101's own constraints. */
export type Ivms101Requirements = {
  /** Originator persons with a name, an account number and (for a natural person) C1's data. */
  readonly originator?: boolean | undefined
  /** Beneficiary persons with a name and an account number. */
  readonly beneficiary?: boolean | undefined
  /** The originating VASP. */
  readonly originatingVasp?: boolean | undefined
}

/** Options of {@link validateIvms101}. */
export type ValidateIvms101Options = {
  /** Date (`YYYY-MM-DD`) a date of birth must precede (constraint C2 DateInPast). */
  readonly asOf: string
  readonly require?: Ivms101Requirements | undefined
}

/**
 * ISO 17442 LEI check: 18 alphanumerics and two check digits, the whole (letters A=10 … Z=35)
 * ≡ 1 mod 97.
 */
export function isValidLei(lei: string): boolean {
  if (!/^[A-Z0-9]{18}[0-9]{2}$/.test(lei)) return false
  let remainder = 0
  for (const ch of lei) {
    const value = ch >= 'A' ? ch.charCodeAt(0) - 55 : ch.charCodeAt(0) - 48
    remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97
  }
  return remainder === 1
}

/**
 * Validates an IVMS101 identity payload: its structure (strict: unknown elements are reported),
 * field lengths and code lists, and the standard's constraints C1–C12 (originator information,
 * date in past, country codes, legal names present, legal-person national identifiers, valid
 * address, registration authority, LEI check digits, transfer-path sequence), plus the Travel
 * Rule requirements asked for. Returns every problem as an issue naming the field; an empty list
 * means valid.
 */
export function validateIvms101(input: unknown, options: ValidateIvms101Options): Issue[] {
  const parsed = ivms101Schema.safeParse(input)
  if (!parsed.success) return issuesFromZod(parsed.error.issues)
  return checkConstraints(parsed.data, options)
}

/**
 * Parses and validates an IVMS101 payload (see {@link validateIvms101}).
 *
 * @throws {ComplianceInputError} `COMPLIANCE_INVALID_IVMS101` with every issue; `path` names the
 * first offending field.
 */
export function parseIvms101(input: unknown, options: ValidateIvms101Options): Ivms101Payload {
  const issues = validateIvms101(input, options)
  if (issues.length > 0)
    throw inputErrorFromIssues('COMPLIANCE_INVALID_IVMS101', 'invalid IVMS101 payload', issues)
  return input as Ivms101Payload
}

function checkConstraints(p: Ivms101Payload, options: ValidateIvms101Options): Issue[] {
  const issues: Issue[] = []
  const add = (code: string, path: IssuePath, message: string) =>
    issues.push({ code, path, message })
  const country = (value: string | undefined, path: IssuePath) => {
    if (value !== undefined && !COUNTRY_CODES.has(value)) {
      add('valid_country_code', path, `"${value}" is not an ISO 3166-1 alpha-2 code or XX (C3).`)
    }
  }
  const checkAddress = (a: Ivms101Address, path: IssuePath) => {
    country(a.country, [...path, 'country'])
    const hasLines = (a.addressLine?.length ?? 0) > 0
    if (!hasLines && !(a.streetName && (a.buildingName || a.buildingNumber))) {
      add(
        'valid_address',
        path,
        'needs addressLine, or streetName with buildingName and/or buildingNumber (C8).',
      )
    }
  }
  const checkPerson = (person: Ivms101Person, path: IssuePath, role: 'originator' | 'other') => {
    const { naturalPerson: np, legalPerson: lp } = person
    if ((np === undefined) === (lp === undefined)) {
      add('one_person_type', path, 'must hold exactly one of naturalPerson and legalPerson.')
      return
    }
    if (np) {
      const at = [...path, 'naturalPerson']
      if (!np.name.nameIdentifier.some((n) => n.nameIdentifierType === 'LEGL')) {
        add(
          'legal_name_present',
          [...at, 'name', 'nameIdentifier'],
          "needs a name of type 'LEGL' (C6).",
        )
      }
      for (const [i, a] of (np.geographicAddress ?? []).entries())
        checkAddress(a, [...at, 'geographicAddress', i])
      country(np.countryOfResidence, [...at, 'countryOfResidence'])
      country(np.nationalIdentification?.countryOfIssue, [
        ...at,
        'nationalIdentification',
        'countryOfIssue',
      ])
      const ra = np.nationalIdentification?.registrationAuthority
      if (ra !== undefined && !/^RA[0-9]{6}$/.test(ra)) {
        add(
          'registration_authority',
          [...at, 'nationalIdentification', 'registrationAuthority'],
          `"${ra}" is not a GLEIF registration authority code (RAnnnnnn) (C10).`,
        )
      }
      const dob = np.dateAndPlaceOfBirth?.dateOfBirth
      if (dob !== undefined) {
        const valid =
          !Number.isNaN(Date.parse(`${dob}T00:00:00Z`)) &&
          new Date(`${dob}T00:00:00Z`).toISOString().startsWith(dob)
        if (!valid)
          add(
            'date_format',
            [...at, 'dateAndPlaceOfBirth', 'dateOfBirth'],
            `"${dob}" is not a calendar date.`,
          )
        else if (dob >= options.asOf) {
          add(
            'date_in_past',
            [...at, 'dateAndPlaceOfBirth', 'dateOfBirth'],
            `must be before ${options.asOf} (C2).`,
          )
        }
      }
      if (role === 'originator') {
        const hasAddress = (np.geographicAddress?.length ?? 0) > 0
        if (
          !hasAddress &&
          !np.customerIdentification &&
          !np.nationalIdentification &&
          !np.dateAndPlaceOfBirth
        ) {
          add(
            'originator_information_natural_person',
            at,
            'an originator natural person needs a geographicAddress, customerIdentification, nationalIdentification or dateAndPlaceOfBirth (C1).',
          )
        }
      }
    } else if (lp) {
      const at = [...path, 'legalPerson']
      if (!lp.name.nameIdentifier.some((n) => n.legalPersonNameIdentifierType === 'LEGL')) {
        add(
          'legal_name_present_legal_person',
          [...at, 'name', 'nameIdentifier'],
          "needs a name of type 'LEGL' (C5).",
        )
      }
      for (const [i, a] of (lp.geographicAddress ?? []).entries())
        checkAddress(a, [...at, 'geographicAddress', i])
      country(lp.countryOfRegistration, [...at, 'countryOfRegistration'])
      const nid = lp.nationalIdentification
      if (nid) {
        const nidPath = [...at, 'nationalIdentification']
        if (!['RAID', 'MISC', 'LEIX', 'TXID'].includes(nid.nationalIdentifierType)) {
          add(
            'valid_national_identifier_legal_person',
            [...nidPath, 'nationalIdentifierType'],
            'a legal person needs RAID, MISC, LEIX or TXID (C7).',
          )
        }
        if (nid.countryOfIssue !== undefined) {
          add(
            'complete_national_identifier_legal_person',
            [...nidPath, 'countryOfIssue'],
            'must be absent for a legal person (C9).',
          )
        }
        if (nid.nationalIdentifierType !== 'LEIX' && !nid.registrationAuthority) {
          add(
            'complete_national_identifier_legal_person',
            [...nidPath, 'registrationAuthority'],
            'is required unless the identifier is an LEI (C9).',
          )
        }
        if (
          nid.registrationAuthority !== undefined &&
          !/^RA[0-9]{6}$/.test(nid.registrationAuthority)
        ) {
          add(
            'registration_authority',
            [...nidPath, 'registrationAuthority'],
            `"${nid.registrationAuthority}" is not a GLEIF registration authority code (RAnnnnnn) (C10).`,
          )
        }
        if (nid.nationalIdentifierType === 'LEIX' && !isValidLei(nid.nationalIdentifier)) {
          add(
            'valid_lei',
            [...nidPath, 'nationalIdentifier'],
            `"${nid.nationalIdentifier}" is not a valid ISO 17442 LEI (C11).`,
          )
        }
      }
      if (role === 'originator') {
        const geog = lp.geographicAddress?.some((a) => a.addressType === 'GEOG') ?? false
        if (!geog && !lp.nationalIdentification && !lp.customerNumber) {
          add(
            'originator_information_legal_person',
            at,
            "an originator legal person needs a 'GEOG' geographicAddress, nationalIdentification or customerNumber (C4).",
          )
        }
      }
    }
  }
  for (const [i, person] of (p.originator?.originatorPersons ?? []).entries()) {
    checkPerson(person, ['originator', 'originatorPersons', i], 'originator')
  }
  for (const [i, person] of (p.beneficiary?.beneficiaryPersons ?? []).entries()) {
    checkPerson(person, ['beneficiary', 'beneficiaryPersons', i], 'other')
  }
  if (p.originatingVASP)
    checkPerson(p.originatingVASP.originatingVASP, ['originatingVASP', 'originatingVASP'], 'other')
  if (p.beneficiaryVASP)
    checkPerson(p.beneficiaryVASP.beneficiaryVASP, ['beneficiaryVASP', 'beneficiaryVASP'], 'other')
  const path = p.transferPath?.transferPath ?? []
  for (const [i, step] of path.entries()) {
    checkPerson(
      step.intermediaryVASP,
      ['transferPath', 'transferPath', i, 'intermediaryVASP'],
      'other',
    )
  }
  const sequences = path.map((s) => s.sequence).sort((a, b) => a - b)
  if (sequences.some((s, i) => s !== i)) {
    add(
      'sequential_integrity',
      ['transferPath', 'transferPath'],
      'sequence numbers must be 0, 1, 2… without gaps or repeats (C12).',
    )
  }
  const req = options.require ?? {}
  if (req.originator) {
    if (!p.originator) add('required', ['originator'], 'the Travel Rule requires the originator.')
    else if ((p.originator.accountNumber?.length ?? 0) === 0) {
      add(
        'required',
        ['originator', 'accountNumber'],
        'the Travel Rule requires the originator account number.',
      )
    }
  }
  if (req.beneficiary) {
    if (!p.beneficiary)
      add('required', ['beneficiary'], 'the Travel Rule requires the beneficiary.')
    else if ((p.beneficiary.accountNumber?.length ?? 0) === 0) {
      add(
        'required',
        ['beneficiary', 'accountNumber'],
        'the Travel Rule requires the beneficiary account number.',
      )
    }
  }
  if (req.originatingVasp && !p.originatingVASP) {
    add('required', ['originatingVASP'], 'the Travel Rule requires the originating VASP.')
  }
  return issues
}

/** The natural-person or legal-person names of a person, for name screening. */
export function ivms101PersonNames(person: Ivms101Person): string[] {
  if (person.naturalPerson) {
    return person.naturalPerson.name.nameIdentifier.map((n) =>
      n.secondaryIdentifier
        ? `${n.secondaryIdentifier} ${n.primaryIdentifier}`
        : n.primaryIdentifier,
    )
  }
  return person.legalPerson?.name.nameIdentifier.map((n) => n.legalPersonName) ?? []
}
