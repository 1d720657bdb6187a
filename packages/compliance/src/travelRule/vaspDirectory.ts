import type { KeyObject } from 'node:crypto'
import { addressKey } from '../sanctions/address.js'

/** A counterparty VASP as a directory (TRISA GDS, a TRP directory, a vendor) describes it. */
export type VaspRecord = {
  readonly id: string
  readonly name: string
  readonly lei?: string | undefined
  /** Jurisdiction of registration (ISO 3166-1 alpha-2). */
  readonly country: string
  /** Protocols it speaks. */
  readonly protocols: readonly ('trisa' | 'trp')[]
  /** Its TRISA sealing key (PEM public key or KeyObject). */
  readonly signingKey?: KeyObject | string | undefined
  /** Its TRP endpoint. */
  readonly trpUrl?: string | undefined
  /** Whether the directory has verified the VASP (registration, certificates). */
  readonly verified: boolean
}

/**
 * Port: the counterparty-VASP directory. A real adapter wraps the TRISA Global Directory Service,
 * a TRP directory or a vendor's API; {@link createMemoryVaspDirectory} is the in-memory one for
 * tests and for venues that keep their own list.
 */
export type VaspDirectory = {
  /** The VASP that controls `address`, if the directory knows it. */
  lookupByAddress(parameters: { chain: string; address: string }): Promise<VaspRecord | undefined>
  lookupById(id: string): Promise<VaspRecord | undefined>
}

/** An in-memory {@link VaspDirectory}: VASPs, and which addresses belong to which VASP. */
export function createMemoryVaspDirectory(parameters: {
  vasps: readonly VaspRecord[]
  /** `{ address, vaspId }` pairs; addresses compare chain-aware (see `addressKey`). */
  addresses?: readonly { address: string; vaspId: string }[]
}): VaspDirectory & {
  add(record: VaspRecord): void
  assign(address: string, vaspId: string): void
} {
  const vasps = new Map(parameters.vasps.map((v) => [v.id, v]))
  const owners = new Map((parameters.addresses ?? []).map((a) => [addressKey(a.address), a.vaspId]))
  return {
    async lookupByAddress({ address }) {
      const id = owners.get(addressKey(address))
      return id === undefined ? undefined : vasps.get(id)
    },
    async lookupById(id) {
      return vasps.get(id)
    },
    add(record) {
      vasps.set(record.id, record)
    },
    assign(address, vaspId) {
      owners.set(addressKey(address), vaspId)
    },
  }
}
