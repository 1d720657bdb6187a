import { ComplianceInputError } from '../errors.js'

/** How raw margins become predictions. */
export type GbdtObjective =
  | 'binary:logistic'
  | 'binary:logitraw'
  | 'reg:squarederror'
  | 'reg:logistic'
  | 'count:poisson'
  | 'multi:softprob'
  | 'multi:softmax'

/** A gradient-boosted tree ensemble in flat arrays, ready to predict. */
export type GbdtModel = {
  readonly format: 'xgboost' | 'lightgbm'
  readonly objective: GbdtObjective
  /** Number of outputs (classes for multi-class, else 1). */
  readonly numOutputs: number
  /** Highest feature index used + 1 (rows may be longer). */
  readonly numFeatures: number
  readonly numTrees: number
  /**
   * Margins before the objective's transform (log-odds for logistic, raw for regression), one per
   * output. `features[i]` is feature `i`; `NaN` (or a missing index) is a missing value.
   */
  predictMargin(features: ArrayLike<number>): Float64Array
  /** Predictions after the objective's transform: probabilities for logistic and softmax. */
  predict(features: ArrayLike<number>): Float64Array
}

type Tree = {
  readonly feature: Int32Array
  readonly threshold: Float64Array
  readonly left: Int32Array
  readonly right: Int32Array
  readonly defaultLeft: Uint8Array
  /** LightGBM missing handling per node: 0 None, 1 Zero, 2 NaN. */
  readonly missing: Uint8Array
  readonly value: Float64Array
  readonly output: number
}

const fround = Math.fround

function modelError(
  path: (string | number)[],
  message: string,
  rule = 'format',
): ComplianceInputError {
  return new ComplianceInputError(message, { code: 'COMPLIANCE_INVALID_MODEL', path, rule })
}

function buildModel(
  format: 'xgboost' | 'lightgbm',
  trees: Tree[],
  objective: GbdtObjective,
  numOutputs: number,
  baseMargin: number,
  transformParam: number,
): GbdtModel {
  let numFeatures = 0
  for (const t of trees) for (const f of t.feature) if (f + 1 > numFeatures) numFeatures = f + 1
  const float32 = format === 'xgboost'
  const predictMargin = (features: ArrayLike<number>) => {
    const out = new Float64Array(numOutputs).fill(baseMargin)
    for (const tree of trees) {
      let node = 0
      while (tree.left[node]! >= 0) {
        const f = tree.feature[node]!
        let x = f < features.length ? features[f]! : Number.NaN
        let goLeft: boolean
        if (float32) {
          // XGBoost stores split values and compares features as float32.
          goLeft = Number.isNaN(x)
            ? tree.defaultLeft[node] === 1
            : fround(x) < tree.threshold[node]!
        } else {
          const missing = tree.missing[node]!
          if (Number.isNaN(x) && missing !== 2) x = 0
          if ((missing === 1 && Math.abs(x) <= 1e-35) || (missing === 2 && Number.isNaN(x))) {
            goLeft = tree.defaultLeft[node] === 1
          } else goLeft = x <= tree.threshold[node]!
        }
        node = goLeft ? tree.left[node]! : tree.right[node]!
      }
      out[tree.output]! += tree.value[node]!
    }
    return out
  }
  const predict = (features: ArrayLike<number>) => {
    const margin = predictMargin(features)
    switch (objective) {
      case 'binary:logistic':
      case 'reg:logistic':
        for (let i = 0; i < margin.length; i++)
          margin[i] = 1 / (1 + Math.exp(-transformParam * margin[i]!))
        return margin
      case 'count:poisson':
        for (let i = 0; i < margin.length; i++) margin[i] = Math.exp(margin[i]!)
        return margin
      case 'multi:softprob':
      case 'multi:softmax': {
        let max = Number.NEGATIVE_INFINITY
        for (const m of margin) if (m > max) max = m
        let sum = 0
        for (let i = 0; i < margin.length; i++) {
          margin[i] = Math.exp(margin[i]! - max)
          sum += margin[i]!
        }
        for (let i = 0; i < margin.length; i++) margin[i] = margin[i]! / sum
        return margin
      }
      default:
        return margin
    }
  }
  return {
    format,
    objective,
    numOutputs,
    numFeatures,
    numTrees: trees.length,
    predictMargin,
    predict,
  }
}

/** The margin a base score stands for under `objective` (XGBoost's ProbToMargin). */
function baseScoreToMargin(objective: GbdtObjective, baseScore: number): number {
  if (objective === 'binary:logistic' || objective === 'reg:logistic') {
    if (!(baseScore > 0 && baseScore < 1))
      throw modelError(['base_score'], `must lie in (0, 1) for ${objective}.`, 'range')
    return Math.log(baseScore / (1 - baseScore))
  }
  if (objective === 'count:poisson') return Math.log(baseScore)
  return baseScore
}

const OBJECTIVES: readonly GbdtObjective[] = [
  'binary:logistic',
  'binary:logitraw',
  'reg:squarederror',
  'reg:logistic',
  'count:poisson',
  'multi:softprob',
  'multi:softmax',
]

function objectiveOf(name: unknown, path: (string | number)[]): GbdtObjective {
  const n = name === 'reg:linear' ? 'reg:squarederror' : name
  if (typeof n !== 'string' || !OBJECTIVES.includes(n as GbdtObjective)) {
    throw modelError(
      path,
      `objective "${String(name)}" is not supported (${OBJECTIVES.join(', ')}).`,
      'unsupported_objective',
    )
  }
  return n as GbdtObjective
}

/** Options for {@link parseXgboostModel}; the dump format carries no objective or base score. */
export type ParseXgboostModelOptions = {
  /** Required for `dump_model` JSON; overrides the native model's. */
  readonly objective?: GbdtObjective | undefined
  /** Base score in output space (probability for logistic); default: the model's, else 0.5. */
  readonly baseScore?: number | undefined
  /** Classes of a multi-class dump (trees are interleaved by class). */
  readonly numClass?: number | undefined
}

const num = (v: unknown, path: (string | number)[]): number => {
  const n = typeof v === 'string' ? Number(v.replace(/^\[|\]$/g, '')) : v
  if (typeof n !== 'number' || !Number.isFinite(n))
    throw modelError(path, 'must be a finite number.', 'type')
  return n
}

const intArray = (v: unknown, path: (string | number)[]): number[] => {
  if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x)))
    throw modelError(path, 'must be an array of integers.', 'type')
  return v as number[]
}

/**
 * Loads an XGBoost model from JSON: the native `save_model` format (`learner.gradient_booster`,
 * base score and objective read from it) or the `dump_model(dump_format='json')` format (an array
 * of nested trees; pass `objective`, and `baseScore`/`numClass` where they apply). Splits compare
 * float32 values (`x < split_condition`, as XGBoost does); a missing value follows the node's
 * default direction.
 *
 * @throws {ComplianceInputError} `COMPLIANCE_INVALID_MODEL` naming the offending element
 * (malformed tree, child index out of range, categorical split, unsupported objective).
 */
export function parseXgboostModel(
  json: unknown,
  options: ParseXgboostModelOptions = {},
): GbdtModel {
  if (Array.isArray(json)) return parseXgboostDump(json, options)
  if (typeof json !== 'object' || json === null || !('learner' in json)) {
    throw modelError(
      [],
      'is neither an XGBoost native model (learner…) nor a dump (array of trees).',
    )
  }
  const learner = (json as { learner: Record<string, unknown> }).learner
  const param = (learner.learner_model_param ?? {}) as Record<string, unknown>
  const objective =
    options.objective ??
    objectiveOf((learner.objective as { name?: unknown } | undefined)?.name, [
      'learner',
      'objective',
      'name',
    ])
  const numClass = Math.max(
    1,
    num(param.num_class ?? 0, ['learner', 'learner_model_param', 'num_class']),
  )
  const baseScore =
    options.baseScore ??
    num(param.base_score ?? 0.5, ['learner', 'learner_model_param', 'base_score'])
  const booster = learner.gradient_booster as
    | { name?: string; model?: Record<string, unknown> }
    | undefined
  if (booster?.name !== 'gbtree' || !booster.model) {
    throw modelError(
      ['learner', 'gradient_booster', 'name'],
      `booster "${String(booster?.name)}" is not supported (gbtree only).`,
      'unsupported_booster',
    )
  }
  const rawTrees = booster.model.trees
  if (!Array.isArray(rawTrees))
    throw modelError(['learner', 'gradient_booster', 'model', 'trees'], 'must be an array.', 'type')
  const treeInfo = intArray(booster.model.tree_info ?? rawTrees.map(() => 0), [
    'learner',
    'gradient_booster',
    'model',
    'tree_info',
  ])
  const trees = rawTrees.map((raw: Record<string, unknown>, t: number) => {
    const path = ['learner', 'gradient_booster', 'model', 'trees', t]
    const left = intArray(raw.left_children, [...path, 'left_children'])
    const right = intArray(raw.right_children, [...path, 'right_children'])
    const splitIndex = intArray(raw.split_indices, [...path, 'split_indices'])
    const cond = raw.split_conditions
    const defaultLeft = raw.default_left
    const splitType = (raw.split_type ?? []) as unknown[]
    const n = left.length
    if (
      !Array.isArray(cond) ||
      cond.length !== n ||
      right.length !== n ||
      splitIndex.length !== n ||
      !Array.isArray(defaultLeft) ||
      defaultLeft.length !== n
    ) {
      throw modelError(path, 'node arrays have different lengths.', 'shape')
    }
    if (splitType.some((s) => s !== 0))
      throw modelError(
        [...path, 'split_type'],
        'categorical splits are not supported.',
        'categorical_split',
      )
    const tree: Tree = {
      feature: Int32Array.from(splitIndex),
      threshold: Float64Array.from(
        cond.map((c, i) => fround(num(c, [...path, 'split_conditions', i]))),
      ),
      left: Int32Array.from(left),
      right: Int32Array.from(right),
      defaultLeft: Uint8Array.from(defaultLeft.map((d) => (d === true || d === 1 ? 1 : 0))),
      missing: new Uint8Array(n),
      // In the native format a leaf's value is stored in split_conditions.
      value: Float64Array.from(cond.map((c) => Number(c))),
      output: numClass > 1 ? treeInfo[t]! : 0,
    }
    checkTree(tree, path)
    return tree
  })
  return buildModel(
    'xgboost',
    trees,
    objective,
    numClass,
    baseScoreToMargin(objective, baseScore),
    1,
  )
}

type DumpNode = {
  nodeid?: unknown
  split?: unknown
  split_condition?: unknown
  yes?: unknown
  no?: unknown
  missing?: unknown
  leaf?: unknown
  children?: unknown
}

function parseXgboostDump(trees: unknown[], options: ParseXgboostModelOptions): GbdtModel {
  if (!options.objective)
    throw modelError(
      ['objective'],
      'a dump carries no objective: pass options.objective.',
      'required',
    )
  const objective = options.objective
  const numClass = Math.max(1, options.numClass ?? 1)
  const built = trees.map((root, t) => {
    const nodes = new Map<number, DumpNode>()
    const visit = (node: unknown, path: (string | number)[]) => {
      if (typeof node !== 'object' || node === null)
        throw modelError(path, 'must be a node object.', 'type')
      const n = node as DumpNode
      const id = num(n.nodeid, [...path, 'nodeid'])
      nodes.set(id, n)
      if (n.leaf === undefined) {
        if (!Array.isArray(n.children))
          throw modelError([...path, 'children'], 'a split node needs children.', 'required')
        for (const [i, c] of n.children.entries()) visit(c, [...path, 'children', i])
      }
    }
    visit(root, [t])
    const size = Math.max(...nodes.keys()) + 1
    const tree: Tree = {
      feature: new Int32Array(size),
      threshold: new Float64Array(size),
      left: new Int32Array(size).fill(-1),
      right: new Int32Array(size).fill(-1),
      defaultLeft: new Uint8Array(size),
      missing: new Uint8Array(size),
      value: new Float64Array(size),
      output: t % numClass,
    }
    for (const [id, n] of nodes) {
      if (n.leaf !== undefined) {
        tree.value[id] = num(n.leaf, [t, id, 'leaf'])
        continue
      }
      const split = String(n.split ?? '')
      const m = /^f?([0-9]+)$/.exec(split)
      if (!m)
        throw modelError(
          [t, id, 'split'],
          `"${split}" is not a feature index (fN); dump with fmap names is not supported.`,
          'format',
        )
      tree.feature[id] = Number(m[1])
      tree.threshold[id] = fround(num(n.split_condition, [t, id, 'split_condition']))
      tree.left[id] = num(n.yes, [t, id, 'yes'])
      tree.right[id] = num(n.no, [t, id, 'no'])
      tree.defaultLeft[id] = num(n.missing, [t, id, 'missing']) === tree.left[id] ? 1 : 0
    }
    checkTree(tree, [t])
    return tree
  })
  return buildModel(
    'xgboost',
    built,
    objective,
    numClass,
    baseScoreToMargin(objective, options.baseScore ?? 0.5),
    1,
  )
}

function checkTree(tree: Tree, path: (string | number)[]): void {
  const n = tree.left.length
  const seen = new Uint8Array(n)
  const stack = [0]
  while (stack.length) {
    const node = stack.pop()!
    if (node < 0 || node >= n)
      throw modelError(path, `child index ${node} is out of range.`, 'child_index')
    if (seen[node]) throw modelError(path, `node ${node} is reached twice (not a tree).`, 'cycle')
    seen[node] = 1
    if (tree.left[node]! >= 0) {
      if (tree.feature[node]! < 0)
        throw modelError(path, `node ${node} has a negative feature index.`, 'feature_index')
      stack.push(tree.left[node]!, tree.right[node]!)
    }
  }
}

/** Options for {@link parseLightgbmModel}. */
export type ParseLightgbmModelOptions = {
  /** Needed when the dump has no `objective` (older dumps). */
  readonly objective?: GbdtObjective | undefined
}

type LgbNode = {
  split_feature?: unknown
  threshold?: unknown
  decision_type?: unknown
  default_left?: unknown
  missing_type?: unknown
  left_child?: unknown
  right_child?: unknown
  leaf_value?: unknown
}

/**
 * Loads a LightGBM model from its `dump_model()` JSON: numerical splits `x <= threshold` in
 * double precision, missing values by `missing_type` (`None`: NaN counts as 0; `Zero`: zero
 * follows `default_left`; `NaN`: NaN follows `default_left`). The objective comes from the dump
 * (`binary sigmoid:1`, `multiclass num_class:3`, `regression`) or from `options.objective`.
 *
 * @throws {ComplianceInputError} `COMPLIANCE_INVALID_MODEL` naming the offending element
 * (categorical splits are not supported).
 */
export function parseLightgbmModel(
  json: unknown,
  options: ParseLightgbmModelOptions = {},
): GbdtModel {
  if (
    typeof json !== 'object' ||
    json === null ||
    !Array.isArray((json as { tree_info?: unknown }).tree_info)
  ) {
    throw modelError(['tree_info'], 'is not a LightGBM dump (tree_info missing).')
  }
  const dump = json as {
    tree_info: { tree_structure?: unknown }[]
    num_tree_per_iteration?: unknown
    num_class?: unknown
    objective?: unknown
  }
  let objective = options.objective
  let sigmoid = 1
  if (!objective) {
    const text = typeof dump.objective === 'string' ? dump.objective : ''
    const word = text.split(' ')[0]
    const sig = /sigmoid:([0-9.eE+-]+)/.exec(text)
    if (sig) sigmoid = Number(sig[1])
    if (word === 'binary') objective = 'binary:logistic'
    else if (word === 'multiclass' || word === 'softmax') objective = 'multi:softprob'
    else if (word === 'regression' || word === 'regression_l2') objective = 'reg:squarederror'
    else if (word === 'poisson') objective = 'count:poisson'
    else
      throw modelError(
        ['objective'],
        `objective "${text}" is not supported; pass options.objective.`,
        'unsupported_objective',
      )
  }
  const perIteration = Math.max(
    1,
    num(dump.num_tree_per_iteration ?? 1, ['num_tree_per_iteration']),
  )
  const trees = dump.tree_info.map((info, t) => {
    const nodes: LgbNode[] = []
    const leftList: number[] = []
    const rightList: number[] = []
    const visit = (node: unknown, path: (string | number)[]): number => {
      if (typeof node !== 'object' || node === null)
        throw modelError(path, 'must be a node object.', 'type')
      const id = nodes.length
      nodes.push(node as LgbNode)
      leftList.push(-1)
      rightList.push(-1)
      const n = node as LgbNode
      if (n.leaf_value === undefined) {
        if (n.decision_type !== '<=')
          throw modelError(
            [...path, 'decision_type'],
            `"${String(n.decision_type)}" splits are not supported (numerical "<=" only).`,
            'categorical_split',
          )
        leftList[id] = visit(n.left_child, [...path, 'left_child'])
        rightList[id] = visit(n.right_child, [...path, 'right_child'])
      }
      return id
    }
    const path = ['tree_info', t, 'tree_structure']
    visit(info.tree_structure, path)
    const size = nodes.length
    const tree: Tree = {
      feature: new Int32Array(size),
      threshold: new Float64Array(size),
      left: Int32Array.from(leftList),
      right: Int32Array.from(rightList),
      defaultLeft: new Uint8Array(size),
      missing: new Uint8Array(size),
      value: new Float64Array(size),
      output: t % perIteration,
    }
    nodes.forEach((n, id) => {
      if (n.leaf_value !== undefined) {
        tree.value[id] = num(n.leaf_value, [...path, id, 'leaf_value'])
        return
      }
      tree.feature[id] = num(n.split_feature, [...path, id, 'split_feature'])
      tree.threshold[id] = num(n.threshold, [...path, id, 'threshold'])
      tree.defaultLeft[id] = n.default_left === true ? 1 : 0
      tree.missing[id] = n.missing_type === 'Zero' ? 1 : n.missing_type === 'NaN' ? 2 : 0
    })
    return tree
  })
  return buildModel('lightgbm', trees, objective, perIteration, 0, sigmoid)
}

/** Parses a libsvm line (`label idx:value …`) into a dense row; absent features are `NaN`. */
export function parseLibsvmRow(
  line: string,
  numFeatures: number,
): { label: number; features: Float64Array } {
  const parts = line.trim().split(/\s+/)
  const features = new Float64Array(numFeatures).fill(Number.NaN)
  for (const part of parts.slice(1)) {
    const [i, v] = part.split(':')
    const index = Number(i)
    if (Number.isInteger(index) && index < numFeatures) features[index] = Number(v)
  }
  return { label: Number(parts[0]), features }
}
