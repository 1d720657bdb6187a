import { ByteReader, ByteWriter } from './bytes.js'
import { CorruptPayloadError, OrderbookInputError } from './errors.js'
import type { BookCommand, PlaceOrderCommand } from './types.js'

// Binary encoding of commands for the journal: a type tag, the symbol, then the fields. Enum
// values are one byte (255 = an unknown value, spelled out), numbers are float64 (so replay sees
// exactly what was submitted, even invalid values the book then rejects the same way).

const TYPES = [
  'place',
  'cancel',
  'amend',
  'massCancel',
  'halt',
  'resume',
  'setReferencePrice',
  'tick',
] as const
const SIDES = ['buy', 'sell'] as const
const ORDER_TYPES = ['limit', 'market', 'stopLimit', 'stopMarket'] as const
const TIFS = ['GTC', 'IOC', 'FOK', 'GTD'] as const
const STPS = [
  'none',
  'cancelResting',
  'cancelIncoming',
  'cancelBoth',
  'decrementAndCancel',
] as const

const P_PRICE = 1
const P_QUANTITY = 2
const P_BUDGET = 4
const P_STOP = 8
const P_TIF = 16
const P_EXPIRE = 32
const P_POST_ONLY = 64
const P_PEAK = 128
const P_STP = 256
const P_CLIENT = 512

function fail(path: (string | number)[], rule: string, message: string): never {
  throw new OrderbookInputError(message, { path, rule })
}

function writeNumber(w: ByteWriter, value: unknown, path: string): void {
  if (typeof value !== 'number') fail([path], 'number', 'must be a number.')
  w.f64(value)
}

function writeEnum(w: ByteWriter, table: readonly string[], value: unknown, path: string): void {
  if (typeof value !== 'string') fail([path], 'string', 'must be a string.')
  const index = table.indexOf(value)
  if (index >= 0) w.u8(index)
  else {
    w.u8(255)
    w.string(value)
  }
}

function readEnum<T extends string>(r: ByteReader, table: readonly T[]): T {
  const code = r.u8()
  if (code === 255) return r.string() as T
  const value = table[code]
  if (value === undefined) throw new RangeError(`bad enum code ${code}`)
  return value
}

function writeOptionalString(w: ByteWriter, value: unknown, path: string): void {
  if (value !== undefined && typeof value !== 'string') fail([path], 'string', 'must be a string.')
  w.string(value as string | undefined)
}

/**
 * Encodes a command for the journal into `w`.
 *
 * @throws {OrderbookInputError} when a field has a type that cannot be a command field.
 */
export function writeCommand(w: ByteWriter, command: BookCommand): void {
  if (typeof command !== 'object' || command === null)
    fail([], 'object', 'must be a command object.')
  writeEnum(w, TYPES, command.type, 'type')
  writeOptionalString(w, command.symbol, 'symbol')
  switch (command.type) {
    case 'place': {
      const c = command
      writeNumber(w, c.orderId, 'orderId')
      writeNumber(w, c.account, 'account')
      writeEnum(w, SIDES, c.side, 'side')
      writeEnum(w, ORDER_TYPES, c.orderType, 'orderType')
      let present = 0
      if (c.price !== undefined) present |= P_PRICE
      if (c.quantity !== undefined) present |= P_QUANTITY
      if (c.quoteBudget !== undefined) present |= P_BUDGET
      if (c.stopPrice !== undefined) present |= P_STOP
      if (c.timeInForce !== undefined) present |= P_TIF
      if (c.expireAt !== undefined) present |= P_EXPIRE
      if (c.postOnly !== undefined) present |= P_POST_ONLY
      if (c.peakQuantity !== undefined) present |= P_PEAK
      if (c.selfTradePrevention !== undefined) present |= P_STP
      if (c.clientOrderId !== undefined) present |= P_CLIENT
      w.u32(present)
      if (present & P_PRICE) writeNumber(w, c.price, 'price')
      if (present & P_QUANTITY) writeNumber(w, c.quantity, 'quantity')
      if (present & P_BUDGET) writeNumber(w, c.quoteBudget, 'quoteBudget')
      if (present & P_STOP) writeNumber(w, c.stopPrice, 'stopPrice')
      if (present & P_TIF) writeEnum(w, TIFS, c.timeInForce, 'timeInForce')
      if (present & P_EXPIRE) writeNumber(w, c.expireAt, 'expireAt')
      if (present & P_POST_ONLY) {
        if (typeof c.postOnly !== 'boolean') fail(['postOnly'], 'boolean', 'must be a boolean.')
        w.u8(c.postOnly ? 1 : 0)
      }
      if (present & P_PEAK) writeNumber(w, c.peakQuantity, 'peakQuantity')
      if (present & P_STP) writeEnum(w, STPS, c.selfTradePrevention, 'selfTradePrevention')
      if (present & P_CLIENT) writeOptionalString(w, c.clientOrderId, 'clientOrderId')
      return
    }
    case 'cancel':
      writeNumber(w, command.orderId, 'orderId')
      writeNumber(w, command.account, 'account')
      return
    case 'amend':
      writeNumber(w, command.orderId, 'orderId')
      writeNumber(w, command.account, 'account')
      w.u8((command.price !== undefined ? 1 : 0) | (command.quantity !== undefined ? 2 : 0))
      if (command.price !== undefined) writeNumber(w, command.price, 'price')
      if (command.quantity !== undefined) writeNumber(w, command.quantity, 'quantity')
      return
    case 'massCancel':
      w.u8(command.account === undefined ? 0 : 1)
      if (command.account !== undefined) writeNumber(w, command.account, 'account')
      return
    case 'setReferencePrice':
      writeNumber(w, command.price, 'price')
      return
    default:
      return
  }
}

/** Reads a command written by {@link writeCommand}. */
export function readCommand(r: ByteReader): BookCommand {
  const type = readEnum(r, TYPES)
  const symbol = r.string()
  const base = symbol === undefined ? {} : { symbol }
  switch (type) {
    case 'place': {
      const orderId = r.f64()
      const account = r.f64()
      const side = readEnum(r, SIDES)
      const orderType = readEnum(r, ORDER_TYPES)
      const present = r.u32()
      const c: { -readonly [K in keyof PlaceOrderCommand]: PlaceOrderCommand[K] } = {
        type: 'place',
        ...base,
        orderId,
        account,
        side,
        orderType,
      }
      if (present & P_PRICE) c.price = r.f64()
      if (present & P_QUANTITY) c.quantity = r.f64()
      if (present & P_BUDGET) c.quoteBudget = r.f64()
      if (present & P_STOP) c.stopPrice = r.f64()
      if (present & P_TIF) c.timeInForce = readEnum(r, TIFS)
      if (present & P_EXPIRE) c.expireAt = r.f64()
      if (present & P_POST_ONLY) c.postOnly = r.u8() === 1
      if (present & P_PEAK) c.peakQuantity = r.f64()
      if (present & P_STP) c.selfTradePrevention = readEnum(r, STPS)
      if (present & P_CLIENT) c.clientOrderId = r.string()
      return c
    }
    case 'cancel':
      return { type, ...base, orderId: r.f64(), account: r.f64() }
    case 'amend': {
      const orderId = r.f64()
      const account = r.f64()
      const present = r.u8()
      return {
        type,
        ...base,
        orderId,
        account,
        ...(present & 1 ? { price: r.f64() } : {}),
        ...(present & 2 ? { quantity: r.f64() } : {}),
      }
    }
    case 'massCancel':
      return r.u8() === 1 ? { type, ...base, account: r.f64() } : { type, ...base }
    case 'setReferencePrice':
      return { type, ...base, price: r.f64() }
    default:
      return { type, ...base } as BookCommand
  }
}

const scratch = new ByteWriter(256)

/**
 * Encodes a command as journal payload bytes.
 *
 * @throws {OrderbookInputError} when a field cannot be encoded (wrong type).
 */
export function encodeCommand(command: BookCommand): Uint8Array {
  scratch.reset()
  writeCommand(scratch, command)
  return scratch.toBytes()
}

/**
 * Decodes {@link encodeCommand}'s bytes.
 *
 * @throws {CorruptPayloadError} when the bytes are not a command.
 */
export function decodeCommand(bytes: Uint8Array, seq?: number): BookCommand {
  try {
    const r = new ByteReader(bytes)
    const command = readCommand(r)
    if (r.remaining !== 0) throw new RangeError(`${r.remaining} trailing bytes`)
    return command
  } catch (cause) {
    throw new CorruptPayloadError({ what: 'command', seq, cause })
  }
}
