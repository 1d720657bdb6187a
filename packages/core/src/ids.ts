import type { Brand } from './brand.js'
import type { Clock } from './clock.js'
import { InvalidIdError } from './coreErrors.js'
import type { IssuePath } from './issue.js'

/** An identifier of kind `kind` (`Id<'order'>`): a string the type checker keeps apart from other kinds. */
export type Id<kind extends string> = Brand<string, `id:${kind}`>

/** Account (owner of balances). */
export type AccountId = Id<'account'>
/** Order, assigned by the venue. */
export type OrderId = Id<'order'>
/** Order id chosen by the client (FIX ClOrdID); unique per account. */
export type ClientOrderId = Id<'clientOrder'>
/** Trade (one fill between a maker and a taker). */
export type TradeId = Id<'trade'>
/** Ledger transfer; client-supplied so that writes are idempotent. */
export type TransferId = Id<'transfer'>
/** Custody wallet. */
export type WalletId = Id<'wallet'>
/** Signing key. */
export type KeyId = Id<'key'>
/** A request that flows through several subsystems (withdrawal, signing request). */
export type RequestId = Id<'request'>

const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/

/**
 * Checks that `value` has the form of an id (1-128 characters from `[A-Za-z0-9_.:-]`) and brands it.
 *
 * @throws {InvalidIdError} naming the field.
 */
export function parseId<const kind extends string>(
  kind: kind,
  value: string,
  path: IssuePath = [],
): Id<kind> {
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
    throw new InvalidIdError(
      `is not a valid ${kind} id (1-128 characters from A-Z a-z 0-9 _ . : -).`,
      { code: 'CORE_INVALID_ID', path, rule: 'format' },
    )
  }
  return value as Id<kind>
}

/** True when `value` has the form of an id. */
export function isId(value: unknown): value is Id<string> {
  return typeof value === 'string' && ID_PATTERN.test(value)
}

/**
 * Port: makes new ids. Library code never calls `crypto.randomUUID()` or `Math.random()` itself;
 * it is handed an `IdGenerator`, so replays can reproduce the same ids.
 */
export type IdGenerator = {
  /** A new id of `kind`, never returned before by this generator. */
  next<const kind extends string>(kind: kind): Id<kind>
}

/**
 * A deterministic generator for tests and replay: `<prefix><kind>_<counter>` with one counter
 * per kind, zero-padded so that ids sort in creation order.
 *
 * @example
 * ```ts
 * const ids = createSequentialIdGenerator()
 * ids.next('order') // 'order_000000000001'
 * ```
 */
export function createSequentialIdGenerator(
  parameters: { prefix?: string; start?: number } = {},
): IdGenerator & { peek(kind: string): number } {
  const prefix = parameters.prefix ?? ''
  const counters = new Map<string, number>()
  const start = parameters.start ?? 1
  return {
    next(kind) {
      const n = counters.get(kind) ?? start
      counters.set(kind, n + 1)
      return `${prefix}${kind}_${String(n).padStart(12, '0')}` as Id<typeof kind>
    },
    peek(kind) {
      return counters.get(kind) ?? start
    },
  }
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/**
 * The production generator: ULID-style ids (48-bit millisecond time from `clock` + 80 random bits,
 * Crockford base32), prefixed with the kind: `order_01JD3Z...`. Ids sort by creation time.
 * Randomness comes from `crypto.getRandomValues` unless `random` is given.
 */
export function createRandomIdGenerator(parameters: {
  clock: Clock
  random?: (bytes: Uint8Array) => void
}): IdGenerator {
  const fill =
    parameters.random ?? ((bytes: Uint8Array) => void globalThis.crypto.getRandomValues(bytes))
  const bytes = new Uint8Array(10)
  return {
    next(kind) {
      let time = Math.max(0, Math.floor(parameters.clock.now()))
      let head = ''
      for (let i = 0; i < 10; i++) {
        head = CROCKFORD[time % 32]! + head
        time = Math.floor(time / 32)
      }
      fill(bytes)
      let tail = ''
      // 80 bits = 16 base32 characters, taken 5 bits at a time.
      let acc = 0
      let bits = 0
      for (const byte of bytes) {
        acc = (acc << 8) | byte
        bits += 8
        while (bits >= 5) {
          bits -= 5
          tail += CROCKFORD[(acc >> bits) & 31]
        }
        acc &= (1 << bits) - 1
      }
      return `${kind}_${head}${tail}` as Id<typeof kind>
    },
  }
}
