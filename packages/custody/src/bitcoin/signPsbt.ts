import { Psbt } from 'bitcoinjs-lib'
import type { Orchestrator, OrchestratorRejection } from '../orchestrator/orchestratorTypes.js'
import { addBitcoinSignature } from './psbt.js'
import type { BitcoinWallet } from './wallet.js'

/** Result of {@link signBitcoinPsbtWithOrchestrator}. */
export type SignBitcoinPsbtResult =
  | { readonly ok: true; readonly psbt: Psbt }
  | { readonly ok: false; readonly inputIndex: number; readonly rejection: OrchestratorRejection }

/**
 * Signs every input of a PSBT through the orchestrator: for each input it asks
 * `orchestrator.sign({ requestId, transaction: { psbt, inputIndex } })` (policy, approvals,
 * authorization, routed signer — HSM ECDSA or FROST Schnorr), checks the returned signature
 * against the input's sighash and key, and adds it to the PSBT (`partialSig` or `tapKeySig`).
 * For a multisig wallet call it once per cosigner request.
 * @throws {BitcoinSignatureError} when a signer returns a signature that does not verify.
 */
export async function signBitcoinPsbtWithOrchestrator(parameters: {
  orchestrator: Orchestrator
  requestId: string
  psbt: Psbt
  wallet: BitcoinWallet
}): Promise<SignBitcoinPsbtResult> {
  const { orchestrator, requestId, wallet } = parameters
  const psbt = Psbt.fromBase64(parameters.psbt.toBase64(), { network: wallet.network })
  // Sign against the unsigned PSBT so every input is bound to the same transaction.
  const unsigned = parameters.psbt.toBase64()
  for (let inputIndex = 0; inputIndex < psbt.inputCount; inputIndex++) {
    const signed = await orchestrator.sign({
      requestId,
      transaction: { psbt: unsigned, inputIndex },
    })
    if (!signed.ok) return { ok: false, inputIndex, rejection: signed.rejection }
    addBitcoinSignature({
      psbt,
      wallet,
      inputIndex,
      publicKey: signed.value.publicKey,
      signature: signed.value.signature,
    })
  }
  return { ok: true, psbt }
}
