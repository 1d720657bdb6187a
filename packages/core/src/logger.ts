/** Structured fields attached to a log line. */
export type LogFields = Readonly<Record<string, unknown>>

/** Port: where packages write diagnostics. Packages never call `console` themselves. */
export type Logger = {
  debug(message: string, fields?: LogFields): void
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
}

/** A {@link Logger} that discards everything (the default when none is injected). */
export const noopLogger: Logger = Object.freeze({
  debug() {},
  info() {},
  warn() {},
  error() {},
})
