import type { Ivms101Payload } from './ivms101.js'
import { decodeProto, encodeProto, type ProtoJson, type ProtoJsonValue } from './protobuf.js'
import { trisaSchema } from './trisaSchema.js'

// IVMS101 JSON (lowerCamelCase, four-letter codes) ⇄ the protocol-buffer form TRISA carries
// (snake_case field names, enum value names with their type prefix).

const SPECIAL: Record<string, string> = {
  geographic_addresses: 'geographicAddress',
  name_identifiers: 'nameIdentifier',
  local_name_identifiers: 'localNameIdentifier',
  phonetic_name_identifiers: 'phoneticNameIdentifier',
  originator_persons: 'originatorPersons',
  beneficiary_persons: 'beneficiaryPersons',
  account_numbers: 'accountNumber',
  originating_vasp: 'originatingVASP',
  beneficiary_vasp: 'beneficiaryVASP',
  intermediary_vasp: 'intermediaryVASP',
}
const REVERSE = Object.fromEntries(Object.entries(SPECIAL).map(([k, v]) => [v, k]))

const ENUM_PREFIX: Record<string, string> = {
  name_identifier_type: 'NATURAL_PERSON_NAME_TYPE_CODE_',
  legal_person_name_identifier_type: 'LEGAL_PERSON_NAME_TYPE_CODE_',
  address_type: 'ADDRESS_TYPE_CODE_',
  national_identifier_type: 'NATIONAL_IDENTIFIER_TYPE_CODE_',
  transliteration_method: 'TRANSLITERATION_METHOD_CODE_',
}

const camel = (snake: string) =>
  SPECIAL[snake] ?? snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())
const snake = (camelName: string) =>
  REVERSE[camelName] ?? camelName.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

function toIvms(value: ProtoJsonValue, key: string): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => toIvms(v, key)).filter((v) => v !== undefined)
    return items.length === 0 ? undefined : items
  }
  if (value === null || value === '') return undefined
  if (typeof value === 'string') {
    const prefix = ENUM_PREFIX[key]
    if (prefix && value.startsWith(prefix)) return value.slice(prefix.length)
    if (key === 'sequence') return Number(value)
    return value
  }
  if (typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) {
    if (k === '@type') continue
    const converted = toIvms(v, k)
    if (converted !== undefined) out[camel(k)] = converted
  }
  return Object.keys(out).length === 0 ? undefined : out
}

function fromIvms(value: unknown, key: string): ProtoJsonValue {
  if (Array.isArray(value)) return value.map((v) => fromIvms(v, key))
  if (value === undefined || value === null) return null
  if (typeof value === 'string') {
    const prefix = ENUM_PREFIX[key]
    return prefix ? `${prefix}${value}` : value
  }
  if (typeof value === 'number') return key === 'sequence' ? String(value) : value
  if (typeof value === 'boolean') return value
  const out: ProtoJson = {}
  for (const [k, v] of Object.entries(value as Record<string, unknown>))
    out[snake(k)] = fromIvms(v, snake(k))
  return out
}

/** Converts a protojson `ivms101.IdentityPayload` (as a TRISA payload carries it) to IVMS101 JSON. */
export function ivms101FromProtoJson(identity: ProtoJson): Ivms101Payload {
  return (toIvms(identity, '') ?? {}) as Ivms101Payload
}

/** Converts IVMS101 JSON to protojson `ivms101.IdentityPayload` (without `@type`). */
export function ivms101ToProtoJson(payload: Ivms101Payload): ProtoJson {
  return fromIvms(payload, '') as ProtoJson
}

/** Encodes IVMS101 JSON as `ivms101.IdentityPayload` protobuf bytes. */
export function encodeIvms101(payload: Ivms101Payload): Uint8Array {
  return encodeProto(trisaSchema, 'ivms101.IdentityPayload', ivms101ToProtoJson(payload))
}

/** Decodes `ivms101.IdentityPayload` protobuf bytes to IVMS101 JSON. */
export function decodeIvms101(bytes: Uint8Array): Ivms101Payload {
  return ivms101FromProtoJson(decodeProto(trisaSchema, 'ivms101.IdentityPayload', bytes))
}
