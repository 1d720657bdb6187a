/** One sanctioned digital-currency address, as a list publishes it. */
export type SanctionedAddress = {
  /** The address as published. */
  readonly address: string
  /** Currency code the list gives it under (`XBT`, `ETH`, `USDT`…), upper case. */
  readonly currency: string
  /** Id of the listed party in its source (OFAC ent_num / FixedRef, OpenSanctions id). */
  readonly entityId: string
  /** Name of the listed party, when known. */
  readonly name?: string | undefined
  /** Programs or datasets (`CYBER2`, `SDGT`, `us_ofac_sdn`). */
  readonly programs?: readonly string[] | undefined
}

/** One listed party for name screening. */
export type SanctionedParty = {
  readonly entityId: string
  /** `individual`, `entity`, `vessel`, `aircraft` or the source's word. */
  readonly type: string
  /** Primary name as published. */
  readonly name: string
  /** Other names (a.k.a., f.k.a., original script). */
  readonly aliases: readonly string[]
  readonly programs: readonly string[]
}

/** What a list loader returns. */
export type SanctionsList = {
  /** Source id, e.g. `ofac-sdn`, `opensanctions`, `un-consolidated`. */
  readonly source: string
  /** Publication date or version when the file says so. */
  readonly published?: string | undefined
  readonly addresses: readonly SanctionedAddress[]
  readonly parties: readonly SanctionedParty[]
}
