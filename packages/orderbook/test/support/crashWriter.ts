// Child process of crash.test.ts: writes random commands through a sequencer into a file
// journal until it is killed with SIGKILL. Before each batch is submitted it appends, with a
// synchronous write, the state hash the engine will have after that batch ("<seq> <hash>") to a
// side file; after each acknowledgement it appends "acked <seq>". The parent compares these with
// what recovery rebuilds from the journal.
import { closeSync, openSync, writeSync } from 'node:fs'
import { createManualClock } from '@strongroom/core'
import {
  type BookCommand,
  createMatchingEngine,
  createSequencer,
  openFileJournal,
} from '../../src/index.js'
import { testInstrument } from './fixtures.js'
import { randomStream } from './streams.js'

const [journalPath, hashPath, seedText] = process.argv.slice(2)
const seed = Number(seedText)
const instrument = testInstrument({ priceBandBps: 100 })
const clock = createManualClock(1_700_000_000_000)
const shadow = createMatchingEngine({ instruments: [instrument] })
const engine = createMatchingEngine({ instruments: [instrument] })
const journal = await openFileJournal({ path: journalPath!, maxDelayMs: 1 })
const sequencer = createSequencer({ journal, engine, clock })
const hashes = openSync(hashPath!, 'a')
const line = (text: string) => writeSync(hashes, `${text}\n`)

const stream = randomStream(seed, 200_000, 'everything')
let at = 0
let batches = 0
const deadline = Date.now() + 60_000
while (Date.now() < deadline && at < stream.length) {
  const size = 1 + Math.floor(Math.random() * 150)
  clock.advance(1 + Math.floor(Math.random() * 5))
  const batch = stream.slice(at, at + size)
  at += size
  let seq = sequencer.submittedSeq
  for (const { command } of batch) {
    const routed = { ...command, symbol: command.symbol ?? instrument.symbol } as BookCommand
    shadow.execute(routed, clock.now())
    sequencer.submit(routed)
    seq++
  }
  line(`${seq} ${shadow.stateHash()}`)
  if (++batches % 25 === 0) {
    const snap = sequencer.snapshot()
    line(`${seq + 1} ${shadow.stateHash()}`)
    void snap
  }
  const target = sequencer.submittedSeq
  void sequencer.flush().then(() => line(`acked ${target}`))
  if (sequencer.submittedSeq - sequencer.appliedSeq > 3_000) await sequencer.flush()
  else await new Promise((resolve) => setImmediate(resolve))
}
await sequencer.close()
await journal.close()
closeSync(hashes)
