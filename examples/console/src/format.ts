/** Minor units (a decimal string of an integer) as a decimal amount, without floating point. */
export function formatUnits(minor: string | number, decimals: number): string {
  const text = String(minor)
  const negative = text.startsWith('-')
  const digits = (negative ? text.slice(1) : text).padStart(decimals + 1, '0')
  const whole = digits.slice(0, digits.length - decimals)
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, '')
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`
}

/** Basis points as a percentage with two decimals. */
export const percent = (bps: number) => `${(bps / 100).toFixed(2)} %`

/** Epoch ms as an ISO time of day (UTC). */
export const timeOf = (ms: number) => new Date(ms).toISOString().slice(11, 23)

/** Describes a refused action for the operator. */
export function describeError(error: unknown): string {
  const e = error as { code?: string; message?: string }
  return e.code ? `Refused (${e.code}): ${e.message}` : `Failed: ${String(e.message ?? error)}`
}
