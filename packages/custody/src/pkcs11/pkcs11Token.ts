import { createRequire } from 'node:module'
import { endianness } from 'node:os'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import type { AuditLog, Curve, KeyId, SignatureScheme } from '@strongroom/core'
import type * as Pkcs11Types from 'pkcs11js'
import { CustodyError } from '../custodyErrors.js'
import { rawSigners } from './rawSigners.js'
import { createSessionPool, type SessionPool } from './sessionPool.js'

type Pkcs11Module = typeof Pkcs11Types
/** A PKCS#11 handle (session, object) as pkcs11js passes it. */
export type Pkcs11Handle = Buffer

// PKCS#11 3.0 values pkcs11js does not name (OASIS PKCS#11 Specification v3.0, section 2.3).
const CKK_EC_EDWARDS = 0x40
const CKM_EC_EDWARDS_KEY_PAIR_GEN = 0x1055
const CKM_EDDSA = 0x1057
// DER OIDs of the curves (SEC 2: secp256k1 1.3.132.0.10; RFC 8410: Ed25519 1.3.101.112).
const OID_SECP256K1 = Buffer.from('06052b8104000a', 'hex')
const OID_ED25519 = Buffer.from('06032b6570', 'hex')

/** A key on the token, as custody knows it. */
export type Pkcs11KeyInfo = {
  readonly keyId: KeyId
  readonly label: string
  readonly curve: Curve
  readonly scheme: SignatureScheme
  /** 33-byte compressed secp256k1 or 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array
  /** False once the key was retired by a rotation (`CKA_SIGN` off in the token). */
  readonly active: boolean
}

/** What the token says about a private key's protection (proof that it cannot leave). */
export type Pkcs11KeyProtection = {
  readonly sensitive: boolean
  readonly extractable: boolean
  readonly alwaysSensitive: boolean
  readonly neverExtractable: boolean
  readonly private: boolean
}

/** An opened, logged-in PKCS#11 token with a pool of sessions. */
export type Pkcs11Token = {
  /** Generates a key pair inside the token: non-extractable, sensitive, private. */
  generateKey(parameters: { keyId: string; label: string; curve: Curve }): Promise<Pkcs11KeyInfo>
  /** Finds a key by id, or the active key with a label. @throws `CUSTODY_KEY_NOT_FOUND` */
  findKey(query: { keyId: string } | { label: string }): Promise<Pkcs11KeyInfo>
  /**
   * Rotates a key: generates `newKeyId` with the same label and curve, then turns the old key's
   * `CKA_SIGN` off in the token. Both are recorded in the audit log.
   */
  rotateKey(parameters: { keyId: string; newKeyId: string; actor: string }): Promise<{
    retired: Pkcs11KeyInfo
    active: Pkcs11KeyInfo
  }>
  /** Reads the private key's protection attributes. */
  keyProtection(keyId: string): Promise<Pkcs11KeyProtection>
  /** Tries to export the private key value (`CKA_VALUE`); resolves with the PKCS#11 error name. */
  tryReadPrivateValue(keyId: string): Promise<string>
  readonly pool: SessionPool<Pkcs11Handle>
  readonly audit: AuditLog | undefined
  close(): Promise<void>
}

/** Parameters of {@link openPkcs11Token}. */
export type OpenPkcs11TokenParameters = {
  /** Path of the PKCS#11 module, e.g. `/usr/lib/softhsm/libsofthsm2.so`. */
  module: string
  /** Label of the token (slot) to use. */
  tokenLabel: string
  /** User PIN. */
  pin: string
  /** Sessions in the pool. Default 4 (libuv's default thread pool size). */
  sessions?: number | undefined
  /** Where key generation and rotation are recorded. */
  audit?: AuditLog | undefined
}

type Loaded = { module: Pkcs11Module; pkcs11: Pkcs11Types.PKCS11; path: string; opened: number }
let loaded: Loaded | undefined

function fail(error: unknown, what: string): CustodyError {
  const name = error instanceof Error ? error.message.split('\n')[0]! : String(error)
  if (/CKR_KEY_FUNCTION_NOT_PERMITTED/.test(name)) {
    return new CustodyError('The key was retired and signs no more.', {
      code: 'CUSTODY_KEY_RETIRED',
      details: `${what}: ${name}`,
      cause: error,
    })
  }
  return new CustodyError(`PKCS#11 ${what} failed.`, {
    code: 'CUSTODY_PKCS11_FAILED',
    details: name,
    cause: error,
  })
}

function loadModule(path: string): Loaded {
  if (loaded !== undefined) {
    if (loaded.path !== path) {
      throw new CustodyError('Another PKCS#11 module is already loaded in this process.', {
        code: 'CUSTODY_INVALID_CONFIG',
        details: `${loaded.path} vs ${path}`,
      })
    }
    return loaded
  }
  const require = createRequire(import.meta.url)
  const module = require('pkcs11js') as Pkcs11Module
  const pkcs11 = new module.PKCS11()
  try {
    pkcs11.load(path)
    pkcs11.C_Initialize({ flags: module.CKF_OS_LOCKING_OK })
  } catch (error) {
    throw fail(error, 'initialisation')
  }
  loaded = { module, pkcs11, path, opened: 0 }
  return loaded
}

/** Reads a native-endian CK_ULONG attribute value (4 or 8 bytes). */
function readUlong(value: Buffer): number {
  const le = endianness() === 'LE'
  if (value.length === 8) return Number(le ? value.readBigUInt64LE(0) : value.readBigUInt64BE(0))
  return le ? value.readUInt32LE(0) : value.readUInt32BE(0)
}

/** Decodes `CKA_EC_POINT` (a DER OCTET STRING around the point) into custody's public key form. */
function decodeEcPoint(value: Buffer, curve: Curve): Uint8Array {
  let point: Buffer = value
  if (value[0] === 0x04 && value.length >= 2) {
    // DER OCTET STRING: 04 <len> <point>, with a long-form length for points over 127 bytes.
    let length = value[1]!
    let offset = 2
    if (length & 0x80) {
      const bytes = length & 0x7f
      length = value.readUIntBE(2, bytes)
      offset = 2 + bytes
    }
    if (offset + length === value.length) point = value.subarray(offset)
  }
  if (curve === 'ed25519') {
    if (point.length !== 32) throw new Error(`unexpected Ed25519 point of ${point.length} bytes`)
    return new Uint8Array(point)
  }
  return secp256k1.Point.fromBytes(new Uint8Array(point)).toBytes(true)
}

/**
 * Opens a PKCS#11 token by label, logs in with the user PIN and opens a pool of sessions.
 * The module is loaded once per process.
 *
 * @example
 * ```ts
 * const token = await openPkcs11Token({ module: '/usr/lib/softhsm/libsofthsm2.so',
 *   tokenLabel: 'custody', pin, audit })
 * const key = await token.generateKey({ keyId: 'key-hot-1', label: 'hot-eth', curve: 'secp256k1' })
 * ```
 * @throws {CustodyError} `CUSTODY_PKCS11_FAILED` or `CUSTODY_INVALID_CONFIG`.
 */
export async function openPkcs11Token(parameters: OpenPkcs11TokenParameters): Promise<Pkcs11Token> {
  const state = loadModule(parameters.module)
  const { pkcs11, module: m } = state
  let slot: Pkcs11Handle | undefined
  try {
    for (const candidate of pkcs11.C_GetSlotList(true)) {
      const info = pkcs11.C_GetTokenInfo(candidate)
      if (info.label.trim() === parameters.tokenLabel) slot = candidate
    }
  } catch (error) {
    throw fail(error, 'slot lookup')
  }
  if (slot === undefined) {
    throw new CustodyError('No token with this label.', {
      code: 'CUSTODY_INVALID_CONFIG',
      details: parameters.tokenLabel,
    })
  }
  const count = parameters.sessions ?? 4
  const sessions: Pkcs11Handle[] = []
  try {
    for (let i = 0; i < count; i++) {
      sessions.push(pkcs11.C_OpenSession(slot, m.CKF_SERIAL_SESSION | m.CKF_RW_SESSION))
    }
    try {
      pkcs11.C_Login(sessions[0]!, m.CKU_USER, parameters.pin)
    } catch (error) {
      if (!/CKR_USER_ALREADY_LOGGED_IN/.test(String(error))) throw error
    }
  } catch (error) {
    for (const s of sessions) pkcs11.C_CloseSession(s)
    throw fail(error, 'login')
  }
  state.opened++
  const pool = createSessionPool(sessions)
  const audit = parameters.audit
  const retired = new Set<string>()
  const handles = new Map<string, { privateKey: Pkcs11Handle; info: Pkcs11KeyInfo }>()

  function readKey(session: Pkcs11Handle, privateKey: Pkcs11Handle): Pkcs11KeyInfo {
    const [id, label, keyType, canSign] = pkcs11.C_GetAttributeValue(session, privateKey, [
      { type: m.CKA_ID },
      { type: m.CKA_LABEL },
      { type: m.CKA_KEY_TYPE },
      { type: m.CKA_SIGN },
    ])
    const keyId = (id!.value as Buffer).toString('utf8')
    const curve: Curve =
      readUlong(keyType!.value as Buffer) === CKK_EC_EDWARDS ? 'ed25519' : 'secp256k1'
    pkcs11.C_FindObjectsInit(session, [
      { type: m.CKA_CLASS, value: m.CKO_PUBLIC_KEY },
      { type: m.CKA_ID, value: id!.value as Buffer },
    ])
    const [publicKey] = pkcs11.C_FindObjects(session, 1)
    pkcs11.C_FindObjectsFinal(session)
    if (publicKey === undefined) throw new Error(`public key of ${keyId} is missing`)
    const [point] = pkcs11.C_GetAttributeValue(session, publicKey, [{ type: m.CKA_EC_POINT }])
    const active = (canSign!.value as Buffer)[0] === 1 && !retired.has(keyId)
    return Object.freeze({
      keyId: keyId as KeyId,
      label: (label!.value as Buffer).toString('utf8'),
      curve,
      scheme: curve === 'ed25519' ? 'ed25519' : 'ecdsa',
      publicKey: decodeEcPoint(point!.value as Buffer, curve),
      active,
    })
  }

  function findPrivate(session: Pkcs11Handle, template: Pkcs11Types.Template): Pkcs11Handle[] {
    pkcs11.C_FindObjectsInit(session, [
      { type: m.CKA_CLASS, value: m.CKO_PRIVATE_KEY },
      ...template,
    ])
    try {
      return pkcs11.C_FindObjects(session, 64)
    } finally {
      pkcs11.C_FindObjectsFinal(session)
    }
  }

  async function lookup(keyId: string): Promise<{ privateKey: Pkcs11Handle; info: Pkcs11KeyInfo }> {
    const cached = handles.get(keyId)
    if (cached !== undefined) return cached
    return pool.use(async (session) => {
      const [privateKey] = findPrivate(session, [
        { type: m.CKA_ID, value: Buffer.from(keyId, 'utf8') },
      ])
      if (privateKey === undefined) {
        throw new CustodyError('No key with this id is on the token.', {
          code: 'CUSTODY_KEY_NOT_FOUND',
          details: keyId,
        })
      }
      const entry = { privateKey, info: readKey(session, privateKey) }
      handles.set(keyId, entry)
      return entry
    })
  }

  async function generate(keyId: string, label: string, curve: Curve): Promise<Pkcs11KeyInfo> {
    const exists = await pool.use(async (s) =>
      findPrivate(s, [{ type: m.CKA_ID, value: Buffer.from(keyId, 'utf8') }]),
    )
    if (exists.length > 0) {
      throw new CustodyError('A key with this id already exists on the token.', {
        code: 'CUSTODY_INVALID_CONFIG',
        details: keyId,
      })
    }
    const id = Buffer.from(keyId, 'utf8')
    const info = await pool.use(async (session) => {
      try {
        const pair = await pkcs11.C_GenerateKeyPairAsync(
          session,
          {
            mechanism: curve === 'ed25519' ? CKM_EC_EDWARDS_KEY_PAIR_GEN : m.CKM_EC_KEY_PAIR_GEN,
            parameter: null as never,
          },
          [
            { type: m.CKA_TOKEN, value: true },
            { type: m.CKA_VERIFY, value: true },
            { type: m.CKA_EC_PARAMS, value: curve === 'ed25519' ? OID_ED25519 : OID_SECP256K1 },
            { type: m.CKA_LABEL, value: label },
            { type: m.CKA_ID, value: id },
          ],
          [
            { type: m.CKA_TOKEN, value: true },
            { type: m.CKA_PRIVATE, value: true },
            { type: m.CKA_SIGN, value: true },
            { type: m.CKA_SENSITIVE, value: true },
            { type: m.CKA_EXTRACTABLE, value: false },
            { type: m.CKA_LABEL, value: label },
            { type: m.CKA_ID, value: id },
          ],
        )
        const entry = { privateKey: pair.privateKey, info: readKey(session, pair.privateKey) }
        handles.set(keyId, entry)
        return entry.info
      } catch (error) {
        throw fail(error, 'key generation')
      }
    })
    return info
  }

  async function rawSign(keyId: string, data: Uint8Array): Promise<Uint8Array> {
    const { privateKey, info } = await lookup(keyId)
    if (!info.active) {
      throw new CustodyError('The key was retired and signs no more.', {
        code: 'CUSTODY_KEY_RETIRED',
        details: keyId,
      })
    }
    return pool.use(async (session) => {
      try {
        pkcs11.C_SignInit(
          session,
          {
            mechanism: info.curve === 'ed25519' ? CKM_EDDSA : m.CKM_ECDSA,
            parameter: null as never,
          },
          privateKey,
        )
        const signature = await pkcs11.C_SignAsync(session, Buffer.from(data), Buffer.alloc(128))
        return new Uint8Array(signature)
      } catch (error) {
        throw fail(error, 'signing')
      }
    })
  }

  const token: Pkcs11Token = {
    pool,
    audit,
    async generateKey({ keyId, label, curve }) {
      const info = await generate(keyId, label, curve)
      await audit?.append({
        type: 'custody.key.generated',
        actor: `pkcs11:${parameters.tokenLabel}`,
        data: { keyId, label, curve, publicKey: Buffer.from(info.publicKey).toString('hex') },
      })
      return info
    },
    async findKey(query) {
      if ('keyId' in query) return (await lookup(query.keyId)).info
      const candidates = await pool.use(async (session) =>
        findPrivate(session, [{ type: m.CKA_LABEL, value: query.label }]).map((h) =>
          readKey(session, h),
        ),
      )
      const active = candidates.find((k) => k.active)
      if (active === undefined) {
        throw new CustodyError('No active key with this label is on the token.', {
          code: 'CUSTODY_KEY_NOT_FOUND',
          details: query.label,
        })
      }
      return active
    },
    async rotateKey({ keyId, newKeyId, actor }) {
      const old = await lookup(keyId)
      const next = await generate(newKeyId, old.info.label, old.info.curve)
      await pool.use(async (session) => {
        try {
          pkcs11.C_SetAttributeValue(session, old.privateKey, [{ type: m.CKA_SIGN, value: false }])
        } catch (error) {
          throw fail(error, 'key retirement')
        }
      })
      retired.add(keyId)
      const retiredInfo = Object.freeze({ ...old.info, active: false })
      handles.set(keyId, { privateKey: old.privateKey, info: retiredInfo })
      await audit?.append({
        type: 'custody.key.rotated',
        actor,
        data: {
          label: old.info.label,
          retired: { keyId, publicKey: Buffer.from(old.info.publicKey).toString('hex') },
          active: { keyId: newKeyId, publicKey: Buffer.from(next.publicKey).toString('hex') },
        },
      })
      return { retired: retiredInfo, active: next }
    },
    async keyProtection(keyId) {
      const { privateKey } = await lookup(keyId)
      return pool.use(async (session) => {
        const values = pkcs11
          .C_GetAttributeValue(session, privateKey, [
            { type: m.CKA_SENSITIVE },
            { type: m.CKA_EXTRACTABLE },
            { type: m.CKA_ALWAYS_SENSITIVE },
            { type: m.CKA_NEVER_EXTRACTABLE },
            { type: m.CKA_PRIVATE },
          ])
          .map((a) => (a.value as Buffer)[0] === 1)
        return {
          sensitive: values[0]!,
          extractable: values[1]!,
          alwaysSensitive: values[2]!,
          neverExtractable: values[3]!,
          private: values[4]!,
        }
      })
    },
    async tryReadPrivateValue(keyId) {
      const { privateKey } = await lookup(keyId)
      return pool.use(async (session) => {
        try {
          const [value] = pkcs11.C_GetAttributeValue(session, privateKey, [{ type: m.CKA_VALUE }])
          return `READ ${(value?.value as Buffer | undefined)?.length ?? 0} BYTES`
        } catch (error) {
          return (error instanceof Error ? error.message : String(error)).split(/[:\n]/)[0]!
        }
      })
    },
    async close() {
      // Wait for in-flight operations by taking every session once.
      await Promise.all(sessions.map(() => pool.use(async () => undefined)))
      for (const s of sessions) {
        try {
          pkcs11.C_CloseSession(s)
        } catch {
          // already closed
        }
      }
      state.opened--
      if (state.opened === 0) {
        try {
          pkcs11.C_Finalize()
        } finally {
          loaded = undefined
        }
      }
    },
  }
  rawSigners.set(token, rawSign)
  return token
}
