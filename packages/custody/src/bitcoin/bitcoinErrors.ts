import { InputError, type IssuePath, registerErrorCodes, StrongroomError } from '@strongroom/core'
import { version } from '../version.js'

/** Error codes of the Bitcoin adapter. */
export const BitcoinErrorCode = registerErrorCodes('@strongroom/custody', {
  CUSTODY_BTC_INVALID_PSBT: 'A PSBT, address, script or Bitcoin wallet setting is malformed.',
  CUSTODY_BTC_MISSING_UTXO:
    'A PSBT input lacks the UTXO data (witnessUtxo) needed to sign it safely.',
  CUSTODY_BTC_FOREIGN_INPUT: 'A PSBT input spends a script that is not the wallet’s.',
  CUSTODY_BTC_UNEXPECTED_OUTPUT:
    'A PSBT output pays an address that is neither allow-listed nor the wallet’s change, or amounts differ from the request.',
  CUSTODY_BTC_FEE_TOO_HIGH: 'The PSBT pays a fee above the configured maximum fee rate.',
  CUSTODY_BTC_INVALID_SIGNATURE: 'A signature returned for a PSBT input does not verify.',
})

/** Rules a Bitcoin input can break. */
export type BitcoinRule =
  | 'encoding'
  | 'missing_utxo'
  | 'foreign_input'
  | 'not_allow_listed'
  | 'amount_mismatch'
  | 'fee_too_high'
  | 'network'
  | 'type'
  | 'dust'
  | 'invalid_signature'

/** One of the codes in {@link BitcoinErrorCode}. */
export type BitcoinInputCode = (typeof BitcoinErrorCode)[keyof typeof BitcoinErrorCode]

/** A PSBT or Bitcoin input was refused; names the field (e.g. `outputs[1].address`) and rule. */
export class BitcoinInputError extends InputError<BitcoinInputCode, BitcoinRule> {
  override name = 'BitcoinInputError'
  constructor(
    message: string,
    options: { code: BitcoinInputCode; path: IssuePath; rule: BitcoinRule; cause?: unknown },
  ) {
    super(message, { ...options, version: `@strongroom/custody@${version}` })
  }
}

/** A signer returned a signature that does not verify for the input's sighash and key. */
export class BitcoinSignatureError extends StrongroomError<'CUSTODY_BTC_INVALID_SIGNATURE'> {
  override name = 'BitcoinSignatureError'
  readonly inputIndex: number
  constructor(inputIndex: number) {
    super(`The signature for input ${inputIndex} does not verify.`, {
      code: 'CUSTODY_BTC_INVALID_SIGNATURE',
      version: `@strongroom/custody@${version}`,
    })
    this.inputIndex = inputIndex
  }
}
