import type { ComplianceAlert } from '@strongroom/core'
import type { AlertScorer, AlertScoringInput } from '../engine/complianceEngine.js'
import { ComplianceInputError } from '../errors.js'
import type { GbdtModel } from './gbdt.js'

const KINDS = ['deposit', 'withdrawal', 'trade', 'transfer'] as const
const SEVERITIES: readonly ComplianceAlert['severity'][] = ['low', 'medium', 'high', 'critical']

/**
 * The default alert features, in this order: event value (reference major units), events in the
 * last 24 h, their value (major units), event kind index (deposit 0, withdrawal 1, trade 2,
 * transfer 3), alert severity index (low 0 … critical 3).
 */
export function defaultAlertFeatures(input: AlertScoringInput): number[] {
  const scale = 10 ** input.referenceDecimals
  return [
    Number(input.value) / scale,
    input.eventsLastDay,
    Number(input.valueLastDay) / scale,
    KINDS.indexOf(input.event.kind),
    SEVERITIES.indexOf(input.alert.severity),
  ]
}

/**
 * An {@link AlertScorer} over a gradient-boosted tree model: the first output of
 * `model.predict(features(input))`, clamped to [0, 1].
 *
 * @throws {ComplianceInputError} `COMPLIANCE_INVALID_FEATURES` when the feature function returns
 * fewer features than the model uses, or a non-number.
 */
export function createGbdtAlertScorer(parameters: {
  readonly model: GbdtModel
  readonly features?: ((input: AlertScoringInput) => ArrayLike<number>) | undefined
}): AlertScorer {
  const features = parameters.features ?? defaultAlertFeatures
  return {
    score(input) {
      const row = features(input)
      if (row.length < parameters.model.numFeatures) {
        throw new ComplianceInputError(
          `has ${row.length} features; the model uses ${parameters.model.numFeatures}.`,
          {
            code: 'COMPLIANCE_INVALID_FEATURES',
            path: ['features'],
            rule: 'length',
          },
        )
      }
      for (let i = 0; i < row.length; i++) {
        if (typeof row[i] !== 'number') {
          throw new ComplianceInputError('must be a number (NaN for missing).', {
            code: 'COMPLIANCE_INVALID_FEATURES',
            path: ['features', i],
            rule: 'type',
          })
        }
      }
      const p = parameters.model.predict(row)[0] ?? 0
      return Math.min(1, Math.max(0, p))
    },
  }
}
