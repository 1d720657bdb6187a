// Scale-out benchmarks (NATS JetStream on 127.0.0.1:4222 or STRONGROOM_NATS_URL):
//  1. orders/s of one shard engine trading two instruments against two shard engines trading one
//     each: the same backlog of crossing orders is preloaded into the command stream, then the
//     engines (separate processes) apply it and publish every result; throughput = orders /
//     (last result published − first command applied), with each process's CPU time;
//  2. failover: a primary and a hot standby under steady load; the primary is killed with SIGKILL
//     and the time until the first result published by the standby is measured, several trials.
// The NATS server's CPU over each throughput run is read from /proc when it runs on this machine.
// Before the timed backlog every engine applies an untimed warm-up backlog of the same shape, so
// the comparison is between engines in steady state, not between one and two processes' JIT
// compilation (which, with 20,000 orders per shard, cost the second process as much as its orders).
// Usage: node --conditions=@strongroom/source --import tsx bench/scaleout.ts [orders] [trials]
//        [warm-up orders per instrument, default 20,000] (trials 0: throughput only)
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { DeliverPolicy } from '@nats-io/jetstream'
import { createTempDir, requireServices, serviceEndpoints } from '@strongroom/testkit'
import { type ExchangeCommand, encodeExchangeCommand } from '../src/core/commands.js'
import { destroyNatsTopology, type NatsTopology } from '../src/scaleout/natsTopology.js'
import type { ShardEngine } from '../src/scaleout/shardEngine.js'
import { decodeShardMessage } from '../src/scaleout/wire.js'
import {
  getJson,
  type Launched,
  launch,
  openNatsTopology,
  twoShardTopology,
  writeTopology,
} from '../test/scaleoutSupport.js'

type Status = ReturnType<ShardEngine['status']>
const services = await requireServices('exchange-server bench: scale-out', ['nats'])
if (!services.available) process.exit(0)
const ordersPerInstrument = Number(process.argv[2] ?? 20_000)
const trials = Number(process.argv[3] ?? 5)
const warmupPerInstrument = Number(process.argv[4] ?? 20_000)
const dir = createTempDir('strongroom-bench-scaleout-')
const children: ChildProcess[] = []
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const status = (p: Launched) => getJson<Status>(`${p.ready.status}/status`)
/** User + system CPU seconds of a process so far (from /proc, clock ticks of 10 ms). */
const cpuSeconds = async (pid: number) => {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

/** Pid of the local nats-server (its CPU is part of every order's cost), if it runs here. */
async function natsServerPid(): Promise<number | undefined> {
  for (const entry of await readdir('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue
    const comm = await readFile(`/proc/${entry}/comm`, 'utf8').catch(() => '')
    if (comm.trim() === 'nats-server') return Number(entry)
  }
  return undefined
}
const natsPid = await natsServerPid()
const natsCpu = async () => (natsPid === undefined ? Number.NaN : cpuSeconds(natsPid))

function setup(prefix: string, shards: { id: string; symbols: string[] }[]) {
  const topology = twoShardTopology({
    natsUrl: serviceEndpoints.natsUrl,
    pgUrl: serviceEndpoints.postgresUrl, // shard engines never touch the ledger
    prefix,
    shards,
  })
  return { topology, file: writeTopology(dir.path, topology) }
}

/** Crossing orders for one instrument: a resting maker sell, then a taker buy that fills it. */
function* backlog(symbol: string, basePrice: number, count: number): Generator<ExchangeCommand> {
  for (let i = 0; i < count; i += 2) {
    const price = basePrice + (i % 20)
    yield {
      type: 'placeOrder',
      account: 'maker',
      symbol,
      side: 'sell',
      orderType: 'limit',
      price,
      quantity: 10,
      timeInForce: 'GTC',
    }
    yield {
      type: 'placeOrder',
      account: 'taker',
      symbol,
      side: 'buy',
      orderType: 'limit',
      price: basePrice + 20,
      quantity: 10,
      timeInForce: 'IOC',
    }
  }
}

async function publishAll(
  nats: NatsTopology,
  items: { shard: string; command: ExchangeCommand }[],
) {
  for (let i = 0; i < items.length; i += 1_000) {
    await Promise.all(
      items
        .slice(i, i + 1_000)
        .map((x) =>
          nats.js.publish(nats.names.commandSubject(x.shard), encodeExchangeCommand(x.command)),
        ),
    )
  }
}

const funding = (shard: string, assets: string[]) =>
  ['maker', 'taker'].flatMap((account) => [
    { shard, command: { type: 'openAccount', account } as ExchangeCommand },
    ...assets.map((asset) => ({
      shard,
      command: {
        type: 'credit',
        account,
        asset,
        amount: `${10n ** 30n}`,
        reference: `${shard}-${account}-${asset}`,
      } as ExchangeCommand,
    })),
  ])

async function throughput(layout: 'one' | 'two') {
  const prefix = `b${randomBytes(4).toString('hex')}`
  const shards =
    layout === 'one'
      ? [{ id: 'all', symbols: ['ETH-USDC', 'BTC-USDC'] }]
      : [
          { id: 'eth', symbols: ['ETH-USDC'] },
          { id: 'btc', symbols: ['BTC-USDC'] },
        ]
  const { topology, file } = setup(prefix, shards)
  const nats = await openNatsTopology(topology, 'bench')
  const shardOf = (symbol: string) =>
    layout === 'one' ? 'all' : symbol === 'ETH-USDC' ? 'eth' : 'btc'
  // Start the engines on funded, empty books, freeze them, preload the backlog, then thaw them
  // all at once: the measurement starts at the thaw and ends at the last result published.
  const funded = shards.flatMap((s) => funding(s.id, ['ETH', 'BTC', 'USDC']))
  await publishAll(nats, funded)
  const engines = await Promise.all(
    shards.map((s) =>
      launch('shardProcess', ['--shard', s.id, '--node', `${s.id}-bench`], file, children),
    ),
  )
  for (const e of engines) while ((await status(e)).role !== 'primary') await sleep(50)
  /** Both instruments' crossing backlogs, interleaved, each command addressed to its shard. */
  const interleaved = (count: number) => {
    const eth = [...backlog('ETH-USDC', 300_000, count)]
    const btc = [...backlog('BTC-USDC', 6_000_000, count)]
    return eth.flatMap((command, i) => [
      { shard: shardOf('ETH-USDC'), command },
      { shard: shardOf('BTC-USDC'), command: btc[i]! },
    ])
  }
  const countsOf = (list: { shard: string }[]) =>
    new Map(shards.map((s) => [s.id, list.filter((x) => x.shard === s.id).length]))
  // Untimed warm-up (every maker is filled, so the books are empty again afterwards).
  const warmup = interleaved(warmupPerInstrument)
  await publishAll(nats, warmup)
  const warmed = countsOf([...funded, ...warmup])
  for (;;) {
    const now = await Promise.all(engines.map(status))
    if (now.every((f) => f.publishedN === warmed.get(f.shard))) break
    await sleep(100)
  }
  for (const e of engines) e.child.kill('SIGSTOP')
  const items = interleaved(ordersPerInstrument)
  await publishAll(nats, items)
  const expected = countsOf([...funded, ...warmup, ...items])
  const cpuBefore = await Promise.all(engines.map((e) => cpuSeconds(e.child.pid!)))
  const natsBefore = await natsCpu()
  const start = Date.now()
  for (const e of engines) e.child.kill('SIGCONT')
  let finals: Status[]
  for (;;) {
    await sleep(100)
    finals = await Promise.all(engines.map(status))
    if (finals.every((f) => f.publishedN === expected.get(f.shard))) break
  }
  const cpuAfter = await Promise.all(engines.map((e) => cpuSeconds(e.child.pid!)))
  const natsSeconds = (await natsCpu()) - natsBefore
  for (const e of engines) e.child.kill('SIGTERM')
  await destroyNatsTopology(nats)
  await nats.close()
  const end = Math.max(...finals.map((f) => f.lastPublishAt))
  const orders = 2 * ordersPerInstrument
  const seconds = (end - start) / 1000
  const engineSeconds = cpuAfter.reduce((sum, after, i) => sum + after - cpuBefore[i]!, 0)
  return {
    layout,
    orders,
    seconds,
    ordersPerSecond: Math.round(orders / seconds),
    /** Engine processes' CPU (all of them) and the NATS server's, per order, in µs. */
    engineCpuPerOrderUs: Math.round((engineSeconds / orders) * 1e6),
    natsCpuPerOrderUs: Math.round((natsSeconds / orders) * 1e6),
    natsCpuSeconds: Number(natsSeconds.toFixed(2)),
    perShard: finals.map((f, i) => ({
      shard: f.shard,
      results: f.publishedN,
      /** Seconds from the thaw to the last command applied and to the last result published. */
      appliedSeconds: Number(((f.lastApplyAt - start) / 1000).toFixed(2)),
      busySeconds: Number(((f.lastPublishAt - start) / 1000).toFixed(2)),
      cpuSeconds: Number((cpuAfter[i]! - cpuBefore[i]!).toFixed(2)),
    })),
  }
}

async function failover() {
  const prefix = `b${randomBytes(4).toString('hex')}`
  const { topology, file } = setup(prefix, [{ id: 'eth', symbols: ['ETH-USDC'] }])
  const nats = await openNatsTopology(topology, 'bench')
  await publishAll(nats, funding('eth', ['ETH', 'USDC']))
  let primary = await launch('shardProcess', ['--shard', 'eth', '--node', 'eth-0'], file, children)
  while ((await status(primary)).role !== 'primary') await sleep(50)
  // Watch the event subject: arrival time of every batch and its fencing token.
  const arrivals: { at: number; token: number }[] = []
  const consumer = await nats.js.consumers.get(nats.names.eventStream, {
    filter_subjects: nats.names.eventSubject('eth'),
    deliver_policy: DeliverPolicy.New,
  })
  const messages = await consumer.consume()
  void (async () => {
    for await (const m of messages) {
      const message = decodeShardMessage(m.data)
      if (message.type === 'batch') arrivals.push({ at: Date.now(), token: message.token })
    }
  })()
  // Steady load: one order every 2 ms.
  let running = true
  const orders = backlog('ETH-USDC', 300_000, Number.MAX_SAFE_INTEGER)
  const load = (async () => {
    while (running) {
      await nats.js.publish(
        nats.names.commandSubject('eth'),
        encodeExchangeCommand(orders.next().value!),
      )
      await sleep(2)
    }
  })()
  const results: number[] = []
  for (let trial = 0; trial < trials; trial++) {
    const standby = await launch(
      'shardProcess',
      ['--shard', 'eth', '--node', `eth-${trial + 1}`],
      file,
      children,
    )
    await sleep(1_500) // a few lease periods of steady state
    const token = (await status(primary)).token
    primary.child.kill('SIGKILL')
    const killedAt = Date.now()
    let served: { at: number } | undefined
    while (!served) {
      served = arrivals.find((a) => a.at >= killedAt && a.token > token)
      await sleep(5)
    }
    results.push(served.at - killedAt)
    primary = standby
  }
  running = false
  await load
  messages.stop()
  primary.child.kill('SIGTERM')
  await destroyNatsTopology(nats)
  await nats.close()
  return { leaseTtlMs: topology.lease.ttlMs, renewMs: topology.lease.renewMs, trialsMs: results }
}

try {
  const one = await throughput('one')
  console.log('one shard, two instruments:', JSON.stringify(one))
  const two = await throughput('two')
  console.log('two shards, one instrument each:', JSON.stringify(two))
  console.log(`speed-up two/one: ${(two.ordersPerSecond / one.ordersPerSecond).toFixed(2)}x`)
  for (const r of [one, two])
    console.log(
      `${r.layout === 'one' ? '1 shard ' : '2 shards'}: ${r.ordersPerSecond} orders/s;`,
      `CPU per order: engines ${r.engineCpuPerOrderUs} µs, NATS server ${r.natsCpuPerOrderUs} µs`,
      `(${Math.round(1e6 / (r.engineCpuPerOrderUs + r.natsCpuPerOrderUs))} orders per CPU-second)`,
    )
  if (trials > 0) {
    const f = await failover()
    const sorted = [...f.trialsMs].sort((a, b) => a - b)
    console.log(
      `failover (SIGKILL -> first result from the standby), lease ttl ${f.leaseTtlMs} ms / renew ${f.renewMs} ms:`,
      `trials ${JSON.stringify(f.trialsMs)} ms; min ${sorted[0]} median ${sorted[Math.floor(sorted.length / 2)]} max ${sorted[sorted.length - 1]}`,
    )
  }
} finally {
  for (const child of children) child.kill('SIGKILL')
  dir.remove()
}
