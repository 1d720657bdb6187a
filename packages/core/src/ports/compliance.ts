import type { Issue } from '../issue.js'

/** Fields every {@link ComplianceEvent} has. */
export type ComplianceEventBase = {
  /** Unique id of the event (deposit id, withdrawal id, trade id, transfer id). */
  readonly id: string
  /** Event time in epoch ms; monitoring windows use it, never the wall clock. */
  readonly timestamp: number
}

/** A deposit seen on chain. */
export type ComplianceDepositEvent = ComplianceEventBase & {
  readonly kind: 'deposit'
  readonly accountId: string
  readonly asset: string
  readonly amount: bigint
  readonly chain: string
  /** Where the funds came from, when known. */
  readonly sourceAddress?: string | undefined
  readonly txHash?: string | undefined
}

/** A withdrawal request. */
export type ComplianceWithdrawalEvent = ComplianceEventBase & {
  readonly kind: 'withdrawal'
  readonly accountId: string
  readonly asset: string
  readonly amount: bigint
  readonly chain: string
  readonly destinationAddress: string
  /** Travel Rule data about the beneficiary, when supplied (IVMS101 JSON). */
  readonly beneficiary?: unknown
}

/** One side of a trade, from the point of view of `accountId`. */
export type ComplianceTradeEvent = ComplianceEventBase & {
  readonly kind: 'trade'
  readonly accountId: string
  readonly counterpartyAccountId: string
  readonly instrument: string
  readonly side: 'buy' | 'sell'
  /** Base asset amount and quote asset amount exchanged, minor units. */
  readonly baseAsset: string
  readonly baseAmount: bigint
  readonly quoteAsset: string
  readonly quoteAmount: bigint
}

/** An internal transfer between two accounts of the venue. */
export type ComplianceTransferEvent = ComplianceEventBase & {
  readonly kind: 'transfer'
  readonly accountId: string
  readonly toAccountId: string
  readonly asset: string
  readonly amount: bigint
}

/** Everything compliance evaluates. */
export type ComplianceEvent =
  | ComplianceDepositEvent
  | ComplianceWithdrawalEvent
  | ComplianceTradeEvent
  | ComplianceTransferEvent

/** What happens to the event: go ahead, wait for a reviewer, or refuse. */
export type ComplianceOutcome = 'allow' | 'hold' | 'block'

/** A finding for the review queue. */
export type ComplianceAlert = {
  /** Stable code of the typology or rule, e.g. `structuring`. */
  readonly code: string
  readonly ruleId: string
  readonly severity: 'low' | 'medium' | 'high' | 'critical'
  /** Model score in [0, 1] when a scoring model ranked it. */
  readonly score?: number | undefined
  readonly message: string
  /** Evidence: ids of the events that formed the pattern, thresholds crossed. */
  readonly evidence?: Readonly<Record<string, unknown>> | undefined
}

/** The result of evaluating one event. */
export type Decision = {
  readonly outcome: ComplianceOutcome
  /** Why (empty when allowed without remark). */
  readonly issues: readonly Issue[]
  readonly alerts: readonly ComplianceAlert[]
  /** Version of the rule set that decided, so that an auditor can replay the decision. */
  readonly ruleVersion: string
}

/**
 * Port: the compliance gate. Deterministic for the same events in the same order (windows use
 * event timestamps).
 */
export type ComplianceCheck = {
  evaluate(event: ComplianceEvent): Decision | Promise<Decision>
}
