// Kill the exchange with SIGKILL under load, restart it, and check: the state hash after replay
// equals the one recorded before the crash; no acknowledged order is lost or duplicated; the
// ledger caught up exactly once, matches the core, and every asset still sums to zero.
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openFileJournal } from '@strongroom/orderbook'
import { createTempDir } from '@strongroom/testkit'
import { afterAll, describe, expect, it } from 'vitest'
import { type LocalChain, sendFromDevAccount, startLocalChain } from '../src/chain/hardhatNode.js'
import { createRestClient, type RestClient } from '../src/client/restClient.js'
import { loadConfig } from '../src/config.js'
import { decodeExchangeCommand } from '../src/core/commands.js'
import { recoverExchangeCore } from '../src/engine/recoverExchange.js'
import { marketsOf } from '../src/server.js'
import { until } from './support.js'

const packageDir = fileURLToPath(new URL('..', import.meta.url))
const dir = createTempDir('strongroom-exchange-recovery-')
const dataDir = join(dir.path, 'data')
const stateLog = join(dir.path, 'state.log')
let chain: LocalChain | undefined
const children: ChildProcess[] = []

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL')
  await chain?.stop()
  dir.remove()
})

async function startServer(): Promise<{
  child: ChildProcess
  http: string
  admin: { keyId: string; secret: string }
}> {
  const child = spawn(
    process.execPath,
    ['--conditions=@strongroom/source', '--import', 'tsx', 'test/fixtures/serverMain.ts'],
    {
      cwd: packageDir,
      env: {
        ...process.env,
        STRONGROOM_DATA_DIR: dataDir,
        STRONGROOM_RPC_URLS: chain!.url,
        STRONGROOM_CHAIN_ID: String(chain!.chainId),
        STRONGROOM_TEST_STATE_LOG: stateLog,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  children.push(child)
  let output = ''
  child.stderr?.on('data', (d) => {
    output += d.toString()
  })
  return new Promise((resolve, reject) => {
    let buffer = ''
    child.stdout?.on('data', (d) => {
      buffer += d.toString()
      const line = buffer.split('\n').find((l) => l.startsWith('READY '))
      if (line)
        resolve({
          child,
          ...(JSON.parse(line.slice(6)) as {
            http: string
            admin: { keyId: string; secret: string }
          }),
        })
    })
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)))
  })
}

describe('crash recovery', () => {
  it('replays to the state hash recorded before a SIGKILL, losing and duplicating nothing', async () => {
    chain = await startLocalChain({ dataDir: join(dir.path, 'chain'), port: 0, blockTimeMs: 200 })
    let server = await startServer()
    const admin = createRestClient({ baseUrl: server.http, ...server.admin })
    const client = async (accountId: string) => {
      const key = await admin.post<{ keyId: string; secret: string }>('/v1/admin/accounts', {
        accountId,
        permissions: ['read', 'trade'],
        kycLevel: 2,
      })
      return { key, rest: createRestClient({ baseUrl: server.http, ...key }) }
    }
    const buyer = await client('buyer')
    const seller = await client('seller')
    await admin.post('/v1/admin/faucet', { accountId: 'buyer', asset: 'USDC', amount: '10000000' })
    const { address } = await seller.rest.get<{ address: string }>('/v1/deposit-address?asset=ETH')
    await sendFromDevAccount(chain.url, 2, address, 1_000n * 10n ** 18n)
    await until(
      async () => {
        const { balances } = await seller.rest.get<{
          balances: { asset: string; available: string }[]
        }>('/v1/balances')
        return balances.some((b) => b.asset === 'ETH' && b.available === '1000') ? true : undefined
      },
      30_000,
      'the deposit',
    )

    // Load: both sides place crossing orders as fast as the server acknowledges them.
    const acked: number[] = []
    let stop = false
    const load = async (rest: RestClient, side: 'buy' | 'sell') => {
      for (let i = 0; !stop; i++) {
        try {
          const price = side === 'buy' ? 3000 + (i % 7) : 2998 + (i % 9)
          const ack = await rest.post<{ orderId: string }>('/v1/orders', {
            symbol: 'ETH-USDC',
            side,
            type: 'limit',
            price: `${price}`,
            quantity: '0.0100',
            timeInForce: i % 5 === 0 ? 'IOC' : 'GTC',
          })
          acked.push(Number(ack.orderId))
        } catch {
          return // the server died
        }
      }
    }
    const loads = [
      load(buyer.rest, 'buy'),
      load(seller.rest, 'sell'),
      load(buyer.rest, 'buy'),
      load(seller.rest, 'sell'),
    ]
    await until(() => (acked.length > 400 ? true : undefined), 60_000, 'load')
    server.child.kill('SIGKILL')
    await new Promise((r) => server.child.once('exit', r))
    stop = true
    await Promise.all(loads)

    // 1. The last hash recorded before the crash is reproduced by replaying the journal to that point.
    const lines = readFileSync(stateLog, 'utf8').trim().split('\n')
    const [seqText, hash] = lines[lines.length - 1]!.split(' ')
    const journal = await openFileJournal({ path: join(dataDir, 'journal.bin') })
    const markets = marketsOf(loadConfig())
    const replayed = await recoverExchangeCore({ journal, markets, untilSeq: Number(seqText) })
    expect(replayed.core.stateHash()).toBe(hash)
    // Every acknowledged order was journaled, exactly once.
    const placed: number[] = []
    let orderId = 0
    for await (const record of journal.read({ fromSeq: 1 })) {
      if (record.kind !== 'command') continue
      const command = decodeExchangeCommand(record.payload, record.seq)
      if (command.type === 'placeOrder') placed.push(++orderId)
    }
    const lastJournaled = journal.lastSeq()
    await journal.close()
    expect(acked.length).toBeGreaterThan(400)
    expect(new Set(acked).size).toBe(acked.length)
    for (const id of acked) expect(id).toBeLessThanOrEqual(orderId)

    // 2. Restarted, the server replays everything journaled, serves, and the ledger is whole.
    server = await startServer()
    const admin2 = createRestClient({ baseUrl: server.http, ...server.admin })
    const state = await admin2.get<{
      appliedSeq: number
      ledgerCheck: { ok: boolean; problems: string[] }
      settlementSeq: number
      ledgerSeq: number
    }>('/v1/admin/state')
    expect(state.appliedSeq).toBeGreaterThanOrEqual(lastJournaled - 1) // the last record may be a snapshot
    expect(state.ledgerCheck).toEqual({ ok: true, problems: [], ledgerSeq: state.settlementSeq })
    const buyerAfter = createRestClient({ baseUrl: server.http, ...buyer.key })
    const sample = acked.filter((_, i) => i % 25 === 0)
    for (const id of sample) {
      const order = await buyerAfter
        .get<{ orderId: string }>(`/v1/orders/${id}`)
        .catch(() =>
          createRestClient({ baseUrl: server.http, ...seller.key }).get<{ orderId: string }>(
            `/v1/orders/${id}`,
          ),
        )
      expect(order.orderId).toBe(String(id))
    }
    // It keeps trading after the restart, with fresh order ids.
    const next = await buyerAfter.post<{ orderId: string }>('/v1/orders', {
      symbol: 'ETH-USDC',
      side: 'buy',
      type: 'limit',
      price: '2900',
      quantity: '0.0100',
    })
    expect(Number(next.orderId)).toBeGreaterThan(Math.max(...acked))
  }, 180_000)
})
