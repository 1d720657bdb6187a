// `pnpm run bench` in this package: runs every benchmark one after another (they must not share
// the CPU), or only those named: `pnpm run bench scaleout`. Arguments after `--`
// go to each benchmark.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const dir = fileURLToPath(new URL('.', import.meta.url))
const split = process.argv.indexOf('--')
const names = (split < 0 ? process.argv.slice(2) : process.argv.slice(2, split)).filter(Boolean)
const extra = split < 0 ? [] : process.argv.slice(split + 1)
// The benchmarks; the other files of bench/ are their parts (drivers, harness, formatting).
const all = ['endToEnd', 'scaleout']
const unknown = names.filter((n) => !all.includes(n))
if (unknown.length) {
  process.stderr.write(`No benchmark ${unknown.join(', ')}; there are: ${all.join(', ')}\n`)
  process.exit(1)
}
let failures = 0
for (const name of names.length ? names : all) {
  process.stdout.write(`\n## ${name}\n`)
  const run = spawnSync(
    process.execPath,
    ['--conditions=@strongroom/source', '--import', 'tsx', `${dir}${name}.ts`, ...extra],
    { stdio: 'inherit' },
  )
  if (run.status !== 0) failures++
}
process.exit(failures === 0 ? 0 : 1)
