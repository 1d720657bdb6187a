// `node scripts/run.mjs <tool> [args…]`: installs if needed, then runs a tool from node_modules/.bin
// (or `pnpm`, through npx at the pinned version).
import { bin, ensureInstalled, pnpm, run } from './lib.mjs'

const [tool, ...args] = process.argv.slice(2)
if (!tool) {
  process.stderr.write('usage: node scripts/run.mjs <tool> [args…]\n')
  process.exit(2)
}
ensureInstalled()
process.exit(tool === 'pnpm' ? pnpm(args) : run(bin(tool), args))
