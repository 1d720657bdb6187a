/** A PostgreSQL array literal of integers (numbers or bigints): `{1,2,3}`. */
export function intArray(values: readonly (bigint | number)[]): string {
  return `{${values.join(',')}}`
}

/** A PostgreSQL array literal of nullable integers. */
export function nullableIntArray(values: readonly (bigint | number | undefined)[]): string {
  return `{${values.map((v) => (v === undefined ? 'NULL' : String(v))).join(',')}}`
}

/** A PostgreSQL array literal of (nullable) text, quoted and escaped. */
export function textArray(values: readonly (string | undefined)[]): string {
  return `{${values
    .map((v) => (v === undefined ? 'NULL' : `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`))
    .join(',')}}`
}

/** Key of an account ref in maps. */
export function refKey(ref: { owner: string; asset: string; role: string }): string {
  return `${ref.owner}\u0000${ref.asset}\u0000${ref.role}`
}

/** Reads a bigint column that was selected as text (or came back as a number). */
export function big(value: unknown): bigint {
  if (typeof value === 'bigint') return value
  if (typeof value === 'number') return BigInt(value)
  return BigInt(value as string)
}

/** Reads an optional integer column as a number. */
export function optionalNumber(value: unknown): number | undefined {
  return value === null || value === undefined ? undefined : Number(value)
}
