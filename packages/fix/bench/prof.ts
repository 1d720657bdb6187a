import { decodeFixMessage, FixParser, FixValidator } from '../src/index.js'
import { executionReportBytes } from './messages.js'

const bytes = executionReportBytes()
const parser = new FixParser()
const validator = new FixValidator()
let sink = 0
const mode = process.argv[2]
const t0 = performance.now()
for (let i = 0; i < 1_000_000; i++) {
  const v = parser.parse(bytes)
  if (typeof v === 'string') continue
  if (mode === 'structure') sink += validator.structure(v).body.indices.length
  else if (mode === 'validate') sink += validator.validate(v) ? 1 : 0
  else if (mode === 'parse') sink += v.count
  else sink += Object.keys(decodeFixMessage(v).body).length
}
console.log(mode, Math.round(1_000_000 / ((performance.now() - t0) / 1000)), sink)
