// A signer node's signing: nonce commitments (persisted before they are returned) and signature
// shares (the orchestrator's authorization verified here, nonce use persisted before any share is
// computed).
import type { CanonicalValue } from '@strongroom/core'
import { verifyAuthorization } from '../authorization/verifyAuthorization.js'
import { parseHex, toHex } from '../frost/bytes.js'
import {
  FrostGroupMismatchError,
  FrostInputError,
  FrostNonceReusedError,
} from '../frost/frostErrors.js'
import {
  frostSign,
  nonceGenerate,
  type SigningPackage,
  signingNoncesFromScalars,
} from '../frost/signing.js'
import type { NodeEnvelope } from './envelope.js'
import type { NodeContext } from './nodeContext.js'
import {
  decodeCommitment,
  encodeCommitment,
  expectArray,
  expectInteger,
  expectRecord,
  expectString,
} from './wire.js'

/** Handles `sign.commit` and `sign.share`; `undefined` for any other type. */
export async function handleSigningRequest(
  ctx: NodeContext,
  request: NodeEnvelope,
  body: Record<string, unknown>,
): Promise<CanonicalValue | undefined> {
  const { nodeId, clock, audit, random, nonces, groupOf } = ctx
  const parameters = { trust: ctx.trust, faultInjection: ctx.faultInjection }
  switch (request.type) {
    case 'sign.commit': {
      const group = groupOf(body.groupId, ['body', 'groupId'])
      const count = expectInteger(body.count, ['body', 'count'], 1, 1_000)
      const suite = group.share.publicKeyPackage.ciphersuite
      const batch = Array.from({ length: count }, () => ({
        id: toHex(random(16)),
        groupId: group.share.publicKeyPackage.groupId,
        generation: group.share.publicKeyPackage.generation,
        hiding: nonceGenerate(suite, group.share.signingShare, random),
        binding: nonceGenerate(suite, group.share.signingShare, random),
      }))
      nonces.add(batch) // durable before anyone sees a commitment
      return {
        commitments: batch.map((n) => ({
          nonceId: n.id,
          ...encodeCommitment(
            suite,
            signingNoncesFromScalars(suite, group.share.identifier, n.hiding, n.binding)
              .commitments,
          ),
        })),
      }
    }
    case 'sign.share': {
      const group = groupOf(body.groupId, ['body', 'groupId'])
      const pkg = group.share.publicKeyPackage
      const suite = pkg.ciphersuite
      const generation = expectInteger(body.generation, ['body', 'generation'], 0, 1_000_000)
      if (generation !== pkg.generation)
        throw new FrostGroupMismatchError(
          `Generation ${generation} asked; this node holds generation ${pkg.generation}.`,
        )
      const message = parseHex(body.message, ['body', 'message'])
      if (message.length === 0 || message.length > 65_536)
        throw new FrostInputError('must be 1 to 65536 bytes', {
          path: ['body', 'message'],
          rule: 'length',
        })
      const tweak =
        body.tweak === null || body.tweak === undefined
          ? undefined
          : {
              merkleRoot: parseHex(expectRecord(body.tweak, ['body', 'tweak']).merkleRoot, [
                'body',
                'tweak',
                'merkleRoot',
              ]),
            }
      const candidates = expectArray(body.candidates, ['body', 'candidates'], 64).map((c, i) => {
        const r = expectRecord(c, ['body', 'candidates', i])
        const nonceId = expectString(
          r.nonceId,
          ['body', 'candidates', i, 'nonceId'],
          /^[0-9a-f]{32}$/,
        )
        const commitments = expectArray(
          r.commitments,
          ['body', 'candidates', i, 'commitments'],
          255,
        ).map((x, j) => decodeCommitment(suite, x, ['body', 'candidates', i, 'commitments', j]))
        return { nonceId, commitments }
      })
      if (candidates.length === 0)
        throw new FrostInputError('must not be empty', {
          path: ['body', 'candidates'],
          rule: 'missing',
        })
      if (new Set(candidates.map((c) => c.nonceId)).size !== candidates.length)
        throw new FrostNonceReusedError('the same nonce is named twice')
      const prepared = candidates.map((c, i) => {
        if (nonces.isUsed(c.nonceId))
          throw new FrostNonceReusedError(`nonce ${c.nonceId} was already used`)
        const stored = nonces.get(c.nonceId)
        if (
          stored === undefined ||
          stored.groupId !== pkg.groupId ||
          stored.generation !== pkg.generation
        ) {
          throw new FrostInputError('is not an unused nonce of this group and generation', {
            path: ['body', 'candidates', i, 'nonceId'],
            rule: 'missing',
          })
        }
        const own = signingNoncesFromScalars(
          suite,
          group.share.identifier,
          stored.hiding,
          stored.binding,
        )
        const listed = c.commitments.find((x) => x.identifier === group.share.identifier)
        if (
          listed === undefined ||
          !listed.hiding.equals(own.commitments.hiding) ||
          !listed.binding.equals(own.commitments.binding)
        ) {
          throw new FrostInputError("does not carry this node's commitment for the nonce", {
            path: ['body', 'candidates', i, 'commitments'],
            rule: 'missing',
          })
        }
        return {
          nonces: own,
          signingPackage: {
            message,
            commitments: c.commitments,
            tweak,
            group: { groupId: pkg.groupId, generation: pkg.generation },
          } satisfies SigningPackage,
        }
      })
      // The orchestrator's authorization, checked here, independently (consumes its nonce last).
      await verifyAuthorization({
        authorization: body.authorization,
        payload: message,
        keyId: group.keyId,
        trust: {
          ...parameters.trust,
          nonces: nonces.authorizationsFor(request.sessionId),
          clock,
        },
      })
      // The audit record goes to its file on the thread pool while the nonce use is made
      // durable here and the shares are computed; the reply waits for both.
      const audited = audit?.append({
        type: 'custody.frost_node.signature_share',
        actor: nodeId,
        data: {
          sessionId: request.sessionId,
          groupId: pkg.groupId,
          nonceIds: candidates.map((c) => c.nonceId),
          requestId: String((body.authorization as { requestId?: unknown }).requestId ?? ''),
        },
      })
      nonces.markUsed(candidates.map((c) => c.nonceId)) // durable before any share exists
      const shares = prepared.map((p, i) => {
        const s = frostSign({
          share: group.share,
          nonces: p.nonces,
          signingPackage: p.signingPackage,
        })
        const value =
          parameters.faultInjection === 'corrupt-signature-shares'
            ? (s.share + 1n) % suite.order
            : s.share
        return { candidate: i, share: toHex(suite.serializeScalar(value)) }
      })
      await audited
      return { shares }
    }
    default:
      return undefined
  }
}
