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
import { FrostInvalidSignatureShareError } from '../frost/frostErrors.js'
import {
  type FrostPublicKeyPackage,
  parsePublicKeyPackage,
  type SerializedFrostPublicKeyPackage,
  serializePublicKeyPackage,
} from '../frost/keys.js'
import {
  findInvalidSignatureShares,
  frostAggregate,
  frostVerifyingKey,
  type SignatureShare,
  type SigningCommitments,
  type SigningPackage,
} from '../frost/signing.js'
import { type TaprootTweak, xOnly } from '../frost/taproot.js'
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

type PooledCommitment = { nonceId: string; commitments: SigningCommitments }

function* subsets<T>(
  items: readonly T[],
  size: number,
  start = 0,
  prefix: T[] = [],
): Generator<T[]> {
  if (prefix.length === size) {
    yield prefix
    return
  }
  for (let i = start; i <= items.length - (size - prefix.length); i++)
    yield* subsets(items, size, i + 1, [...prefix, items[i]!])
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
        pool.push({
          nonceId: String(r.nonceId),
          commitments: decodeCommitment(suite, r, ['body', 'commitments', i]),
        })
      }
    }
    pools.set(key, pool.slice(needed))
    return pool.slice(0, needed)
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

    async dkg({ ciphersuite, threshold, keyId, nodeIds }) {
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
      const group = register(
        pkgs,
        keyId,
        new Map(participants.map((p) => [p.identifier, p.nodeId])),
      )
      await record('dkg_completed', {
        sessionId,
        groupId: group.publicKeyPackage.groupId,
        keyId,
        groupPublicKey: toHex(frostVerifyingKey(group.publicKeyPackage)),
      })
      return group
    },

    async refresh(groupId) {
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
        participants.map((p) =>
          call(p.nodeId, sessionId, 'refresh.round1', { groupId, participants }),
        ),
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
    },

    async repair(groupId, nodeId) {
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

    async sign({ groupId, message, authorization, tweak, tolerance = 1 }) {
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
          count > t
            ? [...subsets([...Array(count).keys()], t)].filter((x) => x.includes(0)).length
            : 1
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
        const packages: SigningPackage[] = candidateSets.map((set, i) => ({
          message,
          tweak,
          group: { groupId, generation: pkg.generation },
          commitments: set.map((member) => {
            const k = used.get(member.identifier) ?? 0
            used.set(member.identifier, k + 1)
            const pooled = member.pool[k]!
            nonceOf.set(`${i}/${member.identifier}`, pooled.nonceId)
            return pooled.commitments
          }),
        }))
        // Commitments fetched but not used this round go back to the pool (never sent in a request).
        for (const member of chosen) {
          const rest = member.pool.slice(used.get(member.identifier) ?? 0)
          const key = `${groupId}/${member.nodeId}`
          pools.set(key, [...rest, ...(pools.get(key) ?? [])])
        }
        const results = await Promise.all(
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
                  commitments: packages[i]!.commitments.map((c) => ({
                    identifier: c.identifier,
                    hiding: toHex(suite.serializeElement(c.hiding)),
                    binding: toHex(suite.serializeElement(c.binding)),
                  })),
                })),
              })
              const shares = new Map<number, SignatureShare>()
              for (const [k, s] of expectArray(body.shares, ['body', 'shares']).entries()) {
                const r = expectRecord(s, ['body', 'shares', k])
                const index = mine[Number(r.candidate)]?.i
                if (index === undefined) continue
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
              return { member, shares }
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
              return { member, shares: new Map<number, SignatureShare>() }
            }
          }),
        )
        let signature: Uint8Array | undefined
        let signers: number[] = []
        const before = culprits.size
        // Fast path: aggregate set by set (one signature verification each); a set that fails
        // has its shares checked one by one, naming the culprits.
        for (const [i, set] of candidateSets.entries()) {
          if (signature !== undefined) break
          const shares = set.map((m) => results.find((r) => r.member === m)!.shares.get(i))
          if (shares.some((x) => x === undefined)) continue
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
          const bad = findInvalidSignatureShares({
            publicKeyPackage: pkg,
            signingPackage: packages[index]!,
            signatureShares: set.map(
              (m) => results.find((r) => r.member === m)!.shares.get(index)!,
            ),
          })
          for (const id of bad) culprits.add(id)
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
