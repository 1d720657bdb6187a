// After `changeset version`: writes each package's version into src/version.ts so that errors
// report the released version (`@strongroom/<name>@<version>`).
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { workspacePackages } from './lib.mjs'

for (const pkg of workspacePackages(['packages'])) {
  const file = join(pkg.dir, 'src', 'version.ts')
  if (!existsSync(file)) continue
  const next = readFileSync(file, 'utf8').replace(
    /export const version = '[^']*'/,
    `export const version = '${pkg.manifest.version}'`,
  )
  writeFileSync(file, next)
  process.stdout.write(`${pkg.name}@${pkg.manifest.version}\n`)
}
