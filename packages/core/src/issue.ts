/** A path into a value: object keys and array indices, outermost first (as in zod). */
export type IssuePath = readonly (string | number)[]

/**
 * A validation problem reported as data, shaped like zod's issues so both can be shown together.
 *
 * `code` is a stable string (e.g. `too_many_decimals`), `path` names the offending field and
 * `message` says what rule was broken in words a user of the API understands.
 */
export type Issue = {
  readonly code: string
  readonly path: IssuePath
  readonly message: string
}

/** Formats an issue path as a dotted field name (`order.legs[1].price`); the root is `(root)`. */
export function formatIssuePath(path: IssuePath): string {
  let out = ''
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`
    else out += out === '' ? part : `.${part}`
  }
  return out === '' ? '(root)' : out
}
