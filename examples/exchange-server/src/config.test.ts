import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createTempDir } from '@strongroom/testkit'
import { afterAll, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, tierPolicyOf } from './config.js'

const dir = createTempDir('strongroom-config-')
afterAll(() => dir.remove())

function failure(fn: () => unknown): ConfigError {
  try {
    fn()
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error('expected a ConfigError')
}

describe('exchange configuration', () => {
  it('runs on embedded defaults with no file', () => {
    const config = loadConfig()
    expect(config.journal).toEqual({ kind: 'file', groupCommitMaxDelayMs: 0 })
    expect(config.ledger).toEqual({ kind: 'pglite' })
    expect(config.chain.kind).toBe('hardhat')
    expect(config.markets[0]).toMatchObject({ base: 'ETH', quote: 'USDC' })
  })

  it('takes production settings from the environment', () => {
    const config = loadConfig({
      env: {
        STRONGROOM_NATS_URL: 'nats://10.0.0.1:4222',
        STRONGROOM_PG_URL: 'postgres://ledger@db/strongroom',
        STRONGROOM_PKCS11_MODULE: '/usr/lib/softhsm/libsofthsm2.so',
        STRONGROOM_PKCS11_PIN: '1234',
        STRONGROOM_HTTP_PORT: '9000',
        STRONGROOM_SIMULATION: 'off',
      },
    })
    expect(config.journal).toEqual({
      kind: 'nats',
      url: 'nats://10.0.0.1:4222',
      stream: 'STRONGROOM',
      replicas: 1,
    })
    expect(config.ledger).toEqual({ kind: 'postgres', url: 'postgres://ledger@db/strongroom' })
    expect(config.signer).toMatchObject({ kind: 'pkcs11', pin: '1234' })
    expect(config.httpPort).toBe(9000)
    expect(config.simulation.enabled).toBe(false)
  })

  it('loads the example production file, with the environment overriding it', () => {
    const pinFile = join(dir.path, 'example.pin')
    writeFileSync(pinFile, '1234', { mode: 0o600 })
    const file = fileURLToPath(new URL('../config/production.example.json', import.meta.url))
    const config = loadConfig({
      file,
      env: { STRONGROOM_PKCS11_PIN_FILE: pinFile, STRONGROOM_NATS_URL: 'nats://10.0.0.2:4222' },
    })
    expect(config.journal).toEqual({
      kind: 'nats',
      url: 'nats://10.0.0.2:4222',
      stream: 'STRONGROOM',
      replicas: 3,
    })
    expect(config.ledger.kind).toBe('postgres')
    expect(config.signer).toMatchObject({ kind: 'pkcs11', pin: '1234' })
    expect(config.chain).toMatchObject({ kind: 'rpc', chainId: 1 })
    expect(config.faucet).toBe(false)
    expect(config.simulation.enabled).toBe(false)
  })

  it('names the JetStream stream from the environment or the file, and checks it', () => {
    const file = join(dir.path, 'nats.json')
    writeFileSync(file, JSON.stringify({ journal: { kind: 'nats', url: 'nats://a:4222' } }))
    expect(loadConfig({ file, env: { STRONGROOM_NATS_STREAM: 'EXCHANGE_EU' } }).journal).toEqual({
      kind: 'nats',
      url: 'nats://a:4222',
      stream: 'EXCHANGE_EU',
      replicas: 1,
    })
    const error = failure(() =>
      loadConfig({ env: { STRONGROOM_NATS_URL: 'nats://a:4222', STRONGROOM_NATS_STREAM: 'a.b' } }),
    )
    expect(error.issues).toEqual([
      { path: 'journal.stream', message: expect.stringContaining('NATS') },
    ])
  })

  it('reads the PKCS#11 PIN from a file, and says which variable is wrong', () => {
    const pinFile = join(dir.path, 'pin')
    writeFileSync(pinFile, '246813\n', { mode: 0o600 })
    const env = { STRONGROOM_PKCS11_MODULE: '/usr/lib/softhsm/libsofthsm2.so' }
    expect(
      loadConfig({ env: { ...env, STRONGROOM_PKCS11_PIN_FILE: pinFile } }).signer,
    ).toMatchObject({ kind: 'pkcs11', pin: '246813', tokenLabel: 'strongroom' })
    const missing = join(dir.path, 'no-such-pin')
    expect(
      failure(() => loadConfig({ env: { ...env, STRONGROOM_PKCS11_PIN_FILE: missing } })).issues[0],
    ).toMatchObject({
      path: 'STRONGROOM_PKCS11_PIN_FILE',
      message: expect.stringContaining('ENOENT'),
    })
    expect(
      failure(() => loadConfig({ env: { STRONGROOM_PKCS11_PIN_FILE: pinFile } })).issues[0]!.path,
    ).toBe('STRONGROOM_PKCS11_PIN_FILE')
    // A module without a PIN is refused, naming the field.
    expect(failure(() => loadConfig({ env })).issues).toEqual([
      expect.objectContaining({ path: 'signer.pin' }),
    ])
  })

  it('names the field of every problem in a file', () => {
    const file = join(dir.path, 'bad.json')
    writeFileSync(
      file,
      JSON.stringify({ httpPort: 70_000, unknownSetting: true, markets: [{ base: 'BTC' }] }),
    )
    const error = failure(() => loadConfig({ file }))
    const paths = error.issues.map((i) => i.path)
    expect(paths).toContain('httpPort')
    expect(paths).toContain('markets.0.quote')
    expect(error.issues.some((i) => i.message.includes('unknownSetting'))).toBe(true)
  })

  it('catches cross-field mistakes and bad environment values', () => {
    const file = join(dir.path, 'cross.json')
    writeFileSync(file, JSON.stringify({ approvals: { required: 4, approvers: 3 } }))
    expect(failure(() => loadConfig({ file })).issues).toEqual([
      { path: 'approvals.required', message: 'cannot exceed approvals.approvers' },
    ])
    expect(
      failure(() => loadConfig({ env: { STRONGROOM_HTTP_PORT: 'eighty' } })).issues[0]!.path,
    ).toBe('STRONGROOM_HTTP_PORT')
    expect(
      failure(() => loadConfig({ env: { STRONGROOM_SIMULATION: 'maybe' } })).issues[0]!.path,
    ).toBe('STRONGROOM_SIMULATION')
    writeFileSync(join(dir.path, 'notjson.json'), '{')
    expect(
      failure(() => loadConfig({ file: join(dir.path, 'notjson.json') })).issues[0]!.path,
    ).toBe('(file)')
  })

  it('embeds the custody tier bands, and turns them into the custody package’s policy', () => {
    const config = loadConfig()
    expect(config.tiers).toEqual({
      hot: { minBps: 200, maxBps: 500 },
      warm: { minBps: 1_000, maxBps: 1_500 },
      hotCoverDays: 1,
      warmCoverDays: 3,
      minimumMove: {},
      wallets: { warm: { walletId: 'warm-evm' }, cold: { walletId: 'cold-evm' } },
    })
    const file = join(dir.path, 'tiers.json')
    writeFileSync(
      file,
      JSON.stringify({
        tiers: { hot: { minBps: 100, maxBps: 300 }, minimumMove: { ETH: '0.25' } },
      }),
    )
    expect(tierPolicyOf(loadConfig({ file }), 'ETH')).toEqual({
      asset: 'ETH',
      hot: { minBps: 100, maxBps: 300 },
      warm: { minBps: 1_000, maxBps: 1_500 },
      hotCoverDays: 1,
      warmCoverDays: 3,
      minimumMove: 250_000_000_000_000_000n,
    })
  })

  it('refuses tier settings the custody package refuses, naming the field', () => {
    const problems = (tiers: unknown) => {
      const file = join(dir.path, 'bad-tiers.json')
      writeFileSync(file, JSON.stringify({ tiers }))
      return failure(() => loadConfig({ file })).issues
    }
    expect(problems({ hot: { minBps: 600, maxBps: 500 } })).toEqual([
      { path: 'tiers.hot.minBps', message: 'must not exceed maxBps' },
    ])
    expect(
      problems({ hot: { minBps: 0, maxBps: 6_000 }, warm: { minBps: 0, maxBps: 5_000 } }),
    ).toEqual([{ path: 'tiers.warm.maxBps', message: 'hot and warm maxima exceed 100 %' }])
    expect(problems({ minimumMove: { USDC: '0.0000001' } })).toEqual([
      { path: 'tiers.minimumMove.USDC', message: '"0.0000001" has more than 6 decimal places.' },
    ])
    expect(problems({ minimumMove: { BTC: '1' } })).toEqual([
      { path: 'tiers.minimumMove.BTC', message: 'unknown asset BTC' },
    ])
    expect(problems({ wallets: { warm: { walletId: 'hot-evm' } } })[0]!.path).toBe('tiers.wallets')
    expect(problems({ wallets: { cold: { walletId: 'cold', address: '0x12' } } })).toEqual([
      { path: 'tiers.wallets.cold.address', message: expect.stringContaining('20-byte') },
    ])
  })
})
