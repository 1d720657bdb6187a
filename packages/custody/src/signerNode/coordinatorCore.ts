// What the coordinator's operations share: signed calls to nodes, the group registry and the
// pools of nonce commitments fetched ahead of signing.
import type { CanonicalValue } from '@strongroom/core'
import type { SerializedFrostPublicKeyPackage } from '../frost/keys.js'
import type { SigningCommitments } from '../frost/signing.js'
import type { CoordinatedGroup } from './coordinator.js'
import type { WireCommitment } from './wire.js'

/**
 * A node's nonce commitment held by the coordinator until it is used: the decoded points and
 * the wire form the node sent (forwarded as is to the signers).
 */
export type PooledCommitment = {
  nonceId: string
  commitments: SigningCommitments
  wire: WireCommitment
}

/** The coordinator's internals, handed to its operations. */
export type CoordinatorCore = {
  readonly groups: Map<string, CoordinatedGroup>
  /** Keyed `${groupId}/${nodeId}`. */
  readonly pools: Map<string, PooledCommitment[]>
  readonly quarantined: Set<string>
  readonly info: Map<string, { encryptionKey: string }>
  /** Sends a signed request and returns the verified reply's body. @throws on refusal or no answer. */
  call(
    nodeId: string,
    sessionId: string,
    type: string,
    body: CanonicalValue,
  ): Promise<Record<string, unknown>>
  newSession(): string
  record(type: string, data: Record<string, CanonicalValue>): Promise<unknown>
  nodeInfo(nodeId: string): Promise<Record<string, unknown>>
  register(
    pkgs: Map<string, SerializedFrostPublicKeyPackage>,
    keyId: string,
    members: Map<number, string>,
  ): CoordinatedGroup
  /** Takes `needed` commitments of a node from the pool, fetching more when short. */
  commitments(group: CoordinatedGroup, nodeId: string, needed: number): Promise<PooledCommitment[]>
}

/** Every `size`-element subset of `items`, in order. */
export function* subsets<T>(
  items: readonly T[],
  size: number,
  start = 0,
  prefix: T[] = [],
): Generator<T[]> {
  if (prefix.length === size) {
    yield prefix
    return
  }
  for (let i = start; i <= items.length - (size - prefix.length); i++) {
    yield* subsets(items, size, i + 1, [...prefix, items[i]!])
  }
}
