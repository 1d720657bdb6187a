import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

/** The names an `index.ts` re-exports (`export { a, type B } from ...`), types included, sorted. */
export function exportedNames(indexSource: string): string[] {
  return [...indexSource.matchAll(/export (?:type )?\{([^}]*)\}/g)]
    .flatMap((match) => match[1]!.split(','))
    .map((name) => name.trim().replace(/^type\s+/, ''))
    .filter(Boolean)
    .sort()
}

/**
 * Pins a package's public API with snapshots: the runtime values its entry point exports, and every
 * name (types included) its `index.ts` re-exports. A change to either shows up in review as a
 * snapshot diff and needs a changeset.
 */
export function describePublicApi(packageName: string, entry: object, indexUrl: URL): void {
  describe(`public API of ${packageName}`, () => {
    it('exports exactly these values', () => {
      expect(Object.keys(entry).sort()).toMatchSnapshot()
    })

    it('exports exactly these names, types included', () => {
      expect(exportedNames(readFileSync(indexUrl, 'utf8'))).toMatchSnapshot()
    })
  })
}
