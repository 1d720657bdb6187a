import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeProto, encodeProto, type ProtoJson } from './protobuf.js'
import { trisaSchema } from './trisaSchema.js'

const text = fc.string({ maxLength: 40, unit: 'grapheme' })

describe('protobuf codec', () => {
  it('Transaction messages round-trip (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          txid: text,
          originator: text,
          beneficiary: text,
          amount: fc.double({ noNaN: true, noDefaultInfinity: true }),
          network: text,
          timestamp: text,
          extra_json: text,
          asset_type: text,
          tag: text,
        }),
        (tx) => {
          const bytes = encodeProto(trisaSchema, 'trisa.data.generic.v1beta1.Transaction', tx)
          const back = decodeProto(trisaSchema, 'trisa.data.generic.v1beta1.Transaction', bytes)
          // -0 encodes as a default (omitted) double like 0.
          expect(back).toEqual({ ...tx, amount: Object.is(tx.amount, -0) ? 0 : tx.amount })
        },
      ),
    )
  })

  it('IVMS101 persons with repeated and oneof fields round-trip (property)', () => {
    const nameId = fc.record({
      primary_identifier: text,
      secondary_identifier: text,
      name_identifier_type: fc.constantFrom(
        'NATURAL_PERSON_NAME_TYPE_CODE_MISC',
        'NATURAL_PERSON_NAME_TYPE_CODE_LEGL',
        'NATURAL_PERSON_NAME_TYPE_CODE_ALIA',
      ),
    })
    fc.assert(
      fc.property(
        fc.array(nameId, { maxLength: 3 }),
        fc.array(text, { maxLength: 3 }),
        (ids, accounts) => {
          const value: ProtoJson = {
            originator_persons: [
              {
                natural_person: {
                  name: {
                    name_identifiers: ids,
                    local_name_identifiers: [],
                    phonetic_name_identifiers: [],
                  },
                  geographic_addresses: [],
                  national_identification: null,
                  customer_identification: '',
                  date_and_place_of_birth: null,
                  country_of_residence: '',
                },
              },
            ],
            account_numbers: accounts,
          }
          const bytes = encodeProto(trisaSchema, 'ivms101.Originator', value)
          expect(decodeProto(trisaSchema, 'ivms101.Originator', bytes)).toEqual(value)
        },
      ),
    )
  })

  it('packed repeated enums', () => {
    const value = {
      transliteration_method: [
        'TRANSLITERATION_METHOD_CODE_CYRL',
        'TRANSLITERATION_METHOD_CODE_ARAB',
      ],
    }
    const bytes = encodeProto(trisaSchema, 'ivms101.PayloadMetadata', value)
    expect([...bytes]).toEqual([0x0a, 0x02, 0x03, 0x00])
    expect(decodeProto(trisaSchema, 'ivms101.PayloadMetadata', bytes)).toEqual(value)
    // Unpacked encoding of the same field is accepted too.
    expect(
      decodeProto(
        trisaSchema,
        'ivms101.PayloadMetadata',
        Uint8Array.from([0x08, 0x03, 0x08, 0x00]),
      ),
    ).toEqual(value)
    expect(() =>
      encodeProto(trisaSchema, 'ivms101.PayloadMetadata', { transliteration_method: ['NOPE'] }),
    ).toThrow(expect.objectContaining({ path: ['transliteration_method', 0] }))
  })
})
