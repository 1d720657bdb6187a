import type { ProtoField, ProtoSchema } from './protobuf.js'

// Field numbers and enum values of the TRISA and IVMS101 protocol buffers, as published in the
// TRISA specification (proto/ivms101/*.proto, proto/trisa/api/v1beta1/*.proto,
// proto/trisa/data/generic/v1beta1/transaction.proto). Written here as data for the codec.

const s = (no: number, name: string, repeated = false): ProtoField => ({
  no,
  name,
  type: 'string',
  repeated,
})
const m = (no: number, name: string, message: string, repeated = false): ProtoField => ({
  no,
  name,
  type: 'message',
  message,
  repeated,
})
const e = (no: number, name: string, enumName: string, repeated = false): ProtoField => ({
  no,
  name,
  type: 'enum',
  enum: enumName,
  repeated,
})

const codes = (prefix: string, names: readonly string[]) =>
  Object.fromEntries(names.map((n, i) => [i, `${prefix}${n}`]))

/** IVMS101 and TRISA message types. */
export const trisaSchema: ProtoSchema = {
  enums: {
    // Numbering as the reference implementation puts on the wire (checked against the published
    // test envelope): 0 is MISC, the IVMS101 codes follow.
    'ivms101.NaturalPersonNameTypeCode': codes('NATURAL_PERSON_NAME_TYPE_CODE_', [
      'MISC',
      'ALIA',
      'BIRT',
      'MAID',
      'LEGL',
    ]),
    'ivms101.LegalPersonNameTypeCode': codes('LEGAL_PERSON_NAME_TYPE_CODE_', [
      'MISC',
      'LEGL',
      'SHRT',
      'TRAD',
    ]),
    'ivms101.AddressTypeCode': codes('ADDRESS_TYPE_CODE_', ['MISC', 'HOME', 'BIZZ', 'GEOG']),
    'ivms101.NationalIdentifierTypeCode': codes('NATIONAL_IDENTIFIER_TYPE_CODE_', [
      'MISC',
      'ARNU',
      'CCPT',
      'RAID',
      'DRLC',
      'FIIN',
      'TXID',
      'SOCS',
      'IDCD',
      'LEIX',
    ]),
    // Not exercised by the reference envelope (its list is empty): numbering as published in
    // proto/ivms101/enum.proto.
    'ivms101.TransliterationMethodCode': {
      0: 'TRANSLITERATION_METHOD_CODE_ARAB',
      1: 'TRANSLITERATION_METHOD_CODE_ARAN',
      2: 'TRANSLITERATION_METHOD_CODE_ARMN',
      3: 'TRANSLITERATION_METHOD_CODE_CYRL',
      4: 'TRANSLITERATION_METHOD_CODE_DEVA',
      5: 'TRANSLITERATION_METHOD_CODE_GEOR',
      6: 'TRANSLITERATION_METHOD_CODE_GREK',
      7: 'TRANSLITERATION_METHOD_CODE_HANI',
      8: 'TRANSLITERATION_METHOD_CODE_HEBR',
      10: 'TRANSLITERATION_METHOD_CODE_KANA',
      11: 'TRANSLITERATION_METHOD_CODE_KORE',
      12: 'TRANSLITERATION_METHOD_CODE_THAI',
      13: 'TRANSLITERATION_METHOD_CODE_OTHR',
    },
    'trisa.api.v1beta1.Error.Code': {
      0: 'UNHANDLED',
      1: 'UNAVAILABLE',
      2: 'MAINTENANCE',
      3: 'UNIMPLEMENTED',
      49: 'INTERNAL_ERROR',
      50: 'REJECTED',
      51: 'UNKNOWN_WALLET_ADDRESS',
      52: 'UNKOWN_IDENTITY',
      53: 'UNKNOWN_ORIGINATOR',
      54: 'UNKOWN_BENEFICIARY',
      60: 'UNSUPPORTED_CURRENCY',
      61: 'EXCEEDED_TRADING_VOLUME',
      90: 'COMPLIANCE_CHECK_FAIL',
      91: 'NO_COMPLIANCE',
      92: 'HIGH_RISK',
      99: 'OUT_OF_NETWORK',
      100: 'FORBIDDEN',
      101: 'NO_SIGNING_KEY',
      102: 'CERTIFICATE_REVOKED',
      103: 'UNVERIFIED',
      104: 'UNTRUSTED',
      105: 'INVALID_SIGNATURE',
      106: 'INVALID_KEY',
      107: 'ENVELOPE_DECODE_FAIL',
      108: 'UNHANDLED_ALGORITHM',
      150: 'BAD_REQUEST',
      151: 'UNPARSEABLE_IDENTITY',
      152: 'UNPARSEABLE_TRANSACTION',
      153: 'MISSING_FIELDS',
      154: 'INCOMPLETE_IDENTITY',
      155: 'VALIDATION_ERROR',
    },
  },
  messages: {
    'ivms101.Person': {
      fields: [
        { ...m(1, 'natural_person', 'ivms101.NaturalPerson'), oneof: 'person' },
        { ...m(2, 'legal_person', 'ivms101.LegalPerson'), oneof: 'person' },
      ],
    },
    'ivms101.NaturalPerson': {
      fields: [
        m(1, 'name', 'ivms101.NaturalPersonName'),
        m(2, 'geographic_addresses', 'ivms101.Address', true),
        m(3, 'national_identification', 'ivms101.NationalIdentification'),
        s(4, 'customer_identification'),
        m(5, 'date_and_place_of_birth', 'ivms101.DateAndPlaceOfBirth'),
        s(6, 'country_of_residence'),
      ],
    },
    'ivms101.NaturalPersonName': {
      fields: [
        m(1, 'name_identifiers', 'ivms101.NaturalPersonNameId', true),
        m(2, 'local_name_identifiers', 'ivms101.LocalNaturalPersonNameId', true),
        m(3, 'phonetic_name_identifiers', 'ivms101.LocalNaturalPersonNameId', true),
      ],
    },
    'ivms101.NaturalPersonNameId': {
      fields: [
        s(1, 'primary_identifier'),
        s(2, 'secondary_identifier'),
        e(3, 'name_identifier_type', 'ivms101.NaturalPersonNameTypeCode'),
      ],
    },
    'ivms101.LocalNaturalPersonNameId': {
      fields: [
        s(1, 'primary_identifier'),
        s(2, 'secondary_identifier'),
        e(3, 'name_identifier_type', 'ivms101.NaturalPersonNameTypeCode'),
      ],
    },
    'ivms101.Address': {
      fields: [
        e(1, 'address_type', 'ivms101.AddressTypeCode'),
        s(2, 'department'),
        s(3, 'sub_department'),
        s(4, 'street_name'),
        s(5, 'building_number'),
        s(6, 'building_name'),
        s(7, 'floor'),
        s(8, 'post_box'),
        s(9, 'room'),
        s(10, 'post_code'),
        s(11, 'town_name'),
        s(12, 'town_location_name'),
        s(13, 'district_name'),
        s(14, 'country_sub_division'),
        s(15, 'address_line', true),
        s(16, 'country'),
      ],
    },
    'ivms101.DateAndPlaceOfBirth': { fields: [s(1, 'date_of_birth'), s(2, 'place_of_birth')] },
    'ivms101.NationalIdentification': {
      fields: [
        s(1, 'national_identifier'),
        e(2, 'national_identifier_type', 'ivms101.NationalIdentifierTypeCode'),
        s(3, 'country_of_issue'),
        s(4, 'registration_authority'),
      ],
    },
    'ivms101.LegalPerson': {
      fields: [
        m(1, 'name', 'ivms101.LegalPersonName'),
        m(2, 'geographic_addresses', 'ivms101.Address', true),
        s(3, 'customer_number'),
        m(4, 'national_identification', 'ivms101.NationalIdentification'),
        s(5, 'country_of_registration'),
      ],
    },
    'ivms101.LegalPersonName': {
      fields: [
        m(1, 'name_identifiers', 'ivms101.LegalPersonNameId', true),
        m(2, 'local_name_identifiers', 'ivms101.LocalLegalPersonNameId', true),
        m(3, 'phonetic_name_identifiers', 'ivms101.LocalLegalPersonNameId', true),
      ],
    },
    'ivms101.LegalPersonNameId': {
      fields: [
        s(1, 'legal_person_name'),
        e(2, 'legal_person_name_identifier_type', 'ivms101.LegalPersonNameTypeCode'),
      ],
    },
    'ivms101.LocalLegalPersonNameId': {
      fields: [
        s(1, 'legal_person_name'),
        e(2, 'legal_person_name_identifier_type', 'ivms101.LegalPersonNameTypeCode'),
      ],
    },
    'ivms101.IdentityPayload': {
      fields: [
        m(1, 'originator', 'ivms101.Originator'),
        m(2, 'beneficiary', 'ivms101.Beneficiary'),
        m(3, 'originating_vasp', 'ivms101.OriginatingVasp'),
        m(4, 'beneficiary_vasp', 'ivms101.BeneficiaryVasp'),
        m(5, 'transfer_path', 'ivms101.TransferPath'),
        m(6, 'payload_metadata', 'ivms101.PayloadMetadata'),
      ],
    },
    'ivms101.Originator': {
      fields: [m(1, 'originator_persons', 'ivms101.Person', true), s(2, 'account_numbers', true)],
    },
    'ivms101.Beneficiary': {
      fields: [m(1, 'beneficiary_persons', 'ivms101.Person', true), s(2, 'account_numbers', true)],
    },
    'ivms101.OriginatingVasp': { fields: [m(1, 'originating_vasp', 'ivms101.Person')] },
    'ivms101.BeneficiaryVasp': { fields: [m(1, 'beneficiary_vasp', 'ivms101.Person')] },
    'ivms101.IntermediaryVasp': {
      fields: [
        m(1, 'intermediary_vasp', 'ivms101.Person'),
        { no: 2, name: 'sequence', type: 'uint64' },
      ],
    },
    'ivms101.TransferPath': { fields: [m(1, 'transfer_path', 'ivms101.IntermediaryVasp', true)] },
    'ivms101.PayloadMetadata': {
      fields: [e(1, 'transliteration_method', 'ivms101.TransliterationMethodCode', true)],
    },
    'trisa.api.v1beta1.Payload': {
      fields: [
        m(1, 'identity', 'google.protobuf.Any'),
        m(2, 'transaction', 'google.protobuf.Any'),
        s(3, 'sent_at'),
        s(4, 'received_at'),
      ],
    },
    'trisa.api.v1beta1.Error': {
      fields: [
        e(1, 'code', 'trisa.api.v1beta1.Error.Code'),
        s(2, 'message'),
        { no: 3, name: 'retry', type: 'bool' },
        m(4, 'details', 'google.protobuf.Any'),
      ],
    },
    'trisa.api.v1beta1.SecureEnvelope': {
      fields: [
        s(1, 'id'),
        { no: 2, name: 'payload', type: 'bytes' },
        { no: 3, name: 'encryption_key', type: 'bytes' },
        s(4, 'encryption_algorithm'),
        { no: 5, name: 'hmac', type: 'bytes' },
        { no: 6, name: 'hmac_secret', type: 'bytes' },
        s(7, 'hmac_algorithm'),
        m(9, 'error', 'trisa.api.v1beta1.Error'),
        s(10, 'timestamp'),
        { no: 11, name: 'sealed', type: 'bool' },
        s(12, 'public_key_signature'),
      ],
    },
    'trisa.data.generic.v1beta1.Transaction': {
      fields: [
        s(1, 'txid'),
        s(2, 'originator'),
        s(3, 'beneficiary'),
        { no: 4, name: 'amount', type: 'double' },
        s(5, 'network'),
        s(6, 'timestamp'),
        s(7, 'extra_json'),
        s(8, 'asset_type'),
        s(9, 'tag'),
      ],
    },
    'trisa.data.generic.v1beta1.Pending': {
      fields: [
        s(1, 'envelope_id'),
        s(2, 'received_by'),
        s(3, 'received_at'),
        s(4, 'message'),
        s(5, 'reply_not_after'),
        s(6, 'reply_not_before'),
        s(7, 'extra_json'),
        m(15, 'transaction', 'trisa.data.generic.v1beta1.Transaction'),
      ],
    },
  },
}
