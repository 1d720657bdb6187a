// Creates a SoftHSM2 token in its own temporary directory for one test run. SOFTHSM2_CONF is set
// for this process (each vitest file runs in its own process) before the module is loaded.
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createTempDir, serviceEndpoints } from '@strongroom/testkit'

export function createSoftHsmToken(label = 'custody-test') {
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
  return { module: serviceEndpoints.softhsmModule!, tokenLabel: label, pin, remove: dir.remove }
}
