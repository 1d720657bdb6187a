import type { LedgerAccountRef } from '@strongroom/core'
import type { SqlExecutor } from '../store/sqlStore.js'
import { refKey, textArray } from './sql.js'

/** What the ledger remembers of an account: all of it immutable after creation. */
export type CachedAccount = {
  readonly id: bigint
  readonly ref: LedgerAccountRef
  readonly flags: number
  readonly code: number
}

/**
 * Ids and flags of accounts by ref. Accounts are never deleted and their flags never change, so
 * entries stay valid; a miss reads the database.
 */
export class AccountCache {
  readonly #byKey = new Map<string, CachedAccount>()
  readonly #byId = new Map<bigint, CachedAccount>()

  get(ref: LedgerAccountRef): CachedAccount | undefined {
    return this.#byKey.get(refKey(ref))
  }

  byId(id: bigint): CachedAccount | undefined {
    return this.#byId.get(id)
  }

  add(account: CachedAccount): void {
    this.#byKey.set(refKey(account.ref), account)
    this.#byId.set(account.id, account)
  }

  /**
   * Resolves refs to accounts, reading the database for those not cached. Returns the first
   * unknown ref, if any.
   */
  async resolve(
    db: SqlExecutor,
    refs: readonly LedgerAccountRef[],
  ): Promise<{ unknown: LedgerAccountRef | undefined }> {
    const missing = new Map<string, LedgerAccountRef>()
    for (const ref of refs) {
      if (!this.#byKey.has(refKey(ref))) missing.set(refKey(ref), ref)
    }
    if (missing.size > 0) {
      const list = [...missing.values()]
      const rows = await db.query<{
        id: string
        owner: string
        asset: string
        role: string
        flags: number
        code: number
      }>(
        `select a.id::text as id, a.owner, a.asset, a.role, a.flags, a.code
           from ledger_accounts a
           join unnest($1::text[], $2::text[], $3::text[]) as r(owner, asset, role)
             on a.owner = r.owner and a.asset = r.asset and a.role = r.role`,
        [
          textArray(list.map((r) => r.owner)),
          textArray(list.map((r) => r.asset)),
          textArray(list.map((r) => r.role)),
        ],
      )
      for (const row of rows) {
        this.add({
          id: BigInt(row.id),
          ref: Object.freeze({ owner: row.owner, asset: row.asset, role: row.role }),
          flags: Number(row.flags),
          code: Number(row.code),
        })
      }
    }
    for (const ref of refs) if (!this.#byKey.has(refKey(ref))) return { unknown: ref }
    return { unknown: undefined }
  }

  /** Reads accounts by id into the cache (for refs of stored transfers). */
  async loadIds(db: SqlExecutor, ids: readonly bigint[]): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !this.#byId.has(id))
    if (missing.length === 0) return
    const rows = await db.query<{
      id: string
      owner: string
      asset: string
      role: string
      flags: number
      code: number
    }>(
      `select id::text as id, owner, asset, role, flags, code from ledger_accounts
        where id = any($1::int8[])`,
      [`{${missing.join(',')}}`],
    )
    for (const row of rows) {
      this.add({
        id: BigInt(row.id),
        ref: Object.freeze({ owner: row.owner, asset: row.asset, role: row.role }),
        flags: Number(row.flags),
        code: Number(row.code),
      })
    }
  }
}
