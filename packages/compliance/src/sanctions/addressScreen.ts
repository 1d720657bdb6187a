import { addressKey } from './address.js'
import type { SanctionedAddress, SanctionsList } from './listEntry.js'

/** A listed address that matched, with every listing of it. */
export type AddressMatch = {
  /** The comparison key that matched (see {@link addressKey}). */
  readonly key: string
  /** Every listing of the address, across sources and currencies. */
  readonly listings: readonly (SanctionedAddress & { readonly source: string })[]
}

/** In-memory sanctioned-address index; lists are replaced atomically, without a restart. */
export type AddressScreen = {
  /**
   * Replaces (or adds) the addresses of `list.source`. The new index is built first and swapped
   * in whole, so a lookup sees either the old list or the new one, never a mix.
   */
  load(list: Pick<SanctionsList, 'source' | 'addresses' | 'published'>): void
  /** Removes a source. */
  unload(source: string): void
  /** The listings of `address`, or `undefined` when it is not listed. */
  lookup(address: string): AddressMatch | undefined
  /** True when `address` is listed. */
  isSanctioned(address: string): boolean
  /** Distinct addresses across all sources. */
  readonly size: number
  /** Loaded sources with their publication stamp and number of addresses. */
  sources(): readonly { source: string; published: string | undefined; addresses: number }[]
  /** Increases on every load/unload; decisions record it. */
  readonly version: number
}

type Listing = SanctionedAddress & { readonly source: string }

/**
 * Creates an empty {@link AddressScreen}. Addresses compare chain-aware: EVM without case, bech32
 * and CashAddr lower-cased, base58 exactly; one address listed under several currencies (an EVM
 * address under ETH, ARB and BSC) is one key with several listings.
 *
 * @example
 * ```ts
 * const screen = createAddressScreen()
 * screen.load(parseOfacSdnCsv({ sdn, comments }))
 * screen.lookup('0x8576ACC5C05D6CE88F4E49BF65BDF0C62F91353C')?.listings[0]?.currency // 'ETH'
 * ```
 */
export function createAddressScreen(): AddressScreen {
  const bySource = new Map<string, { published: string | undefined; listings: Listing[] }>()
  let index = new Map<string, AddressMatch>()
  let version = 0

  const rebuild = () => {
    const next = new Map<string, { key: string; listings: Listing[] }>()
    for (const { listings } of bySource.values()) {
      for (const listing of listings) {
        const key = addressKey(listing.address)
        let match = next.get(key)
        if (!match) {
          match = { key, listings: [] }
          next.set(key, match)
        }
        match.listings.push(listing)
      }
    }
    index = next
    version++
  }

  return {
    load(list) {
      const listings = list.addresses.map((a) => Object.freeze({ ...a, source: list.source }))
      const previous = bySource.get(list.source)
      bySource.set(list.source, { published: list.published, listings })
      try {
        rebuild()
      } catch (error) {
        if (previous) bySource.set(list.source, previous)
        else bySource.delete(list.source)
        throw error
      }
    },
    unload(source) {
      if (bySource.delete(source)) rebuild()
    },
    lookup(address) {
      return index.get(addressKey(address))
    },
    isSanctioned(address) {
      return index.has(addressKey(address))
    },
    get size() {
      return index.size
    },
    sources() {
      return [...bySource].map(([source, v]) => ({
        source,
        published: v.published,
        addresses: v.listings.length,
      }))
    },
    get version() {
      return version
    },
  }
}
