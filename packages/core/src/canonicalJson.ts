import { CanonicalJsonError } from './coreErrors.js'
import type { IssuePath } from './issue.js'

/** A value canonical JSON can encode: JSON values plus `bigint` (written as a decimal string). */
export type CanonicalValue =
  | string
  | number
  | boolean
  | null
  | bigint
  | readonly CanonicalValue[]
  | { readonly [key: string]: CanonicalValue | undefined }

/**
 * Encodes `value` as canonical JSON: object keys sorted by UTF-16 code units, no whitespace,
 * `bigint` as its decimal string, `undefined` properties left out. Equal values always give equal
 * strings, so the result can be hashed and signed.
 *
 * @throws {CanonicalJsonError} naming the path of a function, symbol, NaN, Infinity, or cycle.
 */
export function canonicalJson(value: CanonicalValue): string {
  return encode(value, [], new Set())
}

function fail(path: IssuePath, message: string): CanonicalJsonError {
  return new CanonicalJsonError(message, {
    code: 'CORE_CANONICAL_JSON_UNSUPPORTED',
    path,
    rule: 'unsupported_value',
  })
}

function encode(value: unknown, path: (string | number)[], seen: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'bigint':
      return `"${value.toString()}"`
    case 'number':
      if (!Number.isFinite(value)) throw fail(path, `${value} cannot be written as JSON.`)
      return JSON.stringify(value)
    case 'object': {
      if (value === null) return 'null'
      if (seen.has(value)) throw fail(path, 'contains a cycle.')
      seen.add(value)
      let out: string
      if (Array.isArray(value)) {
        const parts: string[] = []
        for (let i = 0; i < value.length; i++) {
          path.push(i)
          parts.push(value[i] === undefined ? 'null' : encode(value[i], path, seen))
          path.pop()
        }
        out = `[${parts.join(',')}]`
      } else {
        const proto = Object.getPrototypeOf(value)
        if (proto !== Object.prototype && proto !== null) {
          throw fail(
            path,
            `is a ${proto?.constructor?.name ?? 'non-plain'} object, not plain data.`,
          )
        }
        const record = value as Record<string, unknown>
        const keys = Object.keys(record).sort()
        const parts: string[] = []
        for (const key of keys) {
          const item = record[key]
          if (item === undefined) continue
          path.push(key)
          parts.push(`${JSON.stringify(key)}:${encode(item, path, seen)}`)
          path.pop()
        }
        out = `{${parts.join(',')}}`
      }
      seen.delete(value)
      return out
    }
    default:
      throw fail(path, `a ${typeof value} cannot be written as JSON.`)
  }
}
