import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Requirement, settle } from './ci.js'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')

/**
 * The shared test-data folder: `$STRONGROOM_SHARED_DIR/testdata` when set, else
 * `<repo>/../shared/testdata`. Public data sets live there with their provenance; they are read
 * from there at test time and never copied into the repository.
 */
export function sharedTestdataDir(): string {
  const shared = process.env.STRONGROOM_SHARED_DIR ?? join(repoRoot, '..', 'shared')
  return join(shared, 'testdata')
}

/**
 * Resolves a path inside the shared test data. When it is absent the suite prints why and skips;
 * under CI it throws instead.
 *
 * @example
 * ```ts
 * const data = requireSharedTestdata('compliance: OFAC SDN CSV', 'compliance/ofac_sdn_csv_2021')
 * describe.skipIf(!data.available)('OFAC loader', () => { readFileSync(join(data.path, 'sdn.csv')) })
 * ```
 */
export function requireSharedTestdata(
  suite: string,
  relativePath: string,
): Requirement & { readonly path: string } {
  const path = join(sharedTestdataDir(), relativePath)
  const requirement = settle(
    suite,
    existsSync(path)
      ? []
      : [
          `shared test data not found at ${path} (clone beside ../shared or set STRONGROOM_SHARED_DIR)`,
        ],
  )
  return { ...requirement, path }
}
