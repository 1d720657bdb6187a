import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CONSOLE_DIST } from './operationsConsole.js'

const CONSOLE_DIR = fileURLToPath(new URL('../../../console/', import.meta.url))

function newestSource(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs)
  }
  return newest
}

/**
 * Builds the console page (examples/console, Vite) when its build is missing or older than its
 * sources; a no-op otherwise. `npm start` and the browser tests call it; the build is not committed.
 * @throws {Error} when the build fails.
 */
export function ensureConsoleBuilt(log: (line: string) => void = () => {}): string {
  const index = join(CONSOLE_DIST, 'index.html')
  const sources = Math.max(
    newestSource(join(CONSOLE_DIR, 'src')),
    statSync(join(CONSOLE_DIR, 'index.html')).mtimeMs,
    statSync(join(CONSOLE_DIR, 'vite.config.ts')).mtimeMs,
  )
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return CONSOLE_DIST
  log('Building the operations console (examples/console)…')
  const vite = join(CONSOLE_DIR, 'node_modules', '.bin', 'vite')
  const result = spawnSync(vite, ['build'], { cwd: CONSOLE_DIR, encoding: 'utf8' })
  if (result.status !== 0)
    throw new Error(`the console build failed:\n${result.stdout}\n${result.stderr}`)
  return CONSOLE_DIST
}
