import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Netting } from './netting.js'

describe('Netting', () => {
  it('sums debits and credits per slot and lists touched slots by account id', () => {
    const accountIds = [30, 10, 20, 40]
    const netting = new Netting(4)
    netting.add(0, 1, 5n)
    netting.add(1, 2, 7n)
    netting.add(0, 2, 1n)
    const order = [1, 2, 0, 3]
    const sorted = netting.sorted(order, accountIds)
    expect(sorted.map((slot) => accountIds[slot])).toEqual([10, 20, 30])
    expect(netting.arrays(sorted, accountIds)).toEqual(['{10,20,30}', '{7,0,6}', '{5,8,0}'])
  })

  it('the sorted touched slots are the same on the linear and the sorting path (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 2, maxLength: 200 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.bigInt({ min: 1n, max: 10n ** 30n })), {
          maxLength: 60,
        }),
        (accountIds, legs) => {
          const n = accountIds.length
          const netting = new Netting(n)
          const total = new Map<number, bigint>()
          for (const [a, b, amount] of legs) {
            const debit = a % n
            const credit = b % n
            netting.add(debit, credit, amount)
            total.set(debit, (total.get(debit) ?? 0n) - amount)
            total.set(credit, (total.get(credit) ?? 0n) + amount)
          }
          const order = accountIds
            .map((_, slot) => slot)
            .sort((x, y) => accountIds[x]! - accountIds[y]!)
          const sorted = netting.sorted(order, accountIds)
          const ids = sorted.map((slot) => accountIds[slot]!)
          expect(ids).toEqual([...ids].sort((x, y) => x - y))
          expect(new Set(sorted)).toEqual(new Set(total.keys()))
          for (const slot of sorted) {
            expect(netting.credits[slot]! - netting.debits[slot]!).toBe(total.get(slot))
          }
          const [, debits, credits] = netting.arrays(sorted, accountIds)
          const sum = (literal: string) =>
            literal
              .slice(1, -1)
              .split(',')
              .filter(Boolean)
              .reduce((s, v) => s + BigInt(v), 0n)
          expect(sum(debits)).toBe(sum(credits))
        },
      ),
    )
  })

  it('the digest changes with any netted amount', () => {
    const a = Netting.digest(2, 't1', 't2', ['{1,2}', '{5,0}', '{0,5}'])
    expect(Netting.digest(2, 't1', 't2', ['{1,2}', '{5,0}', '{0,5}'])).toBe(a)
    expect(Netting.digest(2, 't1', 't2', ['{1,2}', '{6,0}', '{0,6}'])).not.toBe(a)
    expect(Netting.digest(2, 't1', 't3', ['{1,2}', '{5,0}', '{0,5}'])).not.toBe(a)
  })
})
