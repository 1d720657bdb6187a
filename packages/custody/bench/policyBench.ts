// Policy decision latency with 1,000 rules and a busy velocity window.
import type { RequestId, WalletId } from '@strongroom/core'
import {
  compilePolicy,
  createVelocityTracker,
  evaluatePolicy,
  evmAddressFormat,
} from '@strongroom/custody'
import { approvers, CHAIN, DEST, ETH, USDC } from '../test/helpers.js'
import { line, nowUs, summarize } from './stats.js'

export function benchPolicy() {
  const group = [approvers.alice, approvers.bob, approvers.carol].map((a) => ({
    id: a.id,
    publicKey: a.publicKey,
  }))
  const list = Array.from({ length: 2_000 }, (_, i) => ({
    chain: CHAIN,
    address: `0x${(i + 1).toString(16).padStart(40, '0')}`,
  }))
  list.push({ chain: CHAIN, address: DEST })
  const rules: unknown[] = []
  // 997 rules that look at the request but do not match it (other initiators, wallets, tiers,
  // assets, amounts, hours, velocity windows), then the three rules that decide.
  for (let i = 0; i < 997; i++) {
    switch (i % 6) {
      case 0:
        rules.push({
          id: `r${i}`,
          when: { initiators: [`user-${i}`, `user-${i + 1}`] },
          action: { type: 'block', reason: 'x' },
        })
        break
      case 1:
        rules.push({
          id: `r${i}`,
          when: { wallets: [`wallet-${i}`], assets: ['ETH'] },
          action: { type: 'allow' },
        })
        break
      case 2:
        rules.push({
          id: `r${i}`,
          when: { assets: ['USDC'], amount: { above: { USDC: '1000000' } } },
          action: { type: 'block', reason: 'x' },
        })
        break
      case 3:
        rules.push({
          id: `r${i}`,
          when: { destination: { inLists: ['allowlist'] }, amount: { above: { ETH: '100000' } } },
          action: { type: 'require_approvals', quorum: [{ group: 'treasury', threshold: 3 }] },
        })
        break
      case 4:
        rules.push({
          id: `r${i}`,
          when: {
            velocity: { windowMs: 3_600_000 + i, scope: 'wallet', above: { ETH: '1000000' } },
          },
          action: { type: 'require_approvals', quorum: [{ group: 'treasury', threshold: 2 }] },
        })
        break
      default:
        rules.push({
          id: `r${i}`,
          when: { tiers: ['cold'], timeOfDay: { utcOffsetMinutes: 0, from: '00:00', to: '06:00' } },
          action: { type: 'block', reason: 'x' },
        })
    }
  }
  rules.push(
    {
      id: 'screening',
      when: { screening: ['block'] },
      action: { type: 'block', reason: 'sanctioned' },
    },
    {
      id: 'velocity',
      when: { velocity: { windowMs: 3_600_000, scope: 'wallet', above: { ETH: '1000000' } } },
      action: { type: 'require_approvals', quorum: [{ group: 'treasury', threshold: 2 }] },
    },
    {
      id: 'allow',
      when: { destination: { inLists: ['allowlist'] }, assets: ['ETH'] },
      action: { type: 'allow' },
    },
  )
  const policy = compilePolicy({
    document: {
      id: 'bench',
      version: 1,
      approverGroups: [{ id: 'treasury', approvers: group }],
      addressLists: { allowlist: list },
      governance: { approvers: group, threshold: 2, timeLockMs: 0 },
      rules,
    },
    assets: [ETH, USDC],
    addressFormats: [evmAddressFormat],
  })
  // A busy window: 100,000 withdrawals of the wallet in the last hour.
  const velocity = createVelocityTracker()
  const now = 1_700_000_000_000
  for (let i = 0; i < 100_000; i++) {
    velocity.record({
      time: now - 3_600_000 + i * 36,
      asset: 'ETH',
      amount: 10n ** 15n,
      wallet: 'hot',
      initiator: `user-${i % 50}`,
      destination: DEST,
      venue: 'v1',
    })
  }
  const wallet = { id: 'hot' as WalletId, tier: 'hot' as const, venue: 'v1' }
  const iterations = 20_000
  const samples = new Float64Array(iterations)
  let allowed = 0
  for (let i = -2_000; i < iterations; i++) {
    const start = nowUs()
    const decision = evaluatePolicy(policy, {
      request: {
        requestId: `r${i}` as RequestId,
        kind: 'withdrawal',
        walletId: 'hot' as WalletId,
        initiator: 'dave',
        chain: CHAIN,
        asset: 'ETH',
        amount: 10n ** 17n + BigInt(i),
        destination: DEST,
        createdAt: now,
      },
      wallet,
      screening: 'allow',
      velocity,
      now: now + Math.max(i, 0),
    })
    if (i >= 0) samples[i] = nowUs() - start
    if (i >= 0 && decision.ruleId === 'allow') allowed++
  }
  if (allowed < iterations) throw new Error(`expected the last rule to decide, got ${allowed}`)
  console.log(
    `\npolicy engine: ${policy.rules.length} rules, 100,000 events in the velocity window, ${iterations} decisions (each walks all rules)`,
  )
  line('policy decision latency', summarize(samples), { p99Us: 1_000, name: 'issue' })
  console.log(`${''.padEnd(58)} industry budget 20 ms p99`)
}
