import type { RequestId, WalletId } from '@strongroom/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CHAIN, DEST, ETH, OTHER, USDC, withdrawalPolicy } from '../../test/helpers.js'
import { evmAddressFormat } from '../evm/evmAddress.js'
import { compilePolicy } from './compilePolicy.js'
import { DEFAULT_DENY_REASON, evaluatePolicy } from './evaluatePolicy.js'
import { createVelocityTracker } from './velocityTracker.js'

const compile = (document: unknown) =>
  compilePolicy({ document, assets: [ETH, USDC], addressFormats: [evmAddressFormat] })

const request = (overrides: Record<string, unknown> = {}) => ({
  requestId: 'r1' as RequestId,
  kind: 'withdrawal',
  walletId: 'hot' as WalletId,
  initiator: 'dave',
  chain: CHAIN,
  asset: 'ETH',
  amount: 10n ** 18n,
  destination: DEST,
  createdAt: 0,
  ...overrides,
})
const context = (overrides: Record<string, unknown> = {}, now = 0) => ({
  request: request(overrides),
  wallet: { id: 'hot' as WalletId, tier: 'hot' as const, venue: 'v1' },
  screening: 'allow' as const,
  velocity: createVelocityTracker(),
  now,
})

describe('compilePolicy', () => {
  it('names the offending field of an invalid policy', () => {
    const cases: [unknown, (string | number)[], string][] = [
      [{ ...withdrawalPolicy(), version: 0 }, ['version'], 'too_small'],
      [{ ...withdrawalPolicy(), extra: true }, [], 'unrecognized_keys'],
      [
        withdrawalPolicy({
          rules: [
            {
              id: 'a',
              action: { type: 'require_approvals', quorum: [{ group: 'nope', threshold: 1 }] },
            },
          ],
        }),
        ['rules', 0, 'action', 'quorum', 0, 'group'],
        'unknown_group',
      ],
      [
        withdrawalPolicy({
          rules: [
            {
              id: 'a',
              action: { type: 'require_approvals', quorum: [{ group: 'treasury', threshold: 4 }] },
            },
          ],
        }),
        ['rules', 0, 'action', 'quorum', 0, 'threshold'],
        'too_big',
      ],
      [
        withdrawalPolicy({
          rules: [
            {
              id: 'a',
              when: { amount: { above: { ETH: '0.0000000000000000001' } } },
              action: { type: 'allow' },
            },
          ],
        }),
        ['rules', 0, 'when', 'amount', 'above', 'ETH'],
        'amount',
      ],
      [
        withdrawalPolicy({
          rules: [
            { id: 'a', when: { amount: { above: { DOGE: '1' } } }, action: { type: 'allow' } },
          ],
        }),
        ['rules', 0, 'when', 'amount', 'above', 'DOGE'],
        'unknown_asset',
      ],
      [
        withdrawalPolicy({
          rules: [
            { id: 'a', when: { destination: { inLists: ['nope'] } }, action: { type: 'allow' } },
          ],
        }),
        ['rules', 0, 'when', 'destination', 'inLists', 0],
        'unknown_list',
      ],
      [
        withdrawalPolicy({
          rules: [
            { id: 'a', action: { type: 'allow' } },
            { id: 'a', action: { type: 'allow' } },
          ],
        }),
        ['rules', 1, 'id'],
        'duplicate',
      ],
      [
        withdrawalPolicy({
          addressLists: {
            allowlist: [{ chain: CHAIN, address: '0x70997970c51812dc3a010c7d01b50e0d17dc79C8' }],
          },
        }),
        ['addressLists', 'allowlist', 0, 'address'],
        'checksum',
      ],
    ]
    for (const [document, path, rule] of cases) {
      let caught: unknown
      try {
        compile(document)
      } catch (error) {
        caught = error
      }
      expect(caught, JSON.stringify(path)).toMatchObject({ path, rule })
    }
  })

  it('first match wins, deny by default, and the matched rule is reported', () => {
    const policy = compile(withdrawalPolicy())
    expect(evaluatePolicy(policy, context())).toMatchObject({
      ruleId: 'small-allow-listed',
      action: 'allow',
      rulesEvaluated: 2,
    })
    expect(evaluatePolicy(policy, context({ amount: 10n ** 18n + 1n }))).toMatchObject({
      ruleId: 'large-allow-listed',
      action: 'require_approvals',
      quorum: [{ group: 'treasury', threshold: 2 }],
    })
    expect(evaluatePolicy(policy, context({ destination: OTHER }))).toMatchObject({
      ruleId: null,
      action: 'block',
      reason: DEFAULT_DENY_REASON,
    })
    expect(evaluatePolicy(policy, { ...context(), screening: 'block' })).toMatchObject({
      ruleId: 'screening-block',
    })
    expect(evaluatePolicy(policy, context({ asset: 'USDC', amount: 1n }))).toMatchObject({
      ruleId: null,
    })
  })

  it('matches business hours in the policy time zone, across midnight and by weekday', () => {
    const policy = compile(
      withdrawalPolicy({
        rules: [
          {
            id: 'after-hours',
            when: { timeOfDay: { utcOffsetMinutes: 60, from: '18:00', to: '08:00' } },
            action: { type: 'block', reason: 'after hours' },
          },
          {
            id: 'weekend',
            when: { timeOfDay: { utcOffsetMinutes: 60, from: '00:00', to: '23:59', days: [0, 6] } },
            action: { type: 'block', reason: 'weekend' },
          },
          { id: 'ok', action: { type: 'allow' } },
        ],
      }),
    )
    const at = (iso: string) => evaluatePolicy(policy, context({}, Date.parse(iso))).ruleId
    expect(at('2024-03-13T12:00:00Z')).toBe('ok') // Wednesday 13:00 at UTC+1
    expect(at('2024-03-13T17:30:00Z')).toBe('after-hours') // 18:30 local
    expect(at('2024-03-14T06:59:00Z')).toBe('after-hours') // 07:59 local, past midnight
    expect(at('2024-03-14T07:00:00Z')).toBe('ok') // 08:00 local
    expect(at('2024-03-16T12:00:00Z')).toBe('weekend') // Saturday
  })
})

describe('velocity tracker', () => {
  it('matches a naive sum over random histories', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 5_000 }),
            fc.bigInt({ min: 1n, max: 1_000n }),
            fc.constantFrom('a', 'b'),
          ),
          {
            maxLength: 200,
          },
        ),
        fc.integer({ min: 1, max: 3_000 }),
        (steps, windowMs) => {
          const tracker = createVelocityTracker({ retentionMs: 10_000 })
          const events: { time: number; amount: bigint; wallet: string }[] = []
          let time = 0
          for (const [dt, amount, wallet] of steps) {
            time += dt
            tracker.record({
              time,
              asset: 'ETH',
              amount,
              wallet,
              initiator: 'i',
              destination: 'd',
              venue: 'v',
            })
            events.push({ time, amount, wallet })
            const inWindow = events.filter(
              (e) => e.wallet === 'a' && e.time > time - windowMs && e.time <= time,
            )
            const expected = inWindow.reduce((sum, e) => sum + e.amount, 0n)
            const totals = tracker.totals('wallet', 'a', 'ETH', windowMs, time)
            if (totals.amount !== expected || totals.count !== inWindow.length) return false
          }
          return true
        },
      ),
      { numRuns: 200 },
    )
  })
})
