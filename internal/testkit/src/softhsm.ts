import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { serviceEndpoints } from './services.js'
import { createTempDir } from './tempDir.js'

/** A SoftHSM2 token initialised in its own temporary directory. */
export type SoftHsmToken = {
  /** Path of the PKCS#11 module (libsofthsm2.so). */
  readonly module: string
  readonly tokenLabel: string
  /** The user PIN. */
  readonly pin: string
  /** The `softhsm2.conf` pointing at the token directory (also set as `SOFTHSM2_CONF`). */
  readonly conf: string
  /** Deletes the token directory. */
  remove(): void
}

/**
 * Creates a SoftHSM2 token in its own temporary directory for one test run. `SOFTHSM2_CONF` is set
 * for this process (each vitest file runs in its own process) before the module is loaded, so
 * child processes started afterwards inherit it too. Needs `requireServices([... 'softhsm'])`.
 */
export function createSoftHsmToken(label = 'custody-test'): SoftHsmToken {
  const module = serviceEndpoints.softhsmModule
  if (!module) throw new Error('SoftHSM2 is not installed (apt-get install -y softhsm2)')
  const dir = createTempDir('strongroom-softhsm-')
  const conf = join(dir.path, 'softhsm2.conf')
  writeFileSync(
    conf,
    `directories.tokendir = ${dir.path}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`,
  )
  process.env.SOFTHSM2_CONF = conf
  const pin = '246813'
  execFileSync(
    'softhsm2-util',
    ['--init-token', '--free', '--label', label, '--so-pin', '135792', '--pin', pin],
    { env: { ...process.env, SOFTHSM2_CONF: conf }, stdio: 'pipe' },
  )
  return { module, tokenLabel: label, pin, conf, remove: dir.remove }
}
