// The FROST coordinator: runs DKG, refresh and signing rounds across signer nodes over signed
// messages. It never holds a share. For signing it asks up to `threshold + tolerance` nodes to
// sign every threshold-sized subset of them in one round (each node consumes the orchestrator's
// authorization once and a fresh nonce per subset), so one node down or one sending an invalid
// share does not stop the signature, and the misbehaving node is identified, audited and
// quarantined.
import type { AuditLog, CanonicalValue, Clock, KeyId, Signer } from '@strongroom/core'
import { type Ed25519KeyPair, importEd25519PrivateKey } from '../crypto/ed25519.js'
import { type RandomBytes, secureRandomBytes, toHex } from '../frost/bytes.js'
import type { FrostCiphersuite } from '../frost/ciphersuites.js'
import {
  type FrostPublicKeyPackage,
  parsePublicKeyPackage,
  type SerializedFrostPublicKeyPackage,
} from '../frost/keys.js'
import { frostVerifyingKey } from '../frost/signing.js'
import { type TaprootTweak, xOnly } from '../frost/taproot.js'
import { coordinateDkg, coordinateRefresh, coordinateRepair } from './coordinatorCeremonies.js'
import type { CoordinatorCore, PooledCommitment } from './coordinatorCore.js'
import { coordinateSigning } from './coordinatorSigning.js'
import { type NodeEnvelope, signEnvelope, verifyEnvelope } from './envelope.js'
import { SignerNodeError } from './signerNodeErrors.js'
import type { NodeTransport } from './transport.js'
import { decodeCommitment, expectArray, expectRecord } from './wire.js'

/** A node the coordinator knows: its id, identity key (hex) and how to reach it. */
export type CoordinatedNode = {
  readonly nodeId: string
  readonly identityKey: string
  readonly send: NodeTransport
}

/** A FROST group as the coordinator tracks it. */
export type CoordinatedGroup = {
  readonly publicKeyPackage: FrostPublicKeyPackage
  readonly keyId: string
  /** Node id of each participant identifier. */
  readonly members: ReadonlyMap<number, string>
}

/** Result of one signing. */
export type CoordinatedSignature = {
  readonly signature: Uint8Array
  readonly signers: readonly number[]
  /** Participants that sent invalid shares (now quarantined). */
  readonly culprits: readonly number[]
  /** Nodes that did not answer or refused. */
  readonly unavailable: readonly string[]
}

/** The coordinator. */
export type FrostCoordinator = {
  /** Asks every node for its groups and rebuilds the registry (nodes must agree). */
  discover(): Promise<ReadonlyMap<string, CoordinatedGroup>>
  group(groupId: string): CoordinatedGroup | undefined
  /** Distributed key generation across `nodeIds` (identifiers 1…n in that order). */
  dkg(parameters: {
    ciphersuite: FrostCiphersuite
    threshold: number
    keyId: string
    nodeIds: readonly string[]
  }): Promise<CoordinatedGroup>
  /** Proactive refresh across the group's members (all must take part). */
  refresh(groupId: string): Promise<CoordinatedGroup>
  /**
   * Rebuilds the share of member `nodeId` (lost disk, same node identity) with `threshold`
   * helpers; no helper and not the coordinator learns it. The node checks the result against its
   * verifying share before storing it.
   */
  repair(groupId: string, nodeId: string): Promise<void>
  /** Fetches `perNode` nonce commitments from every member ahead of signing. */
  precommit(groupId: string, perNode: number): Promise<void>
  /** Signs `message` under the group with the orchestrator's authorization. */
  sign(parameters: {
    groupId: string
    message: Uint8Array
    authorization: unknown
    tweak?: TaprootTweak | undefined
    tolerance?: number | undefined
  }): Promise<CoordinatedSignature>
  /** Nodes excluded after sending invalid shares. */
  readonly quarantined: ReadonlySet<string>
  release(nodeId: string): void
}

/** Options of {@link createFrostCoordinator}. */
export type CreateFrostCoordinatorParameters = {
  /** The coordinator's Ed25519 identity seed (32 bytes); nodes trust its public key. */
  identitySeed: Uint8Array
  nodes: readonly CoordinatedNode[]
  clock: Clock
  audit: AuditLog
  random?: RandomBytes | undefined
}

/** Creates a coordinator over `nodes`. */
export function createFrostCoordinator(
  parameters: CreateFrostCoordinatorParameters,
): FrostCoordinator {
  const { clock, audit } = parameters
  const random = parameters.random ?? secureRandomBytes
  const identity: Ed25519KeyPair = importEd25519PrivateKey(parameters.identitySeed)
  const nodes = new Map(parameters.nodes.map((n) => [n.nodeId, n]))
  const groups = new Map<string, CoordinatedGroup>()
  const pools = new Map<string, PooledCommitment[]>() // `${groupId}/${nodeId}`
  const quarantined = new Set<string>()
  const info = new Map<string, { encryptionKey: string }>()

  async function call(
    nodeId: string,
    sessionId: string,
    type: string,
    body: CanonicalValue,
  ): Promise<Record<string, unknown>> {
    const node = nodes.get(nodeId)
    if (node === undefined)
      throw new SignerNodeError(`Unknown node ${nodeId}.`, {
        code: 'CUSTODY_NODE_UNAVAILABLE',
        nodeId,
      })
    const request = signEnvelope(
      {
        type,
        sessionId,
        messageId: toHex(random(16)),
        from: 'coordinator',
        to: nodeId,
        issuedAt: clock.now(),
        inReplyTo: null,
        body,
      },
      identity,
    )
    const raw = await node.send(request)
    const response: NodeEnvelope = verifyEnvelope(raw, {
      senders: { [nodeId]: node.identityKey },
      me: 'coordinator',
      sessionId:
        raw !== null &&
        typeof raw === 'object' &&
        (raw as { type?: unknown }).type === 'error' &&
        (raw as { sessionId?: unknown }).sessionId === '00'.repeat(16)
          ? '00'.repeat(16)
          : sessionId,
      inReplyTo: request.messageId,
      types: [`${type}.ok`, 'error'],
      now: clock.now(),
    })
    const body_ = expectRecord(response.body, ['body'])
    if (response.type === 'error') {
      throw new SignerNodeError(`Node ${nodeId} refused ${type}: ${String(body_.message)}`, {
        code: 'CUSTODY_NODE_REFUSED',
        nodeId,
        reason: String(body_.code),
      })
    }
    return body_
  }
  const newSession = () => toHex(random(16))
  const record = (type: string, data: Record<string, CanonicalValue>) =>
    audit.append({ type: `custody.frost.${type}`, actor: 'frost-coordinator', data })

  async function nodeInfo(nodeId: string) {
    const body = await call(nodeId, newSession(), 'node.info', {})
    info.set(nodeId, { encryptionKey: String(body.encryptionKey) })
    return body
  }

  function register(
    pkgs: Map<string, SerializedFrostPublicKeyPackage>,
    keyId: string,
    members: Map<number, string>,
  ): CoordinatedGroup {
    const serialized = [...pkgs.values()].map((p) => JSON.stringify(p))
    if (new Set(serialized).size !== 1)
      throw new SignerNodeError('Nodes disagree on the group public package.', {
        code: 'CUSTODY_NODE_QUORUM_UNAVAILABLE',
      })
    const publicKeyPackage = parsePublicKeyPackage(JSON.parse(serialized[0]!))
    const group = { publicKeyPackage, keyId, members }
    groups.set(publicKeyPackage.groupId, group)
    for (const key of [...pools.keys()])
      if (key.startsWith(`${publicKeyPackage.groupId}/`)) pools.delete(key)
    return group
  }

  async function commitments(
    group: CoordinatedGroup,
    nodeId: string,
    needed: number,
  ): Promise<PooledCommitment[]> {
    const key = `${group.publicKeyPackage.groupId}/${nodeId}`
    const pool = pools.get(key) ?? []
    if (pool.length < needed) {
      const body = await call(nodeId, newSession(), 'sign.commit', {
        groupId: group.publicKeyPackage.groupId,
        count: Math.max(needed - pool.length, 1),
      })
      const suite = group.publicKeyPackage.ciphersuite
      for (const [i, c] of expectArray(body.commitments, ['body', 'commitments']).entries()) {
        const r = expectRecord(c, ['body', 'commitments', i])
        const commitments = decodeCommitment(suite, r, ['body', 'commitments', i])
        pool.push({
          nonceId: String(r.nonceId),
          commitments,
          wire: {
            identifier: commitments.identifier,
            hiding: String(r.hiding),
            binding: String(r.binding),
          },
        })
      }
    }
    pools.set(key, pool.slice(needed))
    return pool.slice(0, needed)
  }

  const core: CoordinatorCore = {
    groups,
    pools,
    quarantined,
    info,
    call,
    newSession,
    record,
    nodeInfo,
    register,
    commitments,
  }

  return {
    get quarantined() {
      return quarantined
    },
    release: (nodeId) => void quarantined.delete(nodeId),
    group: (groupId) => groups.get(groupId),

    async discover() {
      const found = new Map<
        string,
        {
          keyId: string
          pkgs: Map<string, SerializedFrostPublicKeyPackage>
          members: Map<number, string>
        }
      >()
      for (const nodeId of nodes.keys()) {
        let body: Record<string, unknown>
        try {
          body = await nodeInfo(nodeId)
        } catch {
          continue
        }
        for (const g of expectArray(body.groups, ['body', 'groups'])) {
          const r = expectRecord(g, ['body', 'groups'])
          const pkg = r.publicKeyPackage as SerializedFrostPublicKeyPackage
          const entry = found.get(pkg.groupId) ?? {
            keyId: String(r.keyId),
            pkgs: new Map(),
            members: new Map(),
          }
          entry.pkgs.set(nodeId, pkg)
          entry.members.set(Number(r.identifier), nodeId)
          found.set(pkg.groupId, entry)
        }
      }
      for (const entry of found.values()) register(entry.pkgs, entry.keyId, entry.members)
      return groups
    },

    dkg(parameters) {
      return coordinateDkg(core, parameters)
    },

    refresh(groupId) {
      return coordinateRefresh(core, groupId)
    },

    repair(groupId, nodeId) {
      return coordinateRepair(core, groupId, nodeId)
    },

    async precommit(groupId, perNode) {
      const group = groups.get(groupId)
      if (group === undefined)
        throw new SignerNodeError(`Unknown group ${groupId}.`, {
          code: 'CUSTODY_NODE_QUORUM_UNAVAILABLE',
        })
      await Promise.allSettled(
        [...group.members.values()].map(async (nodeId) => {
          const key = `${groupId}/${nodeId}`
          const fetched = await commitments(group, nodeId, perNode)
          pools.set(key, [...fetched, ...(pools.get(key) ?? [])])
        }),
      )
    },

    sign(parameters) {
      return coordinateSigning(core, parameters)
    },
  }
}

/**
 * core's {@link Signer} over a FROST group run by signer nodes. Ed25519 groups sign as `ed25519`;
 * Taproot groups as `bip340` with the untweaked x-only internal key as `publicKey` (signing for
 * the tweaked output key when `tweak` is set). The nodes verify the authorization, not this object.
 */
export function createFrostCoordinatorSigner(parameters: {
  coordinator: FrostCoordinator
  groupId: string
  tweak?: TaprootTweak | undefined
}): Signer {
  const group = parameters.coordinator.group(parameters.groupId)
  if (group === undefined)
    throw new SignerNodeError(`Unknown group ${parameters.groupId}.`, {
      code: 'CUSTODY_NODE_QUORUM_UNAVAILABLE',
    })
  const pkg = group.publicKeyPackage
  const bip340 = pkg.ciphersuite.bip340
  if (pkg.ciphersuite.id === 'secp256k1')
    throw new SignerNodeError('FROST(secp256k1) fits no Signer scheme.', {
      code: 'CUSTODY_NODE_QUORUM_UNAVAILABLE',
    })
  return {
    keyId: group.keyId as KeyId,
    curve: bip340 ? 'secp256k1' : 'ed25519',
    scheme: bip340 ? 'bip340' : 'ed25519',
    publicKey: bip340 ? xOnly(pkg.groupPublicKey) : frostVerifyingKey(pkg),
    async sign(payload, authorization) {
      const result = await parameters.coordinator.sign({
        groupId: parameters.groupId,
        message: payload,
        authorization,
        tweak: bip340 ? parameters.tweak : undefined,
      })
      return { signature: result.signature }
    },
  }
}
