import type {
  AuditLog,
  ComplianceAlert,
  ComplianceCheck,
  ComplianceEvent,
  ComplianceOutcome,
  Decision,
  Issue,
  Logger,
} from '@strongroom/core'
import { noopLogger, parseDecimal } from '@strongroom/core'
import { type KycLevel, type KycRegistry, parseKycLevels } from '../kyc/kyc.js'
import { createActivityStore } from '../monitoring/activity.js'
import {
  detectDormantReactivation,
  detectLayering,
  detectRapidMovement,
  detectStructuring,
  detectVelocity,
  type TypologyHit,
} from '../monitoring/typologies.js'
import type { AddressRiskProvider, AddressRiskReport } from '../sanctions/addressRisk.js'
import type { AddressScreen } from '../sanctions/addressScreen.js'
import type { NameScreen } from '../sanctions/nameScreen.js'
import { type Ivms101Person, ivms101PersonNames, validateIvms101 } from '../travelRule/ivms101.js'
import {
  DEFAULT_TRAVEL_RULE_THRESHOLDS,
  findTravelRuleThreshold,
  type TravelRuleThreshold,
} from '../travelRule/thresholds.js'
import type { VaspDirectory, VaspRecord } from '../travelRule/vaspDirectory.js'
import { parseRuleSet, type Rule, type RuleOf, type RuleSet } from './ruleSet.js'
import { assertComplianceEvent } from './validateEvent.js'
import type { Valuator } from './valuation.js'

/** Port: ranks alerts (e.g. a gradient-boosted tree model); returns a score in [0, 1]. */
export type AlertScorer = {
  score(input: AlertScoringInput): number
}

/** What a scorer sees of an alert. */
export type AlertScoringInput = {
  readonly event: ComplianceEvent
  readonly alert: ComplianceAlert
  /** Event value in reference-currency minor units (0n when unknown). */
  readonly value: bigint
  readonly referenceDecimals: number
  /** Events of the account in the 24 h before (and including) this one. */
  readonly eventsLastDay: number
  /** Their value, reference-currency minor units. */
  readonly valueLastDay: bigint
}

/** Facts gathered off the hot path (network look-ups) that `ComplianceEngine.evaluateSync` uses. */
export type EvaluationContext = {
  /** The analytics vendor's report on the event's external address. */
  readonly addressRisk?: AddressRiskReport | undefined
  /** The counterparty VASP of a withdrawal (`null`: the directory does not know the address). */
  readonly counterparty?: VaspRecord | null | undefined
  /** The destination is a self-hosted wallet whose ownership the customer proved. */
  readonly selfHostedVerified?: boolean | undefined
}

/** Port: self-hosted wallets whose ownership customers have proved (signed message, Satoshi test). */
export type SelfHostedWalletRegistry = {
  isVerified(parameters: {
    accountId: string
    chain: string
    address: string
  }): boolean | Promise<boolean>
}

/** Parameters of {@link createComplianceEngine}. */
export type CreateComplianceEngineParameters = {
  /** The rules (data, validated here). */
  readonly rules: unknown
  readonly valuator: Valuator
  readonly kyc?: KycRegistry | undefined
  /** KYC levels and their limits (validated here); needed by a `kyc` rule with `enforceLimits`. */
  readonly kycLevels?: unknown
  readonly addresses?: AddressScreen | undefined
  readonly names?: NameScreen | undefined
  readonly addressRisk?: AddressRiskProvider | undefined
  readonly directory?: VaspDirectory | undefined
  readonly selfHostedWallets?: SelfHostedWalletRegistry | undefined
  /** Travel Rule thresholds (default {@link DEFAULT_TRAVEL_RULE_THRESHOLDS}). */
  readonly travelRuleThresholds?: readonly TravelRuleThreshold[] | undefined
  readonly scorer?: AlertScorer | undefined
  /** When given, `evaluate` records every decision (`compliance.decision`). */
  readonly audit?: AuditLog | undefined
  readonly logger?: Logger | undefined
}

/** The compliance engine: the `ComplianceCheck` port and more. */
export type ComplianceEngine = ComplianceCheck & {
  /**
   * Gathers what needs the network (address risk, counterparty VASP, self-hosted wallet proof),
   * evaluates, records the decision in the audit log and returns it.
   */
  evaluate(event: ComplianceEvent): Promise<Decision>
  /**
   * Evaluates in memory with the facts given in `context` (the hot path). Updates the monitoring
   * windows unless the event is blocked.
   *
   * @throws {ComplianceInputError} `COMPLIANCE_INVALID_EVENT` naming a missing or mistyped field.
   */
  evaluateSync(event: ComplianceEvent, context?: EvaluationContext): Decision
  /** Replaces the rules; an invalid rule set throws and leaves the current one in force. */
  updateRules(rules: unknown): void
  /** Seeds an account's last activity (imported history), for dormancy. */
  seedLastActivity(accountId: string, timestamp: number): void
  readonly ruleVersion: string
  readonly ruleSet: RuleSet
}

const RANK: Record<ComplianceOutcome, number> = { allow: 0, hold: 1, block: 2 }
const DAY = 86_400_000
const DEFAULT_SEVERITY: Record<Rule['type'], ComplianceAlert['severity']> = {
  kyc: 'medium',
  sanctionedAddress: 'critical',
  sanctionedName: 'high',
  addressRisk: 'high',
  travelRule: 'medium',
  structuring: 'high',
  rapidMovement: 'medium',
  layering: 'high',
  velocity: 'medium',
  dormantReactivation: 'medium',
}

type Compiled = {
  ruleSet: RuleSet
  ruleVersion: string
  /** Decimal rule values converted once to reference minor units. */
  minor: Map<string, bigint>
  retentionMs: number
}

function compile(input: unknown): Compiled {
  const { ruleSet, ruleVersion } = parseRuleSet(input)
  const minor = new Map<string, bigint>()
  const put = (rule: Rule, key: string, value: string | undefined, index: number) => {
    if (value === undefined) return
    minor.set(
      `${rule.id}.${key}`,
      parseDecimal(value, {
        decimals: ruleSet.referenceDecimals,
        rounding: 'floor',
        path: ['rules', index, key],
      }),
    )
  }
  let retentionMs = DAY
  ruleSet.rules.forEach((rule, i) => {
    if (rule.type === 'structuring') put(rule, 'threshold', rule.threshold, i)
    if (
      rule.type === 'rapidMovement' ||
      rule.type === 'layering' ||
      rule.type === 'dormantReactivation'
    )
      put(rule, 'minValue', rule.minValue, i)
    if (rule.type === 'velocity') put(rule, 'maxValue', rule.maxValue, i)
    if ('windowMs' in rule && rule.windowMs > retentionMs) retentionMs = rule.windowMs
  })
  return { ruleSet, ruleVersion, minor, retentionMs }
}

/**
 * Creates the compliance engine. Rules are data (see `ruleSetSchema`); each enabled rule adds
 * issues (`{ code, path, message }`) and alerts to the decision, and the strictest outcome wins
 * (block > hold > allow). Monitoring windows use event timestamps, so the same events in the same
 * order give the same decisions. Every decision carries the rule version.
 *
 * @throws {ComplianceInputError} `COMPLIANCE_INVALID_RULE_SET` or `COMPLIANCE_INVALID_KYC` when
 * the rules or the KYC levels are invalid.
 *
 * @example
 * ```ts
 * const engine = createComplianceEngine({ rules, valuator, kyc, kycLevels, addresses, names })
 * const decision = engine.evaluateSync({ kind: 'withdrawal', id: 'w1', timestamp, accountId: 'a1',
 *   asset: 'BTC', amount: 50_000_000n, chain: 'XBT', destinationAddress: '1Fz2…' })
 * decision.outcome // 'block' when the destination is sanctioned
 * ```
 */
export function createComplianceEngine(
  parameters: CreateComplianceEngineParameters,
): ComplianceEngine {
  let compiled = compile(parameters.rules)
  const kycLevels: KycLevel[] =
    parameters.kycLevels === undefined ? [] : parseKycLevels(parameters.kycLevels)
  const levelMinor = new Map<string, bigint>()
  for (const level of kycLevels) {
    for (const [kind, limit] of Object.entries(level.limits)) {
      for (const [key, value] of Object.entries(limit ?? {})) {
        if (value !== undefined) {
          levelMinor.set(
            `${level.level}.${kind}.${key}`,
            parseDecimal(value, {
              decimals: compiled.ruleSet.referenceDecimals,
              rounding: 'floor',
            }),
          )
        }
      }
    }
  }
  const thresholds = parameters.travelRuleThresholds ?? DEFAULT_TRAVEL_RULE_THRESHOLDS
  const activity = createActivityStore({ retentionMs: compiled.retentionMs })
  const logger = parameters.logger ?? noopLogger

  const valueIn = (event: ComplianceEvent, currency: string): bigint | undefined => {
    if (event.kind === 'trade') {
      return parameters.valuator.value({
        asset: event.quoteAsset,
        amount: event.quoteAmount,
        currency,
        timestamp: event.timestamp,
      })
    }
    return parameters.valuator.value({
      asset: event.asset,
      amount: event.amount,
      currency,
      timestamp: event.timestamp,
    })
  }

  const evaluateSync = (event: ComplianceEvent, context: EvaluationContext = {}): Decision => {
    assertComplianceEvent(event)
    const { ruleSet, ruleVersion, minor } = compiled
    const ref = ruleSet.referenceCurrency
    const decimals = ruleSet.referenceDecimals
    const issues: Issue[] = []
    const alerts: ComplianceAlert[] = []
    let outcome: ComplianceOutcome = 'allow'
    const raise = (o: ComplianceOutcome) => {
      if (RANK[o] > RANK[outcome]) outcome = o
    }
    const known = valueIn(event, ref)
    const value = known ?? 0n
    let valueIssue = false
    const needValue = () => {
      if (known !== undefined || valueIssue) return
      valueIssue = true
      issues.push({
        code: 'unknown_asset',
        path: [event.kind === 'trade' ? 'quoteAsset' : 'asset'],
        message: `cannot value ${event.kind === 'trade' ? event.quoteAsset : event.asset} in ${ref}; limits and typologies need a price.`,
      })
      raise('hold')
    }
    const alert = (
      rule: Rule,
      code: string,
      hit: TypologyHit | { message: string; evidence?: Record<string, unknown> },
    ) => {
      alerts.push({
        code,
        ruleId: rule.id,
        severity: rule.severity ?? DEFAULT_SEVERITY[rule.type],
        message: hit.message,
        evidence: hit.evidence,
      })
    }
    const act = (
      rule: Rule,
      action: 'alert' | 'hold' | 'block' | 'allow',
      code: string,
      hit: TypologyHit | { message: string; evidence?: Record<string, unknown> },
      path: (string | number)[] = [],
    ) => {
      alert(rule, code, hit)
      if (action === 'hold' || action === 'block') {
        raise(action)
        issues.push({ code, path, message: hit.message })
      }
    }
    const externalAddress =
      event.kind === 'withdrawal'
        ? event.destinationAddress
        : event.kind === 'deposit'
          ? event.sourceAddress
          : undefined
    const addressField = event.kind === 'withdrawal' ? 'destinationAddress' : 'sourceAddress'

    for (const rule of ruleSet.rules) {
      if (!rule.enabled) continue
      switch (rule.type) {
        case 'kyc': {
          if (!parameters.kyc) break
          const status = parameters.kyc.statusAt(event.accountId, event.timestamp)
          if (status !== 'verified') {
            const o =
              status === 'missing'
                ? rule.onMissing
                : status === 'pending'
                  ? rule.onPending
                  : status === 'expired'
                    ? rule.onExpired
                    : rule.onRejected
            raise(o)
            if (o !== 'allow')
              issues.push({
                code: `kyc_${status}`,
                path: ['accountId'],
                message: `account ${event.accountId} KYC is ${status}.`,
              })
            break
          }
          if (!rule.enforceLimits) break
          needValue()
          const level = parameters.kyc.get(event.accountId)?.level ?? 0
          const kind = event.kind
          const perTx = levelMinor.get(`${level}.${kind}.perTransaction`)
          const perDay = levelMinor.get(`${level}.${kind}.perDay`)
          if (!kycLevels.some((l) => l.level === level)) {
            raise(rule.overLimit)
            issues.push({
              code: 'kyc_level_unknown',
              path: ['accountId'],
              message: `KYC level ${level} has no limits defined.`,
            })
            break
          }
          if (perTx !== undefined && value > perTx) {
            raise(rule.overLimit)
            issues.push({
              code: 'kyc_limit_transaction',
              path: [kind === 'trade' ? 'quoteAmount' : 'amount'],
              message: `exceeds the level-${level} ${kind} limit per transaction.`,
            })
          }
          if (perDay !== undefined) {
            const own = kind === 'transfer' ? 'transfer-out' : kind
            const day = activity
              .window(event.accountId, event.timestamp, DAY)
              .filter((e) => e.kind === own && e.id !== event.id)
            const total = day.reduce((a, e) => a + e.value, value)
            if (total > perDay) {
              raise(rule.overLimit)
              issues.push({
                code: 'kyc_limit_daily',
                path: [kind === 'trade' ? 'quoteAmount' : 'amount'],
                message: `brings the last 24 h of ${kind}s over the level-${level} daily limit.`,
              })
            }
          }
          break
        }
        case 'sanctionedAddress': {
          if (!parameters.addresses || externalAddress === undefined) break
          const match = parameters.addresses.lookup(externalAddress)
          if (!match) break
          const first = match.listings[0]!
          act(
            rule,
            rule.action,
            'sanctioned_address',
            {
              message: `${addressField} is listed by ${first.source} (${first.currency}, entity ${first.entityId}${first.name ? `, ${first.name}` : ''}).`,
              evidence: {
                address: externalAddress,
                listings: match.listings.map((l) => `${l.source}:${l.entityId}:${l.currency}`),
              },
            },
            [addressField],
          )
          break
        }
        case 'sanctionedName': {
          if (!parameters.names || event.kind !== 'withdrawal' || event.beneficiary === undefined)
            break
          const persons = ((event.beneficiary as { beneficiary?: { beneficiaryPersons?: unknown } })
            ?.beneficiary?.beneficiaryPersons ?? []) as Ivms101Person[]
          if (!Array.isArray(persons)) break
          persons.forEach((person, i) => {
            if (typeof person !== 'object' || person === null) return
            for (const name of ivms101PersonNames(person)) {
              const [match] = parameters.names!.screen({
                name,
                threshold: rule.threshold,
                limit: 1,
              })
              if (!match) continue
              act(
                rule,
                rule.action,
                'sanctioned_name',
                {
                  message: `beneficiary "${name}" matches listed "${match.matchedName}" (score ${match.score.toFixed(3)}).`,
                  evidence: {
                    name,
                    matched: match.matchedName,
                    entityId: match.party.entityId,
                    score: match.score,
                    tokens: match.explanation.tokens.map(
                      (t) => `${t.queryToken}~${t.listedToken ?? '-'}:${t.score.toFixed(2)}`,
                    ),
                  },
                },
                ['beneficiary', 'beneficiary', 'beneficiaryPersons', i],
              )
            }
          })
          break
        }
        case 'addressRisk': {
          const report = context.addressRisk
          if (!report || externalAddress === undefined) break
          const direct = report.exposures
            .filter((e) => e.exposure === 'direct')
            .map((e) => e.category)
          const blockCat = direct.find((c) => rule.blockCategories.includes(c))
          const holdCat = direct.find((c) => rule.holdCategories.includes(c))
          const evidence = {
            provider: report.provider,
            riskScore: report.riskScore,
            categories: report.exposures.map((e) => `${e.category}:${e.exposure}`),
          }
          if (blockCat !== undefined || report.riskScore >= rule.blockScore) {
            act(
              rule,
              'block',
              'address_risk',
              {
                message: `${addressField} risk ${report.riskScore}/10${blockCat ? `, direct ${blockCat} exposure` : ''}.`,
                evidence,
              },
              [addressField],
            )
          } else if (holdCat !== undefined || report.riskScore >= rule.holdScore) {
            act(
              rule,
              'hold',
              'address_risk',
              {
                message: `${addressField} risk ${report.riskScore}/10${holdCat ? `, direct ${holdCat} exposure` : ''}.`,
                evidence,
              },
              [addressField],
            )
          }
          break
        }
        case 'travelRule': {
          if (event.kind !== 'withdrawal') break
          const entry = findTravelRuleThreshold(thresholds, rule.jurisdiction, event.timestamp)
          if (!entry) break
          const amount = valueIn(event, entry.currency)
          if (amount === undefined) {
            issues.push({
              code: 'unknown_asset',
              path: ['asset'],
              message: `cannot value ${event.asset} in ${entry.currency} for the ${entry.jurisdiction} Travel Rule.`,
            })
            raise(rule.missingData)
            break
          }
          const currencyDecimals = parameters.valuator.currencyDecimals(entry.currency)
          if (currencyDecimals === undefined) {
            issues.push({
              code: 'unknown_currency',
              path: ['asset'],
              message: `the valuator does not know ${entry.currency}, the currency of the ${entry.jurisdiction} Travel Rule threshold.`,
            })
            raise(rule.missingData)
            break
          }
          const threshold = parseDecimal(entry.threshold, {
            decimals: currencyDecimals,
            rounding: 'floor',
          })
          if (amount < threshold) break
          const counterparty = context.counterparty
          if (counterparty) {
            if (!counterparty.verified && rule.unverifiedCounterparty !== 'allow') {
              raise(rule.unverifiedCounterparty)
              issues.push({
                code: 'counterparty_unverified',
                path: ['destinationAddress'],
                message: `counterparty VASP ${counterparty.name} is not verified by the directory.`,
              })
            }
            if (event.beneficiary === undefined) {
              raise(rule.missingData)
              issues.push({
                code: 'travel_rule_data_missing',
                path: ['beneficiary'],
                message: `${entry.jurisdiction} Travel Rule (${entry.threshold} ${entry.currency}) needs beneficiary data (IVMS101).`,
              })
            } else {
              const found = validateIvms101(event.beneficiary, {
                asOf: new Date(event.timestamp).toISOString().slice(0, 10),
                require: { originator: true, beneficiary: true },
              })
              if (found.length > 0) {
                raise(rule.missingData)
                for (const issue of found)
                  issues.push({ ...issue, path: ['beneficiary', ...issue.path] })
              }
            }
            alert(rule, 'travel_rule_required', {
              message: `${entry.jurisdiction} Travel Rule applies: ${counterparty.name} (${counterparty.protocols.join('/')}).`,
              evidence: {
                jurisdiction: entry.jurisdiction,
                threshold: `${entry.threshold} ${entry.currency}`,
                counterparty: counterparty.id,
              },
            })
          } else if (context.selfHostedVerified) {
            // A verified self-hosted wallet: no VASP to exchange with; the proof is the evidence.
          } else {
            const above = entry.selfHostedVerificationAbove
            const verificationNeeded =
              above === undefined ||
              amount > parseDecimal(above, { decimals: currencyDecimals, rounding: 'floor' })
            if (verificationNeeded) {
              raise(rule.unknownCounterparty)
              issues.push({
                code: 'unknown_counterparty',
                path: ['destinationAddress'],
                message: `no directory knows ${event.destinationAddress} and it is not a verified self-hosted wallet (${entry.jurisdiction} Travel Rule).`,
              })
            }
          }
          break
        }
        case 'structuring': {
          needValue()
          const hit = detectStructuring({
            rule,
            event,
            value,
            threshold: minor.get(`${rule.id}.threshold`)!,
            decimals,
            activity,
          })
          if (hit) act(rule, rule.action, 'structuring', hit)
          break
        }
        case 'rapidMovement': {
          needValue()
          const hit = detectRapidMovement({
            rule,
            event,
            value,
            minValue: minor.get(`${rule.id}.minValue`)!,
            decimals,
            activity,
          })
          if (hit) act(rule, rule.action, 'rapid_movement', hit)
          break
        }
        case 'layering': {
          needValue()
          const hit = detectLayering({
            rule,
            event,
            value,
            minValue: minor.get(`${rule.id}.minValue`) ?? 0n,
            activity,
          })
          if (hit) act(rule, rule.action, 'layering', hit)
          break
        }
        case 'velocity': {
          needValue()
          const hit = detectVelocity({
            rule,
            event,
            value,
            maxValue: minor.get(`${rule.id}.maxValue`),
            decimals,
            activity,
          })
          if (hit) act(rule, rule.action, 'velocity', hit)
          break
        }
        case 'dormantReactivation': {
          needValue()
          const hit = detectDormantReactivation({
            rule,
            event,
            value,
            minValue: minor.get(`${rule.id}.minValue`)!,
            decimals,
            lastActivity: activity.lastActivity(event.accountId),
          })
          if (hit) act(rule, rule.action, 'dormant_reactivation', hit)
          break
        }
      }
    }

    if (parameters.scorer && alerts.length > 0) {
      const day = activity.window(event.accountId, event.timestamp, DAY)
      const valueLastDay = day.reduce((a, e) => a + e.value, value)
      for (let i = 0; i < alerts.length; i++) {
        const a = alerts[i]!
        const score = parameters.scorer.score({
          event,
          alert: a,
          value,
          referenceDecimals: decimals,
          eventsLastDay: day.length + 1,
          valueLastDay,
        })
        alerts[i] = { ...a, score }
      }
    }

    if ((outcome as ComplianceOutcome) !== 'block') record(event, value)
    return { outcome, issues, alerts, ruleVersion }
  }

  const record = (event: ComplianceEvent, value: bigint) => {
    switch (event.kind) {
      case 'deposit':
        activity.record(event.accountId, {
          id: event.id,
          kind: 'deposit',
          t: event.timestamp,
          value,
        })
        activity.recordHop(event.accountId, {
          t: event.timestamp,
          hops: 0,
          path: [event.accountId],
          eventIds: [event.id],
        })
        return
      case 'withdrawal':
        activity.record(event.accountId, {
          id: event.id,
          kind: 'withdrawal',
          t: event.timestamp,
          value,
        })
        return
      case 'trade':
        activity.record(event.accountId, { id: event.id, kind: 'trade', t: event.timestamp, value })
        return
      case 'transfer': {
        activity.record(event.accountId, {
          id: event.id,
          kind: 'transfer-out',
          t: event.timestamp,
          value,
        })
        activity.record(event.toAccountId, {
          id: event.id,
          kind: 'transfer-in',
          t: event.timestamp,
          value,
        })
        let layeringWindow = 0
        for (const r of compiled.ruleSet.rules)
          if (r.type === 'layering' && r.windowMs > layeringWindow) layeringWindow = r.windowMs
        if (layeringWindow === 0) return
        let from = {
          hops: 0,
          path: [event.accountId] as readonly string[],
          eventIds: [] as readonly string[],
        }
        for (const h of activity.hopWindow(event.accountId, event.timestamp, layeringWindow)) {
          if (h.hops >= from.hops && h.path.length >= from.path.length) from = h
        }
        activity.recordHop(event.toAccountId, {
          t: event.timestamp,
          hops: from.hops + 1,
          path: [...from.path, event.toAccountId],
          eventIds: [...from.eventIds, event.id],
        })
      }
    }
  }

  const hasRule = (type: Rule['type']) =>
    compiled.ruleSet.rules.some((r) => r.enabled && r.type === type)

  return {
    evaluateSync,
    async evaluate(event) {
      assertComplianceEvent(event)
      const context: {
        addressRisk?: AddressRiskReport
        counterparty?: VaspRecord | null
        selfHostedVerified?: boolean
      } = {}
      const address =
        event.kind === 'withdrawal'
          ? event.destinationAddress
          : event.kind === 'deposit'
            ? event.sourceAddress
            : undefined
      const chain = event.kind === 'withdrawal' || event.kind === 'deposit' ? event.chain : ''
      if (address !== undefined && parameters.addressRisk && hasRule('addressRisk')) {
        try {
          context.addressRisk = await parameters.addressRisk.screenAddress({ chain, address })
        } catch (error) {
          logger.warn('address risk provider failed', { eventId: event.id, error: String(error) })
        }
      }
      if (event.kind === 'withdrawal' && hasRule('travelRule')) {
        context.counterparty = parameters.directory
          ? ((await parameters.directory.lookupByAddress({
              chain,
              address: event.destinationAddress,
            })) ?? null)
          : null
        if (!context.counterparty && parameters.selfHostedWallets) {
          context.selfHostedVerified = await parameters.selfHostedWallets.isVerified({
            accountId: event.accountId,
            chain,
            address: event.destinationAddress,
          })
        }
      }
      const decision = evaluateSync(event, context)
      await parameters.audit?.append({
        type: 'compliance.decision',
        actor: 'compliance',
        data: {
          eventId: event.id,
          kind: event.kind,
          accountId: event.accountId,
          timestamp: event.timestamp,
          outcome: decision.outcome,
          ruleVersion: decision.ruleVersion,
          issues: decision.issues.map((i) => ({
            code: i.code,
            path: i.path.join('.'),
            message: i.message,
          })),
          alerts: decision.alerts.map((a) => ({
            code: a.code,
            ruleId: a.ruleId,
            severity: a.severity,
            score: a.score ?? null,
          })),
          lists: {
            addresses: parameters.addresses?.version ?? null,
            names: parameters.names?.version ?? null,
          },
          addressRisk: context.addressRisk ? context.addressRisk.riskScore : null,
          counterparty: context.counterparty ? context.counterparty.id : null,
        },
      })
      return decision
    },
    updateRules(rules) {
      const next = compile(rules)
      activity.setRetention(next.retentionMs)
      compiled = next
    },
    seedLastActivity(accountId, timestamp) {
      activity.seedLastActivity(accountId, timestamp)
    },
    get ruleVersion() {
      return compiled.ruleVersion
    },
    get ruleSet() {
      return compiled.ruleSet
    },
  }
}

/** Convenience: the rule of `type` with `id` from a rule set. */
export function findRule<type extends Rule['type']>(
  ruleSet: RuleSet,
  type: type,
  id?: string,
): RuleOf<type> | undefined {
  return ruleSet.rules.find(
    (r): r is RuleOf<type> => r.type === type && (id === undefined || r.id === id),
  )
}
