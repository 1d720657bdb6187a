// A FROST signer node: holds its shares (sealed at rest), its identity key and its nonces, and
// answers the coordinator's signed requests — DKG, refresh, nonce commitments, signature shares.
// It verifies the orchestrator's authorization itself before any signature share, persists every
// nonce before committing to it and marks it used before signing with it, and audits refusals.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { x25519 } from '@noble/curves/ed25519.js'
import { type AuditLog, type CanonicalValue, type Clock, isStrongroomError } from '@strongroom/core'
import type { AuthorizationTrust } from '../authorization/verifyAuthorization.js'
import { type Ed25519KeyPair, importEd25519PrivateKey } from '../crypto/ed25519.js'
import { type RandomBytes, secureRandomBytes, toHex } from '../frost/bytes.js'
import type { DkgRound1Secret } from '../frost/dkg.js'
import { FrostGroupMismatchError, FrostInputError } from '../frost/frostErrors.js'
import { parseKeyShare, serializeKeyShare, serializePublicKeyPackage } from '../frost/keys.js'
import type { RefreshRound1Secret } from '../frost/refresh.js'
import { type NodeEnvelope, signEnvelope, verifyEnvelope } from './envelope.js'
import type { Group, NodeContext, Participant } from './nodeContext.js'
import { handleKeyRequest } from './nodeKeyHandlers.js'
import { handleSigningRequest } from './nodeSigningHandlers.js'
import { type NonceLog, openNonceLog } from './nonceLog.js'
import { deriveSealingKey, type SealingKey, writeFileDurably } from './sealedStore.js'
import { SignerNodeProtocolError } from './signerNodeErrors.js'
import { expectArray, expectInteger, expectRecord, expectString } from './wire.js'

/** Options of {@link createSignerNode}. */
export type CreateSignerNodeParameters = {
  nodeId: string
  /** Directory of the node's sealed state (identity, shares, nonce log). */
  dir: string
  /** Unlocks the sealed state (scrypt); at least 12 characters. */
  passphrase: string
  /** The coordinator's Ed25519 identity public key (hex): the only sender the node accepts. */
  coordinatorKey: string
  /** What the node trusts to authorize signing (its own copy of policies and orchestrator keys). */
  trust: Omit<AuthorizationTrust, 'nonces' | 'clock'>
  clock: Clock
  audit?: AuditLog | undefined
  random?: RandomBytes | undefined
  /** Testing coordinators only: send corrupted signature shares (a misbehaving node). Never in production. */
  faultInjection?: 'corrupt-signature-shares' | undefined
}

/** A running signer node (transport-agnostic: feed it messages, send back its replies). */
export type SignerNode = {
  readonly nodeId: string
  /** Ed25519 identity public key, hex. */
  readonly identityKey: string
  /** X25519 key for pairwise-encrypted shares, hex. */
  readonly encryptionKey: string
  /** Handles one request; always resolves with a signed reply (`<type>.ok` or `error`). */
  handle(raw: unknown): Promise<NodeEnvelope>
  close(): void
}

const SESSION_TTL_MS = 10 * 60_000

/**
 * Opens (or initialises) a signer node's state in `dir`.
 * @throws {SignerNodeError} `CUSTODY_NODE_STORE_FAILED` on a wrong passphrase or tampered files.
 */
export async function createSignerNode(
  parameters: CreateSignerNodeParameters,
): Promise<SignerNode> {
  const { nodeId, dir, clock, audit } = parameters
  const random = parameters.random ?? secureRandomBytes
  const key: SealingKey = deriveSealingKey(dir, parameters.passphrase)
  const identityPath = join(dir, 'identity.sealed')
  if (!existsSync(identityPath)) writeFileDurably(identityPath, key.seal('identity', random(64)))
  const secrets = key.open('identity', readFileSync(identityPath, 'utf8'))
  const identity: Ed25519KeyPair = importEd25519PrivateKey(secrets.subarray(0, 32))
  const encryptionSecret = secrets.subarray(32, 64)
  const encryptionKey = toHex(x25519.getPublicKey(encryptionSecret))
  const nonces: NonceLog = openNonceLog(join(dir, 'nonces.log'), key)
  const groups = new Map<string, Group>()
  for (const file of readdirSync(dir)) {
    if (!file.startsWith('group-') || !file.endsWith('.sealed')) continue
    const stored = JSON.parse(
      Buffer.from(key.open('share', readFileSync(join(dir, file), 'utf8'))).toString('utf8'),
    )
    groups.set(stored.share.publicKeyPackage.groupId, {
      share: parseKeyShare(stored.share),
      keyId: stored.keyId,
    })
  }
  const saveGroup = (group: Group) => {
    const plaintext = Buffer.from(
      JSON.stringify({ keyId: group.keyId, share: serializeKeyShare(group.share) }),
    )
    writeFileDurably(
      join(dir, `group-${group.share.publicKeyPackage.groupId}.sealed`),
      key.seal('share', plaintext),
    )
  }
  const seen = new Map<string, number>()
  const dkgSessions = new Map<
    string,
    { secret: DkgRound1Secret; participants: Participant[]; keyId: string; at: number }
  >()
  const repairSessions = new Map<
    string,
    { group: Group; helpers: Participant[]; target: Participant; at: number }
  >()
  const refreshSessions = new Map<
    string,
    { secret: RefreshRound1Secret; participants: Participant[]; at: number }
  >()

  const reply = (
    request: Pick<NodeEnvelope, 'sessionId' | 'messageId'> | undefined,
    type: string,
    body: CanonicalValue,
  ) =>
    signEnvelope(
      {
        type,
        sessionId: request?.sessionId ?? '00'.repeat(16),
        messageId: toHex(random(16)),
        from: nodeId,
        to: 'coordinator',
        issuedAt: clock.now(),
        inReplyTo: request?.messageId ?? null,
        body,
      },
      identity,
    )

  const me = (participants: Participant[], path: (string | number)[]) => {
    const mine = participants.find((p) => p.nodeId === nodeId)
    if (mine === undefined)
      throw new SignerNodeProtocolError('does not include this node', {
        path,
        rule: 'wrong_recipient',
      })
    if (mine.encryptionKey !== encryptionKey)
      throw new SignerNodeProtocolError('has the wrong encryption key for this node', {
        path,
        rule: 'shape',
      })
    return mine
  }
  const parseParticipants = (v: unknown, path: (string | number)[]): Participant[] => {
    const list = expectArray(v, path, 255).map((p, i) => {
      const r = expectRecord(p, [...path, i])
      return {
        identifier: expectInteger(r.identifier, [...path, i, 'identifier'], 1, 255),
        nodeId: expectString(r.nodeId, [...path, i, 'nodeId'], /^[A-Za-z0-9_.:-]{1,64}$/),
        encryptionKey: expectString(
          r.encryptionKey,
          [...path, i, 'encryptionKey'],
          /^[0-9a-f]{64}$/,
        ),
      }
    })
    if (
      new Set(list.map((p) => p.identifier)).size !== list.length ||
      new Set(list.map((p) => p.nodeId)).size !== list.length
    ) {
      throw new SignerNodeProtocolError('has duplicate participants', { path, rule: 'shape' })
    }
    return list
  }
  const groupOf = (v: unknown, path: (string | number)[]): Group => {
    const groupId = expectString(v, path, /^[0-9a-f]{32}$/)
    const group = groups.get(groupId)
    if (group === undefined)
      throw new FrostGroupMismatchError(`This node holds no share of group ${groupId}.`)
    return group
  }
  const peerKey = (participants: Participant[], identifier: number) =>
    Buffer.from(participants.find((p) => p.identifier === identifier)!.encryptionKey, 'hex')

  const ctx: NodeContext = {
    nodeId,
    clock,
    audit,
    random,
    encryptionSecret,
    nonces,
    groups,
    trust: parameters.trust,
    faultInjection: parameters.faultInjection,
    saveGroup,
    dkgSessions,
    refreshSessions,
    repairSessions,
    me,
    parseParticipants,
    groupOf,
    peerKey,
  }

  async function dispatch(request: NodeEnvelope): Promise<CanonicalValue> {
    const body = expectRecord(request.body, ['body'])
    switch (request.type) {
      case 'node.info':
        return {
          nodeId,
          identityKey: toHex(identity.publicKey),
          encryptionKey,
          availableNonces: nonces.available,
          groups: [...groups.values()].map((g) => ({
            keyId: g.keyId,
            identifier: g.share.identifier,
            publicKeyPackage: serializePublicKeyPackage(g.share.publicKeyPackage),
          })),
        }
      default: {
        const handled =
          (await handleKeyRequest(ctx, request, body)) ??
          (await handleSigningRequest(ctx, request, body))
        if (handled !== undefined) return handled
        throw new SignerNodeProtocolError(`${request.type} is not a request type`, {
          path: ['type'],
          rule: 'unexpected_type',
        })
      }
    }
  }

  return {
    nodeId,
    identityKey: toHex(identity.publicKey),
    encryptionKey,
    async handle(raw) {
      const now = clock.now()
      for (const [id, at] of seen) if (at < now - 120_000) seen.delete(id)
      for (const [id, s] of dkgSessions) if (s.at < now - SESSION_TTL_MS) dkgSessions.delete(id)
      for (const [id, s] of refreshSessions)
        if (s.at < now - SESSION_TTL_MS) refreshSessions.delete(id)
      for (const [id, s] of repairSessions)
        if (s.at < now - SESSION_TTL_MS) repairSessions.delete(id)
      let request: NodeEnvelope | undefined
      try {
        request = verifyEnvelope(raw, {
          senders: { coordinator: parameters.coordinatorKey },
          me: nodeId,
          now,
        })
        if (seen.has(request.messageId))
          throw new SignerNodeProtocolError('was already received', {
            path: ['messageId'],
            rule: 'replay',
          })
        seen.set(request.messageId, now)
        const body = await dispatch(request)
        return reply(request, `${request.type}.ok`, body)
      } catch (error) {
        const code = isStrongroomError(error) ? error.code : 'CUSTODY_NODE_REFUSED'
        const detail = error instanceof Error ? error.message.split('\n')[0]! : String(error)
        const path =
          error instanceof SignerNodeProtocolError || error instanceof FrostInputError
            ? error.path.map(String)
            : []
        await audit?.append({
          type: 'custody.frost_node.refused',
          actor: nodeId,
          data: {
            code,
            message: detail,
            type: request?.type ?? 'unparsed',
            sessionId: request?.sessionId ?? '',
          },
        })
        return reply(request, 'error', { code, message: detail, path })
      }
    },
    close() {
      nonces.close()
    },
  }
}

/** Removes a node's state directory (tests and decommissioning). */
export function destroySignerNodeState(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}
