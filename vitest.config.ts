import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { defineConfig } from 'vitest/config'

// Resolve workspace packages to their TypeScript sources: no build before tests.
const conditions = ['@strongroom/source', 'node', 'import', 'module', 'default']
const nodeConditions = ['@strongroom/source', 'node']

/** One vitest project per folder with a package.json under these groups; new packages join automatically. */
function discoverProjects() {
  return ['packages', 'examples', 'internal'].flatMap((group) =>
    existsSync(group)
      ? readdirSync(group, { withFileTypes: true })
          .filter(
            (entry) => entry.isDirectory() && existsSync(join(group, entry.name, 'package.json')),
          )
          .map((entry) => ({
            extends: true as const,
            test: {
              name: entry.name,
              root: join(group, entry.name),
              include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
            },
          }))
      : [],
  )
}

export default defineConfig({
  resolve: { conditions },
  // Vitest hands the SSR conditions to Node (`--conditions`) for externalized dependencies, where
  // `import`/`module` would make `require` pick ESM builds (breaks `pg`, which requires `pg-pool`).
  // Vite adds `import`/`default` by itself when resolving, so they are not needed here.
  ssr: { resolve: { conditions: nodeConditions, externalConditions: nodeConditions } },
  test: {
    projects: discoverProjects(),
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Property tests print their seed on failure; keep runs reproducible from that seed.
    passWithNoTests: true,
  },
})
