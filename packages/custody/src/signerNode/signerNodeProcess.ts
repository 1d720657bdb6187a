// Runs one signer node as its own process: reads its configuration (validated, typed errors
// naming the field), opens its sealed state and its own audit log file, and serves the
// coordinator over HTTP. A launcher (`bin`, systemd unit, test fixture) passes the parsed
// arguments in: library code reads no environment itself.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import {
  type Clock,
  createSystemClock,
  defineAsset,
  openAuditLog,
  openFileAuditSink,
} from '@strongroom/core'
import { z } from 'zod'
import { bitcoinAddressFormat } from '../bitcoin/payloadBinder.js'
import { bitcoinNetworks } from '../bitcoin/wallet.js'
import { CustodyInputError } from '../custodyErrors.js'
import { evmAddressFormat } from '../evm/evmAddress.js'
import { compilePolicy, policyRuleLookup } from '../policy/compilePolicy.js'
import { createSignerNode } from './signerNode.js'
import { serveSignerNode } from './transport.js'

/** Schema of a signer node's configuration file. */
export const signerNodeConfigSchema = z.strictObject({
  nodeId: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/),
  dir: z.string().min(1),
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65_535).default(0),
  coordinatorKey: z.string().regex(/^[0-9a-f]{64}$/),
  orchestratorKeys: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/)),
  policies: z.array(z.unknown()).min(1),
  assets: z.array(
    z.strictObject({
      code: z.string(),
      decimals: z.number().int(),
      maxAmount: z.string().optional(),
    }),
  ),
  addressFormats: z.array(z.enum(['eip155', 'bip122:bitcoin', 'bip122:testnet', 'bip122:regtest'])),
  faultInjection: z.enum(['corrupt-signature-shares']).optional(),
})

/** A signer node's configuration (see {@link signerNodeConfigSchema}). */
export type SignerNodeConfig = z.input<typeof signerNodeConfigSchema>

/**
 * Starts a signer node from its configuration and passphrase; resolves once it listens.
 * @throws {CustodyInputError} `CUSTODY_INVALID_CONFIG` naming the field of a bad configuration.
 */
export async function runSignerNodeProcess(parameters: {
  config: unknown
  passphrase: string
  clock?: Clock | undefined
}): Promise<{
  nodeId: string
  port: number
  identityKey: string
  close(): Promise<void>
}> {
  const parsed = signerNodeConfigSchema.safeParse(parameters.config)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new CustodyInputError(issue.message, {
      code: 'CUSTODY_INVALID_CONFIG',
      path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
      rule: issue.code,
    })
  }
  const config = parsed.data
  const clock = parameters.clock ?? createSystemClock()
  const assets = config.assets.map((a) =>
    defineAsset(
      a.maxAmount === undefined
        ? { code: a.code, decimals: a.decimals }
        : { code: a.code, decimals: a.decimals, maxAmount: a.maxAmount },
    ),
  )
  const addressFormats = config.addressFormats.map((f) =>
    f === 'eip155'
      ? evmAddressFormat
      : bitcoinAddressFormat(
          bitcoinNetworks[f.slice('bip122:'.length) as 'bitcoin' | 'testnet' | 'regtest'],
        ),
  )
  const compiled = config.policies.map((document) =>
    compilePolicy({ document, assets, addressFormats }),
  )
  mkdirSync(config.dir, { recursive: true, mode: 0o700 })
  const audit = await openAuditLog({
    sink: await openFileAuditSink({ path: join(config.dir, 'audit.jsonl') }),
    clock,
  })
  const node = await createSignerNode({
    nodeId: config.nodeId,
    dir: config.dir,
    passphrase: parameters.passphrase,
    coordinatorKey: config.coordinatorKey,
    trust: { orchestratorKeys: config.orchestratorKeys, policies: policyRuleLookup(compiled) },
    clock,
    audit,
    faultInjection: config.faultInjection,
  })
  const server = await serveSignerNode(node, { host: config.host, port: config.port })
  return {
    nodeId: node.nodeId,
    port: server.port,
    identityKey: node.identityKey,
    async close() {
      await server.close()
      node.close()
      await audit.close()
    },
  }
}
