import { createHash } from 'node:crypto'

/**
 * Summed debits and credits per account slot over one batch (netting). Slots are dense indexes
 * the settler gives accounts; `accountIds[slot]` is the account's id in the database.
 */
export class Netting {
  readonly debits: bigint[]
  readonly credits: bigint[]
  /** Slots touched, in first-touch order until {@link Netting.sorted} orders them by account id. */
  readonly touched: number[] = []
  readonly #seen: Uint8Array

  constructor(slots: number) {
    this.debits = new Array<bigint>(slots).fill(0n)
    this.credits = new Array<bigint>(slots).fill(0n)
    this.#seen = new Uint8Array(slots)
  }

  /** Adds one leg: `amount` from slot `debit` to slot `credit`. */
  readonly add = (debit: number, credit: number, amount: bigint): void => {
    if (this.#seen[debit] === 0) {
      this.#seen[debit] = 1
      this.touched.push(debit)
    }
    if (this.#seen[credit] === 0) {
      this.#seen[credit] = 1
      this.touched.push(credit)
    }
    this.debits[debit]! += amount
    this.credits[credit]! += amount
  }

  /**
   * Touched slots sorted by account id (the order rows are locked in), given every slot in that
   * order: a linear pass, no sort.
   */
  sorted(order: readonly number[], accountIds: readonly number[]): number[] {
    const seen = this.#seen
    if (this.touched.length * 8 < order.length) {
      return [...this.touched].sort((a, b) => accountIds[a]! - accountIds[b]!)
    }
    const out: number[] = []
    for (let i = 0; i < order.length; i++) {
      const slot = order[i]!
      if (slot < seen.length && seen[slot] === 1) out.push(slot)
    }
    return out
  }

  /** The three array parameters of the netted update: account ids, debits, credits. */
  arrays(slots: readonly number[], accountIds: readonly number[]): [string, string, string] {
    const ids: number[] = new Array(slots.length)
    const debits: string[] = new Array(slots.length)
    const credits: string[] = new Array(slots.length)
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!
      ids[i] = accountIds[slot]!
      debits[i] = this.debits[slot]!.toString()
      credits[i] = this.credits[slot]!.toString()
    }
    return [`{${ids.join(',')}}`, `{${debits.join(',')}}`, `{${credits.join(',')}}`]
  }

  /**
   * SHA-256 of what the batch does to the ledger: its event count, first and last keys and the
   * netted movement of every account (the {@link Netting.arrays} it is written with). The key
   * under which a replay is checked.
   */
  static digest(
    count: number,
    firstKey: string,
    lastKey: string,
    arrays: readonly [string, string, string],
  ): string {
    return createHash('sha256')
      .update(`${count}|${firstKey}|${lastKey}|`)
      .update(arrays[0])
      .update('|')
      .update(arrays[1])
      .update('|')
      .update(arrays[2])
      .digest('hex')
  }
}
