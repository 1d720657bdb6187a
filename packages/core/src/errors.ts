import { version as coreVersion } from './version.js'

/** Options shared by every {@link StrongroomError}. */
export type StrongroomErrorOptions<code extends string = string> = {
  /** Stable, machine-readable code, e.g. `SETTLEMENT_INSUFFICIENT_FUNDS`. Registered with {@link registerErrorCodes}. */
  code: code
  /** The underlying error, if this one wraps another. */
  cause?: unknown
  /** Extra human-readable detail (often the cause's message). */
  details?: string | undefined
  /** Path of the documentation page that explains the error, relative to the docs root. */
  docsPath?: string | undefined
  /** Additional lines shown under the short message (field names, offending values). */
  metaMessages?: readonly string[] | undefined
  /** `<package>@<version>` of the package that raised the error. */
  version?: string | undefined
}

/**
 * Base class of every error Strongroom throws.
 *
 * Errors are for broken invariants, programmer errors, bad input at the edges and I/O failures;
 * business rejections (insufficient funds, policy denied…) are returned as values instead.
 *
 * @example
 * ```ts
 * try { parseAmount({ asset: BTC, value: '1.000000001' }) }
 * catch (error) { if (error instanceof StrongroomError) console.log(error.code) }
 * ```
 */
export class StrongroomError<code extends string = string> extends Error {
  override name = 'StrongroomError'
  /** Stable machine-readable code. */
  readonly code: code
  /** One-line description without details. */
  readonly shortMessage: string
  /** Extra detail, if any. */
  readonly details: string | undefined
  /** Documentation path for this error. */
  readonly docsPath: string | undefined
  /** Additional lines shown in `message`. */
  readonly metaMessages: readonly string[] | undefined
  /** `<package>@<version>` that raised the error. */
  readonly version: string

  constructor(shortMessage: string, options: StrongroomErrorOptions<code>) {
    const details =
      options.details ??
      (options.cause instanceof Error
        ? options.cause instanceof StrongroomError
          ? options.cause.details
          : options.cause.message
        : undefined)
    const version = options.version ?? `@strongroom/core@${coreVersion}`
    const docsPath = options.docsPath ?? `/errors#${options.code.toLowerCase()}`
    const lines = [
      shortMessage,
      ...(options.metaMessages?.length ? ['', ...options.metaMessages] : []),
      ...(details || docsPath ? [''] : []),
      ...(details ? [`Details: ${details}`] : []),
      `Docs: ${docsPath}`,
      `Code: ${options.code}`,
      `Version: ${version}`,
    ]
    super(lines.join('\n'), options.cause === undefined ? undefined : { cause: options.cause })
    this.code = options.code
    this.shortMessage = shortMessage
    this.details = details
    this.docsPath = docsPath
    this.metaMessages = options.metaMessages
    this.version = version
  }

  /**
   * Walks the `cause` chain and returns the first error for which `predicate` is true
   * (or the innermost error when no predicate is given).
   */
  walk(predicate?: (error: unknown) => boolean): unknown {
    let current: unknown = this
    for (let depth = 0; depth < 32; depth++) {
      if (predicate?.(current)) return current
      const next = current instanceof Error ? current.cause : undefined
      if (next === undefined) return predicate ? undefined : current
      current = next
    }
    return predicate ? undefined : current
  }
}

/** True when `error` is a {@link StrongroomError}, optionally with the given code. */
export function isStrongroomError<code extends string = string>(
  error: unknown,
  code?: code,
): error is StrongroomError<code> {
  return error instanceof StrongroomError && (code === undefined || error.code === code)
}
