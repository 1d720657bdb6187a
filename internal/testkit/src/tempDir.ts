import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Creates a fresh temporary directory and returns it with a `remove()` to call in `afterAll`/
 * `afterEach` (or use `await using` where available).
 */
export function createTempDir(prefix = 'strongroom-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix))
  return {
    path,
    remove() {
      rmSync(path, { recursive: true, force: true })
    },
  }
}
