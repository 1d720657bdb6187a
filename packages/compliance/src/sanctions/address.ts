import { ComplianceInputError } from '../errors.js'

/**
 * How a chain writes addresses, which decides how two spellings compare:
 * - `evm`: `0x` + 40 hex digits; case is only a checksum (EIP-55), so compared without case;
 * - `bech32`: BIP-173/350 segwit addresses (`bc1…`, `ltc1…`) and CashAddr: case-insensitive,
 *   compared lower-cased (a mixed-case bech32 string is invalid);
 * - `base58`: Base58Check (Bitcoin legacy, Litecoin, Tron, Dash, Zcash transparent, XRP, Monero…):
 *   case is significant, compared exactly.
 */
export type AddressFamily = 'evm' | 'bech32' | 'base58'

/** What the screen knows about a chain or currency code. */
export type ChainSpec = {
  /** Upper-case code as lists write it (`XBT`, `ETH`, `USDT`). */
  readonly code: string
  /** Address families valid on this chain (a token such as USDT lives on several chains). */
  readonly families: readonly AddressFamily[]
}

/**
 * Chains and currency codes known out of the box, keyed by upper-case code. OFAC writes Bitcoin
 * as `XBT`; `BTC` is accepted as an alias. Extend with {@link defineChains}.
 */
export const DEFAULT_CHAINS: Readonly<Record<string, ChainSpec>> = Object.freeze(
  Object.fromEntries(
    (
      [
        ['XBT', ['base58', 'bech32']],
        ['BTC', ['base58', 'bech32']],
        ['LTC', ['base58', 'bech32']],
        ['BCH', ['base58', 'bech32']],
        ['BSV', ['base58']],
        ['BTG', ['base58', 'bech32']],
        ['DASH', ['base58']],
        ['ZEC', ['base58']],
        ['XMR', ['base58']],
        ['XRP', ['base58']],
        ['XVG', ['base58']],
        ['TRX', ['base58']],
        ['ETH', ['evm']],
        ['ETC', ['evm']],
        ['ARB', ['evm']],
        ['BSC', ['evm']],
        ['POLYGON', ['evm']],
        ['MATIC', ['evm']],
        ['OP', ['evm']],
        ['BASE', ['evm']],
        ['AVAX', ['evm']],
        ['USDC', ['evm', 'base58']],
        ['USDT', ['evm', 'base58']],
        ['DAI', ['evm']],
      ] as const
    ).map(([code, families]) => [code, { code, families }]),
  ),
)

/** Returns a chain table with `extra` added to (or replacing entries of) `base`. */
export function defineChains(
  extra: readonly ChainSpec[],
  base: Readonly<Record<string, ChainSpec>> = DEFAULT_CHAINS,
): Readonly<Record<string, ChainSpec>> {
  const table: Record<string, ChainSpec> = { ...base }
  for (const spec of extra)
    table[spec.code.toUpperCase()] = { ...spec, code: spec.code.toUpperCase() }
  return Object.freeze(table)
}

const EVM = /^0x[0-9a-fA-F]{40}$/
const BECH32_LOWER = /^[a-z]{1,83}1[02-9ac-hj-np-z]{6,}$/
const BECH32_UPPER = /^[A-Z]{1,83}1[02-9AC-HJ-NP-Z]{6,}$/
const CASHADDR =
  /^(?:(bitcoincash|bchtest|bchreg):)?([qp][02-9ac-hj-np-z]{41}|[QP][02-9AC-HJ-NP-Z]{41})$/i
const BASE58 = /^[1-9A-HJ-NP-Za-km-z]{20,120}$/
const PRINTABLE = /^[\x21-\x7e]{1,128}$/

/**
 * Detects the family of `address` from its spelling alone, or `undefined` when it has none of
 * the known forms.
 */
export function detectAddressFamily(address: string): AddressFamily | undefined {
  if (address.length === 42 && EVM.test(address)) return 'evm'
  if (BECH32_LOWER.test(address) || BECH32_UPPER.test(address)) return 'bech32'
  if (CASHADDR.test(address)) return 'bech32'
  if (BASE58.test(address)) return 'base58'
  return undefined
}

/**
 * The comparison key of an address: EVM addresses lower-cased, bech32 and CashAddr lower-cased
 * (CashAddr without its `bitcoincash:` prefix), everything else exactly as written. Does not
 * validate: use {@link normalizeAddress} for input from outside.
 */
export function addressKey(address: string): string {
  const c0 = address.charCodeAt(0)
  const c1 = address.charCodeAt(1)
  // Fast path for the common forms: `0x…` (EVM) and `bc1…`/`BC1…`.
  if (c0 === 48 && (c1 === 120 || c1 === 88) && address.length === 42) return address.toLowerCase()
  if (address.indexOf(':') > 0) {
    const m = CASHADDR.exec(address)
    if (m) return m[2]!.toLowerCase()
  }
  if (c0 === 98 || c0 === 66 || c0 === 108 || c0 === 76 || c0 === 116 || c0 === 84) {
    if (BECH32_LOWER.test(address) || BECH32_UPPER.test(address)) return address.toLowerCase()
  }
  if ((c0 === 113 || c0 === 112 || c0 === 81 || c0 === 80) && address.length === 42) {
    if (CASHADDR.test(address)) return address.toLowerCase()
  }
  return address
}

/** Parameters of {@link normalizeAddress}. */
export type NormalizeAddressParameters = {
  /** The address as received. Surrounding white space is removed. */
  readonly address: string
  /** Chain or currency code (`ETH`, `XBT`, `USDT`); when given, the address must suit it. */
  readonly chain?: string | undefined
  /** Chain table (default {@link DEFAULT_CHAINS}). */
  readonly chains?: Readonly<Record<string, ChainSpec>> | undefined
}

/** A validated address with its comparison key. */
export type NormalizedAddress = {
  readonly address: string
  readonly key: string
  readonly family: AddressFamily
  readonly chain: string | undefined
}

/**
 * Validates an address from outside and returns its comparison key.
 *
 * @throws {ComplianceInputError} `COMPLIANCE_INVALID_ADDRESS`: `unknown_chain` when `chain` is not
 * in the table, `format` when the address has no known form, `wrong_chain` when its form does not
 * suit `chain`, `mixed_case` for a bech32 address written in both cases.
 */
export function normalizeAddress(parameters: NormalizeAddressParameters): NormalizedAddress {
  const address = typeof parameters.address === 'string' ? parameters.address.trim() : ''
  const chains = parameters.chains ?? DEFAULT_CHAINS
  const chainCode = parameters.chain?.toUpperCase()
  const spec = chainCode === undefined ? undefined : chains[chainCode]
  if (chainCode !== undefined && spec === undefined) {
    throw new ComplianceInputError(`unknown chain or currency "${parameters.chain}".`, {
      code: 'COMPLIANCE_INVALID_ADDRESS',
      path: ['chain'],
      rule: 'unknown_chain',
    })
  }
  if (!PRINTABLE.test(address)) {
    throw new ComplianceInputError('is empty, too long or contains spaces or control characters.', {
      code: 'COMPLIANCE_INVALID_ADDRESS',
      path: ['address'],
      rule: 'format',
    })
  }
  const family = detectAddressFamily(address)
  if (
    family === undefined &&
    /^[a-z]{1,83}1/i.test(address) &&
    /[a-z]/.test(address) &&
    /[A-Z]/.test(address)
  ) {
    const lower = address.toLowerCase()
    if (BECH32_LOWER.test(lower)) {
      throw new ComplianceInputError('bech32 addresses must not mix upper and lower case.', {
        code: 'COMPLIANCE_INVALID_ADDRESS',
        path: ['address'],
        rule: 'mixed_case',
      })
    }
  }
  if (family === undefined) {
    throw new ComplianceInputError('is not an EVM, bech32, CashAddr or base58 address.', {
      code: 'COMPLIANCE_INVALID_ADDRESS',
      path: ['address'],
      rule: 'format',
    })
  }
  if (spec && !spec.families.includes(family)) {
    // A 0x… string of the wrong length is base58-shaped only by accident; say what is wrong.
    throw new ComplianceInputError(`is a ${family} address, not valid on ${spec.code}.`, {
      code: 'COMPLIANCE_INVALID_ADDRESS',
      path: ['address'],
      rule: 'wrong_chain',
    })
  }
  return { address, key: addressKey(address), family, chain: spec?.code }
}
