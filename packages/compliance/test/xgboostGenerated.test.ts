import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createTempDir, settle } from '@strongroom/testkit'
import { afterAll, describe, expect, it } from 'vitest'
import { parseXgboostModel } from '../src/index.js'

// Models produced at test time by Debian's python3-xgboost (1.7), with missing values in both
// training and test rows: checks base_score, objectives and the default direction of missing
// values against the library's own predictions.
const python = process.env.STRONGROOM_PYTHON ?? '/usr/bin/python3'
const probe = (() => {
  try {
    execFileSync(python, ['-c', 'import xgboost, numpy'], { stdio: 'ignore' })
    return []
  } catch {
    return [
      `${python} cannot import xgboost (apt-get install -y python3-xgboost, or set STRONGROOM_PYTHON)`,
    ]
  }
})()
const xgboost = settle('compliance: XGBoost-generated models', probe)

describe.skipIf(!xgboost.available)('models trained by XGBoost at test time', () => {
  const dir = createTempDir('strongroom-xgb-')
  afterAll(() => dir.remove())
  type Predictions = {
    rows: (number | null)[][]
    binary: number[]
    regression: number[]
    multiclass: number[][]
  }
  const generated = () => {
    execFileSync(
      python,
      [new URL('./fixtures/xgboost_models.py', import.meta.url).pathname, dir.path],
      { stdio: 'pipe' },
    )
    return JSON.parse(readFileSync(join(dir.path, 'predictions.json'), 'utf8')) as Predictions
  }
  const model = (name: string) =>
    parseXgboostModel(JSON.parse(readFileSync(join(dir.path, `${name}.json`), 'utf8')))
  const TOLERANCE = 1e-6 // XGBoost predicts in float32

  it('binary:logistic, regression with base_score 10, and 3-class softprob agree with XGBoost on rows with missing values', () => {
    const expected = generated()
    const rows = expected.rows.map((r) => r.map((v) => (v === null ? Number.NaN : v)))
    expect(rows.some((r) => r.some(Number.isNaN))).toBe(true)
    const binary = model('binary')
    const regression = model('regression')
    const multiclass = model('multiclass')
    expect([
      binary.objective,
      regression.objective,
      multiclass.objective,
      multiclass.numOutputs,
    ]).toEqual(['binary:logistic', 'reg:squarederror', 'multi:softprob', 3])
    let max = 0
    rows.forEach((row, i) => {
      max = Math.max(max, Math.abs(binary.predict(row)[0]! - expected.binary[i]!))
      max = Math.max(
        max,
        Math.abs(regression.predict(row)[0]! - expected.regression[i]!) /
          Math.max(1, Math.abs(expected.regression[i]!)),
      )
      multiclass.predict(row).forEach((p, k) => {
        max = Math.max(max, Math.abs(p - expected.multiclass[i]![k]!))
      })
    })
    expect(max).toBeLessThan(TOLERANCE)
    // Missing values matter: replacing them by 0 changes predictions.
    const zeros = rows.map((r) => r.map((v) => (Number.isNaN(v) ? 0 : v)))
    expect(zeros.some((r, i) => Math.abs(binary.predict(r)[0]! - expected.binary[i]!) > 1e-3)).toBe(
      true,
    )
  })
})
