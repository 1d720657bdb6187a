// The coordinator's signing: up to t + tolerance nodes sign every t-subset of them in one round;
// the first subset whose aggregate verifies wins; bad shares are named, nodes quarantined.
import type { CanonicalValue } from '@strongroom/core'
import { fromHex, isHex } from '../crypto/bytes.js'
import { toHex } from '../frost/bytes.js'
import { FrostInvalidSignatureShareError } from '../frost/frostErrors.js'
import {
  frostAggregate,
  frostAggregateWithCommitment,
  type SignatureShare,
  type SigningPackage,
} from '../frost/signing.js'
import type { TaprootTweak } from '../frost/taproot.js'
import type { CoordinatedSignature } from './coordinator.js'
import { type CoordinatorCore, type PooledCommitment, subsets } from './coordinatorCore.js'
import { SignerNodeError } from './signerNodeErrors.js'
import { expectArray, expectRecord } from './wire.js'

/** Signs `message` under the group with the orchestrator's authorization. */
export async function coordinateSigning(
  core: CoordinatorCore,
  {
    groupId,
    message,
    authorization,
    tweak,
    tolerance = 1,
  }: {
    groupId: string
    message: Uint8Array
    authorization: unknown
    tweak?: TaprootTweak | undefined
    tolerance?: number | undefined
  },
): Promise<CoordinatedSignature> {
  const { groups, pools, quarantined, call, newSession, record, commitments } = core
  const group = groups.get(groupId)
  if (group === undefined)
    throw new SignerNodeError(`Unknown group ${groupId}.`, {
      code: 'CUSTODY_NODE_QUORUM_UNAVAILABLE',
    })
  const pkg = group.publicKeyPackage
  const t = pkg.threshold
  const suite = pkg.ciphersuite
  const sessionId = newSession()
  const unavailable: string[] = []
  const culprits = new Set<number>()
  const requestId = String((authorization as { requestId?: unknown } | null)?.requestId ?? '')
  await record('signing_started', { sessionId, groupId, requestId, generation: pkg.generation })
  const members = [...group.members.entries()].sort((a, b) => a[0] - b[0])
  // Up to three rounds in one session: a round that loses a node (down, refusing, or sending
  // an invalid share) is followed by one without it. Nodes accept the same authorization only
  // within this session.
  for (let round = 0; round < 3; round++) {
    const wanted = t + tolerance
    const perNode = (count: number) =>
      count > t ? [...subsets([...Array(count).keys()], t)].filter((x) => x.includes(0)).length : 1
    const chosen: { identifier: number; nodeId: string; pool: PooledCommitment[] }[] = []
    for (const [identifier, nodeId] of members) {
      if (chosen.length >= wanted) break
      if (quarantined.has(nodeId) || unavailable.includes(nodeId)) continue
      try {
        chosen.push({
          identifier,
          nodeId,
          pool: await commitments(group, nodeId, perNode(Math.min(wanted, members.length))),
        })
      } catch (error) {
        unavailable.push(nodeId)
        await record('node_unavailable', {
          sessionId,
          nodeId,
          code: error instanceof SignerNodeError ? error.code : 'UNKNOWN',
        })
      }
    }
    if (chosen.length < t) break
    const candidateSets = chosen.length > t ? [...subsets(chosen, t)] : [chosen]
    const nonceOf = new Map<string, string>()
    const used = new Map<number, number>()
    const pooledSets: PooledCommitment[][] = candidateSets.map((set, i) =>
      set.map((member) => {
        const k = used.get(member.identifier) ?? 0
        used.set(member.identifier, k + 1)
        const pooled = member.pool[k]!
        nonceOf.set(`${i}/${member.identifier}`, pooled.nonceId)
        return pooled
      }),
    )
    const packages: SigningPackage[] = pooledSets.map((pooled) => ({
      message,
      tweak,
      group: { groupId, generation: pkg.generation },
      commitments: pooled.map((p) => p.commitments),
    }))
    // Commitments fetched but not used this round go back to the pool (never sent in a request).
    for (const member of chosen) {
      const rest = member.pool.slice(used.get(member.identifier) ?? 0)
      const key = `${groupId}/${member.nodeId}`
      pools.set(key, [...rest, ...(pools.get(key) ?? [])])
    }
    const answers = Promise.all(
      chosen.map(async (member) => {
        const mine = candidateSets
          .map((set, i) => ({ set, i }))
          .filter(({ set }) => set.includes(member))
        try {
          const body = await call(member.nodeId, sessionId, 'sign.share', {
            groupId,
            generation: pkg.generation,
            message: toHex(message),
            tweak: tweak ? { merkleRoot: toHex(tweak.merkleRoot) } : null,
            authorization: authorization as CanonicalValue,
            candidates: mine.map(({ i }) => ({
              nonceId: nonceOf.get(`${i}/${member.identifier}`)!,
              commitments: pooledSets[i]!.map((p) => p.wire),
            })),
          })
          const shares = new Map<number, SignatureShare>()
          const reported = new Map<number, string>()
          for (const [k, s] of expectArray(body.shares, ['body', 'shares']).entries()) {
            const r = expectRecord(s, ['body', 'shares', k])
            const index = mine[Number(r.candidate)]?.i
            if (index === undefined) continue
            if (typeof r.groupCommitment === 'string') reported.set(index, r.groupCommitment)
            shares.set(index, {
              identifier: member.identifier,
              share: suite.deserializeScalar(Buffer.from(String(r.share), 'hex'), [
                'body',
                'shares',
                k,
                'share',
              ]),
            })
          }
          return { member, shares, reported }
        } catch (error) {
          unavailable.push(member.nodeId)
          await record('node_refused', {
            sessionId,
            nodeId: member.nodeId,
            code:
              error instanceof SignerNodeError
                ? (error.reason ?? error.code)
                : 'CUSTODY_NODE_PROTOCOL_INVALID',
          })
          return {
            member,
            shares: new Map<number, SignatureShare>(),
            reported: new Map<number, string>(),
          }
        }
      }),
    )
    const results = await answers
    let signature: Uint8Array | undefined
    let signers: number[] = []
    const before = culprits.size
    // Fast path: aggregate set by set (one signature verification each), with the group
    // commitment the set's signers agree on when they do (no binding factors or multi-scalar
    // multiplication here); a set that fails is aggregated from its own session values, and
    // when that fails too its shares are checked one by one, naming the culprits.
    for (const [i, set] of candidateSets.entries()) {
      if (signature !== undefined) break
      const answered = set.map((m) => results.find((r) => r.member === m)!)
      const shares = answered.map((r) => r.shares.get(i))
      if (shares.some((x) => x === undefined)) continue
      const reported = new Set(answered.map((r) => r.reported.get(i)))
      const [commitment] = reported
      if (reported.size === 1 && commitment !== undefined && isHex(commitment)) {
        signature = frostAggregateWithCommitment({
          publicKeyPackage: pkg,
          signingPackage: packages[i]!,
          groupCommitment: fromHex(commitment),
          signatureShares: shares as SignatureShare[],
        })
        if (signature !== undefined) {
          signers = set.map((m) => m.identifier)
          break
        }
      }
      try {
        signature = frostAggregate({
          publicKeyPackage: pkg,
          signingPackage: packages[i]!,
          signatureShares: shares as SignatureShare[],
        })
        signers = set.map((m) => m.identifier)
      } catch (error) {
        if (!(error instanceof FrostInvalidSignatureShareError)) throw error
        for (const id of error.culprits) culprits.add(id)
      }
    }
    // Members that answered but are not in the winning set: check their shares too, so a
    // misbehaving node is named even when the others could sign without it.
    for (const member of chosen) {
      if (signers.includes(member.identifier) || culprits.has(member.identifier)) continue
      const result = results.find((r) => r.member === member)!
      const index = candidateSets.findIndex(
        (set, i) =>
          set.includes(member) &&
          set.every((m) => results.find((r) => r.member === m)!.shares.has(i)),
      )
      if (index < 0 || result.shares.size === 0) continue
      const set = candidateSets[index]!
      // The aggregate of that set first (one verification); shares one by one only if it fails.
      try {
        frostAggregate({
          publicKeyPackage: pkg,
          signingPackage: packages[index]!,
          signatureShares: set.map((m) => results.find((r) => r.member === m)!.shares.get(index)!),
        })
      } catch (error) {
        if (!(error instanceof FrostInvalidSignatureShareError)) throw error
        for (const id of error.culprits) culprits.add(id)
      }
    }
    for (const id of [...culprits].slice(before)) {
      const nodeId = group.members.get(id)!
      quarantined.add(nodeId)
      await record('invalid_share', {
        sessionId,
        groupId,
        identifier: id,
        nodeId,
        quarantined: true,
      })
    }
    if (signature !== undefined) {
      await record('signature', {
        sessionId,
        groupId,
        requestId,
        round,
        signers,
        culprits: [...culprits],
        unavailable,
        signature: toHex(signature),
      })
      return { signature, signers, culprits: [...culprits].sort((a, b) => a - b), unavailable }
    }
  }
  await record('signing_failed', {
    sessionId,
    groupId,
    requestId,
    culprits: [...culprits],
    unavailable,
  })
  if (culprits.size > 0)
    throw new FrostInvalidSignatureShareError([...culprits].sort((a, b) => a - b))
  throw new SignerNodeError(`Fewer than ${t} signer nodes are available and honest.`, {
    code: 'CUSTODY_NODE_QUORUM_UNAVAILABLE',
  })
}
