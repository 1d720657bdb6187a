import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Development secrets the reference exchange creates on first start under its data directory
 * (mode 0600): the orchestrator's Ed25519 authorization key and the approvers' Ed25519 keys. In
 * production the orchestrator key lives in an HSM and each approver holds their own key on their
 * own device; only the public keys would be configured here.
 */
export type DevSecrets = {
  orchestratorSeed: string
  approvers: { id: string; seed: string }[]
}

export function loadDevSecrets(dataDir: string, approverCount: number): DevSecrets {
  const file = join(dataDir, 'dev-secrets.json')
  if (existsSync(file)) {
    const secrets = JSON.parse(readFileSync(file, 'utf8')) as DevSecrets
    if (secrets.approvers.length === approverCount) return secrets
  }
  const secrets: DevSecrets = {
    orchestratorSeed: randomBytes(32).toString('hex'),
    approvers: Array.from({ length: approverCount }, (_, i) => ({
      id: `approver-${i + 1}`,
      seed: randomBytes(32).toString('hex'),
    })),
  }
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 })
  return secrets
}
