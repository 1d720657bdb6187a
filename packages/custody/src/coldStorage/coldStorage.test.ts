import { createManualClock, createMemoryAuditSink, openAuditLog } from '@strongroom/core'
import { describe, expect, it } from 'vitest'
import { openColdCeremony } from './ceremony.js'
import {
  coldShareChecksum,
  formatColdShare,
  parseColdShare,
  recoverColdSecret,
  sealColdSecret,
} from './coldSecret.js'
import {
  ColdCeremonyRefusedError,
  ColdCommitmentMismatchError,
  ColdShareCorruptedError,
  ColdShareDuplicateError,
  ColdShareForeignError,
  ColdShareMalformedError,
  ColdTooFewSharesError,
} from './coldStorageErrors.js'

const secret = new TextEncoder().encode(
  'abandon abandon abandon … about (BIP-39 seed of the BTC cold wallet)',
)

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

describe('cold storage: seal and recover', () => {
  it('recovers from any 3 of 5 and names what it used', async () => {
    const { vault, shares } = await sealColdSecret({
      secret,
      threshold: 3,
      total: 5,
      setId: 'btc-cold-2026',
    })
    expect(shares.map((s) => s.index)).toEqual([1, 2, 3, 4, 5])
    for (const pick of [
      [0, 1, 2],
      [0, 2, 4],
      [2, 3, 4],
      [1, 3, 4],
    ]) {
      const { secret: out, usedIndexes } = await recoverColdSecret({
        vault,
        shares: pick.map((i) => shares[i]!),
      })
      expect(new TextDecoder().decode(out)).toBe(new TextDecoder().decode(secret))
      expect(usedIndexes).toEqual(pick.map((i) => i + 1))
    }
    expect(vault.ciphertext).not.toContain(Buffer.from(secret).toString('hex').slice(0, 16))
  })

  it('text shares round-trip and a mistyped character is caught by the checksum', async () => {
    const { vault, shares } = await sealColdSecret({
      secret,
      threshold: 2,
      total: 3,
      setId: 'eth-cold-1',
    })
    const line = formatColdShare(shares[1]!)
    expect(line).toMatch(/^srcs1-eth\.cold\.1-2-2-3-[0-9a-f]{66}-[0-9a-f]{16}$/)
    expect(parseColdShare(line)).toEqual(shares[1])
    const parts = line.split('-')
    const data = parts[5]!
    parts[5] = (data[0] === 'a' ? 'b' : 'a') + data.slice(1)
    const error = await caught(
      recoverColdSecret({ vault, shares: [formatColdShare(shares[0]!), parts.join('-')] }),
    )
    expect(error).toBeInstanceOf(ColdShareCorruptedError)
    expect((error as ColdShareCorruptedError).index).toBe(2)
  })

  it('refuses too few, duplicate, foreign and malformed shares with typed errors', async () => {
    const { vault, shares } = await sealColdSecret({
      secret,
      threshold: 3,
      total: 5,
      setId: 'set-a',
    })
    const other = await sealColdSecret({ secret, threshold: 3, total: 5, setId: 'set-b' })
    const few = await caught(recoverColdSecret({ vault, shares: shares.slice(0, 2) }))
    expect(few).toBeInstanceOf(ColdTooFewSharesError)
    expect((few as ColdTooFewSharesError).threshold).toBe(3)
    const dup = await caught(
      recoverColdSecret({ vault, shares: [shares[0]!, shares[1]!, shares[1]!] }),
    )
    expect(dup).toBeInstanceOf(ColdShareDuplicateError)
    const foreign = await caught(
      recoverColdSecret({ vault, shares: [shares[0]!, shares[1]!, other.shares[2]!] }),
    )
    expect(foreign).toBeInstanceOf(ColdShareForeignError)
    expect((foreign as ColdShareForeignError).setId).toBe('set-b')
    const malformed = await caught(
      recoverColdSecret({
        vault,
        shares: [formatColdShare(shares[0]!), 'srcs1-set.a-2-3-5-zz-00'],
      }),
    )
    expect(malformed).toBeInstanceOf(ColdShareMalformedError)
    expect((malformed as ColdShareMalformedError).path).toEqual(['shares', 1, 'data'])
  })

  it('a forged share with a valid checksum never yields a wrong secret, and is named when there are spares', async () => {
    const { vault, shares } = await sealColdSecret({
      secret,
      threshold: 3,
      total: 5,
      setId: 'set-forge',
    })
    const data = Uint8Array.from(shares[2]!.data)
    data[0]! ^= 0xff
    const unsigned = { ...shares[2]!, data }
    // The checksum is public (it catches damage, not forgery): a forger recomputes it.
    const forged = { ...unsigned, checksum: coldShareChecksum(unsigned) }
    expect(parseColdShare(formatColdShare(forged)).index).toBe(3)
    const exact = await caught(
      recoverColdSecret({ vault, shares: [shares[0]!, shares[1]!, forged] }),
    )
    expect(exact).toBeInstanceOf(ColdCommitmentMismatchError)
    const spare = await recoverColdSecret({
      vault,
      shares: [shares[0]!, forged, shares[1]!, shares[4]!],
    })
    expect(new TextDecoder().decode(spare.secret)).toBe(new TextDecoder().decode(secret))
    expect(spare.badIndexes).toEqual([3])
  })
})

describe('cold storage ceremony', () => {
  it('splits, loses two shares, recombines from three, refuses a corrupted one; every step is audited', async () => {
    const clock = createManualClock(1_800_000_000_000)
    const sink = createMemoryAuditSink()
    const audit = await openAuditLog({ sink, clock })
    const custodians = ['alice', 'bob', 'carol', 'dave', 'erin']
    const split = await openColdCeremony({
      audit,
      ceremonyId: 'cer-1',
      purpose: 'split',
      reason: 'new BTC cold seed',
      custodians,
      witnesses: ['wendy'],
    })
    for (const person of [...custodians, 'wendy']) await split.checkIn(person)
    const { vault, shares } = await split.split({
      secret,
      setId: 'btc-cold-3',
      threshold: 3,
      holders: custodians,
    })
    await split.attest('wendy', 'five shares printed and handed over, sealed in envelopes')
    await split.close()

    // Two shares are lost (bob's and dave's); carol's is damaged in storage.
    const recover = await openColdCeremony({
      audit,
      ceremonyId: 'cer-2',
      purpose: 'recover',
      reason: 'sweep cold to hot',
      custodians,
      witnesses: ['wendy'],
    })
    for (const person of ['alice', 'carol', 'erin', 'wendy']) await recover.checkIn(person)
    const carolLine = formatColdShare(shares.get('carol')!)
    const damaged = `${carolLine.slice(0, -1)}${carolLine.endsWith('0') ? '1' : '0'}`
    await expect(recover.presentShare('carol', damaged)).rejects.toBeInstanceOf(
      ColdShareCorruptedError,
    )
    await expect(recover.recover(vault)).rejects.toBeInstanceOf(ColdTooFewSharesError)
    await recover.presentShare('alice', formatColdShare(shares.get('alice')!))
    await recover.presentShare('carol', carolLine) // carol re-types it correctly
    await expect(
      recover.presentShare('bob', formatColdShare(shares.get('bob')!)),
    ).rejects.toBeInstanceOf(ColdCeremonyRefusedError)
    await recover.presentShare('erin', shares.get('erin')!)
    const out = await recover.recover(vault)
    expect(new TextDecoder().decode(out)).toBe(new TextDecoder().decode(secret))
    await expect(recover.close()).rejects.toBeInstanceOf(ColdCeremonyRefusedError)
    await recover.attest('wendy', 'recovered from alice, carol, erin')
    await recover.close()

    const verification = await audit.verify({ head: audit.head() })
    expect(verification.ok).toBe(true)
    const records = []
    for await (const r of sink.read()) records.push(r)
    const steps = records.map((r) => r.type.replace('custody.cold_ceremony.', ''))
    expect(steps).toEqual([
      'opened',
      ...Array(6).fill('checked_in'),
      'sealed',
      ...Array(5).fill('share_issued'),
      'attested',
      'closed',
      'opened',
      ...Array(4).fill('checked_in'),
      'share_rejected',
      'recovery_failed',
      'share_presented',
      'share_presented',
      'refused',
      'share_presented',
      'recovered',
      'refused',
      'attested',
      'closed',
    ])
    const text = JSON.stringify(records, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))
    for (const share of shares.values())
      expect(text).not.toContain(Buffer.from(share.data).toString('hex'))
    expect(text).not.toContain(Buffer.from(secret).toString('hex'))
  })
})
