// A cold-storage ceremony: who was in the room (custodians and witnesses), and every step —
// check-ins, splitting, issuing shares, presenting shares (accepted or refused, and why),
// recovery, witness attestations — written to core's hash-chained audit log. The audit records
// carry set ids, indexes, checksums and commitments, never share data or secrets.
import { type AuditLog, isStrongroomError } from '@strongroom/core'
import {
  type ColdShare,
  type ColdVault,
  parseColdShare,
  recoverColdSecret,
  sealColdSecret,
} from './coldSecret.js'
import { ColdCeremonyRefusedError } from './coldStorageErrors.js'

/** Ceremony purposes. `recover` also covers moving funds out of cold storage (cold → hot). */
export type ColdCeremonyPurpose = 'split' | 'recover'

/** Options of {@link openColdCeremony}. */
export type OpenColdCeremonyParameters = {
  audit: AuditLog
  ceremonyId: string
  purpose: ColdCeremonyPurpose
  /** What the ceremony is for, recorded verbatim (e.g. "rotate BTC cold seed"). */
  reason: string
  custodians: readonly string[]
  witnesses: readonly string[]
  /** Witnesses that must attend and attest (default 1). */
  minWitnesses?: number | undefined
}

/** A running ceremony. Every method appends to the audit log before it returns. */
export type ColdCeremony = {
  readonly ceremonyId: string
  readonly purpose: ColdCeremonyPurpose
  /** Records that a custodian or witness is present (identity checked by the operator). */
  checkIn(person: string): Promise<void>
  /** Split ceremony: seals `secret`, issues share `i` to `holders[i-1]`. */
  split(parameters: {
    secret: Uint8Array
    setId: string
    threshold: number
    holders: readonly string[]
    label?: string
  }): Promise<{ vault: ColdVault; shares: ReadonlyMap<string, ColdShare> }>
  /** Recover ceremony: a custodian presents its share (parsed and checked; refusals are audited). */
  presentShare(custodian: string, share: string | ColdShare): Promise<void>
  /** Recover ceremony: recombines the accepted shares against the vault. */
  recover(vault: ColdVault): Promise<Uint8Array>
  /** A witness attests to what happened. */
  attest(witness: string, statement: string): Promise<void>
  /** Closes the ceremony; needs `minWitnesses` attestations. */
  close(): Promise<void>
}

/**
 * Opens a ceremony and records its participants.
 * @throws {ColdCeremonyRefusedError} when a step is out of order or by someone not registered.
 */
export async function openColdCeremony(
  parameters: OpenColdCeremonyParameters,
): Promise<ColdCeremony> {
  const { audit, ceremonyId, purpose, custodians, witnesses } = parameters
  const minWitnesses = parameters.minWitnesses ?? 1
  if (custodians.length === 0) throw new ColdCeremonyRefusedError('no custodians')
  if (witnesses.length < minWitnesses)
    throw new ColdCeremonyRefusedError('not enough witnesses registered')
  if (new Set([...custodians, ...witnesses]).size !== custodians.length + witnesses.length) {
    throw new ColdCeremonyRefusedError(
      'a person is listed twice (custodian and witness must differ)',
    )
  }
  const present = new Set<string>()
  const attested = new Set<string>()
  const accepted = new Map<number, ColdShare>()
  let state: 'open' | 'done' | 'closed' = 'open'
  const type = (step: string) => `custody.cold_ceremony.${step}`
  const record = (
    step: string,
    actor: string,
    data: Record<string, string | number | boolean | string[] | number[]>,
  ) => audit.append({ type: type(step), actor, data: { ceremonyId, purpose, ...data } })

  const refuse = async (actor: string, reason: string): Promise<never> => {
    await record('refused', actor, { reason })
    throw new ColdCeremonyRefusedError(reason)
  }

  await record('opened', 'operator', {
    reason: parameters.reason,
    custodians: [...custodians],
    witnesses: [...witnesses],
    minWitnesses,
  })

  const presentWitnesses = () => witnesses.filter((w) => present.has(w)).length

  return {
    ceremonyId,
    purpose,
    async checkIn(person) {
      if (state === 'closed') await refuse(person, 'ceremony is closed')
      if (!custodians.includes(person) && !witnesses.includes(person))
        await refuse(person, `${person} is not registered`)
      present.add(person)
      await record('checked_in', person, {
        role: custodians.includes(person) ? 'custodian' : 'witness',
      })
    },
    async split({ secret, setId, threshold, holders, label }) {
      if (purpose !== 'split') await refuse('operator', 'not a split ceremony')
      if (state !== 'open') await refuse('operator', 'split already done or ceremony closed')
      if (presentWitnesses() < minWitnesses) await refuse('operator', 'witnesses not present')
      for (const holder of holders) {
        if (!custodians.includes(holder) || !present.has(holder))
          await refuse('operator', `holder ${holder} is not a present custodian`)
      }
      if (new Set(holders).size !== holders.length)
        await refuse('operator', 'a holder is listed twice')
      const { vault, shares } = await sealColdSecret({
        secret,
        setId,
        threshold,
        total: holders.length,
        label,
      })
      await record('sealed', 'operator', {
        setId,
        threshold,
        total: holders.length,
        keyCommitment: vault.keyCommitment,
        secretCommitment: vault.secretCommitment,
      })
      const byHolder = new Map<string, ColdShare>()
      for (const [i, holder] of holders.entries()) {
        const share = shares[i]!
        byHolder.set(holder, share)
        await record('share_issued', holder, {
          setId,
          index: share.index,
          checksum: share.checksum,
        })
      }
      state = 'done'
      return { vault, shares: byHolder }
    },
    async presentShare(custodian, input) {
      if (purpose !== 'recover') await refuse(custodian, 'not a recover ceremony')
      if (state !== 'open') await refuse(custodian, 'recovery already done or ceremony closed')
      if (!custodians.includes(custodian) || !present.has(custodian))
        await refuse(custodian, `${custodian} is not a present custodian`)
      let share: ColdShare
      try {
        share = typeof input === 'string' ? parseColdShare(input) : input
      } catch (error) {
        await record('share_rejected', custodian, {
          code: isStrongroomError(error) ? error.code : 'UNKNOWN',
        })
        throw error
      }
      if (accepted.has(share.index)) {
        await record('share_rejected', custodian, {
          index: share.index,
          code: 'CUSTODY_COLD_SHARE_DUPLICATE',
        })
        await refuse(custodian, `share ${share.index} was already presented`)
      }
      accepted.set(share.index, share)
      await record('share_presented', custodian, {
        setId: share.setId,
        index: share.index,
        checksum: share.checksum,
      })
    },
    async recover(vault) {
      if (purpose !== 'recover') await refuse('operator', 'not a recover ceremony')
      if (state !== 'open') await refuse('operator', 'recovery already done or ceremony closed')
      if (presentWitnesses() < minWitnesses) await refuse('operator', 'witnesses not present')
      try {
        const result = await recoverColdSecret({ vault, shares: [...accepted.values()] })
        await record('recovered', 'operator', {
          setId: vault.setId,
          usedIndexes: result.usedIndexes,
          badIndexes: result.badIndexes,
          keyCommitment: vault.keyCommitment,
        })
        state = 'done'
        return result.secret
      } catch (error) {
        await record('recovery_failed', 'operator', {
          setId: vault.setId,
          code: isStrongroomError(error) ? error.code : 'UNKNOWN',
          presented: [...accepted.keys()].sort((a, b) => a - b),
        })
        throw error
      }
    },
    async attest(witness, statement) {
      if (!witnesses.includes(witness) || !present.has(witness))
        await refuse(witness, `${witness} is not a present witness`)
      attested.add(witness)
      await record('attested', witness, { statement })
    },
    async close() {
      if (state === 'closed') await refuse('operator', 'already closed')
      if (attested.size < minWitnesses) await refuse('operator', 'not enough witness attestations')
      state = 'closed'
      await record('closed', 'operator', { attestedBy: [...attested] })
    },
  }
}
