import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const errorsPage = join(
  resolve(dirname(fileURLToPath(import.meta.url)), '../../..'),
  'docs',
  'errors.md',
)

/** The error codes that `docs/errors.md` documents (its `### <code>` headings, upper-cased). */
export function documentedErrorCodes(): Set<string> {
  const text = readFileSync(errorsPage, 'utf8')
  return new Set([...text.matchAll(/^### ([a-z0-9_]+)\s*$/gm)].map((m) => m[1]!.toUpperCase()))
}
