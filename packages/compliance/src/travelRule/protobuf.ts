import { ComplianceInputError } from '../errors.js'

/** Scalar and composite field types the codec handles. */
export type ProtoFieldType =
  | 'string'
  | 'bytes'
  | 'bool'
  | 'int32'
  | 'int64'
  | 'uint32'
  | 'uint64'
  | 'double'
  | 'enum'
  | 'message'

/** One field of a message. */
export type ProtoField = {
  readonly no: number
  /** The field's name in the .proto file (snake_case); protojson here uses it as is. */
  readonly name: string
  readonly type: ProtoFieldType
  readonly repeated?: boolean
  /** Full name of the message type (`type: 'message'`); `google.protobuf.Any` is understood. */
  readonly message?: string
  /** Full name of the enum type (`type: 'enum'`). */
  readonly enum?: string
  /** Name of the oneof the field belongs to; unset members are left out of protojson. */
  readonly oneof?: string
}

/** A message type. */
export type ProtoMessage = { readonly fields: readonly ProtoField[] }

/** Message and enum types by full name (`ivms101.Person`). */
export type ProtoSchema = {
  readonly messages: Readonly<Record<string, ProtoMessage>>
  /** Enum value names by number. */
  readonly enums: Readonly<Record<string, Readonly<Record<number, string>>>>
}

/**
 * A decoded message as protojson-shaped data: proto field names, every field present (proto3
 * defaults for unset scalars, `null` for unset messages), enums by name, bytes as base64,
 * 64-bit integers as decimal strings, `google.protobuf.Any` as `{ '@type', ...fields }`.
 */
export type ProtoJson = { [field: string]: ProtoJsonValue }
/** A value inside {@link ProtoJson}. */
export type ProtoJsonValue = string | number | boolean | null | ProtoJson | ProtoJsonValue[]

const ANY = 'google.protobuf.Any'
const TYPE_PREFIX = 'type.googleapis.com/'

function decodeError(message: string, path: (string | number)[]): ComplianceInputError {
  return new ComplianceInputError(message, {
    code: 'COMPLIANCE_PROTOBUF_DECODE_FAILED',
    path,
    rule: 'wire_format',
  })
}

class Reader {
  pos = 0
  readonly bytes: Uint8Array
  readonly end: number
  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.bytes = bytes
    this.pos = start
    this.end = end
  }
  varint(path: (string | number)[]): bigint {
    let result = 0n
    let shift = 0n
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw decodeError('truncated varint.', path)
      const b = this.bytes[this.pos++]!
      result |= BigInt(b & 0x7f) << shift
      if ((b & 0x80) === 0) return result
      shift += 7n
    }
    throw decodeError('varint longer than 10 bytes.', path)
  }
  take(length: number, path: (string | number)[]): Uint8Array {
    if (length < 0 || this.pos + length > this.end)
      throw decodeError('length runs past the end.', path)
    const out = this.bytes.subarray(this.pos, this.pos + length)
    this.pos += length
    return out
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true })
const utf8Encoder = new TextEncoder()

function defaultValue(schema: ProtoSchema, field: ProtoField): ProtoJsonValue {
  if (field.repeated) return []
  switch (field.type) {
    case 'string':
    case 'bytes':
      return ''
    case 'bool':
      return false
    case 'int64':
    case 'uint64':
      return '0'
    case 'enum':
      return schema.enums[field.enum!]?.[0] ?? 0
    case 'message':
      return null
    default:
      return 0
  }
}

/**
 * Decodes protobuf wire bytes of message `type` into {@link ProtoJson}. Unknown fields are
 * skipped (as protobuf requires); a wire type that contradicts the schema, a truncated field or
 * invalid UTF-8 in a string is an error.
 *
 * @throws {ComplianceInputError} `COMPLIANCE_PROTOBUF_DECODE_FAILED` naming the field path.
 */
export function decodeProto(
  schema: ProtoSchema,
  type: string,
  bytes: Uint8Array,
  path: (string | number)[] = [],
): ProtoJson {
  const descriptor = schema.messages[type]
  if (!descriptor) throw decodeError(`unknown message type ${type}.`, path)
  const out: ProtoJson = {}
  for (const field of descriptor.fields) {
    if (field.oneof === undefined) out[field.name] = defaultValue(schema, field)
  }
  const byNumber = new Map(descriptor.fields.map((f) => [f.no, f]))
  const reader = new Reader(bytes)
  while (reader.pos < reader.end) {
    const key = reader.varint(path)
    const no = Number(key >> 3n)
    const wire = Number(key & 7n)
    const field = byNumber.get(no)
    const fieldPath = [...path, field?.name ?? no]
    if (!field) {
      skip(reader, wire, fieldPath)
      continue
    }
    const put = (value: ProtoJsonValue) => {
      if (field.repeated) (out[field.name] as ProtoJsonValue[]).push(value)
      else out[field.name] = value
    }
    const numeric = field.type !== 'string' && field.type !== 'bytes' && field.type !== 'message'
    if (numeric && field.repeated && wire === 2) {
      // Packed repeated scalars.
      const length = Number(reader.varint(fieldPath))
      const inner = new Reader(reader.take(length, fieldPath))
      while (inner.pos < inner.end)
        put(readScalar(schema, field, inner, field.type === 'double' ? 1 : 0, fieldPath))
      continue
    }
    if (numeric) {
      put(readScalar(schema, field, reader, wire, fieldPath))
      continue
    }
    if (wire !== 2)
      throw decodeError(`wire type ${wire} where a length-delimited field was expected.`, fieldPath)
    const data = reader.take(Number(reader.varint(fieldPath)), fieldPath)
    if (field.type === 'string') {
      try {
        put(utf8.decode(data))
      } catch {
        throw decodeError('is not valid UTF-8.', fieldPath)
      }
    } else if (field.type === 'bytes') put(Buffer.from(data).toString('base64'))
    else if (field.message === ANY) put(decodeAny(schema, data, fieldPath))
    else put(decodeProto(schema, field.message!, data, fieldPath))
  }
  return out
}

function readScalar(
  schema: ProtoSchema,
  field: ProtoField,
  reader: Reader,
  wire: number,
  path: (string | number)[],
): ProtoJsonValue {
  if (field.type === 'double') {
    if (wire !== 1) throw decodeError(`wire type ${wire} where a 64-bit double was expected.`, path)
    const data = reader.take(8, path)
    return new DataView(data.buffer, data.byteOffset, 8).getFloat64(0, true)
  }
  if (wire !== 0) throw decodeError(`wire type ${wire} where a varint was expected.`, path)
  const v = reader.varint(path)
  switch (field.type) {
    case 'bool':
      return v !== 0n
    case 'int64':
      return BigInt.asIntN(64, v).toString()
    case 'uint64':
      return BigInt.asUintN(64, v).toString()
    case 'int32':
      return Number(BigInt.asIntN(32, v))
    case 'uint32':
      return Number(BigInt.asUintN(32, v))
    default: {
      const n = Number(BigInt.asIntN(32, v))
      return schema.enums[field.enum!]?.[n] ?? n
    }
  }
}

function skip(reader: Reader, wire: number, path: (string | number)[]): void {
  if (wire === 0) reader.varint(path)
  else if (wire === 1) reader.take(8, path)
  else if (wire === 2) reader.take(Number(reader.varint(path)), path)
  else if (wire === 5) reader.take(4, path)
  else throw decodeError(`unsupported wire type ${wire}.`, path)
}

function decodeAny(schema: ProtoSchema, data: Uint8Array, path: (string | number)[]): ProtoJson {
  const raw = decodeProto(
    {
      messages: {
        [ANY]: {
          fields: [
            { no: 1, name: 'type_url', type: 'string' },
            { no: 2, name: 'value', type: 'bytes' },
          ],
        },
      },
      enums: {},
    },
    ANY,
    data,
    path,
  )
  const typeUrl = raw.type_url as string
  const type = typeUrl.startsWith(TYPE_PREFIX) ? typeUrl.slice(TYPE_PREFIX.length) : typeUrl
  if (!schema.messages[type])
    throw decodeError(`Any holds unknown type ${typeUrl}.`, [...path, 'type_url'])
  const value = Buffer.from(raw.value as string, 'base64')
  return { '@type': typeUrl, ...decodeProto(schema, type, value, [...path, 'value']) }
}

class Writer {
  chunks: number[] = []
  varint(v: bigint): void {
    let x = BigInt.asUintN(64, v)
    while (x >= 0x80n) {
      this.chunks.push(Number(x & 0x7fn) | 0x80)
      x >>= 7n
    }
    this.chunks.push(Number(x))
  }
  bytes(b: Uint8Array): void {
    this.varint(BigInt(b.length))
    for (const x of b) this.chunks.push(x)
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.chunks)
  }
}

function encodeError(message: string, path: (string | number)[]): ComplianceInputError {
  return new ComplianceInputError(message, {
    code: 'COMPLIANCE_PROTOBUF_DECODE_FAILED',
    path,
    rule: 'value',
  })
}

/**
 * Encodes {@link ProtoJson} as protobuf wire bytes, fields in number order, proto3 defaults left
 * out, packed repeated scalars: the same bytes the reference (Go) implementation produces.
 *
 * @throws {ComplianceInputError} naming the field when a value has the wrong type.
 */
export function encodeProto(
  schema: ProtoSchema,
  type: string,
  value: ProtoJson,
  path: (string | number)[] = [],
): Uint8Array {
  const descriptor = schema.messages[type]
  if (!descriptor) throw encodeError(`unknown message type ${type}.`, path)
  const w = new Writer()
  const fields = [...descriptor.fields].sort((a, b) => a.no - b.no)
  for (const field of fields) {
    const v = value[field.name]
    const fieldPath = [...path, field.name]
    if (v === undefined || v === null) continue
    const values = field.repeated ? (Array.isArray(v) ? v : null) : [v]
    if (values === null) throw encodeError('must be an array.', fieldPath)
    const numeric = field.type !== 'string' && field.type !== 'bytes' && field.type !== 'message'
    if (field.repeated && numeric) {
      if (values.length === 0) continue
      const inner = new Writer()
      for (const [i, x] of values.entries()) writeScalar(schema, field, inner, x, [...fieldPath, i])
      w.varint(BigInt((field.no << 3) | 2))
      w.bytes(inner.finish())
      continue
    }
    values.forEach((x, i) => {
      const itemPath = field.repeated ? [...fieldPath, i] : fieldPath
      if (numeric) {
        if (!field.repeated && isDefault(schema, field, x)) return
        w.varint(BigInt((field.no << 3) | (field.type === 'double' ? 1 : 0)))
        writeScalar(schema, field, w, x, itemPath)
        return
      }
      let data: Uint8Array
      if (field.type === 'string') {
        if (typeof x !== 'string') throw encodeError('must be a string.', itemPath)
        if (x === '' && !field.repeated) return
        data = utf8Encoder.encode(x)
      } else if (field.type === 'bytes') {
        if (typeof x !== 'string') throw encodeError('must be base64 text.', itemPath)
        if (x === '' && !field.repeated) return
        data = Buffer.from(x, 'base64')
      } else {
        if (typeof x !== 'object' || x === null || Array.isArray(x))
          throw encodeError('must be an object.', itemPath)
        data =
          field.message === ANY
            ? encodeAny(schema, x, itemPath)
            : encodeProto(schema, field.message!, x, itemPath)
      }
      w.varint(BigInt((field.no << 3) | 2))
      w.bytes(data)
    })
  }
  return w.finish()
}

function isDefault(schema: ProtoSchema, field: ProtoField, x: ProtoJsonValue): boolean {
  if (field.type === 'bool') return x === false
  if (field.type === 'int64' || field.type === 'uint64') return x === '0' || x === 0
  if (field.type === 'enum') return x === 0 || x === schema.enums[field.enum!]?.[0]
  return x === 0
}

function writeScalar(
  schema: ProtoSchema,
  field: ProtoField,
  w: Writer,
  x: ProtoJsonValue,
  path: (string | number)[],
): void {
  switch (field.type) {
    case 'double': {
      if (typeof x !== 'number') throw encodeError('must be a number.', path)
      const b = new Uint8Array(8)
      new DataView(b.buffer).setFloat64(0, x, true)
      for (const c of b) w.chunks.push(c)
      return
    }
    case 'bool':
      if (typeof x !== 'boolean') throw encodeError('must be a boolean.', path)
      w.varint(x ? 1n : 0n)
      return
    case 'enum': {
      const names = schema.enums[field.enum!] ?? {}
      const n =
        typeof x === 'number'
          ? x
          : Number(Object.entries(names).find(([, name]) => name === x)?.[0] ?? -1)
      if (n < 0 || !Number.isInteger(n))
        throw encodeError(`"${String(x)}" is not a value of ${field.enum}.`, path)
      w.varint(BigInt(n))
      return
    }
    default: {
      if (typeof x !== 'number' && typeof x !== 'string')
        throw encodeError('must be an integer.', path)
      let n: bigint
      try {
        n = BigInt(x)
      } catch {
        throw encodeError('must be an integer.', path)
      }
      w.varint(n)
    }
  }
}

function encodeAny(schema: ProtoSchema, x: ProtoJson, path: (string | number)[]): Uint8Array {
  const typeUrl = x['@type']
  if (typeof typeUrl !== 'string') throw encodeError('an Any needs "@type".', [...path, '@type'])
  const type = typeUrl.startsWith(TYPE_PREFIX) ? typeUrl.slice(TYPE_PREFIX.length) : typeUrl
  const { '@type': _, ...fields } = x
  const value = encodeProto(schema, type, fields, path)
  const w = new Writer()
  w.varint(BigInt((1 << 3) | 2))
  w.bytes(utf8Encoder.encode(typeUrl))
  if (value.length > 0) {
    w.varint(BigInt((2 << 3) | 2))
    w.bytes(value)
  }
  return w.finish()
}
