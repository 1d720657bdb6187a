// Codec figures, ours and jspurefix's in the same run: parse to a lazy view, full decode, encode.
import {
  buildExecutionReport,
  buildNewOrderSingle,
  decodeFixMessage,
  FixEncoder,
  FixFramer,
  FixParser,
  readExecutionReport,
  readNewOrderSingle,
} from '../src/index.js'
import { createJspurefixPeer } from './jspurefix.js'
import {
  executionReportBytes,
  jspurefixExecutionReport,
  jspurefixNewOrderSingle,
  newOrderSingleBytes,
} from './messages.js'

/**
 * Runs `fn` (which performs `batch` operations) for about `ms` per round; returns the best
 * round's rate measured on this process's CPU time (user + system). On a quiet machine that is
 * the wall-clock rate; on a shared one it does not count the time other processes held the CPU.
 */
function rate(fn: () => void, batch: number, rounds = 5, ms = 300): number {
  for (let i = 0; i < 3; i++) fn() // warm-up
  let best = 0
  for (let r = 0; r < rounds; r++) {
    let ops = 0
    const t0 = process.hrtime.bigint()
    const c0 = process.cpuUsage()
    while (Number(process.hrtime.bigint() - t0) < ms * 1e6) {
      fn()
      ops += batch
    }
    const c = process.cpuUsage(c0)
    best = Math.max(best, ops / ((c.user + c.system) / 1e6))
  }
  return best
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(12)

export type CodecRow = {
  label: string
  ours: number
  peer: number | undefined
  target: number | undefined
}

export async function codecBenchmarks(print: (line: string) => void): Promise<CodecRow[]> {
  const peer = await createJspurefixPeer()
  const rows: CodecRow[] = []
  const messages = [
    {
      name: 'NewOrderSingle',
      type: 'D',
      bytes: newOrderSingleBytes(),
      peerObject: jspurefixNewOrderSingle,
    },
    {
      name: 'ExecutionReport',
      type: '8',
      bytes: executionReportBytes(),
      peerObject: jspurefixExecutionReport,
    },
  ]
  const N = 1000
  for (const m of messages) {
    const bytes = m.bytes
    const buffer = Buffer.from(bytes)
    // Many copies in one buffer: the stream path (framer + tokenizer) like a socket read.
    const stream = Buffer.concat(Array.from({ length: N }, () => buffer))
    const parser = new FixParser()
    const framer = new FixFramer()
    let sink = 0

    const viewOnly = rate(() => {
      for (let i = 0; i < N; i++) {
        const v = parser.parse(bytes)
        if (typeof v !== 'string') sink += v.count
      }
    }, N)
    const viewStream = rate(() => {
      framer.push(stream)
      while (framer.next() === 'frame') {
        const v = parser.parse(framer.frameBytes, framer.frameStart, framer.frameEnd)
        if (typeof v !== 'string') sink += v.count
      }
    }, N)
    let peerCount = 0
    const peerViewParser = peer.makeParser(() => {
      peerCount++
    })
    const peerView = rate(() => peerViewParser.parseBuffer(stream), N)

    const decodeFull = rate(() => {
      for (let i = 0; i < N; i++) {
        const v = parser.parse(bytes)
        if (typeof v !== 'string') sink += decodeFixMessage(v).name.length
      }
    }, N)
    const readTyped = rate(() => {
      for (let i = 0; i < N; i++) {
        const v = parser.parse(bytes)
        if (typeof v === 'string') continue
        const typed = m.type === 'D' ? readNewOrderSingle(v) : readExecutionReport(v)
        sink += typed.symbol.length
      }
    }, N)
    const peerObjectParser = peer.makeParser((_t, view) => {
      if (view.toObject()) peerCount++
    })
    const peerObject = rate(() => peerObjectParser.parseBuffer(stream), N)

    const encoder = new FixEncoder()
    const now = Date.now()
    const rawEncode = rate(() => {
      for (let i = 0; i < N; i++) {
        const e = encoder
          .begin(m.type)
          .int(34, i)
          .str(49, 'ISLD')
          .timestamp(52, now)
          .str(56, 'TW44')
        if (m.type === 'D') {
          e.str(11, 'ORD-0000001234')
            .str(1, 'ACC-7')
            .str(21, '1')
            .str(55, 'BTC-USDC')
            .str(54, '1')
            .timestamp(60, now)
          e.str(38, '1.25').str(40, '2').str(44, '42000.50').str(59, '1')
        } else {
          e.str(37, 'O-000000777')
            .str(11, 'ORD-0000001234')
            .str(17, 'E-000000999')
            .str(150, 'F')
            .str(39, '1')
          e.str(1, 'ACC-7')
            .str(55, 'BTC-USDC')
            .str(54, '1')
            .str(38, '1.25')
            .str(40, '2')
            .str(44, '42000.50')
          e.str(32, '0.5')
            .str(31, '42000.00')
            .str(151, '0.75')
            .str(14, '0.5')
            .str(6, '42000.00')
            .timestamp(60, now)
        }
        sink += e.finish().length
      }
    }, N)
    const typedEncode = rate(() => {
      for (let i = 0; i < N; i++) {
        const message =
          m.type === 'D'
            ? buildNewOrderSingle({
                clOrdId: 'ORD-0000001234',
                account: 'ACC-7',
                handlInst: '1',
                symbol: 'BTC-USDC',
                side: '1',
                transactTime: now,
                orderQty: '1.25',
                ordType: '2',
                price: '42000.50',
                timeInForce: '1',
              })
            : buildExecutionReport({
                orderId: 'O-000000777',
                clOrdId: 'ORD-0000001234',
                execId: 'E-000000999',
                execType: 'F',
                ordStatus: '1',
                account: 'ACC-7',
                symbol: 'BTC-USDC',
                side: '1',
                orderQty: '1.25',
                ordType: '2',
                price: '42000.50',
                lastQty: '0.5',
                lastPx: '42000.00',
                leavesQty: '0.75',
                cumQty: '0.5',
                avgPx: '42000.00',
                transactTime: now,
              })
        encoder.begin(m.type).int(34, i).str(49, 'ISLD').timestamp(52, now).str(56, 'TW44')
        message.writeBody(encoder)
        sink += encoder.finish().length
      }
    }, N)
    const transmitter = peer.makeTransmitter()
    const peerEncode = rate(() => {
      for (let i = 0; i < N; i++) transmitter.encodeMessage(m.type, m.peerObject)
    }, N)

    if (sink < 0 || peerCount < 0) print('impossible')
    rows.push(
      {
        label: `${m.name}: parse to lazy view (stream: framer + tokenizer)`,
        ours: viewStream,
        peer: peerView,
        target: 2_000_000,
      },
      {
        label: `${m.name}: parse to lazy view (tokenizer only)`,
        ours: viewOnly,
        peer: undefined,
        target: 2_000_000,
      },
      {
        label: `${m.name}: full decode + dictionary validation (object by field name)`,
        ours: decodeFull,
        peer: peerObject,
        target: 500_000,
      },
      {
        label: `${m.name}: parse + typed reader (typed values)`,
        ours: readTyped,
        peer: peerObject,
        target: undefined,
      },
      {
        label: `${m.name}: encode (field writer, header + CheckSum)`,
        ours: rawEncode,
        peer: peerEncode,
        target: 1_000_000,
      },
      {
        label: `${m.name}: encode (typed builder, checked values)`,
        ours: typedEncode,
        peer: peerEncode,
        target: undefined,
      },
    )
  }
  print(
    `jspurefix ${peer.version} (FIX44.xml dictionary 'qf44'): parse = AsciiParser.parseBuffer, object = view.toObject(), encode = AsciiMsgTransmitter.encodeMessage`,
  )
  print(
    `${'msg/s'.padStart(104)} ${'jspurefix'.padStart(12)} ${'ratio'.padStart(7)} ${'target'.padStart(11)}`,
  )
  for (const row of rows) {
    const ratio = row.peer ? `${(row.ours / row.peer).toFixed(1)}x` : '-'
    const target = row.target
      ? `${row.ours >= row.target ? 'met' : 'MISSED'} ${(row.target / 1e6).toFixed(1)}M`
      : ''
    print(
      `${row.label.padEnd(92)}${fmt(row.ours)} ${row.peer ? fmt(row.peer) : ''.padStart(12)} ${ratio.padStart(7)} ${target.padStart(11)}`,
    )
  }
  return rows
}
