// Runs the name-screening queries of a file (one a line, e.g. written by `bench/index.ts
// --only=names --tail-out=FILE`) REPS times after loading the OFAC SDN 2021 list and a warm-up of
// 30 rounds, and prints nothing: for instruction counts, run it under
// `valgrind --tool=callgrind` with REPS and with 0 and divide the difference by REPS × queries.
// Run: node --conditions=@strongroom/source --import tsx bench/nameScreeningTail.ts FILE REPS
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sharedTestdataDir } from '@strongroom/testkit'
import { createNameScreen, parseOfacSdnCsv } from '../src/index.js'

const [file, repsText] = process.argv.slice(2)
if (!file || !repsText) throw new Error('usage: nameScreeningTail.ts FILE REPS')
const read = (p: string) => readFileSync(join(sharedTestdataDir(), 'compliance', p), 'utf8')
const queries = readFileSync(file, 'utf8').split('\n').filter(Boolean)
const screen = createNameScreen({ threshold: 0.88 })
screen.load(
  parseOfacSdnCsv({
    sdn: read('ofac_sdn_csv_2021/sdn.csv'),
    alt: read('ofac_sdn_csv_2021/alt.csv'),
    comments: read('ofac_sdn_csv_2021/sdn_comments.csv'),
  }),
)
for (let r = 0; r < 30; r++) for (const name of queries) screen.screen({ name })
for (let r = 0, reps = Number(repsText); r < reps; r++)
  for (const name of queries) screen.screen({ name })
