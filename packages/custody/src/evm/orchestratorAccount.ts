import {
  bytesToHex,
  type Hex,
  keccak256,
  type LocalAccount,
  serializeTransaction,
  type TransactionSerializable,
} from 'viem'
import { toAccount } from 'viem/accounts'
import { CustodyError, SigningRefusedError } from '../custodyErrors.js'
import type { Orchestrator, SignedPayload } from '../orchestrator/orchestratorTypes.js'
import type { SigningPurpose } from '../orchestrator/payloadBinder.js'

/** Parameters of {@link createOrchestratorAccount}. */
export type CreateOrchestratorAccountParameters = {
  orchestrator: Orchestrator
  /** The request every transaction signed by this account belongs to. */
  requestId: string
  purpose?: SigningPurpose | undefined
  /** Called with each signature (for audit trails or tests). */
  onSigned?: ((signed: SignedPayload & { raw: Hex; hash: Hex }) => void) | undefined
}

/**
 * A viem account whose `signTransaction` goes through the orchestrator: policy, kill switch,
 * approvals, a single-use authorization, and the HSM (or other routed signer). Messages and typed
 * data are refused — custody signs transactions of approved requests only.
 *
 * @throws {SigningRefusedError} from `signTransaction` when the orchestrator refuses.
 */
export function createOrchestratorAccount(
  parameters: CreateOrchestratorAccountParameters,
): LocalAccount {
  const { orchestrator, requestId } = parameters
  const tracked = orchestrator.get(requestId)
  if (tracked === undefined) {
    throw new CustodyError('No such request.', {
      code: 'CUSTODY_REQUEST_NOT_FOUND',
      details: requestId,
    })
  }
  const refuseOther = async (): Promise<Hex> => {
    throw new CustodyError('Custody signs transactions of approved requests only.', {
      code: 'CUSTODY_PAYLOAD_MISMATCH',
    })
  }
  return toAccount({
    address: tracked.wallet.address as Hex,
    async signTransaction(transaction) {
      const result = await orchestrator.sign({
        requestId,
        transaction,
        purpose: parameters.purpose ?? 'transfer',
      })
      if (!result.ok) throw new SigningRefusedError(result.rejection)
      const signed = result.value
      if (signed.recoveryId === undefined) {
        throw new CustodyError('An EVM signature needs a recovery id.', {
          code: 'CUSTODY_INVALID_CONFIG',
        })
      }
      const raw = serializeTransaction(signed.transaction as TransactionSerializable, {
        r: bytesToHex(signed.signature.subarray(0, 32)),
        s: bytesToHex(signed.signature.subarray(32, 64)),
        v: BigInt(27 + signed.recoveryId),
        yParity: signed.recoveryId,
      })
      parameters.onSigned?.({ ...signed, raw, hash: keccak256(raw) })
      return raw
    },
    signMessage: refuseOther,
    signTypedData: refuseOther,
  })
}
