import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type AuditRecord, createAuditRecord, hashAuditRecord } from './auditRecord.js'
import { verifyAuditChain } from './verifyAuditChain.js'

function buildChain(length: number): AuditRecord[] {
  const records: AuditRecord[] = []
  for (let i = 0; i < length; i++) {
    const previous = records[i - 1]
    records.push(
      createAuditRecord(previous && { seq: previous.seq, hash: previous.hash }, {
        time: 1_000 + i,
        type: 'test.event',
        actor: `user-${i % 3}`,
        data: { n: i, amount: BigInt(i) * 10n ** 20n },
      }),
    )
  }
  return records
}

const headOf = (records: readonly AuditRecord[]) => {
  const last = records[records.length - 1]!
  return { seq: last.seq, hash: last.hash }
}

function rehash(record: Omit<AuditRecord, 'hash'>): AuditRecord {
  return { ...record, hash: hashAuditRecord(record) }
}

type Tampering = { records: AuditRecord[]; index: number; problem: string }

/** Every kind of single tampering, with where verification must point. */
const tamperings = (chain: AuditRecord[]) => {
  const n = chain.length
  const position = fc.integer({ min: 0, max: n - 1 })
  const forgedFields = fc.constantFrom('data', 'actor', 'time', 'type', 'seq', 'prevHash')
  return fc.oneof(
    // Edit one field without fixing the hash.
    fc.tuple(position, forgedFields).map(([i, field]): Tampering => {
      const records = [...chain]
      const r = records[i]!
      const value =
        field === 'data'
          ? { n: -1 }
          : field === 'time' || field === 'seq'
            ? r[field] + 7
            : field === 'prevHash'
              ? 'f'.repeat(64)
              : `${r[field]}x`
      records[i] = { ...r, [field]: value }
      return { records, index: i, problem: 'edited' }
    }),
    // Edit and re-hash the record (the attacker recomputes its own hash).
    position.map((i): Tampering => {
      const records = [...chain]
      const { hash: _hash, ...rest } = records[i]!
      records[i] = rehash({ ...rest, data: { n: 'forged' } })
      return { records, index: i, problem: 'edited' }
    }),
    // Delete one record.
    position.map((i): Tampering => {
      const records = chain.filter((_, k) => k !== i)
      return { records, index: i, problem: i === n - 1 ? 'truncated' : 'deleted' }
    }),
    // Swap two neighbours.
    fc.integer({ min: 0, max: n - 2 }).map((i): Tampering => {
      const records = [...chain]
      ;[records[i], records[i + 1]] = [records[i + 1]!, records[i]!]
      return { records, index: i, problem: 'reordered' }
    }),
    // Insert a duplicate of an existing record.
    fc.tuple(position, fc.integer({ min: 0, max: n })).map(([from, at]): Tampering => {
      const records = [...chain]
      records.splice(at, 0, chain[from]!)
      // A copy placed right after its original is caught where it sits; elsewhere likewise.
      return { records, index: at === from ? at + 1 : at, problem: 'inserted' }
    }),
    // Insert a well-formed forgery that links to its predecessor and takes the next seq.
    fc.integer({ min: 0, max: n }).map((at): Tampering => {
      const records = [...chain]
      const before = records[at - 1]
      const forged = createAuditRecord(before && { seq: before.seq, hash: before.hash }, {
        time: 5,
        type: 'forged',
        actor: 'mallory',
        data: null,
      })
      records.splice(at, 0, forged)
      return { records, index: at, problem: 'inserted' }
    }),
    // Insert a self-consistent record with an arbitrary seq and link.
    fc
      .tuple(fc.integer({ min: 0, max: n }), fc.integer({ min: 1, max: n + 5 }))
      .map(([at, seq]): Tampering => {
        const records = [...chain]
        records.splice(
          at,
          0,
          rehash({ seq, time: 1, type: 'x', actor: 'y', data: 1, prevHash: 'a'.repeat(64) }),
        )
        return { records, index: at, problem: 'inserted' }
      }),
    // Truncate the tail.
    fc.integer({ min: 1, max: n }).map(
      (k): Tampering => ({
        records: chain.slice(0, n - k),
        index: n - k,
        problem: 'truncated',
      }),
    ),
  )
}

describe('verifyAuditChain', () => {
  it('accepts an intact chain and reports its head', () => {
    const chain = buildChain(20)
    expect(verifyAuditChain(chain)).toEqual({ ok: true, count: 20, head: headOf(chain) })
    expect(verifyAuditChain(chain, { head: headOf(chain) }).ok).toBe(true)
    expect(verifyAuditChain([])).toEqual({ ok: true, count: 0, head: undefined })
  })

  it('verifies a segment that starts after an anchor', () => {
    const chain = buildChain(10)
    const from = { seq: chain[4]!.seq, hash: chain[4]!.hash }
    expect(verifyAuditChain(chain.slice(5), { from, head: headOf(chain) }).ok).toBe(true)
    expect(verifyAuditChain(chain.slice(6), { from })).toMatchObject({
      ok: false,
      problem: 'deleted',
      index: 0,
    })
  })

  it('detects any single tampering at the right record (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 30 }).chain((n) => {
          const chain = buildChain(n)
          return fc.tuple(fc.constant(chain), tamperings(chain))
        }),
        ([chain, tampering]) => {
          const result = verifyAuditChain(tampering.records, { head: headOf(chain) })
          expect(result).toMatchObject({
            ok: false,
            index: tampering.index,
            problem: tampering.problem,
          })
        },
      ),
      { numRuns: 3_000 },
    )
  })

  it('names what was deleted and where', () => {
    const chain = buildChain(6)
    const result = verifyAuditChain([...chain.slice(0, 2), ...chain.slice(4)])
    expect(result).toEqual({
      ok: false,
      index: 2,
      seq: 3,
      problem: 'deleted',
      message: 'records seq 3 to 4 are missing.',
    })
  })

  it('reports malformed records', () => {
    const chain = buildChain(3) as unknown[]
    chain[1] = { seq: 2, hello: 'world' }
    expect(verifyAuditChain(chain as AuditRecord[])).toMatchObject({
      ok: false,
      index: 1,
      problem: 'malformed',
    })
  })
})
