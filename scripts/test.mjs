// `npm test`: install (frozen lockfile) → lint → typecheck → package builds (publint, attw) →
// changeset status →
// every package's tests → API docs. Prints a closing `N passed, N failed` line, where the counts
// are vitest's tests (from its JSON report) plus one per check; under CI a skipped test counts as
// failed. The same line is written to .reports/summary.txt.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { bin, install, root, run } from './lib.mjs'

const ci = ['1', 'true', 'yes'].includes(String(process.env.CI ?? '').toLowerCase())
const reports = join(root, '.reports')
mkdirSync(reports, { recursive: true })
const vitestReport = join(reports, 'vitest.json')
rmSync(vitestReport, { force: true })
// A summary left by an earlier run must never be mistaken for this one's.
rmSync(join(reports, 'summary.txt'), { force: true })

const started = Date.now()
const log = (line) => process.stdout.write(`\n=== ${line}\n`)

log('install (pnpm, frozen lockfile)')
install()

const checks = []
function check(name, command, args) {
  log(name)
  const t0 = Date.now()
  const status = run(command, args)
  checks.push({ name, ok: status === 0, seconds: (Date.now() - t0) / 1000 })
}

check('lint (biome)', bin('biome'), ['check', '.'])
check('typecheck (tsc)', bin('tsc'), ['-p', 'tsconfig.json'])
check('typecheck console (tsc)', bin('tsc'), ['-p', 'examples/console/tsconfig.json'])
check('packages (tsup build, publint, attw)', process.execPath, ['scripts/check-packages.mjs'])
check('changesets (status)', bin('changeset'), ['status'])

log('tests (vitest)')
const vitestStatus = run(bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestReport}`,
])

check('docs (typedoc, warnings are errors)', process.execPath, ['scripts/docs.mjs'])

const tests = { passed: 0, failed: 0, skipped: 0, brokenFiles: 0 }
const skippedNames = []
if (existsSync(vitestReport)) {
  const report = JSON.parse(readFileSync(vitestReport, 'utf8'))
  tests.passed = report.numPassedTests ?? 0
  tests.failed = report.numFailedTests ?? 0
  tests.skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)
  for (const file of report.testResults ?? []) {
    const assertions = file.assertionResults ?? []
    // A file that failed before running any test (import error, required service missing under CI).
    if (file.status === 'failed' && !assertions.some((a) => a.status === 'failed'))
      tests.brokenFiles++
    for (const a of assertions) {
      if (a.status === 'pending' || a.status === 'skipped' || a.status === 'todo') {
        skippedNames.push(`${file.name.replace(`${root}/`, '')} › ${a.fullName}`)
      }
    }
  }
} else {
  tests.brokenFiles = 1
  process.stderr.write('vitest wrote no JSON report.\n')
}
if (vitestStatus !== 0 && tests.failed === 0 && tests.brokenFiles === 0) tests.brokenFiles = 1

const checksPassed = checks.filter((c) => c.ok).length
const checksFailed = checks.length - checksPassed
const skippedAsFailed = ci ? tests.skipped : 0
const passed = tests.passed + checksPassed
const failed = tests.failed + tests.brokenFiles + checksFailed + skippedAsFailed

log('summary')
for (const c of checks)
  process.stdout.write(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name} (${c.seconds.toFixed(1)} s)\n`)
process.stdout.write(
  `tests: ${tests.passed} passed, ${tests.failed} failed, ${tests.skipped} skipped, ${tests.brokenFiles} files failed to run\n`,
)
if (skippedNames.length) {
  process.stdout.write(`${ci ? 'skipped tests (failures under CI)' : 'skipped tests'}:\n`)
  for (const name of skippedNames.slice(0, 50)) process.stdout.write(`  - ${name}\n`)
}
process.stdout.write(
  `total time ${((Date.now() - started) / 1000).toFixed(1)} s${ci ? ' (CI)' : ''}\n`,
)
const closing = `${passed} passed, ${failed} failed`
writeFileSync(join(reports, 'summary.txt'), `${closing}\n`)
process.stdout.write(`${closing}\n`)
process.exit(failed === 0 ? 0 : 1)
