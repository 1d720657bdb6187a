import type { LedgerAccountRef } from '@strongroom/core'
import type { AccountCache } from '../ledger/accountCache.js'
import type { SqlExecutor } from '../store/sqlStore.js'
import { ACCOUNT_ROLES, availableAccount, feeAccount, lockedAccount } from './accounts.js'
import type { SettlementEvent } from './events.js'

/** Slot of a customer's available account of asset index `a` in its slot row. */
export const availableAt = (a: number) => 2 * a
/** Slot of a customer's locked account of asset index `a` in its slot row. */
export const lockedAt = (a: number) => 2 * a + 1

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
  /** Owner → slot row: `row[availableAt(a)]`, `row[lockedAt(a)]` for asset index `a`. */
  readonly #owners = new Map<string, number[]>()
  readonly #assets = new Map<string, number>()
  /** Asset index → slot of the maker / taker fee account. */
  readonly makerFees: number[] = []
  readonly takerFees: number[] = []
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

  /** The owner's slot row, if any of its accounts is known. */
  owner(owner: string): number[] | undefined {
    return this.#owners.get(owner)
  }

  /** The asset's index, if known. */
  asset(asset: string): number | undefined {
    return this.#assets.get(asset)
  }

  #assetIndex(asset: string): number {
    let index = this.#assets.get(asset)
    if (index === undefined) {
      index = this.#assets.size
      this.#assets.set(asset, index)
    }
    return index
  }

  /** Whether the owner's available and locked accounts of the asset have slots. */
  hasCustomer(owner: string, asset: string): boolean {
    const a = this.#assets.get(asset)
    const row = this.#owners.get(owner)
    return a !== undefined && row?.[availableAt(a)] !== undefined && row[lockedAt(a)] !== undefined
  }

  /** Whether the asset's maker and taker fee accounts have slots. */
  hasFees(asset: string): boolean {
    const a = this.#assets.get(asset)
    return a !== undefined && this.makerFees[a] !== undefined && this.takerFees[a] !== undefined
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
      if (this.hasCustomer(owner, asset)) return
      const pair = `${owner}\u0000${asset}`
      if (asked.has(pair)) return
      asked.add(pair)
      wanted.push({ ref: availableAccount(owner, asset), key })
      wanted.push({ ref: lockedAccount(owner, asset), key })
    }
    const wantFees = (asset: string, key: string) => {
      if (this.hasFees(asset) || asked.has(asset)) return
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
      const a = this.#assetIndex(ref.asset)
      if (ref.role === ACCOUNT_ROLES.available || ref.role === ACCOUNT_ROLES.locked) {
        let row = this.#owners.get(ref.owner)
        if (!row) {
          row = []
          this.#owners.set(ref.owner, row)
        }
        row[ref.role === ACCOUNT_ROLES.available ? availableAt(a) : lockedAt(a)] = slot
      } else if (ref.role === ACCOUNT_ROLES.makerFees) {
        this.makerFees[a] = slot
      } else {
        this.takerFees[a] = slot
      }
    }
    return undefined
  }
}
