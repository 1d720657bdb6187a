// Starts signer nodes as separate processes on loopback (ephemeral ports, own temp dirs) and a
// coordinator over HTTP. Used by the signer-node integration tests and the benchmarks.
import { type ChildProcess, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { AuditLog, Clock } from '@strongroom/core'
import { createTempDir } from '@strongroom/testkit'
import { importEd25519PrivateKey } from '../../src/crypto/ed25519.js'
import { createFrostCoordinator, type FrostCoordinator } from '../../src/signerNode/coordinator.js'
import type { SignerNodeConfig } from '../../src/signerNode/signerNodeProcess.js'
import { httpNodeTransport } from '../../src/signerNode/transport.js'

const packageRoot = fileURLToPath(new URL('../..', import.meta.url))
const main = fileURLToPath(new URL('../fixtures/signerNodeMain.ts', import.meta.url))
export const PASSPHRASE = 'correct horse battery staple (test)'

export type ClusterNode = {
  nodeId: string
  dir: string
  port: number
  identityKey: string
  process: ChildProcess | undefined
  /** Stops the process (SIGKILL when `crash`). */
  stop(crash?: boolean): Promise<void>
  /** Starts the process again from the same state directory. */
  start(): Promise<void>
}

export type Cluster = { nodes: ClusterNode[]; coordinator: FrostCoordinator; stop(): Promise<void> }

function launch(
  configPath: string,
): Promise<{ child: ChildProcess; port: number; identityKey: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        // e.g. STRONGROOM_FROST_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the nodes
        ...(process.env.STRONGROOM_FROST_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
        '--conditions=@strongroom/source',
        '--import',
        'tsx',
        main,
        configPath,
      ],
      {
        cwd: packageRoot,
        env: { ...process.env, STRONGROOM_NODE_PASSPHRASE: PASSPHRASE },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let out = ''
    let err = ''
    const timer = setTimeout(() => reject(new Error(`signer node did not start: ${err}`)), 30_000)
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const line = out.split('\n').find((l) => l.startsWith('{'))
      if (line) {
        clearTimeout(timer)
        const info = JSON.parse(line)
        resolve({ child, port: info.port, identityKey: info.identityKey })
      }
    })
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString()
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      if (!out.includes('ready')) reject(new Error(`signer node exited with ${code}: ${err}`))
    })
  })
}

/** Starts `n` signer node processes and a coordinator. `faulty` nodes send corrupted shares. */
export async function startCluster(parameters: {
  n: number
  coordinatorSeed: Uint8Array
  orchestratorKeys: Record<string, string>
  policies: unknown[]
  assets: SignerNodeConfig['assets']
  addressFormats: SignerNodeConfig['addressFormats']
  clock: Clock
  audit: AuditLog
  faulty?: readonly string[]
}): Promise<Cluster> {
  const temp = createTempDir('strongroom-frost-nodes-')
  const coordinatorKey = Buffer.from(
    importEd25519PrivateKey(parameters.coordinatorSeed).publicKey,
  ).toString('hex')
  const nodes: ClusterNode[] = await Promise.all(
    Array.from({ length: parameters.n }, async (_, i) => {
      const nodeId = `node-${i + 1}`
      const dir = join(temp.path, nodeId)
      const config: SignerNodeConfig = {
        nodeId,
        dir,
        coordinatorKey,
        orchestratorKeys: parameters.orchestratorKeys,
        policies: parameters.policies,
        assets: parameters.assets,
        addressFormats: parameters.addressFormats,
        ...(parameters.faulty?.includes(nodeId)
          ? { faultInjection: 'corrupt-signature-shares' as const }
          : {}),
      }
      const configPath = join(temp.path, `${nodeId}.json`)
      writeFileSync(configPath, JSON.stringify(config))
      const started = await launch(configPath)
      const node: ClusterNode = {
        nodeId,
        dir,
        port: started.port,
        identityKey: started.identityKey,
        process: started.child,
        async stop(crash = false) {
          const child = node.process
          if (child === undefined || child.exitCode !== null) return
          await new Promise<void>((done) => {
            child.once('exit', () => done())
            child.kill(crash ? 'SIGKILL' : 'SIGTERM')
          })
          node.process = undefined
        },
        async start() {
          writeFileSync(configPath, JSON.stringify({ ...config, port: node.port }))
          const again = await launch(configPath)
          node.process = again.child
        },
      }
      return node
    }),
  )
  const coordinator = createFrostCoordinator({
    identitySeed: parameters.coordinatorSeed,
    clock: parameters.clock,
    audit: parameters.audit,
    nodes: nodes.map((node) => ({
      nodeId: node.nodeId,
      identityKey: node.identityKey,
      send: httpNodeTransport(`http://127.0.0.1:${node.port}/frost`, { timeoutMs: 5_000 }),
    })),
  })
  return {
    nodes,
    coordinator,
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()))
      temp.remove()
    },
  }
}
