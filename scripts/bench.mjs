// `npm run bench`: runs the `bench` script of every workspace package that has one, one after
// another (benchmarks must not share the CPU). Pass package names to run only those:
// `npm run bench -- @strongroom/core`.
import { ensureInstalled, pnpm, workspacePackages } from './lib.mjs'

ensureInstalled()
const only = process.argv.slice(2)
const targets = workspacePackages().filter(
  (pkg) => pkg.manifest.scripts?.bench && (only.length === 0 || only.includes(pkg.name)),
)
if (targets.length === 0) {
  process.stderr.write('No package has a bench script matching the selection.\n')
  process.exit(1)
}
let failures = 0
for (const pkg of targets) {
  process.stdout.write(`\n### ${pkg.name}\n`)
  if (pnpm(['run', 'bench'], { cwd: pkg.dir }) !== 0) failures++
}
process.exit(failures === 0 ? 0 : 1)
