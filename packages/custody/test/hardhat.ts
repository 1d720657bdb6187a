// Starts hardhat 2.x JSON-RPC nodes on free loopback ports for the EVM tests, plus small JSON-RPC
// proxies (an endpoint that can be made to fail, and a private relay that only accepts raw
// transactions). Each node gets a minimal config file in its own temporary directory.
import { type ChildProcess, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { createServer as createNetServer } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createTempDir } from '@strongroom/testkit'

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..')

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

export async function rpc<T = unknown>(
  url: string,
  method: string,
  params: unknown[] = [],
): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  })
  const body = (await response.json()) as { result?: T; error?: { message: string } }
  if (body.error) throw new Error(body.error.message)
  return body.result as T
}

export type HardhatNode = {
  url: string
  port: number
  chainId: number
  stop(): Promise<void>
  process: ChildProcess
}

/** Starts `hardhat node` with `chainId` on a free loopback port and waits until it answers. */
export async function startHardhatNode(chainId = 31337): Promise<HardhatNode> {
  const dir = createTempDir('strongroom-hardhat-')
  const config = join(dir.path, 'hardhat.config.cjs')
  writeFileSync(
    config,
    `module.exports = { networks: { hardhat: { chainId: ${chainId}, initialBaseFeePerGas: 1000000000 } }, paths: { cache: ${JSON.stringify(join(dir.path, 'cache'))}, artifacts: ${JSON.stringify(join(dir.path, 'artifacts'))} } }\n`,
  )
  const port = await freePort()
  const cli = join(packageDir, 'node_modules', 'hardhat', 'internal', 'cli', 'cli.js')
  const child = spawn(
    process.execPath,
    [cli, 'node', '--config', config, '--hostname', '127.0.0.1', '--port', String(port)],
    {
      cwd: packageDir,
      env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true', CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let output = ''
  child.stdout?.on('data', (d) => {
    output = (output + d.toString()).slice(-4000)
  })
  child.stderr?.on('data', (d) => {
    output = (output + d.toString()).slice(-4000)
  })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  for (;;) {
    try {
      await rpc(url, 'eth_chainId')
      break
    } catch {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL')
        throw new Error(`hardhat node did not start: ${output}`)
      }
      await new Promise((r) => setTimeout(r, 200))
    }
  }
  return {
    url,
    port,
    chainId,
    process: child,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))])
        if (child.exitCode === null) child.kill('SIGKILL')
      }
      dir.remove()
    },
  }
}

export type RpcProxy = {
  url: string
  /** `pass` forwards, `fail` answers HTTP 503, `hang` never answers. */
  mode: 'pass' | 'fail' | 'hang'
  /** Methods received, in order. */
  readonly seen: string[]
  close(): Promise<void>
}

function body(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let data = ''
    request.on('data', (c) => {
      data += c
    })
    request.on('end', () => resolve(data))
  })
}

/**
 * A JSON-RPC proxy in front of `target`. With `only`, other methods are refused (a private relay
 * accepts nothing but `eth_sendRawTransaction`).
 */
export async function startRpcProxy(
  target: string,
  options: { only?: string[] } = {},
): Promise<RpcProxy> {
  const seen: string[] = []
  const hanging = new Set<() => void>()
  const proxy: RpcProxy = {
    url: '',
    mode: 'pass',
    seen,
    async close() {
      for (const end of hanging) end()
      await new Promise((r) => server.close(r))
    },
  }
  const server: Server = createServer(async (request, response) => {
    const text = await body(request)
    const method = (JSON.parse(text) as { method: string }).method
    seen.push(method)
    if (proxy.mode === 'fail') {
      response.writeHead(503).end('unavailable')
      return
    }
    if (proxy.mode === 'hang') {
      hanging.add(() => response.destroy())
      return
    }
    if (options.only && !options.only.includes(method)) {
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(
        JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          error: { code: -32601, message: 'method not allowed' },
        }),
      )
      return
    }
    const upstream = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: text,
    })
    response.writeHead(upstream.status, { 'content-type': 'application/json' })
    response.end(await upstream.text())
  })
  server.keepAliveTimeout = 1
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const address = server.address()
  proxy.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  return proxy
}

/** Hardhat's well-known first dev account (funds test wallets). Public test key, never real funds. */
export const HARDHAT_FUNDER = {
  address: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
  privateKey: '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
} as const

// --- a minimal ERC-20 for tests, assembled here: transfer(address,uint256) and balanceOf(address).
// Balances live in storage slot = holder address; transfer reverts on insufficient balance and
// emits Transfer(from, to, value).
const OP: Record<string, number> = {
  STOP: 0x00,
  ADD: 0x01,
  SUB: 0x03,
  LT: 0x10,
  EQ: 0x14,
  SHR: 0x1c,
  CALLER: 0x33,
  CALLDATALOAD: 0x35,
  POP: 0x50,
  MSTORE: 0x52,
  SLOAD: 0x54,
  SSTORE: 0x55,
  JUMPI: 0x57,
  JUMPDEST: 0x5b,
  DUP1: 0x80,
  DUP2: 0x81,
  DUP3: 0x82,
  SWAP1: 0x90,
  LOG3: 0xa3,
  RETURN: 0xf3,
  REVERT: 0xfd,
}
type Item = string | { push: string } | { label: string } | { ref: string }

function assemble(items: Item[]): string {
  const size = (item: Item) =>
    typeof item === 'string' ? 1 : 'push' in item ? 1 + item.push.length / 2 : 'ref' in item ? 3 : 1
  const labels = new Map<string, number>()
  let pc = 0
  for (const item of items) {
    if (typeof item === 'object' && 'label' in item) labels.set(item.label, pc)
    pc += size(item)
  }
  let out = ''
  for (const item of items) {
    if (typeof item === 'string') out += OP[item]!.toString(16).padStart(2, '0')
    else if ('push' in item) out += (0x5f + item.push.length / 2).toString(16) + item.push
    else if ('label' in item) out += '5b'
    else out += `61${labels.get(item.ref)!.toString(16).padStart(4, '0')}`
  }
  return `0x${out}`
}

const TRANSFER_TOPIC = 'ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef'
export const TEST_TOKEN_RUNTIME = assemble([
  { push: '00' },
  'CALLDATALOAD',
  { push: 'e0' },
  'SHR',
  'DUP1',
  { push: 'a9059cbb' },
  'EQ',
  { ref: 'transfer' },
  'JUMPI',
  'DUP1',
  { push: '70a08231' },
  'EQ',
  { ref: 'balanceOf' },
  'JUMPI',
  { push: '00' },
  'DUP1',
  'REVERT',
  { label: 'balanceOf' },
  { push: '04' },
  'CALLDATALOAD',
  'SLOAD',
  { push: '00' },
  'MSTORE',
  { push: '20' },
  { push: '00' },
  'RETURN',
  { label: 'transfer' },
  'CALLER',
  'SLOAD', // bal
  { push: '24' },
  'CALLDATALOAD', // bal amt
  'DUP2',
  'DUP2',
  'SWAP1',
  'LT', // bal amt (bal < amt)
  { ref: 'fail' },
  'JUMPI',
  'DUP1',
  'DUP3',
  'SUB',
  'CALLER',
  'SSTORE', // balance[caller] = bal - amt
  { push: '04' },
  'CALLDATALOAD',
  'DUP1',
  'SLOAD', // bal amt to toBal
  'DUP3',
  'ADD',
  'SWAP1',
  'SSTORE', // balance[to] += amt ; bal amt
  { push: '00' },
  'MSTORE',
  'POP', // mem[0] = amt
  { push: '04' },
  'CALLDATALOAD',
  'CALLER',
  { push: TRANSFER_TOPIC },
  { push: '20' },
  { push: '00' },
  'LOG3',
  { push: '01' },
  { push: '00' },
  'MSTORE',
  { push: '20' },
  { push: '00' },
  'RETURN',
  { label: 'fail' },
  { push: '00' },
  'DUP1',
  'REVERT',
])

/** Deploys the test token at `address` with `balances` (hardhat_setCode / hardhat_setStorageAt). */
export async function deployTestToken(
  url: string,
  address: string,
  balances: Record<string, bigint>,
) {
  await rpc(url, 'hardhat_setCode', [address, TEST_TOKEN_RUNTIME])
  for (const [holder, amount] of Object.entries(balances)) {
    const slot = `0x${holder.slice(2).toLowerCase().padStart(64, '0')}`
    await rpc(url, 'hardhat_setStorageAt', [
      address,
      slot,
      `0x${amount.toString(16).padStart(64, '0')}`,
    ])
  }
}
