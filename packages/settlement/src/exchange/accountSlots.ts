import type { LedgerAccountRef } from '@strongroom/core'
import type { AccountCache } from '../ledger/accountCache.js'
import type { SqlExecutor } from '../store/sqlStore.js'
import { ACCOUNT_ROLES, availableAccount, feeAccount, lockedAccount } from './accounts.js'
import type { SettlementEvent } from './events.js'

/** A customer's two accounts of one asset, as slots. */
export type CustomerSlots = { available: number; locked: number }

/**
 * Dense slot numbers for the accounts a settler touches, so that netting indexes arrays instead
 * of hashing refs. Filled from the ledger's account cache on first use of an account.
 */
export class AccountSlots {
  /** Slot → account id in the database. */
  readonly accountIds: number[] = []
  /** Slot → account flags. */
  readonly flags: number[] = []
  /** Slot → account ref. */
  readonly refs: LedgerAccountRef[] = []
  readonly #customers = new Map<string, Map<string, CustomerSlots>>()
  readonly #fees = new Map<string, { maker: number; taker: number }>()
  readonly #slotOfId = new Map<number, number>()
  #order: number[] = []

  /** Every slot, sorted by account id (new slots are merged in, not re-sorted). */
  get order(): readonly number[] {
    const known = this.#order.length
    if (known !== this.accountIds.length) {
      const ids = this.accountIds
      const fresh: number[] = []
      for (let slot = known; slot < ids.length; slot++) fresh.push(slot)
      fresh.sort((a, b) => ids[a]! - ids[b]!)
      const merged: number[] = new Array(ids.length)
      let i = 0
      let j = 0
      for (let k = 0; k < merged.length; k++) {
        const a = this.#order[i]
        const b = fresh[j]
        if (b === undefined || (a !== undefined && ids[a]! < ids[b]!)) {
          merged[k] = a!
          i++
        } else {
          merged[k] = b
          j++
        }
      }
      this.#order = merged
    }
    return this.#order
  }

  get size(): number {
    return this.accountIds.length
  }

  customer(owner: string, asset: string): CustomerSlots | undefined {
    return this.#customers.get(owner)?.get(asset)
  }

  fees(asset: string): { maker: number; taker: number } | undefined {
    return this.#fees.get(asset)
  }

  #slot(id: number, flags: number, ref: LedgerAccountRef): number {
    let slot = this.#slotOfId.get(id)
    if (slot === undefined) {
      slot = this.accountIds.length
      this.accountIds.push(id)
      this.flags.push(flags)
      this.refs.push(ref)
      this.#slotOfId.set(id, slot)
    }
    return slot
  }

  /**
   * Gives every account the events touch a slot, reading unknown ones from the database.
   * Returns the first account that does not exist (with the event that named it).
   */
  async prepare(
    db: SqlExecutor,
    cache: AccountCache,
    events: readonly SettlementEvent[],
  ): Promise<{ ref: LedgerAccountRef; key: string } | undefined> {
    const wanted: { ref: LedgerAccountRef; key: string }[] = []
    const asked = new Set<string>()
    const want = (owner: string, asset: string, key: string) => {
      if (this.customer(owner, asset)) return
      const pair = `${owner}\u0000${asset}`
      if (asked.has(pair)) return
      asked.add(pair)
      wanted.push({ ref: availableAccount(owner, asset), key })
      wanted.push({ ref: lockedAccount(owner, asset), key })
    }
    const wantFees = (asset: string, key: string) => {
      if (this.#fees.has(asset) || asked.has(asset)) return
      asked.add(asset)
      wanted.push({ ref: feeAccount(asset, 'maker'), key })
      wanted.push({ ref: feeAccount(asset, 'taker'), key })
    }
    for (const event of events) {
      if (event.type === 'trade') {
        want(event.buyer, event.base, event.key)
        want(event.buyer, event.quote, event.key)
        want(event.seller, event.base, event.key)
        want(event.seller, event.quote, event.key)
        wantFees(event.base, event.key)
        wantFees(event.quote, event.key)
      } else {
        want(event.owner, event.asset, event.key)
      }
    }
    if (wanted.length === 0) return undefined
    await cache.resolve(
      db,
      wanted.map((w) => w.ref),
    )
    for (const { ref, key } of wanted) {
      if (!cache.get(ref)) return { ref, key }
    }
    for (const { ref } of wanted) {
      const found = cache.get(ref)!
      const slot = this.#slot(Number(found.id), found.flags, found.ref)
      if (ref.role === ACCOUNT_ROLES.available || ref.role === ACCOUNT_ROLES.locked) {
        let byAsset = this.#customers.get(ref.owner)
        if (!byAsset) {
          byAsset = new Map()
          this.#customers.set(ref.owner, byAsset)
        }
        const slots = byAsset.get(ref.asset) ?? { available: -1, locked: -1 }
        if (ref.role === ACCOUNT_ROLES.available) slots.available = slot
        else slots.locked = slot
        byAsset.set(ref.asset, slots)
      } else {
        const slots = this.#fees.get(ref.asset) ?? { maker: -1, taker: -1 }
        if (ref.role === ACCOUNT_ROLES.makerFees) slots.maker = slot
        else slots.taker = slot
        this.#fees.set(ref.asset, slots)
      }
    }
    return undefined
  }
}
