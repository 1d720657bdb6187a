// Bitcoin glue for the signer orchestrator (issue 5's `PayloadBinder` and `AddressFormat`): the
// orchestrator hands the binder `{ psbt, inputIndex }`; the binder validates the whole PSBT
// against the wallet and the approved request (outputs pay exactly the request's destination and
// amount, everything else is change, the allow-list holds, UTXO data is present, the fee is
// sane) and returns the input's sighash as the payload to sign.
import type { IssuePath } from '@strongroom/core'
import { address as bitcoinAddress, type Network } from 'bitcoinjs-lib'
import { CustodyInputError } from '../custodyErrors.js'
import type { BoundPayload, PayloadBinder } from '../orchestrator/payloadBinder.js'
import type { AddressFormat } from '../wallets/wallet.js'
import { BitcoinInputError } from './bitcoinErrors.js'
import { bitcoinSighash, parseBitcoinPsbt, validateBitcoinPsbt } from './psbt.js'
import type { BitcoinWallet } from './wallet.js'

/** The transaction the orchestrator's `sign` takes for Bitcoin wallets: one input at a time. */
export type BitcoinSigningTransaction = {
  /** The PSBT (base64 or hex). */
  readonly psbt: string
  readonly inputIndex: number
}

/** The CAIP-2 namespace of Bitcoin chains (`bip122:<genesis hash prefix>`). */
export const BITCOIN_NAMESPACE = 'bip122'

/** The {@link AddressFormat} of Bitcoin addresses on one network (bech32 lower-cased, base58 as is). */
export function bitcoinAddressFormat(network: Network): AddressFormat {
  return Object.freeze({
    namespace: BITCOIN_NAMESPACE,
    parse(addr: string, path: IssuePath) {
      const candidate =
        typeof addr === 'string' && /^(bc|tb|bcrt)1/i.test(addr) ? addr.toLowerCase() : addr
      try {
        bitcoinAddress.toOutputScript(candidate, network)
        return candidate
      } catch {
        throw new CustodyInputError('is not a Bitcoin address of this network.', {
          code: 'CUSTODY_INVALID_ADDRESS',
          path,
          rule: 'format',
        })
      }
    },
  })
}

/** Options of {@link createBitcoinPayloadBinder}. */
export type CreateBitcoinPayloadBinderParameters = {
  /** Script details of each Bitcoin wallet the orchestrator knows, by wallet id. */
  wallets: Readonly<Record<string, BitcoinWallet>>
  /** Destinations outputs may pay (besides change): the venue's allow-list. */
  allowList: readonly string[]
  /** Highest acceptable fee rate, sat/vB. */
  maxFeeRate: bigint
}

/**
 * A {@link PayloadBinder} for `bip122` wallets. It has no `addressOf` (a multisig address is not
 * a function of one key); a signer holding another key produces a signature that
 * {@link addBitcoinSignature} refuses.
 */
export function createBitcoinPayloadBinder(
  parameters: CreateBitcoinPayloadBinderParameters,
): PayloadBinder {
  return {
    namespace: BITCOIN_NAMESPACE,
    bind({ request, wallet, transaction, purpose, previous }): BoundPayload {
      const btc = parameters.wallets[wallet.id]
      if (btc === undefined || btc.address !== wallet.address) {
        throw new BitcoinInputError('has no Bitcoin script configuration', {
          code: 'CUSTODY_BTC_INVALID_PSBT',
          path: ['walletId'],
          rule: 'type',
        })
      }
      const tx = transaction as Partial<BitcoinSigningTransaction> | null
      if (tx === null || typeof tx !== 'object') {
        throw new BitcoinInputError('must be { psbt, inputIndex }', {
          code: 'CUSTODY_BTC_INVALID_PSBT',
          path: ['transaction'],
          rule: 'type',
        })
      }
      const psbt = parseBitcoinPsbt(tx.psbt, btc, ['transaction', 'psbt'])
      const inputIndex = tx.inputIndex
      if (
        typeof inputIndex !== 'number' ||
        !Number.isInteger(inputIndex) ||
        inputIndex < 0 ||
        inputIndex >= psbt.inputCount
      ) {
        throw new BitcoinInputError('is not an input of the PSBT', {
          code: 'CUSTODY_BTC_INVALID_PSBT',
          path: ['transaction', 'inputIndex'],
          rule: 'type',
        })
      }
      const summary = validateBitcoinPsbt({
        psbt,
        wallet: btc,
        allowList: parameters.allowList,
        maxFeeRate: parameters.maxFeeRate,
      })
      const paid = summary.outputs.filter((o) => !o.change)
      const wrong = paid.findIndex((o) => o.address !== request.destination)
      if (wrong >= 0 || paid.length === 0) {
        throw new BitcoinInputError('pays an address other than the approved destination', {
          code: 'CUSTODY_BTC_UNEXPECTED_OUTPUT',
          path: ['outputs', summary.outputs.indexOf(paid[Math.max(wrong, 0)]!)],
          rule: 'not_allow_listed',
        })
      }
      const total = paid.reduce((a, o) => a + o.value, 0n)
      if (total !== request.amount) {
        throw new BitcoinInputError(`pays ${total} sat, the approved amount is ${request.amount}`, {
          code: 'CUSTODY_BTC_UNEXPECTED_OUTPUT',
          path: ['outputs'],
          rule: 'amount_mismatch',
        })
      }
      // One request, one transaction: later inputs must belong to the transaction already being
      // signed (a replacement may spend the same outpoints with a new txid).
      const first = previous[0]
      if (purpose === 'transfer' && first !== undefined && first.sequence !== summary.txid) {
        throw new BitcoinInputError(
          'is a different transaction from the one already signed for this request',
          {
            code: 'CUSTODY_BTC_UNEXPECTED_OUTPUT',
            path: ['transaction', 'psbt'],
            rule: 'amount_mismatch',
          },
        )
      }
      return {
        payload: bitcoinSighash(psbt, inputIndex, btc),
        summary: {
          txid: summary.txid,
          inputIndex,
          inputs: psbt.inputCount,
          fee: summary.fee,
          feeRate: summary.feeRate,
          outputs: summary.outputs.map((o) => ({
            address: o.address,
            value: o.value,
            change: o.change,
          })),
        },
        sequence: summary.txid,
        transaction: { psbt: psbt.toBase64(), inputIndex },
      }
    },
  }
}
