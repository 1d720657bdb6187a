import { describe, expect, it } from 'vitest'
import {
  DEFAULT_TRAVEL_RULE_THRESHOLDS,
  findTravelRuleThreshold,
  parseTravelRuleThresholds,
} from './thresholds.js'

describe('Travel Rule thresholds as dated data', () => {
  it('finds the entry in force at an event time', () => {
    const at = (iso: string) => Date.parse(iso)
    expect(
      findTravelRuleThreshold(DEFAULT_TRAVEL_RULE_THRESHOLDS, 'US', at('2026-01-01T00:00:00Z'))
        ?.threshold,
    ).toBe('3000')
    const eu = findTravelRuleThreshold(
      DEFAULT_TRAVEL_RULE_THRESHOLDS,
      'EU',
      at('2025-01-01T00:00:00Z'),
    )!
    expect([eu.threshold, eu.selfHostedVerificationAbove, eu.currency]).toEqual([
      '0',
      '1000',
      'EUR',
    ])
    expect(
      findTravelRuleThreshold(DEFAULT_TRAVEL_RULE_THRESHOLDS, 'EU', at('2024-12-29T23:59:59Z')),
    ).toBeUndefined()
    expect(
      findTravelRuleThreshold(DEFAULT_TRAVEL_RULE_THRESHOLDS, 'SG', at('2026-01-01T00:00:00Z'))
        ?.threshold,
    ).toBe('1500')
    expect(parseTravelRuleThresholds(DEFAULT_TRAVEL_RULE_THRESHOLDS)).toHaveLength(
      DEFAULT_TRAVEL_RULE_THRESHOLDS.length,
    )
  })

  it('a superseded entry and its successor; overlaps and malformed rows are refused', () => {
    const table = parseTravelRuleThresholds([
      {
        jurisdiction: 'XX',
        currency: 'USD',
        effectiveFrom: '2020-01-01',
        effectiveUntil: '2025-01-01',
        threshold: '3000',
        source: 'a',
      },
      {
        jurisdiction: 'XX',
        currency: 'USD',
        effectiveFrom: '2025-01-01',
        threshold: '250',
        source: 'b',
      },
    ])
    expect(
      findTravelRuleThreshold(table, 'XX', Date.parse('2024-12-31T23:00:00Z'))?.threshold,
    ).toBe('3000')
    expect(
      findTravelRuleThreshold(table, 'XX', Date.parse('2025-01-01T00:00:00Z'))?.threshold,
    ).toBe('250')
    expect(() =>
      parseTravelRuleThresholds([
        {
          jurisdiction: 'XX',
          currency: 'USD',
          effectiveFrom: '2020-01-01',
          threshold: '1',
          source: 'a',
        },
        {
          jurisdiction: 'XX',
          currency: 'USD',
          effectiveFrom: '2021-01-01',
          threshold: '2',
          source: 'b',
        },
      ]),
    ).toThrow(
      expect.objectContaining({
        code: 'COMPLIANCE_INVALID_THRESHOLDS',
        path: [1, 'effectiveFrom'],
        rule: 'overlap',
      }),
    )
    expect(() =>
      parseTravelRuleThresholds([
        { jurisdiction: 'US', currency: 'usd', effectiveFrom: '2020', threshold: '-1', source: '' },
      ]),
    ).toThrow(expect.objectContaining({ path: [0, 'currency'] }))
  })
})
