// `npm start`: runs the reference exchange (examples/exchange-server) on embedded defaults.
// Until that example exists, says what it will do and exits non-zero rather than pretending.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ensureInstalled, pnpm, root } from './lib.mjs'

const server = join(root, 'examples', 'exchange-server')
const manifest = join(server, 'package.json')
if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).scripts?.start) {
  ensureInstalled()
  process.exit(pnpm(['run', 'start', ...process.argv.slice(2)], { cwd: server }))
}
process.stderr.write(`npm start will run the Strongroom reference exchange (examples/exchange-server):
  - a matching engine per market behind REST, WebSocket and FIX 4.4 gateways,
  - a double-entry ledger on embedded PGlite, a file journal with replay,
  - compliance checks, custody with a local EVM chain and threshold signer nodes,
  - a small simulated market, and the URLs of every API.

The reference exchange has not been built yet (see the issue tracker), so there is nothing to
start. Run \`npm test\` to run the test suite of the packages that exist.
`)
process.exit(1)
