// Helpers for the root scripts. Node built-ins only: these run before anything is installed.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const PNPM = 'pnpm@10.34.9'

/** Runs a command with inherited stdio; returns its exit status. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options })
  if (result.error) {
    process.stderr.write(`${command}: ${result.error.message}\n`)
    return 1
  }
  return result.status ?? 1
}

/** Runs the pinned pnpm through npx (no global pnpm needed). */
export function pnpm(args, options = {}) {
  return run('npx', ['--yes', PNPM, ...args], options)
}

/** Path of a tool installed in the root node_modules. */
export function bin(name) {
  return join(root, 'node_modules', '.bin', name)
}

/** Installs dependencies exactly as locked. Exits the process when that fails. */
export function install() {
  const frozen = process.env.STRONGROOM_UNFROZEN === '1' ? [] : ['--frozen-lockfile']
  const status = pnpm(['install', ...frozen, '--prefer-offline'])
  if (status !== 0) {
    process.stderr.write('Dependency installation failed.\n')
    process.exit(status)
  }
}

/** Installs unless a previous install is already in place. */
export function ensureInstalled() {
  if (!existsSync(join(root, 'node_modules', '.modules.yaml'))) install()
}

/** Workspace packages: `{ dir, name, manifest }` for each folder with a package.json. */
export function workspacePackages(groups = ['packages', 'examples']) {
  return groups.flatMap((group) => {
    const base = join(root, group)
    if (!existsSync(base)) return []
    return readdirSync(base, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(base, entry.name, 'package.json')))
      .map((entry) => {
        const dir = join(base, entry.name)
        const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
        return { dir, name: manifest.name, manifest }
      })
  })
}
