import { createHash } from 'node:crypto'
import type { Instrument } from '@strongroom/core'
import { readBookState, writeBookState } from './bookState.js'
import type { BookState, OrderBook } from './bookTypes.js'
import { ByteReader, ByteWriter } from './bytes.js'
import { CorruptPayloadError, OrderbookInputError } from './errors.js'
import { type BookEventSink, noopEventSink } from './events.js'
import type { FastBookOptions } from './fastBook.js'
import { createOrderBook } from './orderBook.js'
import type { BookCommand, CommandStatus } from './types.js'

/** Every book's state, by symbol order. */
export type EngineState = { readonly books: readonly BookState[] }

/** Options of {@link createMatchingEngine}. */
export type CreateMatchingEngineParameters = FastBookOptions & {
  /** The instruments traded; one book each. */
  instruments: readonly Instrument[]
  /** The sink of each book's events (also gets rejections of commands naming that symbol). */
  sinkFor?: ((symbol: string) => BookEventSink) | undefined
  implementation?: 'fast' | 'reference' | undefined
  /** Start from this state (a snapshot). */
  state?: EngineState | undefined
}

/**
 * Books for many instruments behind one `execute`. Commands are routed by `symbol`; a command
 * naming no known instrument is rejected with `unknown_instrument`. `massCancel`, `halt`,
 * `resume` and `tick` without a symbol go to every book (mass cancel by account across
 * instruments, a venue-wide halt).
 */
export type MatchingEngine = {
  readonly symbols: readonly string[]
  book(symbol: string): OrderBook | undefined
  execute(command: BookCommand, time: number): CommandStatus
  exportState(): EngineState
  /** Hex SHA-256 over every book's canonical state. */
  stateHash(): string
  /** Replaces every book's sink (e.g. silence during replay). */
  setSinks(sinkFor: (symbol: string) => BookEventSink): void
}

/**
 * Creates a matching engine over `instruments`.
 *
 * @throws {OrderbookInputError} when two instruments share a symbol or the state does not match.
 */
export function createMatchingEngine(parameters: CreateMatchingEngineParameters): MatchingEngine {
  let sinkFor = parameters.sinkFor ?? (() => noopEventSink)
  const books = new Map<string, OrderBook>()
  const states = new Map((parameters.state?.books ?? []).map((s) => [s.symbol, s]))
  for (const [i, instrument] of parameters.instruments.entries()) {
    if (books.has(instrument.symbol)) {
      throw new OrderbookInputError(`${instrument.symbol} appears twice.`, {
        path: ['instruments', i, 'symbol'],
        rule: 'unique',
      })
    }
    books.set(
      instrument.symbol,
      createOrderBook({
        ...parameters,
        instrument,
        sink: sinkFor(instrument.symbol),
        state: states.get(instrument.symbol),
      }),
    )
    states.delete(instrument.symbol)
  }
  if (states.size > 0) {
    throw new OrderbookInputError(
      `the state holds unknown instruments: ${[...states.keys()].join(', ')}.`,
      {
        path: ['state', 'books'],
        rule: 'known_instrument',
      },
    )
  }
  const symbols = [...books.keys()].sort()
  const ordered = symbols.map((s) => books.get(s)!)
  const broadcast = new Set(['massCancel', 'halt', 'resume', 'tick'])
  return {
    symbols,
    book: (symbol) => books.get(symbol),
    execute(command, time) {
      const symbol = command.symbol
      if (symbol === undefined && broadcast.has(command.type)) {
        let status: CommandStatus = 'ok'
        for (const book of ordered) {
          const s = book.execute(command, time)
          if (status === 'ok') status = s
        }
        return status
      }
      const book = symbol === undefined ? undefined : books.get(symbol)
      if (!book) {
        const c = command as { orderId?: unknown; account?: unknown }
        sinkFor(String(symbol)).rejected(
          command.type,
          typeof c.orderId === 'number' && Number.isFinite(c.orderId) ? c.orderId : 0,
          typeof c.account === 'number' && Number.isFinite(c.account) ? c.account : 0,
          'unknown_instrument',
        )
        return 'unknown_instrument'
      }
      return book.execute(command, time)
    },
    exportState: () => ({ books: ordered.map((b) => b.exportState()) }),
    stateHash() {
      const w = new ByteWriter(4096)
      for (const b of ordered) writeBookState(w, b.exportState())
      return createHash('sha256').update(w.toBytes()).digest('hex')
    },
    setSinks(next) {
      sinkFor = next
      for (const [symbol, book] of books) book.setSink(next(symbol))
    },
  }
}

/** What a journal `snapshot` record holds: the engine state after command `appliedSeq`. */
export type EngineSnapshot = { readonly appliedSeq: number; readonly state: EngineState }

/** Encodes a snapshot record payload. */
export function encodeEngineSnapshot(snapshot: EngineSnapshot): Uint8Array {
  const w = new ByteWriter(4096)
  w.u8(1)
  w.f64(snapshot.appliedSeq)
  w.u32(snapshot.state.books.length)
  for (const book of snapshot.state.books) writeBookState(w, book)
  return w.toBytes()
}

/**
 * Decodes a snapshot record payload.
 *
 * @throws {CorruptPayloadError} when the bytes are not a snapshot.
 */
export function decodeEngineSnapshot(bytes: Uint8Array, seq?: number): EngineSnapshot {
  try {
    const r = new ByteReader(bytes)
    if (r.u8() !== 1) throw new RangeError('unknown snapshot version')
    const appliedSeq = r.f64()
    const n = r.u32()
    const books: BookState[] = []
    for (let i = 0; i < n; i++) books.push(readBookState(r))
    if (r.remaining !== 0) throw new RangeError('trailing bytes')
    return { appliedSeq, state: { books } }
  } catch (cause) {
    throw new CorruptPayloadError({ what: 'snapshot', seq, cause })
  }
}
