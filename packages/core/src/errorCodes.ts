import { StrongroomError } from './errors.js'

/** What the registry knows about one error code. */
export type ErrorCodeInfo = {
  /** The stable string code. */
  readonly code: string
  /** The package that owns the code, e.g. `@strongroom/settlement`. */
  readonly package: string
  /** One sentence explaining when the error happens. */
  readonly summary: string
}

const registry = new Map<string, ErrorCodeInfo>()

/** The form every error code takes: upper-case words joined by underscores, package prefix first. */
const CODE_PATTERN = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/

/**
 * Registers a package's error codes and returns them as a constant map (`CODES.X === 'X'`).
 *
 * Codes are stable: once released, a code keeps its meaning forever. Registering the same code
 * twice with the same owner and summary is allowed (two copies of a package in one process);
 * registering it with a different owner or summary throws.
 *
 * @throws {StrongroomError} `CORE_ERROR_CODE_CONFLICT` when a code is malformed or already taken.
 */
export function registerErrorCodes<const codes extends Record<string, string>>(
  packageName: string,
  codes: codes,
): { readonly [K in keyof codes]: K } {
  const result: Record<string, string> = {}
  for (const [code, summary] of Object.entries(codes)) {
    if (!CODE_PATTERN.test(code)) {
      throw new StrongroomError(`Error code "${code}" is not of the form PACKAGE_WORDS.`, {
        code: 'CORE_ERROR_CODE_CONFLICT',
      })
    }
    const existing = registry.get(code)
    if (existing && (existing.package !== packageName || existing.summary !== summary)) {
      throw new StrongroomError(`Error code "${code}" is already registered.`, {
        code: 'CORE_ERROR_CODE_CONFLICT',
        metaMessages: [`Owner: ${existing.package}`, `Attempted by: ${packageName}`],
      })
    }
    registry.set(code, Object.freeze({ code, package: packageName, summary }))
    result[code] = code
  }
  return Object.freeze(result) as { readonly [K in keyof codes]: K }
}

/** Returns what the registry knows about `code`, or `undefined` when it is not registered. */
export function getErrorCodeInfo(code: string): ErrorCodeInfo | undefined {
  return registry.get(code)
}

/** Every registered code, sorted by code. */
export function listErrorCodes(): readonly ErrorCodeInfo[] {
  return [...registry.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
}
