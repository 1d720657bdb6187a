import { describe, expect, it } from 'vitest'
import {
  ComplianceInputError,
  decodeIvms101,
  encodeIvms101,
  type Ivms101Payload,
  isValidLei,
  parseIvms101,
  validateIvms101,
} from '../src/index.js'
import { compliance, fixtureJson } from './shared.js'

const asOf = '2026-11-01'
const codes = (input: unknown, require?: Parameters<typeof validateIvms101>[1]['require']) =>
  validateIvms101(input, { asOf, require }).map((i) => `${i.code}@${i.path.join('.')}`)

// A valid payload built for these tests (LEI 5493001KJTIIGC8Y1R12 has correct check digits).
const valid = (): Ivms101Payload => ({
  originator: {
    originatorPersons: [
      {
        naturalPerson: {
          name: {
            nameIdentifier: [
              { primaryIdentifier: 'Doe', secondaryIdentifier: 'Jane', nameIdentifierType: 'LEGL' },
            ],
          },
          geographicAddress: [
            {
              addressType: 'HOME',
              streetName: 'Main Street',
              buildingNumber: '1',
              townName: 'Springfield',
              country: 'US',
            },
          ],
          dateAndPlaceOfBirth: { dateOfBirth: '1980-02-29', placeOfBirth: 'Boston' },
        },
      },
    ],
    accountNumber: ['acc-1'],
  },
  beneficiary: {
    beneficiaryPersons: [
      {
        naturalPerson: {
          name: { nameIdentifier: [{ primaryIdentifier: 'Roe', nameIdentifierType: 'LEGL' }] },
        },
      },
    ],
    accountNumber: ['bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'],
  },
  originatingVASP: {
    originatingVASP: {
      legalPerson: {
        name: {
          nameIdentifier: [
            { legalPersonName: 'Example Exchange Ltd', legalPersonNameIdentifierType: 'LEGL' },
          ],
        },
        nationalIdentification: {
          nationalIdentifier: '5493001KJTIIGC8Y1R12',
          nationalIdentifierType: 'LEIX',
        },
      },
    },
  },
})

describe('IVMS101 validation', () => {
  it('accepts a complete payload, and it round-trips through protobuf', () => {
    expect(isValidLei('5493001KJTIIGC8Y1R12')).toBe(true)
    expect(codes(valid(), { originator: true, beneficiary: true, originatingVasp: true })).toEqual(
      [],
    )
    expect(parseIvms101(valid(), { asOf })).toEqual(valid())
    expect(decodeIvms101(encodeIvms101(valid()))).toEqual(valid())
  })

  it('C1: an originator natural person needs address, customer id, national id or birth data; a beneficiary does not', () => {
    const p = valid()
    const np = p.originator!.originatorPersons[0]!.naturalPerson!
    delete np.geographicAddress
    delete np.dateAndPlaceOfBirth
    expect(codes(p)).toEqual([
      'originator_information_natural_person@originator.originatorPersons.0.naturalPerson',
    ])
    np.customerIdentification = 'cust-9'
    expect(codes(p)).toEqual([])
    // The beneficiary in `valid()` has only a name: C1 does not apply to it.
  })

  it('C2 date in past, C3 country codes, C6 legal name present, C8 valid address', () => {
    const p = valid()
    const np = p.originator!.originatorPersons[0]!.naturalPerson!
    np.dateAndPlaceOfBirth = { dateOfBirth: '2030-01-01', placeOfBirth: 'Mars' }
    np.countryOfResidence = 'UK'
    np.name.nameIdentifier[0]!.nameIdentifierType = 'ALIA'
    np.geographicAddress = [{ addressType: 'GEOG', townName: 'Nowhere', country: 'ZZ' }]
    expect(codes(p)).toEqual([
      'legal_name_present@originator.originatorPersons.0.naturalPerson.name.nameIdentifier',
      'valid_country_code@originator.originatorPersons.0.naturalPerson.geographicAddress.0.country',
      'valid_address@originator.originatorPersons.0.naturalPerson.geographicAddress.0',
      'valid_country_code@originator.originatorPersons.0.naturalPerson.countryOfResidence',
      'date_in_past@originator.originatorPersons.0.naturalPerson.dateAndPlaceOfBirth.dateOfBirth',
    ])
    np.dateAndPlaceOfBirth.dateOfBirth = '1999-02-30'
    expect(codes(p)).toContain(
      'date_format@originator.originatorPersons.0.naturalPerson.dateAndPlaceOfBirth.dateOfBirth',
    )
  })

  it('C4, C5, C7, C9, C10, C11 for legal persons', () => {
    const p = valid()
    p.originator!.originatorPersons = [
      {
        legalPerson: {
          name: {
            nameIdentifier: [{ legalPersonName: 'Acme', legalPersonNameIdentifierType: 'TRAD' }],
          },
        },
      },
    ]
    expect(codes(p)).toEqual([
      'legal_name_present_legal_person@originator.originatorPersons.0.legalPerson.name.nameIdentifier',
      'originator_information_legal_person@originator.originatorPersons.0.legalPerson',
    ])
    const vasp = p.originatingVASP!.originatingVASP.legalPerson!
    vasp.nationalIdentification = {
      nationalIdentifier: '123',
      nationalIdentifierType: 'CCPT',
      countryOfIssue: 'GB',
      registrationAuthority: 'GB-REG',
    }
    expect(codes(p).filter((c) => c.includes('originatingVASP'))).toEqual([
      'valid_national_identifier_legal_person@originatingVASP.originatingVASP.legalPerson.nationalIdentification.nationalIdentifierType',
      'complete_national_identifier_legal_person@originatingVASP.originatingVASP.legalPerson.nationalIdentification.countryOfIssue',
      'registration_authority@originatingVASP.originatingVASP.legalPerson.nationalIdentification.registrationAuthority',
    ])
    vasp.nationalIdentification = {
      nationalIdentifier: '5493001KJTIIGC8Y1R13',
      nationalIdentifierType: 'LEIX',
    }
    expect(codes(p)).toContain(
      'valid_lei@originatingVASP.originatingVASP.legalPerson.nationalIdentification.nationalIdentifier',
    )
    vasp.nationalIdentification = { nationalIdentifier: '123', nationalIdentifierType: 'RAID' }
    expect(codes(p)).toContain(
      'complete_national_identifier_legal_person@originatingVASP.originatingVASP.legalPerson.nationalIdentification.registrationAuthority',
    )
  })

  it('a person must be exactly one of natural and legal; C12 transfer-path sequence', () => {
    const p = valid()
    const legal = p.originatingVASP!.originatingVASP
    p.transferPath = {
      transferPath: [
        { intermediaryVASP: legal, sequence: 0 },
        { intermediaryVASP: legal, sequence: 2 },
      ],
    }
    p.beneficiary!.beneficiaryPersons.push({})
    expect(codes(p)).toEqual([
      'one_person_type@beneficiary.beneficiaryPersons.1',
      'sequential_integrity@transferPath.transferPath',
    ])
  })

  it('Travel Rule requirements: originator and beneficiary account numbers, originating VASP', () => {
    const p = valid()
    delete p.originator!.accountNumber
    delete p.beneficiary!.accountNumber
    delete p.originatingVASP
    expect(codes(p, { originator: true, beneficiary: true, originatingVasp: true })).toEqual([
      'required@originator.accountNumber',
      'required@beneficiary.accountNumber',
      'required@originatingVASP',
    ])
    expect(codes({}, { beneficiary: true })).toEqual(['required@beneficiary'])
  })

  it('structure: unknown elements, wrong codes and over-long text name the field', () => {
    const p = valid() as Record<string, unknown>
    expect(codes({ ...p, extra: 1 })).toEqual(['unrecognized_keys@'])
    const q = valid()
    ;(
      q.originator!.originatorPersons[0]!.naturalPerson!.name.nameIdentifier[0] as Record<
        string,
        unknown
      >
    ).nameIdentifierType = 'LEGAL'
    q.beneficiary!.accountNumber = ['x'.repeat(101)]
    expect(codes(q)).toEqual([
      'invalid_value@originator.originatorPersons.0.naturalPerson.name.nameIdentifier.0.nameIdentifierType',
      'too_big@beneficiary.accountNumber.0',
    ])
    expect(() => parseIvms101(q, { asOf })).toThrow(ComplianceInputError)
    expect(() => parseIvms101(q, { asOf })).toThrow(
      expect.objectContaining({
        code: 'COMPLIANCE_INVALID_IVMS101',
        path: [
          'originator',
          'originatorPersons',
          0,
          'naturalPerson',
          'name',
          'nameIdentifier',
          0,
          'nameIdentifierType',
        ],
      }),
    )
    expect(codes('not an object')).toEqual(['invalid_type@'])
  })
})

describe.skipIf(!compliance.available)('IVMS101 fixtures', () => {
  it('the TRISA identity payload is valid; the alternate-spelling one is refused field by field', () => {
    expect(codes(fixtureJson('trisa/ivms101/identity_payload.json'))).toEqual([])
    const alt = codes(fixtureJson('trisa/ivms101/identity_payload_alt.json'))
    expect(alt).toContain('unrecognized_keys@originator.originatorPersons.0.naturalPerson.name')
    expect(alt).toContain(
      'unrecognized_keys@originator.originatorPersons.0.naturalPerson.nationalIdentification',
    )
  })

  it('single elements: natural and legal persons; a person holding both is refused', () => {
    const natural = fixtureJson('trisa/ivms101/natural_person.json')
    expect(codes({ originator: { originatorPersons: [{ naturalPerson: natural }] } })).toEqual([])
    const legal = fixtureJson('trisa/ivms101/legal_person.json')
    expect(codes({ beneficiary: { beneficiaryPersons: [{ legalPerson: legal }] } })).toEqual([])
    expect(
      codes({
        beneficiary: {
          beneficiaryPersons: [fixtureJson('trisa/ivms101/person_both_persons.json')],
        },
      }),
    ).toEqual(['one_person_type@beneficiary.beneficiaryPersons.0'])
  })

  it('the TRP inquiry: valid (C1 is for the originator only, so its name-only beneficiary passes)', () => {
    const inquiry = fixtureJson<{ IVMS101: unknown }>('trisa/openvasp_trp/client_inquiry.json')
    expect(codes(inquiry.IVMS101)).toEqual([])
  })

  it('the GTR JSON-schema profile examples are not IVMS101: each difference is named', () => {
    const example = codes(fixtureJson('ivms101_gtr/complete-example.json'))
    expect(example).toEqual(
      expect.arrayContaining([
        'unrecognized_keys@originator.originatorPersons.0.naturalPerson.geographicAddress.0',
        'unrecognized_keys@beneficiary.beneficiaryPersons.0.legalPerson',
        'invalid_type@originatingVASP.originatingVASP',
      ]),
    )
    const malformed = codes(fixtureJson('ivms101_gtr/malformed-full-example.json'))
    expect(malformed.length).toBeGreaterThanOrEqual(example.length)
  })
})
