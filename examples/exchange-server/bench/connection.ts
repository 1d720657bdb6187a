import type { Instrument } from '@strongroom/core'
import type { BenchOp } from './orderFlow.js'

/** What every protocol client of the benchmark offers the runner. */
export type BenchConnection = {
  /** Starts a run: ids restart at 0, so client order ids get a fresh prefix. */
  beginRun(run: number): void
  send(id: number, op: BenchOp): void
  /** Set by the runner: op `id` was acknowledged (`ref`: what a later cancel refers to). */
  onAck: (id: number, ok: boolean, ref: string | number | undefined) => void
  /** Fills this account has seen (both protocols report them on the order's own stream). */
  fills: number
  close(): Promise<void>
}

/** How to reach the exchange as one benchmark account. */
export type ConnectOptions = {
  instrument: Instrument
  keyId: string
  secret: string
}
