import { describe, expect, it } from 'vitest'
import { parseLibsvmRow, parseLightgbmModel, parseXgboostModel } from '../src/index.js'
import { compliance, fixture, fixtureJson } from './shared.js'

const lines = (file: string) => fixture(file).trim().split('\n')
/** Largest absolute difference between our predictions and the published ones. */
function maxError(
  predict: (row: string) => number[],
  rows: string[],
  expected: number[][],
): number {
  let max = 0
  rows.forEach((row, i) => {
    predict(row).forEach((p, k) => {
      max = Math.max(max, Math.abs(p - expected[i]![k]!))
    })
  })
  return max
}

// Tolerance: the published predictions are float32 (XGBoost sums leaves in float32; we sum in
// float64), so agreement to 1e-6 absolute is what "the same prediction" means here; measured
// errors are ≤ 9.3e-8 (XGBoost) and 0 (LightGBM).
const TOLERANCE = 1e-6

describe.skipIf(!compliance.available)(
  'gradient-boosted tree models against their published predictions',
  () => {
    it('XGBoost dump (breast cancer, binary:logistic, 10 trees, 114 rows)', () => {
      const model = parseXgboostModel(
        fixtureJson('gbdt/xgboost_dump_breast_cancer/breast_cancer_xgboost_dump.json'),
        { objective: 'binary:logistic' },
      )
      expect(model.numTrees).toBe(10)
      const expected = lines(
        'gbdt/xgboost_dump_breast_cancer/breast_cancer_xgboost_true_prediction.txt',
      ).map((l) => [Number(l)])
      const rows = lines('gbdt/xgboost_dump_breast_cancer/breast_cancer_test.libsvm')
      expect(rows).toHaveLength(114)
      expect(
        maxError((r) => [...model.predict(parseLibsvmRow(r, 30).features)], rows, expected),
      ).toBeLessThan(TOLERANCE)
    })

    it('XGBoost dump (iris, softmax over 3 classes, trees interleaved, base score 0.5)', () => {
      const model = parseXgboostModel(
        fixtureJson('gbdt/xgboost_dump_iris/iris_xgboost_dump.json'),
        { objective: 'multi:softprob', numClass: 3 },
      )
      expect(model.numOutputs).toBe(3)
      const expected = lines('gbdt/xgboost_dump_iris/iris_xgboost_true_prediction_proba.txt').map(
        (l) => l.trim().split(/\s+/).map(Number),
      )
      const rows = lines('gbdt/xgboost_dump_iris/iris_test.libsvm')
      expect(
        maxError((r) => [...model.predict(parseLibsvmRow(r, 4).features)], rows, expected),
      ).toBeLessThan(TOLERANCE)
      const classes = lines('gbdt/xgboost_dump_iris/iris_xgboost_true_prediction.txt').map(Number)
      rows.forEach((r, i) => {
        const p = model.predict(parseLibsvmRow(r, 4).features)
        expect(p.indexOf(Math.max(...p))).toBe(classes[i])
      })
    })

    it('XGBoost native JSON (agaricus: base_score from the file, missing values follow default_left)', () => {
      const model = parseXgboostModel(
        fixtureJson('gbdt/xgboost_native_json_agaricus/xgagaricus.json'),
      )
      expect([model.objective, model.numTrees, model.numFeatures <= 127]).toEqual([
        'binary:logistic',
        3,
        true,
      ])
      const expected = lines(
        'gbdt/xgboost_native_json_agaricus/xgagaricus_true_predictions.txt',
      ).map((l) => [Number(l)])
      const rows = lines('gbdt/xgboost_native_json_agaricus/agaricus_test.libsvm')
      expect(rows).toHaveLength(1611)
      // Sparse rows: absent features are missing (NaN), so most splits take the default branch.
      expect(
        maxError((r) => [...model.predict(parseLibsvmRow(r, 127).features)], rows, expected),
      ).toBeLessThan(TOLERANCE)
      // The same row with its absent features set to 0 instead of missing predicts differently.
      const row = parseLibsvmRow(rows[0]!, 127).features
      const zeros = row.map((v) => (Number.isNaN(v) ? 0 : v))
      expect(model.predict(zeros)[0]).not.toBeCloseTo(model.predict(row)[0]!, 3)
    })

    it('LightGBM dump (dart, binary, 10 trees, 57 rows)', () => {
      const model = parseLightgbmModel(
        fixtureJson('gbdt/lightgbm_json_breast_cancer/lg_dart_breast_cancer.json'),
        { objective: 'binary:logistic' },
      )
      const expected = lines(
        'gbdt/lightgbm_json_breast_cancer/lg_dart_breast_cancer_true_predictions.txt',
      ).map((l) => [Number(l)])
      const rows = lines('gbdt/lightgbm_json_breast_cancer/breast_cancer_test.tsv')
      expect(
        maxError((r) => [...model.predict(r.split('\t').map(Number))], rows, expected),
      ).toBeLessThan(TOLERANCE)
    })
  },
)

describe('tree semantics', () => {
  // One split on feature 0 at 0.1: float32(0.1) = 0.10000000149…, so x = 0.1000000001 (float64)
  // rounds to float32 0.1 and goes right (not <), whereas a float64 comparison would send it right
  // too; x = 0.10000000100 is below the float32 split in float64 but equal after rounding.
  const xgb = {
    learner: {
      learner_model_param: { base_score: '5E-1', num_class: '0', num_feature: '2' },
      objective: { name: 'binary:logistic' },
      gradient_booster: {
        name: 'gbtree',
        model: {
          tree_info: [0],
          trees: [
            {
              left_children: [1, -1, -1],
              right_children: [2, -1, -1],
              split_indices: [0, 0, 0],
              split_conditions: [0.1, -1, 1],
              default_left: [false, false, false],
              split_type: [0, 0, 0],
            },
          ],
        },
      },
    },
  }

  it('XGBoost compares in float32 and sends missing values to the default side', () => {
    const model = parseXgboostModel(xgb)
    const margin = (x: number) => model.predictMargin([x])[0]
    expect(margin(0.05)).toBe(-1)
    expect(margin(0.1)).toBe(1)
    // 0.1000000010 < 0.1 + 1.5e-9 (float32 of 0.1) in float64, but rounds to float32 0.1: not less.
    const x = 0.100000001
    expect(x < Math.fround(0.1)).toBe(true)
    expect(margin(x)).toBe(1)
    expect(margin(Number.NaN)).toBe(1)
    expect(model.predictMargin([])[0]).toBe(1)
    expect(model.predict([0.05])[0]).toBeCloseTo(1 / (1 + Math.exp(1)), 12)
  })

  it('LightGBM missing types: None (NaN as 0), Zero and NaN follow default_left', () => {
    const node = (missing: string, defaultLeft: boolean) => ({
      tree_info: [
        {
          tree_structure: {
            split_feature: 0,
            threshold: 0.5,
            decision_type: '<=',
            default_left: defaultLeft,
            missing_type: missing,
            left_child: { leaf_value: -1 },
            right_child: { leaf_value: 1 },
          },
        },
      ],
      objective: 'regression',
    })
    const none = parseLightgbmModel(node('None', false))
    expect([none.predict([Number.NaN])[0], none.predict([0.7])[0]]).toEqual([-1, 1])
    const zero = parseLightgbmModel(node('Zero', false))
    expect([zero.predict([0])[0], zero.predict([Number.NaN])[0], zero.predict([0.2])[0]]).toEqual([
      1, 1, -1,
    ])
    const nan = parseLightgbmModel(node('NaN', false))
    expect([nan.predict([Number.NaN])[0], nan.predict([0])[0]]).toEqual([1, -1])
    expect(
      parseLightgbmModel({ ...node('None', true), objective: 'binary sigmoid:2' }).predict([0])[0],
    ).toBeCloseTo(1 / (1 + Math.exp(2)), 12)
  })

  it('malformed or unsupported models are typed errors naming the element', () => {
    const err = (run: () => unknown, path: (string | number)[], rule: string) =>
      expect(run).toThrow(expect.objectContaining({ code: 'COMPLIANCE_INVALID_MODEL', path, rule }))
    err(() => parseXgboostModel({}), [], 'format')
    err(() => parseXgboostModel([{ nodeid: 0, leaf: 1 }]), ['objective'], 'required')
    const broken = structuredClone(xgb)
    broken.learner.gradient_booster.model.trees[0]!.left_children = [5, -1, -1]
    err(
      () => parseXgboostModel(broken),
      ['learner', 'gradient_booster', 'model', 'trees', 0],
      'child_index',
    )
    const categorical = structuredClone(xgb)
    categorical.learner.gradient_booster.model.trees[0]!.split_type = [1, 0, 0]
    err(
      () => parseXgboostModel(categorical),
      ['learner', 'gradient_booster', 'model', 'trees', 0, 'split_type'],
      'categorical_split',
    )
    const objective = structuredClone(xgb)
    objective.learner.objective.name = 'rank:pairwise'
    err(
      () => parseXgboostModel(objective),
      ['learner', 'objective', 'name'],
      'unsupported_objective',
    )
    err(
      () =>
        parseLightgbmModel({
          tree_info: [{ tree_structure: { decision_type: '==', left_child: {}, right_child: {} } }],
          objective: 'binary',
        }),
      ['tree_info', 0, 'tree_structure', 'decision_type'],
      'categorical_split',
    )
    err(() => parseLightgbmModel({ nope: 1 }), ['tree_info'], 'format')
  })
})
