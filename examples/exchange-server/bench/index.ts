// `pnpm run bench` in this package: runs every benchmark file of bench/ one after another (they
// must not share the CPU), or only those named: `pnpm run bench scaleout`. Arguments after `--`
// go to each benchmark.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const dir = fileURLToPath(new URL('.', import.meta.url))
const split = process.argv.indexOf('--')
const names = (split < 0 ? process.argv.slice(2) : process.argv.slice(2, split)).filter(Boolean)
const extra = split < 0 ? [] : process.argv.slice(split + 1)
const all = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
  .map((f) => f.slice(0, -3))
  .sort()
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
