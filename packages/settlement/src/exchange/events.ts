import { type IssuePath, isId } from '@strongroom/core'
import { SettlementInputError } from '../errors.js'
import { assertAmount } from '../ledger/validate.js'

/** An order was accepted: `amount` of `asset` moves from available to locked (its hold). */
export type LockEvent = {
  readonly type: 'lock'
  /** Journal sequence number (strictly increasing within a stream). */
  readonly seq: number
  /** The order id. */
  readonly key: string
  readonly owner: string
  readonly asset: string
  readonly amount: bigint
}

/** An order was cancelled or finished: what is left of its hold goes back to available. */
export type ReleaseEvent = {
  readonly type: 'release'
  readonly seq: number
  /** The order id. */
  readonly key: string
  readonly owner: string
  readonly asset: string
  readonly amount: bigint
}

/**
 * A fill between a buyer and a seller. The buyer pays `quoteAmount` from locked quote and gets
 * `baseAmount` less the buyer's fee into available base; the seller pays `baseAmount` from
 * locked base and gets `quoteAmount` less the seller's fee into available quote. Fees go to the
 * venue's maker or taker fee account of the asset they are taken in.
 */
export type TradeEvent = {
  readonly type: 'trade'
  readonly seq: number
  /** The trade id. */
  readonly key: string
  readonly base: string
  readonly quote: string
  readonly buyer: string
  readonly seller: string
  readonly baseAmount: bigint
  readonly quoteAmount: bigint
  /** Which side rested on the book. */
  readonly maker: 'buyer' | 'seller'
  /** Fee in base units taken from the buyer; default: from the fee schedule. */
  readonly buyerFee?: bigint | undefined
  /** Fee in quote units taken from the seller; default: from the fee schedule. */
  readonly sellerFee?: bigint | undefined
}

/** A journaled event the settlement applies. */
export type SettlementEvent = LockEvent | ReleaseEvent | TradeEvent

const PART = /^[A-Za-z0-9_.:@/-]{1,128}$/

function assertPart(value: unknown, path: IssuePath): void {
  if (typeof value !== 'string' || !PART.test(value)) {
    throw new SettlementInputError('must be 1-128 characters from A-Z a-z 0-9 _ . : @ / -.', {
      path,
      rule: 'format',
    })
  }
}

function assertFee(value: bigint | undefined, max: bigint, path: IssuePath): void {
  if (value === undefined) return
  if (typeof value !== 'bigint' || value < 0n || value > max) {
    throw new SettlementInputError('must be a bigint from 0 to the amount it is taken from.', {
      path,
      rule: 'out_of_range',
    })
  }
}

/**
 * Checks the shape of a batch of events: increasing sequence numbers, ids, positive amounts.
 *
 * @throws {SettlementInputError} naming the field.
 */
export function assertSettlementEvents(events: readonly SettlementEvent[], lastSeq = 0): void {
  if (!Array.isArray(events) || events.length === 0) {
    throw new SettlementInputError('must be a non-empty array.', {
      path: ['events'],
      rule: 'empty',
    })
  }
  let previous = lastSeq
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!
    if (!Number.isSafeInteger(event.seq) || event.seq <= previous) {
      throw new SettlementInputError(
        i === 0
          ? 'must be a positive safe integer.'
          : `must be a safe integer greater than the previous event's (${previous}).`,
        { path: ['events', i, 'seq'], rule: 'not_increasing' },
      )
    }
    previous = event.seq
    if (!isId(event.key)) {
      throw new SettlementInputError('must be 1-128 characters from A-Z a-z 0-9 _ . : -.', {
        path: ['events', i, 'key'],
        rule: 'format',
      })
    }
    if (event.type === 'lock' || event.type === 'release') {
      assertPart(event.owner, ['events', i, 'owner'])
      assertPart(event.asset, ['events', i, 'asset'])
      assertAmount(event.amount, ['events', i, 'amount'])
    } else if (event.type === 'trade') {
      assertPart(event.base, ['events', i, 'base'])
      assertPart(event.quote, ['events', i, 'quote'])
      if (event.base === event.quote) {
        throw new SettlementInputError('must differ from base.', {
          path: ['events', i, 'quote'],
          rule: 'asset_mismatch',
        })
      }
      assertPart(event.buyer, ['events', i, 'buyer'])
      assertPart(event.seller, ['events', i, 'seller'])
      assertAmount(event.baseAmount, ['events', i, 'baseAmount'])
      assertAmount(event.quoteAmount, ['events', i, 'quoteAmount'])
      if (event.maker !== 'buyer' && event.maker !== 'seller') {
        throw new SettlementInputError('must be "buyer" or "seller".', {
          path: ['events', i, 'maker'],
          rule: 'format',
        })
      }
      assertFee(event.buyerFee, event.baseAmount, ['events', i, 'buyerFee'])
      assertFee(event.sellerFee, event.quoteAmount, ['events', i, 'sellerFee'])
    } else {
      throw new SettlementInputError('must be lock, release or trade.', {
        path: ['events', i, 'type'],
        rule: 'format',
      })
    }
  }
}
