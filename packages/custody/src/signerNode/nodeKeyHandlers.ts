// A signer node's key ceremonies: DKG, proactive refresh and repair of a lost share. Shares for
// other nodes leave pairwise-encrypted; the node's own new share is sealed to disk before it
// answers.
import type { CanonicalValue } from '@strongroom/core'
import { type FrostCiphersuite, getFrostCiphersuite } from '../frost/ciphersuites.js'
import { frostDkgFinish, frostDkgRound1, frostDkgRound2 } from '../frost/dkg.js'
import { FrostInputError } from '../frost/frostErrors.js'
import { parsePublicKeyPackage, serializePublicKeyPackage } from '../frost/keys.js'
import { frostRefreshFinish, frostRefreshRound1, frostRefreshRound2 } from '../frost/refresh.js'
import { frostRepairStep1, frostRepairStep2, frostRepairStep3 } from '../frost/repair.js'
import type { NodeEnvelope } from './envelope.js'
import type { NodeContext, Participant } from './nodeContext.js'
import { openFrom, sealFor } from './pairwise.js'
import { SignerNodeProtocolError } from './signerNodeErrors.js'
import {
  decodeDkgRound1,
  decodeRefreshRound1,
  encodeDkgRound1,
  encodeRefreshRound1,
  expectArray,
  expectInteger,
  expectRecord,
  expectString,
} from './wire.js'

/** Handles `dkg.*`, `refresh.*` and `repair.*`; `undefined` for any other type. */
export async function handleKeyRequest(
  ctx: NodeContext,
  request: NodeEnvelope,
  body: Record<string, unknown>,
): Promise<CanonicalValue | undefined> {
  const {
    nodeId,
    clock,
    audit,
    random,
    encryptionSecret,
    groups,
    saveGroup,
    dkgSessions,
    refreshSessions,
    repairSessions,
    me,
    parseParticipants,
    groupOf,
    peerKey,
  } = ctx
  /** The in-progress ceremony of this request's session, or a protocol error naming `sessionId`. */
  const sessionOf = <T>(sessions: Map<string, T>, what: string): T => {
    const session = sessions.get(request.sessionId)
    if (session === undefined)
      throw new SignerNodeProtocolError(`has no ${what} in progress`, {
        path: ['sessionId'],
        rule: 'wrong_session',
      })
    return session
  }
  /** Seals each scalar to its recipient under the pairwise key of this session and purpose. */
  const sealScalars = (
    participants: Participant[],
    purpose: string,
    suite: FrostCiphersuite,
    items: readonly { sender: number; recipient: number; scalar: bigint }[],
  ) =>
    items.map((item) => ({
      recipient: item.recipient,
      sealed: sealFor({
        secret: encryptionSecret,
        peer: peerKey(participants, item.recipient),
        sessionId: request.sessionId,
        from: String(item.sender),
        to: String(item.recipient),
        purpose,
        plaintext: suite.serializeScalar(item.scalar),
      }),
    }))
  /** Opens the scalars sealed to this node (`to`) in `body[field]`, each checked against its sender. */
  const openScalars = (
    field: 'shares' | 'deltas',
    participants: Participant[],
    purpose: string,
    suite: FrostCiphersuite,
    to: number,
  ) =>
    expectArray(body[field], ['body', field], 255).map((entry, i) => {
      const r = expectRecord(entry, ['body', field, i])
      const sender = expectInteger(r.sender, ['body', field, i, 'sender'], 1, 255)
      const plaintext = openFrom({
        secret: encryptionSecret,
        peer: peerKey(participants, sender),
        sessionId: request.sessionId,
        from: String(sender),
        to: String(to),
        purpose,
        sealed: r.sealed,
        path: ['body', field, i, 'sealed'],
      })
      return { sender, scalar: suite.deserializeScalar(plaintext, ['body', field, i]) }
    })
  switch (request.type) {
    case 'dkg.round1': {
      const suite: FrostCiphersuite = getFrostCiphersuite(body.ciphersuite, ['body', 'ciphersuite'])
      const participants = parseParticipants(body.participants, ['body', 'participants'])
      const threshold = expectInteger(body.threshold, ['body', 'threshold'], 2, participants.length)
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
      const session = sessionOf(dkgSessions, 'DKG')
      const suite = session.secret.suite
      const round1 = expectArray(body.round1, ['body', 'round1'], 255).map((p, i) =>
        decodeDkgRound1(suite, p, ['body', 'round1', i], session.secret.threshold),
      )
      const shares = frostDkgRound2({ secret: session.secret, round1Packages: round1 })
      return {
        shares: sealScalars(
          session.participants,
          'dkg-share',
          suite,
          shares.map((s) => ({ sender: s.sender, recipient: s.recipient, scalar: s.share })),
        ),
      }
    }
    case 'dkg.finish': {
      const session = sessionOf(dkgSessions, 'DKG')
      const suite = session.secret.suite
      const round1 = expectArray(body.round1, ['body', 'round1'], 255).map((p, i) =>
        decodeDkgRound1(suite, p, ['body', 'round1', i], session.secret.threshold),
      )
      const recipient = session.secret.identifier
      const received = openScalars(
        'shares',
        session.participants,
        'dkg-share',
        suite,
        recipient,
      ).map(({ sender, scalar }) => ({ sender, recipient, share: scalar }))
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
      const session = sessionOf(refreshSessions, 'refresh')
      const suite = session.secret.share.publicKeyPackage.ciphersuite
      return {
        deltas: sealScalars(
          session.participants,
          'refresh-delta',
          suite,
          frostRefreshRound2(session.secret).map((d) => ({
            sender: d.sender,
            recipient: d.recipient,
            scalar: d.delta,
          })),
        ),
      }
    }
    case 'refresh.finish': {
      const session = sessionOf(refreshSessions, 'refresh')
      const old = session.secret.share
      const suite = old.publicKeyPackage.ciphersuite
      const round1 = expectArray(body.round1, ['body', 'round1'], 255).map((p, i) =>
        decodeRefreshRound1(suite, p, ['body', 'round1', i], old.publicKeyPackage.threshold),
      )
      const deltas = openScalars(
        'deltas',
        session.participants,
        'refresh-delta',
        suite,
        old.identifier,
      ).map(({ sender, scalar }) => ({ sender, recipient: old.identifier, delta: scalar }))
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
        deltas: sealScalars(
          helpers,
          'repair-delta',
          suite,
          deltas.map((d) => ({ sender: d.sender, recipient: d.recipient, scalar: d.delta })),
        ),
      }
    }
    case 'repair.step2': {
      const session = sessionOf(repairSessions, 'repair')
      const { group, helpers, target } = session
      const suite = group.share.publicKeyPackage.ciphersuite
      const me_ = group.share.identifier
      const deltas = openScalars('deltas', helpers, 'repair-delta', suite, me_).map(
        ({ sender, scalar }) => ({ sender, recipient: me_, delta: scalar }),
      )
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
    default:
      return undefined
  }
}
