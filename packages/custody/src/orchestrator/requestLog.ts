import { CustodyError } from '../custodyErrors.js'
import { openJsonLinesLog } from '../storage/jsonLinesLog.js'
import {
  encodeStoredRequest,
  type OrchestratorRequestStore,
  parseStoredRequest,
  type StoredRequest,
} from './requestStore.js'

/** Options of {@link openOrchestratorRequestLog}. */
export type OrchestratorRequestLogOptions = {
  /** The append-only file (created with mode 0600 when missing). */
  readonly path: string
  /**
   * Rewrite the file with one line per request once it holds this many lines and at least twice
   * as many lines as requests (default 10,000).
   */
  readonly compactAfter?: number
}

/**
 * An {@link OrchestratorRequestStore} in an append-only file of JSON lines: each `save` appends
 * the request's whole new state and fsyncs before it returns, so what the orchestrator answered
 * survives a crash. Opening reads the file (the last line of each request wins), ignores a torn
 * last line (an append that never returned) and rewrites the file with one line per request.
 * Requests are never dropped: a signed request id must stay known, or it could be signed again.
 *
 * @throws {CustodyError} `CUSTODY_REQUEST_STORE_FAILED` when the file cannot be read or written,
 *   or a line other than the last is corrupt (the file is then left as it is).
 */
export function openOrchestratorRequestLog(
  options: OrchestratorRequestLogOptions,
): OrchestratorRequestStore & { readonly size: number; close(): void } {
  const { path } = options
  const compactAfter = options.compactAfter ?? 10_000
  const log = openJsonLinesLog({
    path,
    name: 'request log',
    parse: parseStoredRequest,
    fail: (message, cause) =>
      new CustodyError(message, {
        code: 'CUSTODY_REQUEST_STORE_FAILED',
        cause,
        metaMessages: [`path: ${path}`],
      }),
  })
  const latest = new Map<string, StoredRequest>()
  for (const entry of log.entries) latest.set(entry.request.requestId, entry)
  const rewrite = () => log.rewrite([...latest.values()].map(encodeStoredRequest))
  rewrite()
  return {
    get size() {
      return latest.size
    },
    load: () => [...latest.values()],
    save(request) {
      log.append([encodeStoredRequest(request)])
      latest.set(request.request.requestId, request)
      if (log.lines >= compactAfter && log.lines >= 2 * latest.size) rewrite()
    },
    close() {
      log.close()
    },
  }
}
