// The orchestrator's authorization for one FROST benchmark signature (a `message` request under
// the bench policy), shared by the cross-process and the in-process FROST benches.
import type { Clock, KeyId, RequestId, WalletId } from '@strongroom/core'
import {
  type createSoftwareAuthorizationKey,
  requestDigest,
  signAuthorization,
} from '../src/index.js'
import { hex } from '../test/helpers.js'

export function benchAuthorizer(options: {
  clock: Clock
  message: Uint8Array
  orchestratorKey: ReturnType<typeof createSoftwareAuthorizationKey>
}) {
  const { clock, message, orchestratorKey } = options
  let counter = 0
  return async function authorize(keyId: string) {
    const at = clock.now()
    const request = {
      requestId: `b-${++counter}` as RequestId,
      kind: 'message',
      walletId: 'w' as WalletId,
      initiator: 'bench',
      chain: 'bench:1',
      asset: 'BTC',
      amount: 0n,
      destination: 'none',
      createdAt: at,
    }
    return signAuthorization(
      {
        requestId: request.requestId,
        keyId: keyId as KeyId,
        policyId: 'bench-policy',
        policyVersion: 1,
        ruleId: 'messages',
        payloadDigest: Buffer.from(await crypto.subtle.digest('SHA-256', message)).toString('hex'),
        requestDigest: requestDigest(request),
        approvals: [],
        issuedAt: at,
        expiresAt: at + 240_000,
        nonce: hex(crypto.getRandomValues(new Uint8Array(16))),
        initiator: 'bench',
        walletId: 'w',
        chain: 'bench:1',
      },
      orchestratorKey,
    )
  }
}
