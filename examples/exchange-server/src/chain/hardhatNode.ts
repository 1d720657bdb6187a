import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { jsonRpc } from './jsonRpc.js'

/** A local Ethereum JSON-RPC node (hardhat 2.x) started by the exchange. */
export type LocalChain = {
  readonly url: string
  readonly chainId: number
  stop(): Promise<void>
}

/** Accounts hardhat funds at genesis (its published default mnemonic): for the simulator only. */
export const HARDHAT_DEV_ACCOUNTS = [
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3e5e2f8f5b8d7b9c',
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
  '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba',
] as const

async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, host, () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/**
 * Starts `hardhat node` (hardhat 2.x, an npm dependency: nothing to install) on loopback, mining
 * every `blockTimeMs` as well as on each transaction, so confirmations accrue. The node watches
 * this process and exits when it is gone, even after a SIGKILL.
 */
export async function startLocalChain(options: {
  dataDir: string
  port: number
  blockTimeMs: number
  chainId?: number
}): Promise<LocalChain> {
  const chainId = options.chainId ?? 31337
  const dir = join(options.dataDir, 'hardhat')
  mkdirSync(dir, { recursive: true })
  const config = join(dir, 'hardhat.config.cjs')
  const mining =
    options.blockTimeMs > 0 ? `mining: { auto: true, interval: ${options.blockTimeMs} },` : ''
  writeFileSync(
    config,
    `module.exports = { networks: { hardhat: { chainId: ${chainId}, initialBaseFeePerGas: 1000000000, ${mining} } }, paths: { cache: ${JSON.stringify(join(dir, 'cache'))}, artifacts: ${JSON.stringify(join(dir, 'artifacts'))} } }\n`,
  )
  const port = options.port || (await freePort('127.0.0.1'))
  const require = createRequire(import.meta.url)
  const cli = join(dirname(require.resolve('hardhat/package.json')), 'internal', 'cli', 'cli.js')
  // A small wrapper: exit when the exchange process disappears, then run hardhat's CLI.
  const wrapper = `const p=${process.pid};setInterval(()=>{try{process.kill(p,0)}catch{process.exit(0)}},500);process.argv.splice(1,1);require(${JSON.stringify(cli)})`
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '-e',
      wrapper,
      'hardhat',
      'node',
      '--config',
      config,
      '--hostname',
      '127.0.0.1',
      '--port',
      String(port),
    ],
    {
      cwd: dir,
      env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let output = ''
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-4_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 90_000
  for (;;) {
    try {
      await jsonRpc(url, 'eth_chainId')
      break
    } catch {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL')
        throw new Error(`the local chain (hardhat) did not start:\n${output}`)
      }
      await new Promise((r) => setTimeout(r, 200))
    }
  }
  return {
    url,
    chainId,
    async stop() {
      if (child.exitCode !== null) return
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))])
      if (child.exitCode === null) child.kill('SIGKILL')
    },
  }
}
