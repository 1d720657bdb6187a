/**
 * The outcome of an operation whose failures are business rejections (insufficient funds, policy
 * denied), returned as values rather than thrown.
 */
export type Result<value, rejection extends { readonly code: string }> =
  | { readonly ok: true; readonly value: value }
  | { readonly ok: false; readonly rejection: rejection }

/** A successful {@link Result}. */
export function ok<const value>(value: value): { readonly ok: true; readonly value: value } {
  return { ok: true, value }
}

/** A rejected {@link Result}. */
export function reject<const rejection extends { readonly code: string }>(
  rejection: rejection,
): { readonly ok: false; readonly rejection: rejection } {
  return { ok: false, rejection }
}
