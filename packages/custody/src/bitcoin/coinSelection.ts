// Coin selection with change and a fee rate. Sizes are counted in weight units (BIP-141), the
// fee is ceil(vsize × rate). First a branch-and-bound search for an input set that needs no
// change (its excess is below the cost of creating and later spending change); otherwise
// largest-first accumulation with a change output (dropped into the fee when it would be dust).
import { ok, type Result, reject } from '@strongroom/core'
import type { BitcoinWalletKind } from './wallet.js'

/** An unspent output of the wallet. */
export type Utxo = {
  readonly txid: string
  readonly vout: number
  readonly value: bigint
}

/** Output script kinds, for sizing. */
export type OutputKind = 'p2wpkh' | 'p2tr' | 'p2wsh' | 'p2pkh' | 'p2sh'

const OUTPUT_SCRIPT_BYTES: Record<OutputKind, number> = {
  p2wpkh: 22,
  p2tr: 34,
  p2wsh: 34,
  p2pkh: 25,
  p2sh: 23,
}
/** Dust thresholds at the default 3 sat/vB relay policy (Bitcoin Core `GetDustThreshold`). */
const DUST: Record<OutputKind, bigint> = {
  p2wpkh: 294n,
  p2tr: 330n,
  p2wsh: 330n,
  p2pkh: 546n,
  p2sh: 540n,
}

/** Weight of one input of a wallet kind, witness included (ECDSA signatures counted at 72 bytes). */
export function inputWeight(kind: BitcoinWalletKind, m = 1, n = 1): number {
  const base = (32 + 4 + 1 + 4) * 4
  if (kind === 'p2wpkh') return base + 1 + (1 + 72) + (1 + 33)
  if (kind === 'p2tr') return base + 1 + (1 + 64)
  const script = 3 + 34 * n
  return base + 1 + 1 + m * (1 + 72) + (script < 253 ? 1 : 3) + script
}

/** Weight of one output. */
export function outputWeight(kind: OutputKind): number {
  return (8 + 1 + OUTPUT_SCRIPT_BYTES[kind]) * 4
}

/** Weight of the transaction without inputs and outputs (segwit marker and flag included). */
export const TX_OVERHEAD_WEIGHT = (4 + 1 + 1 + 4) * 4 + 2

/** vbytes = ceil(weight / 4). */
export const vsizeOf = (weight: number) => Math.ceil(weight / 4)

/** The dust threshold of an output kind. */
export const dustThreshold = (kind: OutputKind) => DUST[kind]

/** Result of {@link selectCoins}. */
export type CoinSelection = {
  readonly inputs: readonly Utxo[]
  /** Change value (0n when no change output). */
  readonly change: bigint
  readonly fee: bigint
  readonly vsize: number
  readonly algorithm: 'branch_and_bound' | 'largest_first'
}

/** Why selection failed (a business rejection, returned). */
export type CoinSelectionRejection = {
  readonly code: 'INSUFFICIENT_FUNDS' | 'NO_OUTPUTS' | 'DUST_OUTPUT'
  readonly message: string
  readonly available?: bigint
  readonly needed?: bigint
}

/** Options of {@link selectCoins}. */
export type SelectCoinsParameters = {
  utxos: readonly Utxo[]
  /** Payment outputs: value and script kind. */
  outputs: readonly { readonly value: bigint; readonly kind: OutputKind }[]
  /** Fee rate in sat/vB (integer). */
  feeRate: bigint
  inputKind: BitcoinWalletKind
  changeKind: OutputKind
  /** For P2WSH multisig inputs. */
  multisig?: { readonly m: number; readonly n: number } | undefined
  /** Branch-and-bound search budget (default 100 000 steps). */
  maxTries?: number | undefined
}

const feeFor = (weight: number, rate: bigint) => BigInt(vsizeOf(weight)) * rate

/**
 * Selects inputs for the outputs at the fee rate, with change when needed.
 * Deterministic: ties are broken by txid and vout.
 */
export function selectCoins(
  parameters: SelectCoinsParameters,
): Result<CoinSelection, CoinSelectionRejection> {
  const { outputs, feeRate, inputKind, changeKind } = parameters
  if (outputs.length === 0) return reject({ code: 'NO_OUTPUTS', message: 'Nothing to pay.' })
  for (const o of outputs) {
    if (o.value < dustThreshold(o.kind))
      return reject({ code: 'DUST_OUTPUT', message: `An output of ${o.value} sat is dust.` })
  }
  const inW = inputWeight(inputKind, parameters.multisig?.m, parameters.multisig?.n)
  const inputFee = feeFor(inW, feeRate)
  const baseWeight = TX_OVERHEAD_WEIGHT + outputs.reduce((a, o) => a + outputWeight(o.kind), 0)
  const target = outputs.reduce((a, o) => a + o.value, 0n)
  const changeOutputFee = feeFor(outputWeight(changeKind), feeRate)
  const costOfChange = changeOutputFee + inputFee
  const utxos = [...parameters.utxos]
    .filter((u) => u.value > inputFee)
    .sort((a, b) =>
      a.value !== b.value
        ? b.value > a.value
          ? 1
          : -1
        : a.txid < b.txid
          ? -1
          : a.txid > b.txid
            ? 1
            : a.vout - b.vout,
    )
  const available = utxos.reduce((a, u) => a + u.value, 0n)
  const total = (selected: readonly Utxo[]) => selected.reduce((a, u) => a + u.value, 0n)
  const weightOf = (count: number, change: boolean) =>
    baseWeight + count * inW + (change ? outputWeight(changeKind) : 0)

  // Branch and bound over effective values (value - input fee): find a set whose effective value
  // lies in [needed, needed + costOfChange] so that no change output is worth creating.
  const needed = target + feeFor(baseWeight, feeRate)
  const effective = utxos.map((u) => u.value - inputFee)
  const suffix = effective.map((_, i) => effective.slice(i).reduce((a, v) => a + v, 0n))
  let tries = parameters.maxTries ?? 100_000
  let best: number[] | undefined
  let bestWaste: bigint | undefined
  const pick: number[] = []
  const search = (i: number, sum: bigint): void => {
    if (tries-- <= 0) return
    if (sum > needed + costOfChange) return
    if (sum >= needed) {
      const waste = sum - needed
      if (bestWaste === undefined || waste < bestWaste) {
        bestWaste = waste
        best = [...pick]
      }
      return
    }
    if (i >= effective.length || sum + suffix[i]! < needed) return
    pick.push(i)
    search(i + 1, sum + effective[i]!)
    pick.pop()
    search(i + 1, sum)
  }
  search(0, 0n)
  if (best !== undefined) {
    const inputs = best.map((i) => utxos[i]!)
    const weight = weightOf(inputs.length, false)
    return ok({
      inputs,
      change: 0n,
      fee: total(inputs) - target,
      vsize: vsizeOf(weight),
      algorithm: 'branch_and_bound',
    })
  }

  // Largest first, with change.
  const inputs: Utxo[] = []
  for (const utxo of utxos) {
    inputs.push(utxo)
    const sum = total(inputs)
    const feeWithChange = feeFor(weightOf(inputs.length, true), feeRate)
    if (sum >= target + feeWithChange) {
      const change = sum - target - feeWithChange
      if (change >= dustThreshold(changeKind)) {
        return ok({
          inputs,
          change,
          fee: feeWithChange,
          vsize: vsizeOf(weightOf(inputs.length, true)),
          algorithm: 'largest_first',
        })
      }
      const feeWithout = feeFor(weightOf(inputs.length, false), feeRate)
      if (sum >= target + feeWithout) {
        return ok({
          inputs,
          change: 0n,
          fee: sum - target,
          vsize: vsizeOf(weightOf(inputs.length, false)),
          algorithm: 'largest_first',
        })
      }
    }
  }
  return reject({
    code: 'INSUFFICIENT_FUNDS',
    message: `The wallet holds ${available} sat usable at ${feeRate} sat/vB; ${target} sat plus fees are needed.`,
    available,
    needed: target + feeFor(weightOf(utxos.length + 1, true), feeRate),
  })
}
