// A signer node's signing: nonce commitments (persisted before they are returned) and signature
// shares (the orchestrator's authorization verified here, nonce use persisted before any share is
// computed).
import type { CanonicalValue } from '@strongroom/core'
import { verifyAuthorization } from '../authorization/verifyAuthorization.js'
import { parseHex, toHex } from '../frost/bytes.js'
import type { FrostCiphersuite } from '../frost/ciphersuites.js'
import {
  FrostGroupMismatchError,
  FrostInputError,
  FrostNonceReusedError,
} from '../frost/frostErrors.js'
import {
  frostSignFinish,
  frostSignPrepare,
  nonceGenerate,
  type SigningPackage,
  signingNoncesFromCommitments,
} from '../frost/signing.js'
import type { NodeEnvelope } from './envelope.js'
import type { NodeContext } from './nodeContext.js'
import type { StoredNonce } from './nonceLog.js'
import {
  decodeCommitment,
  expectArray,
  expectInteger,
  expectRecord,
  expectString,
  isRecord,
} from './wire.js'
import { commitToNonces } from './wirePoint.js'

/** The commitments of a stored nonce pair (recomputed after a restart, when not in memory). */
function ownCommitment(
  suite: FrostCiphersuite,
  identifier: number,
  stored: StoredNonce,
): NonNullable<StoredNonce['commitment']> {
  return stored.commitment ?? commitToNonces(suite, identifier, stored.hiding, stored.binding)
}

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
      const batch: StoredNonce[] = Array.from({ length: count }, () => {
        const id = toHex(random(16))
        const hiding = nonceGenerate(suite, group.share.signingShare, random)
        const binding = nonceGenerate(suite, group.share.signingShare, random)
        return {
          id,
          groupId: group.share.publicKeyPackage.groupId,
          generation: group.share.publicKeyPackage.generation,
          hiding,
          binding,
          commitment: commitToNonces(suite, group.share.identifier, hiding, binding),
        }
      })
      nonces.add(batch) // durable before anyone sees a commitment
      return { commitments: batch.map((n) => ({ nonceId: n.id, ...n.commitment!.wire })) }
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
      const list = expectArray(body.candidates, ['body', 'candidates'], 64)
      if (list.length === 0)
        throw new FrostInputError('must not be empty', {
          path: ['body', 'candidates'],
          rule: 'missing',
        })
      const ids = new Set<string>()
      const prepared = list.map((c, i) => {
        const r = expectRecord(c, ['body', 'candidates', i])
        const nonceId = expectString(
          r.nonceId,
          ['body', 'candidates', i, 'nonceId'],
          /^[0-9a-f]{32}$/,
        )
        if (ids.has(nonceId)) throw new FrostNonceReusedError('the same nonce is named twice')
        ids.add(nonceId)
        if (nonces.isUsed(nonceId))
          throw new FrostNonceReusedError(`nonce ${nonceId} was already used`)
        const stored = nonces.get(nonceId)
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
        const own = ownCommitment(suite, group.share.identifier, stored)
        const path = ['body', 'candidates', i, 'commitments']
        let listed = false
        // This node's own entry is compared byte for byte with what it committed to (no point
        // decoding); every other entry is decoded and validated.
        const commitments = expectArray(r.commitments, path, 255).map((x, j) => {
          if (isRecord(x) && x.identifier === group.share.identifier) {
            if (x.hiding !== own.wire.hiding || x.binding !== own.wire.binding)
              throw new FrostInputError("does not carry this node's commitment for the nonce", {
                path,
                rule: 'missing',
              })
            listed = true
            return own.points
          }
          return decodeCommitment(suite, x, [...path, j])
        })
        if (!listed)
          throw new FrostInputError("does not carry this node's commitment for the nonce", {
            path,
            rule: 'missing',
          })
        return {
          nonceId,
          nonces: signingNoncesFromCommitments(own.points, stored.hiding, stored.binding),
          signingPackage: {
            message,
            commitments,
            tweak,
            group: { groupId: pkg.groupId, generation: pkg.generation },
          } satisfies SigningPackage,
        }
      })
      // The orchestrator's authorization, checked here, independently (consumes its nonce last;
      // the consumption is staged and written with the nonces' use).
      const signing = nonces.beginSigning(request.sessionId)
      await verifyAuthorization({
        authorization: body.authorization,
        payload: message,
        keyId: group.keyId,
        trust: { ...parameters.trust, nonces: signing.authorizations, clock },
      })
      // One write and fsync (on the thread pool) makes the nonces' use and the authorization's
      // consumption durable; the audit record goes to its own file meanwhile, and the public
      // part of each share is computed. No share exists before the write is durable.
      const durable = signing.commit(prepared.map((p) => p.nonceId))
      const audited = audit?.append({
        type: 'custody.frost_node.signature_share',
        actor: nodeId,
        data: {
          sessionId: request.sessionId,
          groupId: pkg.groupId,
          nonceIds: prepared.map((p) => p.nonceId),
          requestId: String((body.authorization as { requestId?: unknown }).requestId ?? ''),
        },
      })
      // (A refusal below must not leave either rejection unobserved.)
      void Promise.allSettled([durable, audited])
      const ready = prepared.map((p) =>
        frostSignPrepare({ share: group.share, signingPackage: p.signingPackage }),
      )
      await durable
      const shares = prepared.map((p, i) => {
        const s = frostSignFinish({ prepared: ready[i]!, nonces: p.nonces })
        const value =
          parameters.faultInjection === 'corrupt-signature-shares'
            ? (s.share + 1n) % suite.order
            : s.share
        // The group commitment this node derived: the coordinator may aggregate with it.
        const groupCommitment = toHex(suite.serializeElement(ready[i]!.values.groupCommitment))
        return { candidate: i, share: toHex(suite.serializeScalar(value)), groupCommitment }
      })
      await audited
      return { shares }
    }
    default:
      return undefined
  }
}
