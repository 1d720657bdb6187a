// A FROST signer node of the scaled-out exchange in its own process (its own trust domain: run it
// on its own machine, under its own account). It is `@strongroom/custody`'s signer node; this is
// only its launcher. Usage:
//   STRONGROOM_SIGNER_PASSPHRASE_FILE=/run/secrets/node-1 \
//   node --conditions=@strongroom/source --import tsx src/scaleout/signerNodeProcess.ts --config node-1.json
// The configuration is custody's `SignerNodeConfig` (node id, state directory, port, the
// coordinator's and the orchestrator's public keys, the policies it enforces on its own).
// Prints `READY {"nodeId","port","identityKey"}` once it listens; SIGTERM stops it cleanly.
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { runSignerNodeProcess } from '@strongroom/custody'
import { announceReady, onShutdown } from './processSupport.js'

const { values } = parseArgs({ options: { config: { type: 'string' } }, strict: true })
if (!values.config) throw new Error('--config <file> is required')
const passphraseFile = process.env.STRONGROOM_SIGNER_PASSPHRASE_FILE
const passphrase = passphraseFile
  ? readFileSync(passphraseFile, 'utf8').trim()
  : process.env.STRONGROOM_SIGNER_PASSPHRASE
if (!passphrase)
  throw new Error('STRONGROOM_SIGNER_PASSPHRASE_FILE or STRONGROOM_SIGNER_PASSPHRASE is required')
const node = await runSignerNodeProcess({
  config: JSON.parse(readFileSync(values.config, 'utf8')),
  passphrase,
})
onShutdown(() => node.close())
announceReady({ nodeId: node.nodeId, port: String(node.port), identityKey: node.identityKey })
