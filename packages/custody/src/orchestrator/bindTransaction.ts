import type { Signer } from '@strongroom/core'
import { bytesEqual } from '../crypto/bytes.js'
import { CustodyError } from '../custodyErrors.js'
import { chainNamespace, type WalletDefinition } from '../wallets/wallet.js'
import type { BoundPayload, PayloadBinder, SigningPurpose } from './payloadBinder.js'
import type { RequestState } from './requestState.js'
import type { RecordedSignature } from './requestStore.js'
import type { SignerRoute } from './signerRoutes.js'

/**
 * The signature already recorded for this transaction and purpose, if any: the transaction is
 * bound again exactly as it was when that signature was made (with the payloads signed before
 * it), and must give the same bytes.
 */
export function findRecordedSignature(
  binders: ReadonlyMap<string, PayloadBinder>,
  state: RequestState,
  transaction: unknown,
  purpose: SigningPurpose,
): RecordedSignature | undefined {
  const binder = binders.get(chainNamespace(state.wallet.chain))
  if (binder === undefined) return undefined
  for (const [i, recorded] of state.signatures.entries()) {
    if (recorded.purpose !== purpose) continue
    const previous = state.signatures.slice(0, i).map((r) => r.bound)
    const bound = tryBind(binder, state, transaction, purpose, previous)
    if (bound !== undefined && bytesEqual(bound.payload, recorded.bound.payload)) return recorded
  }
  return undefined
}

/**
 * Checks the transaction against the request and derives the bytes to sign. A signature left
 * pending by a crash counts as signed (it may have been), except for the very same payload,
 * which may be signed again: `resumed` is then true.
 *
 * @throws the binder's typed error when the transaction does something else.
 */
export function bindTransaction(
  binder: PayloadBinder,
  state: RequestState,
  transaction: unknown,
  purpose: SigningPurpose,
): { bound: BoundPayload; resumed: boolean } {
  const previous = state.signatures.map((r) => r.bound)
  const pending = state.pending
  if (pending === undefined) {
    return { bound: bind(binder, state, transaction, purpose, previous), resumed: false }
  }
  if (pending.purpose === purpose) {
    const again = tryBind(binder, state, transaction, purpose, previous)
    if (again !== undefined && bytesEqual(again.payload, pending.bound.payload)) {
      return { bound: again, resumed: true }
    }
  }
  return {
    bound: bind(binder, state, transaction, purpose, [...previous, pending.bound]),
    resumed: false,
  }
}

const bind = (
  binder: PayloadBinder,
  state: RequestState,
  transaction: unknown,
  purpose: SigningPurpose,
  previous: readonly BoundPayload[],
) => binder.bind({ request: state.request, wallet: state.wallet, transaction, purpose, previous })

function tryBind(...args: Parameters<typeof bind>): BoundPayload | undefined {
  try {
    return bind(...args)
  } catch {
    return undefined
  }
}

/**
 * The signer and payload binder serving a wallet: the route for its tier and scheme, the signer
 * holding its key (whose public key must derive the wallet's address), the binder of its chain.
 *
 * @throws {CustodyError} `CUSTODY_SIGNER_NOT_FOUND`, `CUSTODY_INVALID_CONFIG`,
 *   `CUSTODY_SIGNER_MISMATCH`
 */
export function resolveSigner(
  routes: readonly SignerRoute[],
  binders: ReadonlyMap<string, PayloadBinder>,
  wallet: WalletDefinition,
): { signer: Signer; binder: PayloadBinder } {
  const route = routes.find((r) => r.tier === wallet.tier && r.scheme === wallet.scheme)
  const signer = route?.resolve(wallet.keyId)
  if (signer === undefined) {
    throw new CustodyError("No signer is routed for the wallet's tier, scheme and key.", {
      code: 'CUSTODY_SIGNER_NOT_FOUND',
      details: `${wallet.id}: ${wallet.tier}/${wallet.scheme}/${wallet.keyId}`,
    })
  }
  const binder = binders.get(chainNamespace(wallet.chain))
  if (binder === undefined) {
    throw new CustodyError('No payload binder for the chain family.', {
      code: 'CUSTODY_INVALID_CONFIG',
      details: wallet.chain,
    })
  }
  if (
    signer.keyId !== wallet.keyId ||
    signer.scheme !== wallet.scheme ||
    (binder.addressOf !== undefined && binder.addressOf(signer.publicKey) !== wallet.address)
  ) {
    throw new CustodyError("The routed signer does not hold the wallet's key.", {
      code: 'CUSTODY_SIGNER_MISMATCH',
      details: `${wallet.id}: ${signer.keyId}/${signer.scheme}`,
    })
  }
  return { signer, binder }
}
