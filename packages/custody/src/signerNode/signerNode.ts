// A FROST signer node: holds its shares (sealed at rest), its identity key and its nonces, and
// answers the coordinator's signed requests — DKG, refresh, nonce commitments, signature shares.
// It verifies the orchestrator's authorization itself before any signature share, persists every
// nonce before committing to it and marks it used before signing with it, and audits refusals.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { x25519 } from '@noble/curves/ed25519.js'
import { type AuditLog, type CanonicalValue, type Clock, isStrongroomError } from '@strongroom/core'
import type { AuthorizationTrust } from '../authorization/verifyAuthorization.js'
import { verifyAuthorization } from '../authorization/verifyAuthorization.js'
import { type Ed25519KeyPair, importEd25519PrivateKey } from '../crypto/ed25519.js'
import { parseHex, type RandomBytes, secureRandomBytes, toHex } from '../frost/bytes.js'
import { type FrostCiphersuite, getFrostCiphersuite } from '../frost/ciphersuites.js'
import {
  type DkgRound1Secret,
  frostDkgFinish,
  frostDkgRound1,
  frostDkgRound2,
} from '../frost/dkg.js'
import {
  FrostGroupMismatchError,
  FrostInputError,
  FrostNonceReusedError,
} from '../frost/frostErrors.js'
import {
  type FrostKeyShare,
  parseKeyShare,
  parsePublicKeyPackage,
  serializeKeyShare,
  serializePublicKeyPackage,
} from '../frost/keys.js'
import {
  frostRefreshFinish,
  frostRefreshRound1,
  frostRefreshRound2,
  type RefreshRound1Secret,
} from '../frost/refresh.js'
import { frostRepairStep1, frostRepairStep2, frostRepairStep3 } from '../frost/repair.js'
import {
  frostSign,
  nonceGenerate,
  type SigningPackage,
  signingNoncesFromScalars,
} from '../frost/signing.js'
import { type NodeEnvelope, signEnvelope, verifyEnvelope } from './envelope.js'
import { type NonceLog, openNonceLog } from './nonceLog.js'
import { openFrom, sealFor } from './pairwise.js'
import { deriveSealingKey, type SealingKey, writeFileDurably } from './sealedStore.js'
import { SignerNodeProtocolError } from './signerNodeErrors.js'
import {
  decodeCommitment,
  decodeDkgRound1,
  decodeRefreshRound1,
  encodeCommitment,
  encodeDkgRound1,
  encodeRefreshRound1,
  expectArray,
  expectInteger,
  expectRecord,
  expectString,
} from './wire.js'

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

type Group = { share: FrostKeyShare; keyId: string }
type Participant = { identifier: number; nodeId: string; encryptionKey: string }

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
      case 'dkg.round1': {
        const suite: FrostCiphersuite = getFrostCiphersuite(body.ciphersuite, [
          'body',
          'ciphersuite',
        ])
        const participants = parseParticipants(body.participants, ['body', 'participants'])
        const threshold = expectInteger(
          body.threshold,
          ['body', 'threshold'],
          2,
          participants.length,
        )
        const keyId = expectString(body.keyId, ['body', 'keyId'], /^[A-Za-z0-9_.:-]{1,128}$/)
        const mine = me(participants, ['body', 'participants'])
        if (participants.some((p) => p.identifier > participants.length)) {
          throw new FrostInputError('identifiers must be 1..n', {
            path: ['body', 'participants'],
            rule: 'identifier',
          })
        }
        const secret = frostDkgRound1({
          ciphersuite: suite,
          identifier: mine.identifier,
          threshold,
          maxSigners: participants.length,
          sessionId: Buffer.from(request.sessionId, 'hex'),
          random,
        })
        dkgSessions.set(request.sessionId, { secret, participants, keyId, at: clock.now() })
        return { package: encodeDkgRound1(suite, secret.package) }
      }
      case 'dkg.round2': {
        const session = dkgSessions.get(request.sessionId)
        if (session === undefined)
          throw new SignerNodeProtocolError('has no DKG in progress', {
            path: ['sessionId'],
            rule: 'wrong_session',
          })
        const suite = session.secret.suite
        const round1 = expectArray(body.round1, ['body', 'round1'], 255).map((p, i) =>
          decodeDkgRound1(suite, p, ['body', 'round1', i], session.secret.threshold),
        )
        const shares = frostDkgRound2({ secret: session.secret, round1Packages: round1 })
        return {
          shares: shares.map((s) => ({
            recipient: s.recipient,
            sealed: sealFor({
              secret: encryptionSecret,
              peer: peerKey(session.participants, s.recipient),
              sessionId: request.sessionId,
              from: String(s.sender),
              to: String(s.recipient),
              purpose: 'dkg-share',
              plaintext: suite.serializeScalar(s.share),
            }),
          })),
        }
      }
      case 'dkg.finish': {
        const session = dkgSessions.get(request.sessionId)
        if (session === undefined)
          throw new SignerNodeProtocolError('has no DKG in progress', {
            path: ['sessionId'],
            rule: 'wrong_session',
          })
        const suite = session.secret.suite
        const round1 = expectArray(body.round1, ['body', 'round1'], 255).map((p, i) =>
          decodeDkgRound1(suite, p, ['body', 'round1', i], session.secret.threshold),
        )
        const received = expectArray(body.shares, ['body', 'shares'], 255).map((s, i) => {
          const r = expectRecord(s, ['body', 'shares', i])
          const sender = expectInteger(r.sender, ['body', 'shares', i, 'sender'], 1, 255)
          const plaintext = openFrom({
            secret: encryptionSecret,
            peer: peerKey(session.participants, sender),
            sessionId: request.sessionId,
            from: String(sender),
            to: String(session.secret.identifier),
            purpose: 'dkg-share',
            sealed: r.sealed,
            path: ['body', 'shares', i, 'sealed'],
          })
          return {
            sender,
            recipient: session.secret.identifier,
            share: suite.deserializeScalar(plaintext, ['body', 'shares', i]),
          }
        })
        const share = frostDkgFinish({
          secret: session.secret,
          round1Packages: round1,
          round2Packages: received,
        })
        const group = { share, keyId: session.keyId }
        saveGroup(group)
        groups.set(share.publicKeyPackage.groupId, group)
        dkgSessions.delete(request.sessionId)
        await audit?.append({
          type: 'custody.frost_node.dkg',
          actor: nodeId,
          data: {
            sessionId: request.sessionId,
            groupId: share.publicKeyPackage.groupId,
            identifier: share.identifier,
          },
        })
        return { publicKeyPackage: serializePublicKeyPackage(share.publicKeyPackage) }
      }
      case 'refresh.round1': {
        const group = groupOf(body.groupId, ['body', 'groupId'])
        const participants = parseParticipants(body.participants, ['body', 'participants'])
        const mine = me(participants, ['body', 'participants'])
        if (mine.identifier !== group.share.identifier)
          throw new SignerNodeProtocolError('gives this node another identifier', {
            path: ['body', 'participants'],
            rule: 'shape',
          })
        const secret = frostRefreshRound1({
          share: group.share,
          participants: participants.map((p) => p.identifier),
          random,
        })
        refreshSessions.set(request.sessionId, { secret, participants, at: clock.now() })
        return {
          package: encodeRefreshRound1(group.share.publicKeyPackage.ciphersuite, secret.package),
        }
      }
      case 'refresh.round2': {
        const session = refreshSessions.get(request.sessionId)
        if (session === undefined)
          throw new SignerNodeProtocolError('has no refresh in progress', {
            path: ['sessionId'],
            rule: 'wrong_session',
          })
        const suite = session.secret.share.publicKeyPackage.ciphersuite
        return {
          deltas: frostRefreshRound2(session.secret).map((d) => ({
            recipient: d.recipient,
            sealed: sealFor({
              secret: encryptionSecret,
              peer: peerKey(session.participants, d.recipient),
              sessionId: request.sessionId,
              from: String(d.sender),
              to: String(d.recipient),
              purpose: 'refresh-delta',
              plaintext: suite.serializeScalar(d.delta),
            }),
          })),
        }
      }
      case 'refresh.finish': {
        const session = refreshSessions.get(request.sessionId)
        if (session === undefined)
          throw new SignerNodeProtocolError('has no refresh in progress', {
            path: ['sessionId'],
            rule: 'wrong_session',
          })
        const old = session.secret.share
        const suite = old.publicKeyPackage.ciphersuite
        const round1 = expectArray(body.round1, ['body', 'round1'], 255).map((p, i) =>
          decodeRefreshRound1(suite, p, ['body', 'round1', i], old.publicKeyPackage.threshold),
        )
        const deltas = expectArray(body.deltas, ['body', 'deltas'], 255).map((s, i) => {
          const r = expectRecord(s, ['body', 'deltas', i])
          const sender = expectInteger(r.sender, ['body', 'deltas', i, 'sender'], 1, 255)
          const plaintext = openFrom({
            secret: encryptionSecret,
            peer: peerKey(session.participants, sender),
            sessionId: request.sessionId,
            from: String(sender),
            to: String(old.identifier),
            purpose: 'refresh-delta',
            sealed: r.sealed,
            path: ['body', 'deltas', i, 'sealed'],
          })
          return {
            sender,
            recipient: old.identifier,
            delta: suite.deserializeScalar(plaintext, ['body', 'deltas', i]),
          }
        })
        const share = frostRefreshFinish({
          secret: session.secret,
          round1Packages: round1,
          round2Packages: deltas,
        })
        const group = groups.get(old.publicKeyPackage.groupId)!
        const next = { share, keyId: group.keyId }
        saveGroup(next) // replaces the old share's file: the old generation is gone from this node
        groups.set(share.publicKeyPackage.groupId, next)
        refreshSessions.delete(request.sessionId)
        await audit?.append({
          type: 'custody.frost_node.refresh',
          actor: nodeId,
          data: {
            sessionId: request.sessionId,
            groupId: share.publicKeyPackage.groupId,
            generation: share.publicKeyPackage.generation,
          },
        })
        return { publicKeyPackage: serializePublicKeyPackage(share.publicKeyPackage) }
      }
      case 'repair.step1': {
        const group = groupOf(body.groupId, ['body', 'groupId'])
        const helpers = parseParticipants(body.helpers, ['body', 'helpers'])
        const [target] = parseParticipants([body.target], ['body', 'target'])
        const mine = me(helpers, ['body', 'helpers'])
        if (mine.identifier !== group.share.identifier) {
          throw new SignerNodeProtocolError('gives this node another identifier', {
            path: ['body', 'helpers'],
            rule: 'shape',
          })
        }
        const suite = group.share.publicKeyPackage.ciphersuite
        const deltas = frostRepairStep1({
          share: group.share,
          helpers: helpers.map((h) => h.identifier),
          target: target!.identifier,
          random,
        })
        repairSessions.set(request.sessionId, { group, helpers, target: target!, at: clock.now() })
        return {
          deltas: deltas.map((d) => ({
            recipient: d.recipient,
            sealed: sealFor({
              secret: encryptionSecret,
              peer: peerKey(helpers, d.recipient),
              sessionId: request.sessionId,
              from: String(d.sender),
              to: String(d.recipient),
              purpose: 'repair-delta',
              plaintext: suite.serializeScalar(d.delta),
            }),
          })),
        }
      }
      case 'repair.step2': {
        const session = repairSessions.get(request.sessionId)
        if (session === undefined)
          throw new SignerNodeProtocolError('has no repair in progress', {
            path: ['sessionId'],
            rule: 'wrong_session',
          })
        const { group, helpers, target } = session
        const suite = group.share.publicKeyPackage.ciphersuite
        const me_ = group.share.identifier
        const deltas = expectArray(body.deltas, ['body', 'deltas'], 255).map((d, i) => {
          const r = expectRecord(d, ['body', 'deltas', i])
          const sender = expectInteger(r.sender, ['body', 'deltas', i, 'sender'], 1, 255)
          const plaintext = openFrom({
            secret: encryptionSecret,
            peer: peerKey(helpers, sender),
            sessionId: request.sessionId,
            from: String(sender),
            to: String(me_),
            purpose: 'repair-delta',
            sealed: r.sealed,
            path: ['body', 'deltas', i, 'sealed'],
          })
          return {
            sender,
            recipient: me_,
            delta: suite.deserializeScalar(plaintext, ['body', 'deltas', i]),
          }
        })
        const sigma = frostRepairStep2({
          share: group.share,
          helpers: helpers.map((h) => h.identifier),
          deltas,
        })
        repairSessions.delete(request.sessionId)
        await audit?.append({
          type: 'custody.frost_node.repair_helped',
          actor: nodeId,
          data: {
            sessionId: request.sessionId,
            groupId: group.share.publicKeyPackage.groupId,
            target: target.identifier,
          },
        })
        return {
          sealed: sealFor({
            secret: encryptionSecret,
            peer: Buffer.from(target.encryptionKey, 'hex'),
            sessionId: request.sessionId,
            from: String(me_),
            to: String(target.identifier),
            purpose: 'repair-sigma',
            plaintext: suite.serializeScalar(sigma.sigma),
          }),
        }
      }
      case 'repair.finish': {
        const publicKeyPackage = parsePublicKeyPackage(body.publicKeyPackage, [
          'body',
          'publicKeyPackage',
        ])
        const suite = publicKeyPackage.ciphersuite
        const keyId = expectString(body.keyId, ['body', 'keyId'], /^[A-Za-z0-9_.:-]{1,128}$/)
        const helpers = parseParticipants(body.helpers, ['body', 'helpers'])
        const identifier = expectInteger(body.identifier, ['body', 'identifier'], 1, 255)
        const sigmas = expectArray(body.sigmas, ['body', 'sigmas'], 255).map((x, i) => {
          const r = expectRecord(x, ['body', 'sigmas', i])
          const sender = expectInteger(r.sender, ['body', 'sigmas', i, 'sender'], 1, 255)
          const plaintext = openFrom({
            secret: encryptionSecret,
            peer: peerKey(helpers, sender),
            sessionId: request.sessionId,
            from: String(sender),
            to: String(identifier),
            purpose: 'repair-sigma',
            sealed: r.sealed,
            path: ['body', 'sigmas', i, 'sealed'],
          })
          return { sender, sigma: suite.deserializeScalar(plaintext, ['body', 'sigmas', i]) }
        })
        const share = frostRepairStep3({ publicKeyPackage, identifier, sigmas })
        const group = { share, keyId }
        saveGroup(group)
        groups.set(publicKeyPackage.groupId, group)
        await audit?.append({
          type: 'custody.frost_node.repaired',
          actor: nodeId,
          data: {
            sessionId: request.sessionId,
            groupId: publicKeyPackage.groupId,
            identifier,
            generation: publicKeyPackage.generation,
          },
        })
        return { publicKeyPackage: serializePublicKeyPackage(publicKeyPackage) }
      }
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
        throw new SignerNodeProtocolError(`${request.type} is not a request type`, {
          path: ['type'],
          rule: 'unexpected_type',
        })
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
