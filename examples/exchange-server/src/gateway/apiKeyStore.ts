import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ApiKey, Permission } from './auth.js'

type StoredKey = ApiKey & { kycLevel: number }

/**
 * API keys and their accounts, kept in `<dataDir>/api-keys.json` (mode 0600). A real venue keeps
 * secrets in a secrets manager or HSM; the HMAC scheme needs the secret on the server side.
 */
export function openApiKeyStore(dataDir: string) {
  const file = join(dataDir, 'api-keys.json')
  const keys = new Map<string, StoredKey>()
  if (existsSync(file))
    for (const k of JSON.parse(readFileSync(file, 'utf8')) as StoredKey[]) keys.set(k.keyId, k)
  const save = () => {
    writeFileSync(`${file}.tmp`, JSON.stringify([...keys.values()], null, 2), { mode: 0o600 })
    renameSync(`${file}.tmp`, file)
  }
  return {
    get: (keyId: string): ApiKey | undefined => keys.get(keyId),
    all: () => [...keys.values()],
    hasAccount: (accountId: string) => [...keys.values()].some((k) => k.accountId === accountId),
    /** Issues a new key for `accountId`. */
    issue(
      accountId: string,
      permissions: readonly Permission[],
      kycLevel: number,
      fixed?: { keyId: string; secret: string },
    ): StoredKey {
      const key: StoredKey = {
        keyId: fixed?.keyId ?? `key_${randomBytes(8).toString('hex')}`,
        secret: fixed?.secret ?? randomBytes(24).toString('base64url'),
        accountId,
        permissions: [...permissions],
        kycLevel,
      }
      keys.set(key.keyId, key)
      save()
      return key
    },
  }
}

export type ApiKeyStore = ReturnType<typeof openApiKeyStore>
