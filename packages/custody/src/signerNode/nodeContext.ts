// Shared state of a signer node's request handlers.
import type { AuditLog, Clock } from '@strongroom/core'
import type { AuthorizationTrust } from '../authorization/verifyAuthorization.js'
import type { RandomBytes } from '../frost/bytes.js'
import type { DkgRound1Secret } from '../frost/dkg.js'
import type { FrostKeyShare } from '../frost/keys.js'
import type { RefreshRound1Secret } from '../frost/refresh.js'
import type { NonceLog } from './nonceLog.js'

/** A group share the node holds, with the key id authorizations name. */
export type Group = { share: FrostKeyShare; keyId: string }
/** A participant of a ceremony: identifier, node id and X25519 key (hex). */
export type Participant = { identifier: number; nodeId: string; encryptionKey: string }

/** What the handlers share. */
export type NodeContext = {
  readonly nodeId: string
  readonly clock: Clock
  readonly audit: AuditLog | undefined
  readonly random: RandomBytes
  readonly encryptionSecret: Uint8Array
  readonly nonces: NonceLog
  readonly groups: Map<string, Group>
  readonly trust: Omit<AuthorizationTrust, 'nonces' | 'clock'>
  readonly faultInjection: 'corrupt-signature-shares' | undefined
  saveGroup(group: Group): void
  readonly dkgSessions: Map<
    string,
    { secret: DkgRound1Secret; participants: Participant[]; keyId: string; at: number }
  >
  readonly refreshSessions: Map<
    string,
    { secret: RefreshRound1Secret; participants: Participant[]; at: number }
  >
  readonly repairSessions: Map<
    string,
    { group: Group; helpers: Participant[]; target: Participant; at: number }
  >
  /** This node's entry in a participant list (checks its encryption key). */
  me(participants: Participant[], path: (string | number)[]): Participant
  parseParticipants(v: unknown, path: (string | number)[]): Participant[]
  /** The group named by a request field. @throws {FrostGroupMismatchError} when not held. */
  groupOf(v: unknown, path: (string | number)[]): Group
  peerKey(participants: Participant[], identifier: number): Uint8Array
}
