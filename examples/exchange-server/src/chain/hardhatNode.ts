import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { jsonRpc } from './jsonRpc.js'

/** A local Ethereum JSON-RPC node (hardhat 2.x) started by the exchange. */
export type LocalChain = {
  readonly url: string
  readonly chainId: number
  stop(): Promise<void>
}

/** Sends `value` wei from one of the node's unlocked development accounts (hardhat only). */
export async function sendFromDevAccount(
  url: string,
  index: number,
  to: string,
  value: bigint,
): Promise<string> {
  const accounts = await jsonRpc<string[]>(url, 'eth_accounts')
  const from = accounts[index % accounts.length]
  if (!from) throw new Error('the node has no unlocked accounts')
  return jsonRpc<string>(url, 'eth_sendTransaction', [
    { from, to, value: `0x${value.toString(16)}` },
  ])
}

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
  // A small wrapper: exit when the exchange process disappears, then run hardhat's CLI (argv[1]
  // is "hardhat", standing in for the script path hardhat expects there).
  const wrapper = `const p=${process.pid};setInterval(()=>{try{process.kill(p,0)}catch{process.exit(0)}},500);require(${JSON.stringify(cli)})`
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
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
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
