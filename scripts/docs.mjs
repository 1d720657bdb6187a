// `npm run docs`: builds the API reference of every package into docs/api (not committed).
// typedoc runs in packages mode with warnings treated as errors, so a broken {@link} fails.
import { bin, ensureInstalled, run } from './lib.mjs'

ensureInstalled()
process.exit(run(bin('typedoc'), ['--options', 'typedoc.json']))
