import { approveRequest } from './approveRequest.js'
import { createOrchestratorContext } from './orchestratorContext.js'
import type { CreateOrchestratorParameters, Orchestrator } from './orchestratorTypes.js'
import { fromStoredRequest, snapshot } from './requestState.js'
import { signRequest } from './signRequest.js'
import { submitRequest } from './submitRequest.js'

/**
 * Creates the signer orchestrator: the only component that issues signing authorizations.
 * Routes each request to the signer for its wallet's tier and scheme, pins every wallet to its
 * chain (the request's chain and every RPC endpoint's reported chain must equal the wallet's),
 * and records every decision, approval, authorization, signature and refusal in the audit log.
 *
 * Requests live in `parameters.requests` (an {@link OrchestratorRequestStore}): every change is
 * saved before the orchestrator answers, and a new orchestrator on the same store recovers each
 * request with its status, decision, approvals and signatures. A signed payload is never signed
 * again; asking for it returns the recorded signature.
 *
 * @throws {CustodyError} `CUSTODY_INVALID_CONFIG` (two wallets with one id),
 *   `CUSTODY_REQUEST_STORE_FAILED` (a stored request names a wallet not configured).
 *
 * @example
 * ```ts
 * const orchestrator = createOrchestrator({ clock, ids, audit, authorizationKey, policies,
 *   killSwitch, wallets, signers: [hsmRoute], addressFormats: [evmAddressFormat],
 *   binders: [evmPayloadBinder], requests: openOrchestratorRequestLog({ path }) })
 * const submitted = await orchestrator.submit({ requestId: 'w1', walletId: 'hot-eth',
 *   initiator: 'alice', chain: 'eip155:1', asset: 'ETH', amount: '1.5', destination })
 * ```
 */
export function createOrchestrator(parameters: CreateOrchestratorParameters): Orchestrator {
  const context = createOrchestratorContext(parameters)
  const recovered = context.store.load().map((stored) => fromStoredRequest(stored, context.wallets))
  for (const state of recovered) context.requests.set(state.request.requestId, state)
  // Requests signed (or asked to be) before the restart still count in velocity windows.
  const counted = recovered.flatMap((s) => (s.velocityEvent === undefined ? [] : [s.velocityEvent]))
  for (const event of counted.sort((a, b) => a.time - b.time)) context.velocity.record(event)
  const { authorizationKey } = parameters
  return {
    authorizationKey: { keyId: authorizationKey.keyId, publicKey: authorizationKey.publicKey },
    get: (requestId) => {
      const state = context.requests.get(requestId)
      return state && snapshot(state)
    },
    wallet: (walletId) => context.wallets.get(walletId),
    submit: (intent) => submitRequest(context, intent),
    approve: (request) => approveRequest(context, request),
    sign: (request) => signRequest(context, request),
  }
}
