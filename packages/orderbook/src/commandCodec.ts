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

const encoder = new TextEncoder()
/** The last symbol encoded and its bytes (commands of one book repeat it). */
let lastSymbol = ''
let lastSymbolBytes = encoder.encode('')

function symbolBytes(symbol: string): Uint8Array {
  if (symbol !== lastSymbol) {
    lastSymbolBytes = encoder.encode(symbol)
    lastSymbol = symbol
  }
  return lastSymbolBytes
}

/**
 * Encodes a command for the journal into `w`.
 *
 * @throws {OrderbookInputError} when a field has a type that cannot be a command field.
 */
export function writeCommand(w: ByteWriter, command: BookCommand): void {
  if (!writeCommonCommand(w, command)) writeCommandInFull(w, command)
}

/**
 * The commands of the hot path — a plain limit or market order, a cancel, an amend, with a
 * symbol — written after one size check: the same bytes as {@link writeCommandInFull}. Returns
 * false (nothing written) for anything else.
 */
function writeCommonCommand(w: ByteWriter, command: BookCommand): boolean {
  if (typeof command !== 'object' || command === null) return false
  const symbol = command.symbol
  if (typeof symbol !== 'string') return false
  const type = command.type
  let code: number
  let size: number
  let orderId: unknown
  let account: unknown
  let price: unknown
  let quantity: unknown
  let side = 0
  let orderType = 0
  if (type === 'place') {
    const c = command
    if (
      c.quoteBudget !== undefined ||
      c.stopPrice !== undefined ||
      c.timeInForce !== undefined ||
      c.expireAt !== undefined ||
      c.postOnly !== undefined ||
      c.peakQuantity !== undefined ||
      c.selfTradePrevention !== undefined ||
      c.clientOrderId !== undefined
    ) {
      return false
    }
    side = c.side === 'buy' ? 0 : c.side === 'sell' ? 1 : -1
    orderType = c.orderType === 'limit' ? 0 : c.orderType === 'market' ? 1 : -1
    if (side < 0 || orderType < 0) return false
    code = 0
    size = 1 + 4 + 8 + 8 + 1 + 1 + 4
    ;({ orderId, account, price, quantity } = c)
  } else if (type === 'cancel') {
    code = 1
    size = 1 + 4 + 8 + 8
    ;({ orderId, account } = command)
  } else if (type === 'amend') {
    code = 2
    size = 1 + 4 + 8 + 8 + 1
    ;({ orderId, account, price, quantity } = command)
  } else return false
  if (typeof orderId !== 'number' || typeof account !== 'number') return false
  if (price !== undefined) {
    if (typeof price !== 'number') return false
    size += 8
  }
  if (quantity !== undefined) {
    if (typeof quantity !== 'number') return false
    size += 8
  }
  const name = symbolBytes(symbol)
  size += name.length
  const v = w.room(size)
  let at = w.length
  v.setUint8(at, code)
  v.setUint32(at + 1, name.length, true)
  at += 5
  for (let i = 0; i < name.length; i++) v.setUint8(at + i, name[i]!)
  at += name.length
  v.setFloat64(at, orderId, true)
  v.setFloat64(at + 8, account, true)
  at += 16
  const present = (price !== undefined ? P_PRICE : 0) | (quantity !== undefined ? P_QUANTITY : 0)
  if (code === 0) {
    v.setUint8(at, side)
    v.setUint8(at + 1, orderType)
    v.setUint32(at + 2, present, true)
    at += 6
  } else if (code === 2) {
    // An amend's presence bits are the same two: 1 = price, 2 = quantity.
    v.setUint8(at, present)
    at += 1
  }
  if (price !== undefined) {
    v.setFloat64(at, price as number, true)
    at += 8
  }
  if (quantity !== undefined) {
    v.setFloat64(at, quantity as number, true)
    at += 8
  }
  w.length = at
  return true
}

/**
 * {@link writeCommand} without its fast path: every command type and field (tests check that
 * both write the same bytes).
 *
 * @throws {OrderbookInputError} when a field has a type that cannot be a command field.
 */
export function writeCommandInFull(w: ByteWriter, command: BookCommand): void {
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
