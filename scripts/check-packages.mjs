// Builds every publishable package with tsup, packs it as pnpm would publish it, and checks the
// tarball with publint (strict) and @arethetypeswrong/cli (ESM-only profile).
import { mkdirSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { bin, pnpm, root, run, workspacePackages } from './lib.mjs'

const packDir = join(root, '.reports', 'pack')
let failures = 0
for (const pkg of workspacePackages(['packages'])) {
  if (pkg.manifest.private) continue
  process.stdout.write(`\n--- ${pkg.name}\n`)
  const steps = [
    () => run(bin('tsup'), [], { cwd: pkg.dir }),
    () => {
      rmSync(packDir, { recursive: true, force: true })
      mkdirSync(packDir, { recursive: true })
      return pnpm(['pack', '--pack-destination', packDir], {
        cwd: pkg.dir,
        stdio: ['ignore', 'ignore', 'inherit'],
      })
    },
    () => {
      const tarball = readdirSync(packDir).find((f) => f.endsWith('.tgz'))
      return tarball ? run(bin('publint'), [join(packDir, tarball), '--strict']) : 1
    },
    () => {
      const tarball = readdirSync(packDir).find((f) => f.endsWith('.tgz'))
      return tarball
        ? run(bin('attw'), [
            join(packDir, tarball),
            '--profile',
            'esm-only',
            '--format',
            'table-flipped',
          ])
        : 1
    },
  ]
  for (const step of steps) {
    if (step() !== 0) {
      failures++
      process.stderr.write(`${pkg.name}: packaging check failed\n`)
      break
    }
  }
}
rmSync(packDir, { recursive: true, force: true })
process.exit(failures === 0 ? 0 : 1)
