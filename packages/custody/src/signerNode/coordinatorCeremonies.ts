// The coordinator's key ceremonies across signer nodes: DKG, proactive refresh and repair of a
// lost share. Shares move only pairwise-encrypted between nodes.
import type { CanonicalValue } from '@strongroom/core'
import { toHex } from '../frost/bytes.js'
import type { FrostCiphersuite } from '../frost/ciphersuites.js'
import { type SerializedFrostPublicKeyPackage, serializePublicKeyPackage } from '../frost/keys.js'
import { frostVerifyingKey } from '../frost/signing.js'
import type { CoordinatedGroup } from './coordinator.js'
import type { CoordinatorCore } from './coordinatorCore.js'
import { SignerNodeError } from './signerNodeErrors.js'
import { expectArray, expectRecord } from './wire.js'

/** Distributed key generation across `nodeIds` (identifiers 1…n in that order). */
export async function coordinateDkg(
  core: CoordinatorCore,
  {
    ciphersuite,
    threshold,
    keyId,
    nodeIds,
  }: {
    ciphersuite: FrostCiphersuite
    threshold: number
    keyId: string
    nodeIds: readonly string[]
  },
): Promise<CoordinatedGroup> {
  const { info, call, newSession, record, nodeInfo, register } = core
  const sessionId = newSession()
  for (const nodeId of nodeIds) await nodeInfo(nodeId)
  const participants = nodeIds.map((nodeId, i) => ({
    identifier: i + 1,
    nodeId,
    encryptionKey: info.get(nodeId)!.encryptionKey,
  }))
  await record('dkg_started', {
    sessionId,
    ciphersuite: ciphersuite.id,
    threshold,
    nodes: [...nodeIds],
    keyId,
  })
  const round1 = await Promise.all(
    nodeIds.map((nodeId) =>
      call(nodeId, sessionId, 'dkg.round1', {
        ciphersuite: ciphersuite.id,
        threshold,
        keyId,
        participants,
      }),
    ),
  )
  const packages = round1.map((b) => b.package as CanonicalValue)
  const round2 = await Promise.all(
    nodeIds.map((nodeId) => call(nodeId, sessionId, 'dkg.round2', { round1: packages })),
  )
  const pkgs = new Map<string, SerializedFrostPublicKeyPackage>()
  await Promise.all(
    participants.map(async (p) => {
      const shares = round2.flatMap((b, i) =>
        expectArray(b.shares, ['body', 'shares'])
          .map((s) => expectRecord(s, ['body', 'shares']))
          .filter((s) => s.recipient === p.identifier)
          .map((s) => ({ sender: i + 1, sealed: String(s.sealed) })),
      )
      const body = await call(p.nodeId, sessionId, 'dkg.finish', { round1: packages, shares })
      pkgs.set(p.nodeId, body.publicKeyPackage as SerializedFrostPublicKeyPackage)
    }),
  )
  const group = register(pkgs, keyId, new Map(participants.map((p) => [p.identifier, p.nodeId])))
  await record('dkg_completed', {
    sessionId,
    groupId: group.publicKeyPackage.groupId,
    keyId,
    groupPublicKey: toHex(frostVerifyingKey(group.publicKeyPackage)),
  })
  return group
}

/** Proactive refresh across the group's members (all must take part). */
export async function coordinateRefresh(
  core: CoordinatorCore,
  groupId: string,
): Promise<CoordinatedGroup> {
  const { groups, info, call, newSession, record, nodeInfo, register } = core
  const group = groups.get(groupId)
  if (group === undefined)
    throw new SignerNodeError(`Unknown group ${groupId}.`, {
      code: 'CUSTODY_NODE_QUORUM_UNAVAILABLE',
    })
  const sessionId = newSession()
  const members = [...group.members.entries()].sort((a, b) => a[0] - b[0])
  for (const [, nodeId] of members) await nodeInfo(nodeId)
  const participants = members.map(([identifier, nodeId]) => ({
    identifier,
    nodeId,
    encryptionKey: info.get(nodeId)!.encryptionKey,
  }))
  await record('refresh_started', {
    sessionId,
    groupId,
    generation: group.publicKeyPackage.generation,
  })
  const round1 = await Promise.all(
    participants.map((p) => call(p.nodeId, sessionId, 'refresh.round1', { groupId, participants })),
  )
  const packages = round1.map((b) => b.package as CanonicalValue)
  const round2 = await Promise.all(
    participants.map((p) => call(p.nodeId, sessionId, 'refresh.round2', {})),
  )
  const pkgs = new Map<string, SerializedFrostPublicKeyPackage>()
  await Promise.all(
    participants.map(async (p) => {
      const deltas = round2.flatMap((b, i) =>
        expectArray(b.deltas, ['body', 'deltas'])
          .map((s) => expectRecord(s, ['body', 'deltas']))
          .filter((s) => s.recipient === p.identifier)
          .map((s) => ({ sender: participants[i]!.identifier, sealed: String(s.sealed) })),
      )
      const body = await call(p.nodeId, sessionId, 'refresh.finish', {
        round1: packages,
        deltas,
      })
      pkgs.set(p.nodeId, body.publicKeyPackage as SerializedFrostPublicKeyPackage)
    }),
  )
  const next = register(pkgs, group.keyId, new Map(members))
  await record('refresh_completed', {
    sessionId,
    groupId,
    generation: next.publicKeyPackage.generation,
  })
  return next
}

/** Rebuilds the share of member `nodeId` with `threshold` helpers. */
export async function coordinateRepair(
  core: CoordinatorCore,
  groupId: string,
  nodeId: string,
): Promise<void> {
  const { groups, quarantined, info, call, newSession, record, nodeInfo } = core
  const group = groups.get(groupId)
  if (group === undefined)
    throw new SignerNodeError(`Unknown group ${groupId}.`, {
      code: 'CUSTODY_NODE_QUORUM_UNAVAILABLE',
    })
  const targetEntry = [...group.members.entries()].find(([, n]) => n === nodeId)
  if (targetEntry === undefined)
    throw new SignerNodeError(`${nodeId} is not a member of group ${groupId}.`, {
      code: 'CUSTODY_NODE_QUORUM_UNAVAILABLE',
      nodeId,
    })
  const sessionId = newSession()
  await nodeInfo(nodeId)
  const target = {
    identifier: targetEntry[0],
    nodeId,
    encryptionKey: info.get(nodeId)!.encryptionKey,
  }
  const helpers: { identifier: number; nodeId: string; encryptionKey: string }[] = []
  for (const [identifier, helper] of [...group.members.entries()].sort((a, b) => a[0] - b[0])) {
    if (
      helper === nodeId ||
      quarantined.has(helper) ||
      helpers.length >= group.publicKeyPackage.threshold
    )
      continue
    try {
      await nodeInfo(helper)
      helpers.push({
        identifier,
        nodeId: helper,
        encryptionKey: info.get(helper)!.encryptionKey,
      })
    } catch {
      // not available: try the next member
    }
  }
  if (helpers.length < group.publicKeyPackage.threshold) {
    throw new SignerNodeError('Not enough helpers are available for a repair.', {
      code: 'CUSTODY_NODE_QUORUM_UNAVAILABLE',
      nodeId,
    })
  }
  await record('repair_started', {
    sessionId,
    groupId,
    nodeId,
    identifier: target.identifier,
    helpers: helpers.map((h) => h.nodeId),
  })
  const step1 = await Promise.all(
    helpers.map((h) => call(h.nodeId, sessionId, 'repair.step1', { groupId, target, helpers })),
  )
  const sigmas = await Promise.all(
    helpers.map(async (h) => {
      const deltas = step1.flatMap((b, i) =>
        expectArray(b.deltas, ['body', 'deltas'])
          .map((d) => expectRecord(d, ['body', 'deltas']))
          .filter((d) => d.recipient === h.identifier)
          .map((d) => ({ sender: helpers[i]!.identifier, sealed: String(d.sealed) })),
      )
      const body = await call(h.nodeId, sessionId, 'repair.step2', { deltas })
      return { sender: h.identifier, sealed: String(body.sealed) }
    }),
  )
  await call(nodeId, sessionId, 'repair.finish', {
    publicKeyPackage: serializePublicKeyPackage(
      group.publicKeyPackage,
    ) as unknown as CanonicalValue,
    keyId: group.keyId,
    identifier: target.identifier,
    helpers,
    sigmas,
  })
  await record('repair_completed', {
    sessionId,
    groupId,
    nodeId,
    identifier: target.identifier,
  })
}
